using SuperRes.Tensors;

namespace SuperRes.Models.Modules;

/// <summary>A convolution's parameters: <c>weight</c> and an optional <c>bias</c>, both U(−1/√fanIn, 1/√fanIn) as PyTorch initialises them.</summary>
public abstract class ConvolutionLayer : Module
{
    protected ConvolutionLayer(Device device, Shape weightShape, int outChannels, int fanIn, bool bias) : base(device)
    {
        Weight = RegisterParameter("weight", Init.Uniform(device, weightShape, fanIn));
        Bias = bias ? RegisterParameter("bias", Init.Uniform(device, new Shape(outChannels), fanIn)) : null;
    }

    public Tensor Weight { get; }
    public Tensor? Bias { get; }
}

/// <summary>2-D convolution with "same" padding (K/2), like <c>nn.Conv2d(in, out, k, padding=k//2)</c>.</summary>
public sealed class Conv2d(Device device, int inChannels, int outChannels, int kernelSize, int stride = 1, bool bias = true, PaddingMode padding = PaddingMode.Zeros)
    : ConvolutionLayer(device, new Shape(outChannels, inChannels, OddSize(kernelSize), kernelSize), outChannels, inChannels * kernelSize * kernelSize, bias)
{
    public int InChannels { get; } = inChannels;
    public int OutChannels { get; } = outChannels;
    public int KernelSize { get; } = kernelSize;
    public int Stride { get; } = stride;
    public PaddingMode Padding { get; } = padding;

    protected override Tensor ForwardCore(Tensor x) => Ops.Conv2d(x, Weight, Bias, Stride, Padding);

    /// <summary>This layer followed by <paramref name="fusion"/>'s activation and residual add, fused where the backend can.</summary>
    public Tensor Forward(Tensor x, ConvFusion fusion) => InMode((x, fusion), p => Ops.Conv2d(p.x, Weight, Bias, p.fusion, Stride, Padding));

    private static int OddSize(int kernelSize) => kernelSize % 2 == 1 ? kernelSize
        : throw new ArgumentException($"conv2d kernel size {kernelSize}: only odd sizes keep 'same' padding symmetric");
}

/// <summary><c>nn.ConvTranspose2d(in, out, k, stride, padding, output_padding)</c>; weight is [in, out, k, k].</summary>
/// <remarks>PyTorch computes a transposed conv's fan-in from weight.size(1) · k · k, i.e. the output channels.</remarks>
public sealed class ConvTranspose2d(Device device, int inChannels, int outChannels, int kernelSize, int stride, int padding, int outputPadding, bool bias = true)
    : ConvolutionLayer(device, new Shape(inChannels, outChannels, kernelSize, kernelSize), outChannels, outChannels * kernelSize * kernelSize, bias)
{
    public int Stride { get; } = stride;
    public int PaddingSize { get; } = padding;
    public int OutputPadding { get; } = outputPadding;

    protected override Tensor ForwardCore(Tensor x) => Ops.ConvTranspose2d(x, Weight, Bias, Stride, PaddingSize, OutputPadding);
}

/// <summary><c>nn.PReLU(num_parameters)</c>: one slope shared by all channels, or one per channel; initial slope 0.25.</summary>
public sealed class PRelu : Module
{
    public PRelu(Device device, int numParameters = 1, float init = 0.25f) : base(device)
    {
        var data = new float[numParameters];
        Array.Fill(data, init);
        Slope = RegisterParameter("weight", Tensor.FromArray(device, new Shape(numParameters), data, requiresGrad: true));
    }

    public Tensor Slope { get; }

    protected override Tensor ForwardCore(Tensor x) => Ops.Prelu(x, Slope);
}

public sealed class Relu(Device device) : Module(device)
{
    protected override Tensor ForwardCore(Tensor x) => Ops.Relu(x);
}

public sealed class LeakyRelu(Device device, float slope = 0.01f) : Module(device)
{
    public float Slope { get; } = slope;

    protected override Tensor ForwardCore(Tensor x) => Ops.LeakyRelu(x, Slope);
}

public sealed class Sigmoid(Device device) : Module(device)
{
    protected override Tensor ForwardCore(Tensor x) => Ops.Sigmoid(x);
}

public sealed class PixelShuffle(Device device, int factor) : Module(device)
{
    public int Factor { get; } = factor;

    protected override Tensor ForwardCore(Tensor x) => Ops.PixelShuffle(x, Factor);
}

/// <summary>
/// <c>nn.BatchNorm2d(C)</c>: parameters weight/bias, buffers running_mean/running_var (momentum 0.1, eps 1e-5).
/// Training mode normalises with batch statistics and updates the running ones; eval mode uses the running ones.
/// </summary>
public sealed class BatchNorm2d : Module
{
    public BatchNorm2d(Device device, int channels, float momentum = 0.1f, float epsilon = 1e-5f) : base(device)
    {
        Momentum = momentum;
        Epsilon = epsilon;
        Weight = RegisterParameter("weight", Tensor.Full(device, new Shape(channels), 1f, requiresGrad: true));
        Bias = RegisterParameter("bias", Tensor.Zeros(device, new Shape(channels), requiresGrad: true));
        RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(device, new Shape(channels)));
        RunningVar = RegisterBuffer("running_var", Tensor.Full(device, new Shape(channels), 1f));
    }

    public float Momentum { get; }
    public float Epsilon { get; }
    public Tensor Weight { get; }
    public Tensor Bias { get; }
    public Tensor RunningMean { get; }
    public Tensor RunningVar { get; }

    protected override Tensor ForwardCore(Tensor x) =>
        Ops.BatchNorm2d(x, Weight, Bias, RunningMean, RunningVar, Training, Momentum, Epsilon);
}

/// <summary><c>nn.Linear(in, out)</c> on [N, in]: weight [out, in] and bias [out], both U(−1/√in, 1/√in) as PyTorch initialises them.</summary>
public sealed class Linear : Module
{
    public Linear(Device device, int inFeatures, int outFeatures, bool bias = true) : base(device)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Init.Uniform(device, new Shape(outFeatures, inFeatures), inFeatures));
        Bias = bias ? RegisterParameter("bias", Init.Uniform(device, new Shape(outFeatures), inFeatures)) : null;
    }

    public int InFeatures { get; }
    public int OutFeatures { get; }
    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    protected override Tensor ForwardCore(Tensor x) => Ops.Linear(x, Weight, Bias);
}

/// <summary><c>nn.MaxPool2d(kernel, stride)</c>, no padding, floor mode; the stride defaults to the window size.</summary>
public sealed class MaxPool2d(Device device, int kernelSize = 2, int? stride = null) : Module(device)
{
    public int KernelSize { get; } = kernelSize;
    public int Stride { get; } = stride ?? kernelSize;

    protected override Tensor ForwardCore(Tensor x) => Ops.MaxPool2d(x, KernelSize, Stride);
}
