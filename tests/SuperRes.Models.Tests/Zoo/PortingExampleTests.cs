namespace SuperRes.Models.Tests.Zoo;

// The code of docs/porting.md, verbatim: VDSR (Kim et al. 2016) as pytorch-vdsr (twtygqyy) defines it,
// ported with the Module API. Keep the two in step: the doc quotes this file.

// --8<-- [start:vdsr]
/// <summary>pytorch-vdsr's <c>Conv_ReLU_Block</c>: a bias-free 3×3 conv and a ReLU. State key: <c>conv.weight</c>.</summary>
public sealed class ConvReluBlock : Module
{
    private readonly Conv2d _conv;

    public ConvReluBlock(Device device, int features) : base(device)
    {
        _conv = Register("conv", new Conv2d(device, features, features, 3, bias: false));
    }

    protected override Tensor ForwardCore(Tensor x)
    {
        using var c = _conv.Forward(x);     // intermediates are disposed; autograd keeps what it needs
        return Ops.Relu(c);
    }
}

/// <summary>
/// VDSR: Y channel in [0, 1], input already upscaled by bicubic; <c>input</c> conv + ReLU, 18 conv-ReLU
/// blocks, <c>output</c> conv, plus the input (residual learning). Keys <c>residual_layer.{i}.conv.weight</c>,
/// <c>input.weight</c>, <c>output.weight</c>, registered in the same order as in PyTorch.
/// </summary>
public sealed class Vdsr : SrNetwork
{
    private readonly Sequential _residualLayer;
    private readonly Conv2d _input;
    private readonly Conv2d _output;

    public Vdsr(Device device, int scale, int blocks = 18, int features = 64)
        : base(device, "vdsr", scale, ModelOptions.Empty)
    {
        Blocks = blocks;
        _residualLayer = Register("residual_layer", new Sequential(device,
            Enumerable.Range(0, blocks).Select(_ => (Module)new ConvReluBlock(device, features))));
        _input = Register("input", new Conv2d(device, 1, features, 3, bias: false));
        _output = Register("output", new Conv2d(device, features, 1, 3, bias: false));
    }

    public int Blocks { get; }

    public override NetworkCapabilities Capabilities { get; } =
        new(ColorConvention.Y01, [2, 3, 4]) { NeedsPreUpsampledInput = true };

    // One pixel per 3×3 conv: input, the blocks, output.
    public override int ReceptiveRadius => Blocks + 2;

    protected override Tensor ForwardCore(Tensor x)
    {
        using var first = _input.Forward(x);
        using var act = Ops.Relu(first);
        using var body = _residualLayer.Forward(act);
        using var residual = _output.Forward(body);
        return Ops.Add(residual, x);
    }
}
// --8<-- [end:vdsr]

/// <summary>The porting example loads a checkpoint saved by PyTorch and reproduces PyTorch's output and gradients.</summary>
[Collection(NetworkCollection.Name)]
public sealed class PortingExampleTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("cpu")]
    [InlineData("opencl")]
    public void VdsrPortLoadsThePyTorchCheckpointAndMatchesIt(string deviceName)
    {
        var device = TestDevices.ByName(deviceName, output);
        if (device is null)
            return;
        var porting = ModelFixtures.Root.GetProperty("porting");
        string path = ModelFixtures.PathOf(porting.GetProperty("file").GetString()!);
        var io = Safetensors.Read(ModelFixtures.PathOf(porting.GetProperty("io").GetString()!)).Tensors;

        // --8<-- [start:load]
        using var net = new Vdsr(device, scale: 2, blocks: 3, features: 8);
        var checkpoint = WeightFiles.Load(path);                 // zip or legacy .pt, or safetensors
        var report = net.LoadStateDict(checkpoint.Tensors);      // strict: throws listing every key that does not fit
        net.Eval();
        // --8<-- [end:load]
        Assert.True(report.IsComplete);
        Assert.Equal(3 * 8 * 8 * 9 + 8 * 9 + 8 * 9, net.ParameterCount());

        using var x = ModelFixtures.ToDevice(device, io["input"]);
        using var target = ModelFixtures.ToDevice(device, io["target"]);
        try
        {
            using var recording = Module.RecordInEvalMode(); // PyTorch's gradients were taken in eval mode
            using var y = net.Forward(x);
            ModelFixtures.AssertClose(y, io["output"], ZooFixtureTests.OutputTolerance, $"vdsr output ({deviceName})");
            using var loss = Ops.L1Loss(y, target);
            loss.Backward();
            foreach (var (name, p) in net.NamedParameters())
                ModelFixtures.AssertClose(p.Grad ?? throw new Xunit.Sdk.XunitException($"no gradient for {name}"),
                    io["grad." + name], ZooFixtureTests.GradientTolerance, $"vdsr grad {name} ({deviceName})");
        }
        finally
        {
            Tape.Clear();
        }
    }

    /// <summary>docs/porting.md quotes the marked regions of this file and of the example plugin verbatim (modulo indentation).</summary>
    [Theory]
    [InlineData("SuperRes.Models.Tests/Zoo/PortingExampleTests.cs", "vdsr")]
    [InlineData("SuperRes.Models.Tests/Zoo/PortingExampleTests.cs", "load")]
    [InlineData("SuperRes.ExamplePlugin/ExampleNetworks.cs", "plugin")]
    public void PortingDocQuotesThisFile(string file, string region)
    {
        string root = Path.GetFullPath(Path.Combine(ModelFixtures.Dir, "..", "..", ".."));
        string source = File.ReadAllText(Path.Combine(root, "tests", file));
        string doc = File.ReadAllText(Path.Combine(root, "docs", "porting.md")).Replace("\r\n", "\n");
        string start = $"// --8<-- [start:{region}]", end = $"// --8<-- [end:{region}]";
        int a = source.IndexOf(start, StringComparison.Ordinal), b = source.IndexOf(end, StringComparison.Ordinal);
        Assert.True(a >= 0 && b > a, $"markers of region '{region}' not found");
        var lines = source[(source.IndexOf('\n', a) + 1)..b].Replace("\r\n", "\n").TrimEnd().Split('\n');
        int indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        string snippet = string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
        Assert.True(doc.Contains(snippet, StringComparison.Ordinal),
            $"docs/porting.md no longer quotes region '{region}' of {file}; paste it again:\n{snippet}");
    }

    [Fact]
    public void VdsrStateKeysAreThoseOfPyTorch()
    {
        using var net = new Vdsr(TestDevices.Cpu, scale: 2, blocks: 2, features: 4);
        Assert.Equal(
            ["residual_layer.0.conv.weight", "residual_layer.1.conv.weight", "input.weight", "output.weight"],
            net.StateDict().Keys.ToArray());
    }
}
