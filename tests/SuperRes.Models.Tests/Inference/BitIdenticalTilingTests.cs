using SuperRes.Runtime.Profiling;

namespace SuperRes.Models.Tests.Inference;

/// <summary>
/// On the cpu backend a tiled upscale gives the untiled one's bits, not just values within rounding: for zoo
/// networks at widths that take the fast paths (FSRCNN's transposed convolution, 3×3 layers of 64 channels that
/// run by Winograd, whose rounding depends on the 4×4 tile grid), random weights, odd image sizes and tiles that
/// divide neither side, every float of the network's output is compared bitwise. The default tiling may then pick
/// any tile size without changing a pixel.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class BitIdenticalTilingTests(ITestOutputHelper output)
{
    private const int LrHeight = 45, LrWidth = 67;
    private static readonly int[] Tiles = [13, 24, 40];

    public static TheoryData<string, int, string> Cases() => new()
    {
        { "fsrcnn", 2, "d=56,s=12,m=4" },
        { "fsrcnn", 3, "d=56,s=12,m=4" },
        { "edsr-baseline", 2, "blocks=2,features=64" },
        { "edsr-baseline", 3, "blocks=4,features=48" },
        { "edsr-baseline", 4, "blocks=1,features=64" },
        { "srresnet", 2, "blocks=1,features=64" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Tiled_output_has_the_untiled_bits(string name, int scale, string options)
    {
        Models.Modules.Init.Seed(3);
        using var network = ModelZoo.Create(TestDevices.Cpu, name, scale, ModelOptions.Parse(options));
        network.Eval();
        var input = InferenceTestNetworks.RandomInput(network, LrHeight, LrWidth);
        var untiled = new Upscaler(network).UpscalePlanes(input); // small image: one piece
        foreach (int tile in Tiles)
        {
            var tiled = new Upscaler(network, new UpscaleOptions { Tile = tile }).UpscalePlanes(input);
            int differing = Enumerable.Range(0, untiled.Data.Length)
                .Count(i => BitConverter.SingleToInt32Bits(untiled.Data[i]) != BitConverter.SingleToInt32Bits(tiled.Data[i]));
            output.WriteLine($"{name} x{scale} ({options}), tile {tile}: {differing} of {untiled.Data.Length} floats differ");
            Assert.Equal(0, differing);
        }
    }

    // CUDA and OpenCL run the same Winograd for the same layers (kernels/conv2d_winograd.cl): the same context and
    // alignment give their untiled bits too.
    [Fact]
    public void Tiled_edsr_on_opencl_has_the_untiled_bits()
    {
        var device = TestDevices.ByName("opencl", output);
        if (device is null)
            return;
        Models.Modules.Init.Seed(3);
        using var network = ModelZoo.Create(device, "edsr-baseline", 2, ModelOptions.Parse("blocks=2,features=64"));
        network.Eval();
        var input = InferenceTestNetworks.RandomInput(network, LrHeight, LrWidth);
        var untiled = new Upscaler(network).UpscalePlanes(input);
        var tiled = new Upscaler(network, new UpscaleOptions { Tile = 24 }).UpscalePlanes(input);
        int differing = Enumerable.Range(0, untiled.Data.Length)
            .Count(i => BitConverter.SingleToInt32Bits(untiled.Data[i]) != BitConverter.SingleToInt32Bits(tiled.Data[i]));
        output.WriteLine($"edsr-baseline x2 on opencl, tile 24: {differing} of {untiled.Data.Length} floats differ");
        Assert.Equal(0, differing);
    }

    // The bits above must come from the fast path, not from a slower position-independent one: EDSR's upsampler
    // convolution stores its output pixel-shuffled only when it runs by Winograd.
    [Theory]
    [InlineData(2, "blocks=2,features=64")]
    [InlineData(3, "blocks=4,features=48")]
    public void Tiled_edsr_runs_its_wide_layers_by_winograd(int scale, string options)
    {
        Models.Modules.Init.Seed(3);
        using var network = ModelZoo.Create(TestDevices.Cpu, "edsr-baseline", scale, ModelOptions.Parse(options));
        network.Eval();
        Assert.Equal(ConvolutionTiling.ContextRadius(network.ReceptiveRadius), network.ExactTileContext);
        var input = InferenceTestNetworks.RandomInput(network, LrHeight, LrWidth);
        using var profiler = new Profiler(TestDevices.Cpu);
        new Upscaler(network, new UpscaleOptions { Tile = 24 }).UpscalePlanes(input);
        var names = profiler.Collect().Select(sample => sample.Name).ToList();
        Assert.Contains(names, name => name.StartsWith("conv2d_forward 3x3", StringComparison.Ordinal) && name.Contains($"+shuffle{scale}", StringComparison.Ordinal));
    }
}
