using System.Diagnostics;
using SuperRes.Training;
using Xunit.Abstractions;

namespace SuperRes.Cli.Tests;

/// <summary>
/// <c>superres train</c> in a child process, killed with SIGKILL at random moments (after its first checkpoint,
/// so mid-step, mid-save or between the renames), resumed each time with <c>--resume</c>, ends with the same
/// network and optimiser state, bit for bit, as an uninterrupted run. The short form of the issue 15 probe.
/// </summary>
public sealed class KillNineTests(ITestOutputHelper output)
{
    private const int Iterations = 150, Kills = 3;

    private static string[] Train(string data, string run, params string[] extra) =>
    [
        "train", "--model", "fsrcnn", "--scale", "2", "--options", "d=8,s=4,m=1", "--data", data, "--out", run,
        "--batch", "2", "--patch", "8", "--lr", "1e-3", "--device", "cpu", "--iters", $"{Iterations}", "--save-every", "1", .. extra,
    ];

    [Fact]
    public void KilledAndResumedRunMatchesAnUninterruptedOne()
    {
        using var dir = new TempDir("kill9");
        string data = TestImages.WriteSmooth(dir.Sub("data"), count: 3);
        string straight = dir.Sub("straight"), killed = dir.Sub("killed");
        Assert.Equal(0, SuperResCli.Run(Train(data, straight), TextWriter.Null, TextWriter.Null));

        int seed = Environment.TickCount;
        output.WriteLine($"kill timing seed {seed}");
        var random = new Random(seed);
        for (int kill = 0; kill < Kills; kill++)
        {
            string[] args = kill == 0 ? Train(data, killed) : Train(data, killed, "--resume");
            string last = Path.Combine(killed, Checkpoint.FileName);
            var saved = File.Exists(last) ? File.GetLastWriteTimeUtc(last) : DateTime.MinValue;
            using var child = Start(args);
            // Only once this process has saved a checkpoint: training is under way (a kill before the first save
            // leaves nothing to resume, by design).
            var clock = Stopwatch.StartNew();
            while (!(File.Exists(last) && File.GetLastWriteTimeUtc(last) != saved) && !child.HasExited && clock.Elapsed.TotalSeconds < 20)
                Thread.Sleep(5);
            Thread.Sleep(random.Next(0, 150));
            bool wasRunning = !child.HasExited;
            if (wasRunning) child.Kill(entireProcessTree: true); // SIGKILL on Linux: no handler runs
            child.WaitForExit();
            output.WriteLine($"kill {kill + 1}: {(wasRunning ? "killed" : $"had already exited ({child.ExitCode})")}; " +
                             $"folder: {string.Join(", ", Directory.GetFiles(killed).Select(Path.GetFileName).Order())}");
        }

        using var log = new StringWriter();
        int code = SuperResCli.Run(Train(data, killed, "--resume"), log, log);
        output.WriteLine(log.ToString());
        Assert.True(code == 0, log.ToString());
        Assert.Empty(Directory.GetFiles(killed, "*.tmp"));
        AssertSameState(Path.Combine(straight, Checkpoint.FileName), Path.Combine(killed, Checkpoint.FileName));
    }

    private static Process Start(string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "superres.dll"));
        foreach (string a in args) info.ArgumentList.Add(a);
        var p = Process.Start(info)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static void AssertSameState(string expectedPath, string actualPath)
    {
        var expected = Checkpoint.Load(expectedPath);
        var actual = Checkpoint.Load(actualPath);
        Assert.Equal(Iterations, expected.Iteration);
        Assert.Equal(Iterations, actual.Iteration);
        var want = Bits(expected);
        var got = Bits(actual);
        Assert.Equal(want.Keys.Order(), got.Keys.Order());
        foreach (var (name, bits) in want)
            Assert.True(bits.SequenceEqual(got[name]), $"{name} differs from the uninterrupted run");
    }

    private static Dictionary<string, int[]> Bits(CheckpointData c)
    {
        var bits = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var (name, t) in c.Parameters.Concat(c.Buffers)) bits["net." + name] = Ints(t.Data);
        foreach (var (name, m, v, step) in c.Adam)
        {
            bits["m." + name] = Ints(m.Data);
            bits["v." + name] = Ints(v.Data);
            bits["step." + name] = [(int)step];
        }
        return bits;
    }

    private static int[] Ints(float[] data) => data.Select(BitConverter.SingleToInt32Bits).ToArray();
}
