using System.Globalization;

namespace SuperRes.Training;

/// <summary>What <see cref="CheckpointRecovery.Recover"/> found: the checkpoint to resume from (null: none) and what it did.</summary>
public sealed record RecoveredCheckpoint(string? Path, CheckpointData? Data, IReadOnlyList<string> Actions);

/// <summary>
/// Puts a run folder back in order after a crash, a kill -9 or a full disk, before a resume. A save writes
/// <c>last.ckpt.next</c>, renames <c>last.ckpt</c> to <c>last.ckpt.prev</c>, then <c>last.ckpt.next</c> to
/// <c>last.ckpt</c>; a kill between those steps leaves the newest checkpoint under any of the three names, and a
/// kill inside a write leaves a hidden <c>.last.ckpt*.tmp</c>. Recovery verifies every candidate (checksum
/// included), picks the complete one with the highest iteration, makes it <c>last.ckpt</c> (keeping the
/// complete older one as <c>last.ckpt.prev</c>), sets a corrupt file aside as <c>*.corrupt</c> rather than
/// deleting it, removes the temporaries, and says each thing it did.
/// </summary>
public static class CheckpointRecovery
{
    public const string CorruptSuffix = ".corrupt";

    /// <param name="readOnly">Only find the checkpoint to resume from, changing nothing (the other ranks of a
    /// distributed run, after rank 0 has put the shared folder in order).</param>
    public static RecoveredCheckpoint Recover(string runDirectory, bool readOnly = false)
    {
        var actions = new List<string>();
        if (!Directory.Exists(runDirectory)) return new(null, null, actions);
        if (!readOnly) RemoveTemporaries(runDirectory, actions);

        var complete = new List<(string Name, string Path, CheckpointData Data)>();
        foreach (string name in new[] { Checkpoint.FileName, Checkpoint.NextFileName, Checkpoint.PreviousFileName })
        {
            string path = Path.Combine(runDirectory, name);
            if (!File.Exists(path)) continue;
            try
            {
                complete.Add((name, path, Checkpoint.Load(path)));
            }
            catch (CheckpointException e) when (!readOnly)
            {
                File.Move(path, path + CorruptSuffix, overwrite: true);
                actions.Add($"{name} is unusable, moved to {name}{CorruptSuffix}: {e.Message}");
            }
            catch (CheckpointException)
            {
                // read-only: an unusable candidate is simply not one
            }
        }
        if (complete.Count == 0) return new(null, null, actions);

        // Newest first; on a tie the earlier name wins (last, next, prev): equal iterations mean equal content.
        var best = complete.OrderByDescending(c => c.Data.Iteration).First();
        if (readOnly) return new(best.Path, best.Data, actions);
        string last = Path.Combine(runDirectory, Checkpoint.FileName), prev = Path.Combine(runDirectory, Checkpoint.PreviousFileName);
        if (best.Name != Checkpoint.FileName)
        {
            var older = complete.FirstOrDefault(c => c.Name == Checkpoint.FileName);
            if (older.Path is not null)
            {
                File.Move(last, prev, overwrite: true);
                actions.Add($"{Checkpoint.FileName} (iteration {It(older.Data)}) is older than {best.Name}: kept as {Checkpoint.PreviousFileName}");
            }
            File.Move(best.Path, last, overwrite: false);
            actions.Add($"{best.Name} (iteration {It(best.Data)}) is the newest complete checkpoint: renamed to {Checkpoint.FileName}");
        }
        foreach (var stale in complete.Where(c => c.Name == Checkpoint.NextFileName && c.Path != best.Path))
        {
            File.Delete(stale.Path);
            actions.Add($"removed {Checkpoint.NextFileName} (iteration {It(stale.Data)}): not newer than {Checkpoint.FileName}");
        }
        return new(last, best.Data, actions);
    }

    /// <summary>Removes what an interrupted atomic write leaves: <c>.last.ckpt*.tmp</c> siblings.</summary>
    private static void RemoveTemporaries(string runDirectory, List<string> actions)
    {
        foreach (string temp in Directory.EnumerateFiles(runDirectory, $".{Checkpoint.FileName}*.tmp"))
        {
            long size = new FileInfo(temp).Length;
            File.Delete(temp);
            actions.Add($"removed {Path.GetFileName(temp)} ({size.ToString("N0", CultureInfo.InvariantCulture)} bytes), left by an interrupted save");
        }
    }

    private static string It(CheckpointData d) => d.Iteration.ToString(CultureInfo.InvariantCulture);
}
