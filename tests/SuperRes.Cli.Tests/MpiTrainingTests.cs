using SuperRes.Training;
using System.Diagnostics;

namespace SuperRes.Cli.Tests;

/// <summary>
/// <c>mpirun -n 2 superres train --distributed mpi</c> end to end: two ranks of 8 patches train exactly what
/// one process trains on the whole batch of 16 cut in the same 2 slices; a failing rank ends the job and leaves
/// a loadable checkpoint that both ranks resume from.
/// </summary>
public sealed class MpiTrainingTests
{
    private static string[] Train(string model, string options, string data, string run, params string[] extra) =>
    [
        "train", "--model", model, "--scale", "2", "--options", options, "--data", data, "--out", run,
        "--batch", "16", "--patch", "6", "--lr", "1e-3", "--schedule", "constant", "--device", "cpu", "--log-every", "5",
        "--workers", "1", .. extra,
    ];

    [MpiFact]
    public void Fsrcnn_two_ranks_equal_one_rank_bit_for_bit() =>
        TwoRanksEqualOne("fsrcnn", "d=12,s=6,m=2");

    [MpiFact]
    public void Edsr_baseline_two_ranks_equal_one_rank_bit_for_bit() =>
        TwoRanksEqualOne("edsr-baseline", "blocks=2,features=16");

    private static void TwoRanksEqualOne(string model, string options)
    {
        using var dir = new TempDir("mpi-" + model);
        var data = TestImages.WriteSmooth(dir.Sub("data"), count: 4, size: 24);
        var two = MpiLauncher.Run(2, Train(model, options, data, dir.Sub("two"), "--iters", "20", "--distributed", "mpi", "--save-every", "10"));
        Assert.True(two.ExitCode == 0, two.ToString());
        Assert.Contains("mpi rank 0 of 2", two.Out);
        Assert.DoesNotContain("rank 1 of 2", two.Out); // rank 1 prints nothing
        Assert.Contains("batch 16 (2 ranks × 8", two.Out);
        var one = MpiLauncher.Run(0, Train(model, options, data, dir.Sub("one"), "--iters", "20", "--grad-slices", "2"));
        Assert.True(one.ExitCode == 0, one.ToString());

        var a = Checkpoint.Load(Path.Combine(dir.Sub("two"), Checkpoint.FileName));
        var b = Checkpoint.Load(Path.Combine(dir.Sub("one"), Checkpoint.FileName));
        Assert.Equal(20, a.Iteration);
        AssertSameTensors(b, a);
        // And not trivially: the weights moved between the checkpoints of iterations 10 and 20.
        var earlier = Checkpoint.Load(Path.Combine(dir.Sub("two"), Checkpoint.PreviousFileName));
        Assert.Equal(10, earlier.Iteration);
        Assert.Contains(earlier.Parameters, p => !p.Value.Data.SequenceEqual(a.Parameters[p.Key].Data));
    }

    private static void AssertSameTensors(CheckpointData expected, CheckpointData actual)
    {
        Assert.Equal(expected.Parameters.Keys.Order(), actual.Parameters.Keys.Order());
        foreach (var (name, t) in expected.Parameters)
            Assert.True(t.Data.Select(BitConverter.SingleToInt32Bits).SequenceEqual(actual.Parameters[name].Data.Select(BitConverter.SingleToInt32Bits)), $"parameter {name} differs");
        foreach (var ((name, m, v, step), other) in expected.Adam.Zip(actual.Adam))
        {
            Assert.Equal((name, step), (other.Name, other.Step));
            Assert.True(m.Data.SequenceEqual(other.M.Data) && v.Data.SequenceEqual(other.V.Data), $"Adam moments of {name} differ");
        }
    }

