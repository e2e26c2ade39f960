using SuperRes.Models.Serialization;

namespace SuperRes.Training.Tests;

/// <summary>
/// The run folder as a kill -9 leaves it at each point of a save (write .next through a temporary, rename
/// last → .prev, rename .next → last), and damaged: resume recovery picks the newest complete checkpoint,
/// keeps the older one, sets corrupt files aside, removes temporaries, and says so.
/// </summary>
public sealed class CheckpointRecoveryTests
{
    private static CheckpointData At(long iteration) => new(iteration, new Dictionary<string, string>(),
        new Dictionary<string, HostTensor> { ["w"] = new([2], [iteration, 1f]) }, new Dictionary<string, HostTensor>(), []);

    private static void Write(TempDir dir, string name, long iteration) => Checkpoint.Write(dir.Sub(name), At(iteration));

    private static long IterationOf(TempDir dir, string name) => Checkpoint.Load(dir.Sub(name)).Iteration;

    [Fact]
    public void KilledInsideTheWriteOfNextLeavesATemporaryThatIsRemoved()
    {
        using var dir = new TempDir("recover");
        Write(dir, Checkpoint.FileName, 4);
        File.WriteAllBytes(dir.Sub($".{Checkpoint.NextFileName}.0123456789abcdef.tmp"), new byte[4096]);
        var r = CheckpointRecovery.Recover(dir.Path);
        Assert.Equal(4, r.Data!.Iteration);
        Assert.Contains(r.Actions, a => a.Contains("removed .last.ckpt.next.0123456789abcdef.tmp (4,096 bytes)"));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void KilledBeforeTheFirstRenameResumesFromTheCompleteNext()
    {
        using var dir = new TempDir("recover");
        Write(dir, Checkpoint.FileName, 4);
        Write(dir, Checkpoint.NextFileName, 6);
        var r = CheckpointRecovery.Recover(dir.Path);
        Assert.Equal(6, r.Data!.Iteration);
        Assert.Equal(dir.Sub(Checkpoint.FileName), r.Path);
        Assert.Equal(6, IterationOf(dir, Checkpoint.FileName));
        Assert.Equal(4, IterationOf(dir, Checkpoint.PreviousFileName));
        Assert.False(File.Exists(dir.Sub(Checkpoint.NextFileName)));
        Assert.Contains(r.Actions, a => a.Contains("last.ckpt.next (iteration 6) is the newest complete checkpoint"));
    }

    [Fact]
    public void KilledBetweenTheRenamesResumesFromNext()
    {
        using var dir = new TempDir("recover");
        Write(dir, Checkpoint.PreviousFileName, 4);
        Write(dir, Checkpoint.NextFileName, 6);
        var r = CheckpointRecovery.Recover(dir.Path);
        Assert.Equal(6, r.Data!.Iteration);
        Assert.Equal(6, IterationOf(dir, Checkpoint.FileName));
        Assert.Equal(4, IterationOf(dir, Checkpoint.PreviousFileName));
    }

    [Fact]
    public void ACorruptLastIsSetAsideAndThePreviousOneUsed()
    {
        using var dir = new TempDir("recover");
        Write(dir, Checkpoint.PreviousFileName, 4);
        Write(dir, Checkpoint.FileName, 6);
        var bytes = File.ReadAllBytes(dir.Sub(Checkpoint.FileName));
        bytes[^3] ^= 0x40; // a flipped bit in the tensor data: the checksum no longer matches
        File.WriteAllBytes(dir.Sub(Checkpoint.FileName), bytes);
        var r = CheckpointRecovery.Recover(dir.Path);
        Assert.Equal(4, r.Data!.Iteration);
        Assert.Equal(4, IterationOf(dir, Checkpoint.FileName));
        Assert.True(File.Exists(dir.Sub(Checkpoint.FileName + CheckpointRecovery.CorruptSuffix)));
        Assert.Contains(r.Actions, a => a.StartsWith("last.ckpt is unusable, moved to last.ckpt.corrupt") && a.Contains("checksum"));
    }

    [Fact]
    public void AnOldNextBesideANewerLastIsRemoved()
    {
        using var dir = new TempDir("recover");
        Write(dir, Checkpoint.FileName, 6);
        Write(dir, Checkpoint.NextFileName, 6);
        var r = CheckpointRecovery.Recover(dir.Path);
        Assert.Equal(6, r.Data!.Iteration);
        Assert.False(File.Exists(dir.Sub(Checkpoint.NextFileName)));
        Assert.Contains(r.Actions, a => a.StartsWith("removed last.ckpt.next (iteration 6)"));
    }

    [Fact]
    public void AnEmptyFolderHasNothingToResume()
    {
        using var dir = new TempDir("recover");
        var r = CheckpointRecovery.Recover(dir.Path);
        Assert.Null(r.Data);
        Assert.Empty(r.Actions);
    }
}
