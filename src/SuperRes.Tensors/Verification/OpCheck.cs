
namespace SuperRes.Tensors.Verification;

/// <summary>
/// One random configuration of an op with its inputs already drawn: <see cref="Run"/> uploads them to the
/// context's device, runs the op and returns the outputs to compare (for a backward check: the gradients).
/// </summary>
public sealed record OpCase(string Configuration, Func<CheckContext, float[][]> Run);

/// <summary>
/// A check of one op (or one op's backward pass) on a device against the Cpu reference. Every subclass in
/// this assembly is found by <see cref="OpChecks.All"/>, so `superres doctor` and the tests grow with it.
/// </summary>
public abstract class OpCheck
{
    /// <summary>The op's name as users know it, e.g. <c>conv2d</c>.</summary>
    public abstract string Op { get; }

    /// <summary><c>forward</c>, or <c>backward</c> for the gradients.</summary>
    public virtual string Pass => "forward";

    /// <summary>Largest accepted <see cref="Accuracy.RelativeError"/>.</summary>
    public virtual double Tolerance => 1e-4;

    /// <summary>Draws a random configuration (shapes, flags) and random inputs for it.</summary>
    public abstract OpCase NewCase(Random rng);

    public override string ToString() => $"{Op} {Pass}";
}

public static class OpChecks
{
    public static IReadOnlyList<OpCheck> All { get; } =
        ConcreteSubclasses.Instances<OpCheck>()
            .OrderBy(c => c.Op, StringComparer.Ordinal)
            .ThenBy(c => c.Pass == "forward" ? 0 : 1)
            .ToArray();
}