    [Fact]
    public void Nccl_without_a_cuda_device_or_nccl_is_one_clear_error()
    {
        using var dir = new TempDir("nccl-cpu");
        var data = TestImages.WriteSmooth(dir.Sub("data"), count: 2, size: 24);
        var run = CliRun.Of(Train("fsrcnn", "d=8,s=4,m=1", data, dir.Sub("run"), "--iters", "2", "--distributed", "nccl"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: --distributed nccl needs a CUDA device (--device cuda:N), not cpu", run.Err);
        Assert.Single(run.Err.Trim().Split('\n'));
    }

    [MpiFact]
    public void A_diverging_run_ends_every_rank_with_the_reason()
    {
        using var dir = new TempDir("mpi-nan");
        var data = TestImages.WriteSmooth(dir.Sub("data"), count: 2, size: 24);
        var result = MpiLauncher.Run(2, ["train", "--model", "edsr-baseline", "--scale", "2", "--options", "blocks=1,features=8", "--data", data,
            "--out", dir.Sub("run"), "--batch", "4", "--patch", "6", "--lr", "1e30", "--iters", "40", "--save-every", "1", "--device", "cpu",
            "--distributed", "mpi"]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Matches(@"error: mpi rank \d of 2 on .* failed: training diverged: .* at iteration \d+", result.Err);
    }

    [MpiFact]
    public void A_killed_rank_ends_the_job_and_both_ranks_resume_from_the_last_checkpoint()
    {
        using var dir = new TempDir("mpi-kill");
        var data = TestImages.WriteSmooth(dir.Sub("data"), count: 3, size: 24);
        var run = dir.Sub("run");
        string[] args = Train("fsrcnn", "d=8,s=4,m=1", data, run, "--iters", "100000", "--distributed", "mpi", "--save-every", "3");
        using var job = MpiLauncher.Start(2, args);
        var error = job.StandardError.ReadToEndAsync();
        var output = job.StandardOutput.ReadToEndAsync();
        var checkpoint = Path.Combine(run, Checkpoint.FileName);
        var watch = Stopwatch.StartNew();
        while (!File.Exists(checkpoint) && !job.HasExited && watch.Elapsed < TimeSpan.FromMinutes(3))
            Thread.Sleep(100);
        Assert.True(File.Exists(checkpoint), $"no checkpoint appeared\n{(job.HasExited ? error.Result : "")}");
        int rank1 = RankProcess(job.Id, 1);
        Process.GetProcessById(rank1).Kill();
        Assert.True(job.WaitForExit(120_000), "the other rank kept running after rank 1 was killed");
        Assert.NotEqual(0, job.ExitCode);
        Assert.Contains("rank 1", error.Result + output.Result);

        var saved = Checkpoint.Load(checkpoint);  // complete and checksummed, whatever moment the kill hit
        Assert.True(saved.Iteration >= 3 && saved.Iteration % 3 == 0, $"checkpoint at iteration {saved.Iteration}");
        long more = saved.Iteration + 3;
        var resumed = MpiLauncher.Run(2, Train("fsrcnn", "d=8,s=4,m=1", data, run, "--iters", more.ToString(), "--distributed", "mpi", "--save-every", "3", "--resume"));
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains($"resumed from {checkpoint} at iteration {saved.Iteration}", resumed.Out);
        Assert.Equal(more, Checkpoint.Load(checkpoint).Iteration);
    }

    /// <summary>The pid of rank <paramref name="rank"/> among the children of mpirun (by the rank Open MPI put in its environment).</summary>
    private static int RankProcess(int mpirun, int rank)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            foreach (var dir in Directory.GetDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out int pid) || pid == mpirun)
                    continue;
                try
                {
                    // /proc/PID/stat: "pid (comm) state ppid …"; the command name may hold spaces, so count from the ')'.
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    int parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
                    if (parent == mpirun && File.ReadAllText(Path.Combine(dir, "environ")).Split('\0').Contains($"OMPI_COMM_WORLD_RANK={rank}"))
                        return pid;
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
            Thread.Sleep(100);
        }
        throw new InvalidOperationException($"rank {rank} of mpirun {mpirun} not found in /proc");
    }
}
