using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using SuperRes.Models.Networks;
using SuperRes.Models.Weights;
using SuperRes.Runtime;
using SuperRes.Tensors;
using SuperRes.Tensors.Autograd;

namespace SuperRes.Benchmarks;

/// <summary>
/// Our <c>cpu</c> backend against ONNX Runtime (CPU execution provider, 2 intra-op threads) on the same forward
/// passes (<see cref="PeerModel.All"/>) with the same weights and input, in one run. ONNX Runtime is the
/// baseline, so the Ratio column is our time / ONNX Runtime's. Setup refuses to time when the outputs differ
/// by more than 1e-4 relative to the largest output magnitude. Run benchmarks/peers.sh (exports, builds, runs).
/// </summary>
public class PeerBenchmarks
{
    private const double Tolerance = 1e-4;

    private Device _device = null!;
    private SrNetwork _network = null!;
    private Tensor _input = null!;
    private InferenceSession _session = null!;
    private OrtValue _ortInput = null!;
    private string _ortInputName = "";
    private RunOptions _runOptions = null!;

    public static IEnumerable<string> Workloads => PeerModel.All.Select(m => m.Name);

    [ParamsSource(nameof(Workloads))]
    public string Workload { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var model = PeerModel.Named(Workload);
        foreach (var file in new[] { model.WeightsPath, model.OnnxPath })
            if (!File.Exists(file))
                throw new FileNotFoundException($"{file} is missing: run benchmarks/peers.sh (it exports the weights and the ONNX files)");
        _device = Devices.Open("cpu");
        _network = NetworkWeights.Load(_device, model.WeightsPath, model.Architecture, model.Scale).Network;
        _network.Train(false);
        float[] input = model.RandomInput();
        _input = Tensor.FromArray(_device, model.Input, input);

        using var options = new SessionOptions
        {
            IntraOpNumThreads = 2,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(model.OnnxPath, options);
        _ortInputName = _session.InputNames.Single();
        _ortInput = OrtValue.CreateTensorValueFromMemory(input, model.Input.Select(d => (long)d).ToArray());
        _runOptions = new RunOptions();

        CheckAgreement(model);
    }

    [Benchmark(Baseline = true)]
    public void OnnxRuntime()
    {
        using var outputs = _session.Run(_runOptions, [_ortInputName], [_ortInput], _session.OutputNames);
    }

    [Benchmark]
    public void Ours()
    {
        using (Tape.NoGrad())
        using (_network.Forward(_input))
            _device.Synchronize();
    }

    private void CheckAgreement(PeerModel model)
    {
        float[] ours;
        using (Tape.NoGrad())
        using (var y = _network.Forward(_input))
            ours = y.ToArray();
        using var outputs = _session.Run(_runOptions, [_ortInputName], [_ortInput], _session.OutputNames);
        var theirs = outputs[0].GetTensorDataAsSpan<float>();
        if (theirs.Length != ours.Length)
            throw new InvalidOperationException($"{model.Name}: our output has {ours.Length} values, ONNX Runtime's {theirs.Length}");
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(ours[i] - theirs[i]));
            maxRef = Math.Max(maxRef, Math.Abs(theirs[i]));
        }
        double relative = maxDiff / Math.Max(maxRef, 1e-30);
        Console.WriteLine($"// {model.Name}: max |ours - ONNX Runtime| / max |ONNX Runtime| = {relative:E2}");
        if (relative > Tolerance)
            throw new InvalidOperationException($"{model.Name}: outputs differ (relative error {relative:E2} > {Tolerance:E0}); not timing");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _runOptions.Dispose();
        _ortInput.Dispose();
        _session.Dispose();
        _input.Dispose();
        _network.Dispose();
        _device.Dispose();
    }
}
