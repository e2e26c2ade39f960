using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SuperRes.Models.Serialization;

namespace SuperRes.Training;

/// <summary>A checkpoint is missing, truncated, corrupt, or not for this run. The message names the file.</summary>
public sealed class CheckpointException : SuperResException
{
    public CheckpointException(string message) : base(message) { }
    public CheckpointException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// Everything a run needs to continue exactly: the network's parameters and buffers, Adam's moments and per-
/// parameter step counts, the iteration, and the run's settings (seed, model, optimiser, schedule, data) as
/// metadata. The data order needs no state of its own: every batch is a pure function of (seed, iteration).
/// </summary>
public sealed record CheckpointData(
    long Iteration,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyDictionary<string, HostTensor> Parameters,
    IReadOnlyDictionary<string, HostTensor> Buffers,
    IReadOnlyList<(string Name, HostTensor M, HostTensor V, long Step)> Adam);

/// <summary>
/// Training checkpoints: safetensors files with tensors <c>param.NAME</c>, <c>buffer.NAME</c>,
/// <c>adam_m.NAME</c>, <c>adam_v.NAME</c> and string metadata (iteration, seed, architecture, scale, options,
/// optimiser, schedule, Adam step counts, …) ending in a SHA-256 <c>checksum</c> over every other metadata entry
/// and every tensor's name, shape and bytes. A save writes <c>last.ckpt.next</c> (itself through a temporary
/// file and a rename), then renames the current <c>last.ckpt</c> to <c>last.ckpt.prev</c> and the new file to
/// <c>last.ckpt</c>: at every moment a complete checkpoint exists under one of the three names.
/// </summary>
public static class Checkpoint
{
    public const string FileName = "last.ckpt";
    public const string PreviousFileName = "last.ckpt.prev";
    public const string NextFileName = "last.ckpt.next";
    public const string Format = "superres-training-checkpoint";
    public const string FormatVersion = "1";

    public const string ParamPrefix = "param.", BufferPrefix = "buffer.", AdamMPrefix = "adam_m.", AdamVPrefix = "adam_v.";
    public const string ChecksumKey = "checksum", IterationKey = "iteration", AdamStepsKey = "adam_steps", FormatKey = "format", VersionKey = "format_version";

    /// <summary>Writes <paramref name="data"/> as the run folder's newest checkpoint, keeping the previous one.</summary>
    public static string Save(string runDirectory, CheckpointData data)
    {
        Directory.CreateDirectory(runDirectory);
        string last = Path.Combine(runDirectory, FileName), prev = Path.Combine(runDirectory, PreviousFileName), next = Path.Combine(runDirectory, NextFileName);
        Write(next, data);
        if (File.Exists(last))
            File.Move(last, prev, overwrite: true);
        File.Move(next, last);
        return last;
    }

    /// <summary>Writes one checkpoint file (atomically) with its checksum.</summary>
    public static void Write(string path, CheckpointData data)
    {
        var tensors = new List<KeyValuePair<string, HostTensor>>();
        foreach (var (name, t) in data.Parameters)
            tensors.Add(new(ParamPrefix + name, t));
        foreach (var (name, t) in data.Buffers)
            tensors.Add(new(BufferPrefix + name, t));
        foreach (var (name, m, _, _) in data.Adam)
            tensors.Add(new(AdamMPrefix + name, m));
        foreach (var (name, _, v, _) in data.Adam)
            tensors.Add(new(AdamVPrefix + name, v));
        var meta = new Dictionary<string, string>(data.Metadata, StringComparer.Ordinal)
        {
            [FormatKey] = Format,
            [VersionKey] = FormatVersion,
            [IterationKey] = data.Iteration.ToString(CultureInfo.InvariantCulture),
            [AdamStepsKey] = JsonSerializer.Serialize(data.Adam.ToDictionary(a => a.Name, a => a.Step)),
        };
        meta.Remove(ChecksumKey);
        meta[ChecksumKey] = Checksum(meta, tensors);
        Safetensors.Write(path, tensors, meta);
    }

    /// <summary>The first of last.ckpt, last.ckpt.next, last.ckpt.prev that exists, or null: whether a run folder holds a
    /// checkpoint at all. <see cref="CheckpointRecovery.Recover"/> finds the newest complete one.</summary>
    public static string? Find(string runDirectory)
    {
        foreach (var name in new[] { FileName, NextFileName, PreviousFileName })
        {
            var path = Path.Combine(runDirectory, name);
            if (File.Exists(path))
                return path;
        }
        return null;
    }

