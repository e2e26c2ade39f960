using SuperRes.Tensors;

namespace SuperRes.Models.Modules;

/// <summary>2-D convolution with "same" padding (K/2), like <c>nn.Conv2d(in, out, k, padding=k//2)</c>.</summary>
public sealed class Conv2d : Module
{
    public Conv2d(Device device, int inChannels, int outChannels, int kernelSize, int stride = 1, bool bias = true, PaddingMode padding = PaddingMode.Zeros)
        : base(device)
    {
        if (kernelSize % 2 == 0)
            throw new ArgumentException($"conv2d kernel size {kernelSize}: only odd sizes keep 'same' padding symmetric");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        int fanIn = inChannels * kernelSize * kernelSize;
        Weight = RegisterParameter("weight", Init.Uniform(device, new Shape(outChannels, inChannels, kernelSize, kernelSize), fanIn));
        Bias = bias ? RegisterParameter("bias", Init.Uniform(device, new Shape(outChannels), fanIn)) : null;
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelSize { get; }
    public int Stride { get; }
    public PaddingMode Padding { get; }
    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    protected override Tensor ForwardCore(Tensor x) => Ops.Conv2d(x, Weight, Bias, Stride, Padding);
}

/// <summary><c>nn.ConvTranspose2d(in, out, k, stride, padding, output_padding)</c>; weight is [in, out, k, k].</summary>
public sealed class ConvTranspose2d : Module
{
    public ConvTranspose2d(Device device, int inChannels, int outChannels, int kernelSize, int stride, int padding, int outputPadding, bool bias = true)
        : base(device)
    {
        Stride = stride;
        PaddingSize = padding;
        OutputPadding = outputPadding;
        // PyTorch computes fan-in of a transposed conv from weight.size(1) · k · k.
        int fanIn = outChannels * kernelSize * kernelSize;
        Weight = RegisterParameter("weight", Init.Uniform(device, new Shape(inChannels, outChannels, kernelSize, kernelSize), fanIn));
        Bias = bias ? RegisterParameter("bias", Init.Uniform(device, new Shape(outChannels), fanIn)) : null;
    }

    public int Stride { get; }
    public int PaddingSize { get; }
    public int OutputPadding { get; }
    public Tensor Weight { get; }
    public Tensor? Bias { get; }

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
