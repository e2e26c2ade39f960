using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Tensors;

public static partial class Ops
{
    /// <summary>a + b, element-wise (same shapes).</summary>
    public static Tensor Add(Tensor a, Tensor b) =>
        Binary("add", a, b, Elementwise.Add, y => new LinearCombinationNode("add", y, a, 1f, b, 1f));

    /// <summary>a − b, element-wise (same shapes).</summary>
    public static Tensor Subtract(Tensor a, Tensor b) =>
        Binary("subtract", a, b, Arithmetic.Subtract, y => new LinearCombinationNode("subtract", y, a, 1f, b, -1f));

    /// <summary>x + scale·residual (EDSR's res_scale skip connection; same shapes).</summary>
    public static Tensor ResidualAdd(Tensor x, Tensor residual, float scale) =>
        Binary("residual_add", x, residual, (p, q, y, n) => Arithmetic.ResidualAdd(p, q, scale, y, n),
            y => new LinearCombinationNode("residual_add", y, x, 1f, residual, scale));

    /// <summary>s·x, element-wise.</summary>
    public static Tensor Scale(Tensor x, float s) =>
        Unary(x, (p, y, n) => Elementwise.Scale(p, s, y, n), y => new ScaleNode(x, s, y));

    /// <summary>a·b, element-wise (same shapes).</summary>
    public static Tensor Multiply(Tensor a, Tensor b) =>
        Binary("multiply", a, b, Elementwise.Multiply, y => new MultiplyNode(a, b, y));

    /// <summary>Gradient of gy scaled by a constant: a copy when the scale is 1.</summary>
    private static Tensor ScaledGradient(Tensor gradOutput, float scale)
    {
        if (scale == 1f)
            return gradOutput.Clone();
        var g = Tensor.Empty(gradOutput.Device, gradOutput.Shape);
        Elementwise.Scale(gradOutput.Buffer, scale, g.Buffer, g.Length);
        return g;
    }

    /// <summary>
    /// y = α·a + β·b: the gradients are α·gy and β·gy. With α = 1, a takes gy itself instead of a copy (after b's
    /// gradient is made from it): EDSR's residual adds then copy one gradient each, not two.
    /// </summary>
    private sealed class LinearCombinationNode(string name, Tensor y, Tensor a, float alpha, Tensor b, float beta) : GradNode(name, y, a, b)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            var second = NeedsGrad(1) ? ScaledGradient(gradOutput, beta) : null;
            if (NeedsGrad(0))
                Accumulate(0, alpha == 1f ? TakeGradOutput(gradOutput) : ScaledGradient(gradOutput, alpha));
            if (second is not null)
                Accumulate(1, second);
        }
    }

    private sealed class ScaleNode(Tensor x, float s, Tensor y) : GradNode("scale", y, x)
    {
        protected internal override void Backward(Tensor gradOutput) => Accumulate(0, ScaledGradient(gradOutput, s));
    }

    private sealed class MultiplyNode : GradNode
    {
        private readonly Tensor _a;
        private readonly Tensor _b;

        public MultiplyNode(Tensor a, Tensor b, Tensor y) : base("multiply", y, a, b)
        {
            _a = Save(a);
            _b = Save(b);
        }

        protected internal override void Backward(Tensor gradOutput)
        {
            if (NeedsGrad(0))
                Accumulate(0, Product(gradOutput, _b));
            if (NeedsGrad(1))
                Accumulate(1, Product(gradOutput, _a));
        }

        private static Tensor Product(Tensor gy, Tensor other)
        {
            var g = Tensor.Empty(gy.Device, gy.Shape);
            Elementwise.Multiply(gy.Buffer, other.Buffer, g.Buffer, g.Length);
            return g;
        }
    }
}
