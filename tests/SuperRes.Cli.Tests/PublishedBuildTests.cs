using System.Diagnostics;
using System.Text.Json;
using SuperRes.Training;

namespace SuperRes.Cli.Tests;

/// <summary>
/// The process a user starts: `dotnet publish src/SuperRes.Cli -c Release` (a NativeAOT build where a C toolchain is
/// installed, else composite ReadyToRun), published once for the class. What only a trimmed, ahead-of-time build can
/// break is run through it: the main job gives the in-process bytes, `doctor` finds and passes every op check, a
/// training run resumed from its checkpoint ends where an uninterrupted in-process run does, the JSON outputs are
/// written, and a plugin is refused in one line where assemblies cannot load (or loads where they can).
/// </summary>
public sealed class PublishedBuildTests(PublishedBuild published) : IClassFixture<PublishedBuild>
{
    private static readonly string Weights = Path.Combine(TestPaths.RepoRoot, "weights");

    [Theory]
    [InlineData("fsrcnn_x2")]
    [InlineData("edsr_baseline_x2")]
    public void Upscales_to_the_bytes_of_the_in_process_cli(string weights)
    {
        using var dir = new TempDir("published-upscale");
        string image = Path.Combine(TestImages.WriteSmooth(dir.Sub("in"), count: 1, size: 61), "img00.png");
        string expected = dir.Sub("expected.png"), actual = dir.Sub("actual.png");
        string[] args = ["upscale", image, "--weights", Path.Combine(Weights, weights + ".safetensors"), "--device", "cpu"];
        CliRun.Of([.. args, "-o", expected]).AssertExit(0);
        published.Run([.. args, "-o", actual]).AssertExit(0);
        Assert.True(File.ReadAllBytes(expected).AsSpan().SequenceEqual(File.ReadAllBytes(actual)), "the published build wrote other bytes");
    }

    [Fact]
    public void Doctor_finds_and_passes_every_op_check()
    {
        var run = published.Run("doctor", "--device", "cpu").AssertExit(0);
        Assert.Contains("conv2d", run.Out, StringComparison.Ordinal);
        Assert.Contains("all checks passed", run.Out + run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_resumed_training_run_ends_where_an_uninterrupted_in_process_run_does()
    {
        using var dir = new TempDir("published-train");
        string data = TestImages.WriteSmooth(dir.Sub("data"), count: 3);
        string[] Train(string run, int iterations) =>
        [
            "train", "--model", "fsrcnn", "--scale", "2", "--options", "d=8,s=4,m=1", "--data", data, "--out", run,
            "--batch", "2", "--patch", "8", "--lr", "1e-3", "--device", "cpu", "--iters", $"{iterations}", "--save-every", "2",
        ];
        CliRun.Of(Train(dir.Sub("straight"), 6)).AssertExit(0);
        published.Run(Train(dir.Sub("resumed"), 4)).AssertExit(0);
        published.Run([.. Train(dir.Sub("resumed"), 6), "--resume"]).AssertExit(0);
        var expected = Checkpoint.Load(Path.Combine(dir.Sub("straight"), Checkpoint.FileName));
        var actual = Checkpoint.Load(Path.Combine(dir.Sub("resumed"), Checkpoint.FileName));
        Assert.Equal(6, actual.Iteration);
        foreach (var ((name, want), (_, got)) in expected.Parameters.Zip(actual.Parameters))
            Assert.True(want.Data.SequenceEqual(got.Data), $"{name} differs from the in-process run");
        foreach (var ((name, m, v, step), (_, gotM, gotV, gotStep)) in expected.Adam.Zip(actual.Adam))
            Assert.True(m.Data.SequenceEqual(gotM.Data) && v.Data.SequenceEqual(gotV.Data) && step == gotStep, $"Adam's state of {name} differs from the in-process run");
    }

    [Fact]
    public void Writes_the_devices_json()
    {
        var run = published.Run("devices", "--json").AssertExit(0);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
    }

    [Fact]
    public void A_plugin_loads_only_where_assemblies_can()
    {
        string plugin = Path.Combine(AppContext.BaseDirectory, "SuperRes.ExamplePlugin.dll");
        var run = published.Run("models", "--plugin", plugin);
        if (published.IsNative)
        {
            Assert.Equal(1, run.ExitCode);
            Assert.Contains("compiled ahead of time", run.Err, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", run.Err, StringComparison.Ordinal);
        }
        else
            Assert.Contains("tiny-conv", run.AssertExit(0).Out, StringComparison.Ordinal);
    }
}

/// <summary>`dotnet publish src/SuperRes.Cli -c Release` into a temporary folder, removed at the end.</summary>
public sealed class PublishedBuild : IDisposable
{
    private readonly TempDir _dir = new("published");

    public PublishedBuild()
    {
        var publish = Start("dotnet", ["publish", Path.Combine(TestPaths.RepoRoot, "src", "SuperRes.Cli"), "-c", "Release", "-o", _dir.Path, "--nologo"],
                            TimeSpan.FromMinutes(20));
        if (publish.ExitCode != 0)
            throw new InvalidOperationException($"dotnet publish failed: {publish}");
        IsNative = !File.Exists(Path.Combine(_dir.Path, "superres.dll"));
    }

    /// <summary>Whether the publish made a NativeAOT build (there is no superres.dll beside the executable).</summary>
    public bool IsNative { get; }

    public CliRun Run(params string[] args) => Start(Path.Combine(_dir.Path, "superres"), args, TimeSpan.FromMinutes(5));

    private static CliRun Start(string program, string[] args, TimeSpan limit)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
            info.ArgumentList.Add(a);
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} ran past {limit}");
        }
        return new CliRun(process.ExitCode, output.Result, error.Result);
    }

    public void Dispose() => _dir.Dispose();
}
