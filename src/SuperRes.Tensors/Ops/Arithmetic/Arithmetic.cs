using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Tensors;

public static partial class Ops
{
    /// <summary>a + b, element-wise (same shapes).</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        RequireSameShape("add", a, b);
        var y = Tensor.Empty(a.Device, a.Shape);
        Elementwise.Add(a.Buffer, b.Buffer, y.Buffer, a.Length);
        if (Tape.ShouldRecord(a, b))
            Tape.Record(new LinearCombinationNode("add", y, a, 1f, b, 1f));
        return y;
    }

    /// <summary>a − b, element-wise (same shapes).</summary>
    public static Tensor Subtract(Tensor a, Tensor b)
    {
        RequireSameShape("subtract", a, b);
        var y = Tensor.Empty(a.Device, a.Shape);
        Arithmetic.Subtract(a.Buffer, b.Buffer, y.Buffer, a.Length);
        if (Tape.ShouldRecord(a, b))
            Tape.Record(new LinearCombinationNode("subtract", y, a, 1f, b, -1f));
        return y;
    }

    /// <summary>x + scale·residual (EDSR's res_scale skip connection; same shapes).</summary>
    public static Tensor ResidualAdd(Tensor x, Tensor residual, float scale)
    {
        RequireSameShape("residual_add", x, residual);
        var y = Tensor.Empty(x.Device, x.Shape);
        Arithmetic.ResidualAdd(x.Buffer, residual.Buffer, scale, y.Buffer, x.Length);
        if (Tape.ShouldRecord(x, residual))
            Tape.Record(new LinearCombinationNode("residual_add", y, x, 1f, residual, scale));
        return y;
    }

    /// <summary>s·x, element-wise.</summary>
    public static Tensor Scale(Tensor x, float s)
    {
        var y = Tensor.Empty(x.Device, x.Shape);
        Elementwise.Scale(x.Buffer, s, y.Buffer, x.Length);
        if (Tape.ShouldRecord(x))
            Tape.Record(new ScaleNode(x, s, y));
        return y;
    }

    /// <summary>a·b, element-wise (same shapes).</summary>
    public static Tensor Multiply(Tensor a, Tensor b)
    {
        RequireSameShape("multiply", a, b);
        var y = Tensor.Empty(a.Device, a.Shape);
        Elementwise.Multiply(a.Buffer, b.Buffer, y.Buffer, a.Length);
        if (Tape.ShouldRecord(a, b))
            Tape.Record(new MultiplyNode(a, b, y));
        return y;
    }

    private static void RequireSameShape(string op, Tensor a, Tensor b)
    {
        if (!a.Shape.Equals(b.Shape))
            throw new ArgumentException($"{op}: shapes {a.Shape} and {b.Shape} differ");
    }

    /// <summary>Gradient of gy scaled by a constant: a copy when the scale is 1.</summary>
    private static Tensor ScaledGradient(Tensor gradOutput, float scale)
    {
        if (scale == 1f)
            return gradOutput.Clone();
        var g = Tensor.Empty(gradOutput.Device, gradOutput.Shape);
        Elementwise.Scale(gradOutput.Buffer, scale, g.Buffer, g.Length);
        return g;
    }

    /// <summary>y = α·a + β·b: the gradients are α·gy and β·gy.</summary>
    private sealed class LinearCombinationNode(string name, Tensor y, Tensor a, float alpha, Tensor b, float beta) : GradNode(name, y, a, b)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            if (NeedsGrad(0))
                Accumulate(0, ScaledGradient(gradOutput, alpha));
            if (NeedsGrad(1))
                Accumulate(1, ScaledGradient(gradOutput, beta));
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