    /// <summary>Reads and verifies a checkpoint; anything wrong is a <see cref="CheckpointException"/> naming the file.</summary>
    public static CheckpointData Load(string path)
    {
        WeightFile file;
        try
        {
            file = Safetensors.Read(path);
        }
        catch (WeightFormatException e)
        {
            throw new CheckpointException($"checkpoint {path} is unreadable (truncated or corrupt): {e.Problem}{PreviousHint(path)}", e);
        }
        catch (IOException e)
        {
            throw new CheckpointException($"checkpoint {path} cannot be read: {e.Message}", e);
        }
        var meta = file.Metadata;
        if (!meta.TryGetValue(FormatKey, out var format) || format != Format)
            throw new CheckpointException($"{path} is not a training checkpoint of ours (no '{FormatKey}: {Format}' in its metadata)");
        if (meta.GetValueOrDefault(VersionKey) != FormatVersion)
            throw new CheckpointException($"{path} is checkpoint format version {meta.GetValueOrDefault(VersionKey) ?? "?"}; this build reads version {FormatVersion}");
        if (!meta.TryGetValue(ChecksumKey, out var stored))
            throw new CheckpointException($"{path} has no checksum{PreviousHint(path)}");
        var rest = meta.Where(kv => kv.Key != ChecksumKey).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        string actual = Checksum(rest, file.Tensors.ToList());
        if (!string.Equals(actual, stored, StringComparison.Ordinal))
            throw new CheckpointException($"checkpoint {path} is corrupt: its checksum does not match its contents{PreviousHint(path)}");
        if (!long.TryParse(meta.GetValueOrDefault(IterationKey), NumberStyles.Integer, CultureInfo.InvariantCulture, out long iteration) || iteration < 0)
            throw new CheckpointException($"{path}: metadata '{IterationKey}' is not an iteration count");

        Dictionary<string, long> steps;
        try
        {
            steps = JsonSerializer.Deserialize<Dictionary<string, long>>(meta.GetValueOrDefault(AdamStepsKey) ?? "{}") ?? [];
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{path}: metadata '{AdamStepsKey}' is not valid: {e.Message}", e);
        }
        var parameters = new OrderedDictionary<string, HostTensor>(StringComparer.Ordinal);
        var buffers = new OrderedDictionary<string, HostTensor>(StringComparer.Ordinal);
        var ms = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        var vs = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        foreach (var (key, t) in file.Tensors)
        {
            if (key.StartsWith(ParamPrefix, StringComparison.Ordinal)) parameters.Add(key[ParamPrefix.Length..], t);
            else if (key.StartsWith(BufferPrefix, StringComparison.Ordinal)) buffers.Add(key[BufferPrefix.Length..], t);
            else if (key.StartsWith(AdamMPrefix, StringComparison.Ordinal)) ms.Add(key[AdamMPrefix.Length..], t);
            else if (key.StartsWith(AdamVPrefix, StringComparison.Ordinal)) vs.Add(key[AdamVPrefix.Length..], t);
            else throw new CheckpointException($"{path}: unexpected tensor '{key}'");
        }
        var adam = new List<(string, HostTensor, HostTensor, long)>();
        foreach (var (name, m) in ms)
        {
            if (!vs.TryGetValue(name, out var v) || !steps.TryGetValue(name, out long step))
                throw new CheckpointException($"{path}: incomplete optimizer state for '{name}'");
            adam.Add((name, m, v, step));
        }
        return new CheckpointData(iteration, meta, parameters, buffers, adam);
    }

    private static string PreviousHint(string path)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        string prev = Path.Combine(dir, PreviousFileName);
        if (Path.GetFileName(path) == PreviousFileName || !File.Exists(prev))
            return "";
        return $". The previous checkpoint {prev} is still there: move it to {Path.Combine(dir, FileName)} to resume from it";
    }

    /// <summary>SHA-256 over the metadata (sorted, key=value lines) and every tensor's name, shape and little-endian bytes, in order.</summary>
    internal static string Checksum(IReadOnlyDictionary<string, string> metadata, IReadOnlyList<KeyValuePair<string, HostTensor>> tensors)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            hash.AppendData(Encoding.UTF8.GetBytes($"{k.Length}:{k}={v.Length}:{v}\n"));
        foreach (var (name, t) in tensors)
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{name}[{string.Join(",", t.Shape)}]\n"));
            hash.AppendData(MemoryMarshal.AsBytes(t.Data.AsSpan()));
        }
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
