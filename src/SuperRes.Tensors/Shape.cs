namespace SuperRes.Tensors;

/// <summary>An immutable tensor shape. 4-D shapes are NCHW.</summary>
public sealed class Shape : IEquatable<Shape>
{
    private readonly int[] _dims;

    public Shape(params int[] dims)
    {
        foreach (var d in dims)
            if (d <= 0)
                throw new ArgumentException($"shape {Format(dims)} has a non-positive dimension");
        _dims = (int[])dims.Clone();
        long n = 1;
        foreach (var d in dims)
            n = checked(n * d);
        Length = n;
    }

    public int Rank => _dims.Length;

    public long Length { get; }

    public int this[int axis] => _dims[axis < 0 ? _dims.Length + axis : axis];

    public ReadOnlySpan<int> Dims => _dims;

    public int[] ToArray() => (int[])_dims.Clone();

    // NCHW accessors; only meaningful for rank-4 shapes.
    public int N => Require4D()[0];
    public int C => Require4D()[1];
    public int H => Require4D()[2];
    public int W => Require4D()[3];

    public static Shape Nchw(int n, int c, int h, int w) => new(n, c, h, w);

    public bool Equals(Shape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);

    public override bool Equals(object? obj) => Equals(obj as Shape);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var d in _dims)
            hash.Add(d);
        return hash.ToHashCode();
    }

    public override string ToString() => Format(_dims);

    private static string Format(int[] dims) => dims.Length == 0 ? "[]" : "[" + string.Join("×", dims) + "]";

    private int[] Require4D() =>
        _dims.Length == 4 ? _dims : throw new InvalidOperationException($"shape {this} is not NCHW (rank 4)");
}
