using System.Diagnostics;

namespace SuperRes.Tensors.Verification;

/// <summary>The outcome of one <see cref="OpCheck"/> over several random cases on one device.</summary>
public sealed record CheckOutcome(OpCheck Check, int Cases, double MaxRelativeError, TimeSpan DeviceTime, string? Failure)
{
    public bool Passed => Failure is null;
}

public static class CheckRunner
{
    /// <summary>
    /// Runs <paramref name="cases"/> random cases of <paramref name="check"/> on <paramref name="device"/> and on
    /// <paramref name="reference"/> (the Cpu device) and compares every output. Exceptions count as failures.
    /// </summary>
    public static CheckOutcome Run(OpCheck check, Device device, Device reference, int cases, int seed)
    {
        var rng = new Random(seed);
        double worst = 0;
        var time = TimeSpan.Zero;
        for (int c = 0; c < cases; c++)
        {
            OpCase opCase;
            float[][] expected, actual;
            try
            {
                opCase = check.NewCase(rng);
                using (var refContext = new CheckContext(reference))
                    expected = opCase.Run(refContext);
                var watch = Stopwatch.StartNew();
                using (var context = new CheckContext(device))
                {
                    actual = opCase.Run(context);
                    device.Synchronize();
                }
                time += watch.Elapsed;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return new CheckOutcome(check, c + 1, double.PositiveInfinity, time, $"case {c}: {e.GetType().Name}: {e.Message}");
            }
            if (expected.Length != actual.Length)
                return new CheckOutcome(check, c + 1, double.PositiveInfinity, time, $"{opCase.Configuration}: {actual.Length} outputs, reference has {expected.Length}");
            for (int o = 0; o < expected.Length; o++)
            {
                double err = Accuracy.RelativeError(actual[o], expected[o]);
                worst = Math.Max(worst, err);
                if (!(err <= check.Tolerance))
                    return new CheckOutcome(check, c + 1, worst, time, $"{opCase.Configuration}: output {o} relative error {err:G3} > {check.Tolerance:G3}");
            }
        }
        return new CheckOutcome(check, cases, worst, time, null);
    }
}
