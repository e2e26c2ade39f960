using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SuperRes.Models.Serialization;

namespace SuperRes.Training;

/// <summary>A checkpoint is missing, truncated, corrupt, or not for this run. The message names the file.</summary>
public sealed class CheckpointException : SuperResException
{
    public CheckpointException(string message) : base(message) { }
    public CheckpointException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>One network's part of a checkpoint: its parameters and buffers, and its optimiser's moments and per-parameter step counts.</summary>
public sealed record NetworkState(
    IReadOnlyDictionary<string, HostTensor> Parameters,
    IReadOnlyDictionary<string, HostTensor> Buffers,
    IReadOnlyList<(string Name, HostTensor M, HostTensor V, long Step)> Adam)
{
    /// <summary>Parameters then buffers, the state dict a network loads strictly.</summary>
    public OrderedDictionary<string, HostTensor> StateDict()
    {
        var state = new OrderedDictionary<string, HostTensor>(StringComparer.Ordinal);
        foreach (var (k, v) in Parameters) state.Add(k, v);
        foreach (var (k, v) in Buffers) state.Add(k, v);
        return state;
    }
}

/// <summary>
/// Everything a run needs to continue exactly: the network's parameters and buffers, Adam's moments and per-
/// parameter step counts, the iteration, and the run's settings (seed, model, optimiser, schedule, data) as
/// metadata; an adversarial run adds its discriminator's state. The data order needs no state of its own:
/// every batch is a pure function of (seed, iteration).
/// </summary>
public sealed record CheckpointData(
    long Iteration,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyDictionary<string, HostTensor> Parameters,
    IReadOnlyDictionary<string, HostTensor> Buffers,
    IReadOnlyList<(string Name, HostTensor M, HostTensor V, long Step)> Adam,
    NetworkState? Discriminator = null)
{
    public NetworkState Generator => new(Parameters, Buffers, Adam);
}

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

    /// <summary>Prefixed to every tensor name and to <see cref="AdamStepsKey"/> for the discriminator of an adversarial run.</summary>
    public const string DiscriminatorPrefix = "d_";

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
        var meta = new Dictionary<string, string>(data.Metadata, StringComparer.Ordinal)
        {
            [FormatKey] = Format,
            [VersionKey] = FormatVersion,
            [IterationKey] = data.Iteration.ToString(CultureInfo.InvariantCulture),
        };
        AddState(data.Generator, "", tensors, meta);
        if (data.Discriminator is not null)
            AddState(data.Discriminator, DiscriminatorPrefix, tensors, meta);
        meta.Remove(ChecksumKey);
        meta[ChecksumKey] = Checksum(meta, tensors);
        Safetensors.Write(path, tensors, meta);
    }

    private static void AddState(NetworkState state, string prefix, List<KeyValuePair<string, HostTensor>> tensors, Dictionary<string, string> meta)
    {
        foreach (var (name, t) in state.Parameters)
            tensors.Add(new(prefix + ParamPrefix + name, t));
        foreach (var (name, t) in state.Buffers)
            tensors.Add(new(prefix + BufferPrefix + name, t));
        foreach (var (name, m, _, _) in state.Adam)
            tensors.Add(new(prefix + AdamMPrefix + name, m));
        foreach (var (name, _, v, _) in state.Adam)
            tensors.Add(new(prefix + AdamVPrefix + name, v));
        meta[prefix + AdamStepsKey] = JsonSerializer.Serialize(state.Adam.ToDictionary(a => a.Name, a => a.Step), StepCountsJson.Default.DictionaryStringInt64);
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

        var generator = new StateReader("");
        var discriminator = new StateReader(DiscriminatorPrefix);
        foreach (var (key, t) in file.Tensors)
        {
            if (!discriminator.TryAdd(key, t) && !generator.TryAdd(key, t))
                throw new CheckpointException($"{path}: unexpected tensor '{key}'");
        }
        var g = generator.Finish(path, meta);
        var d = discriminator.IsEmpty && !meta.ContainsKey(DiscriminatorPrefix + AdamStepsKey) ? null : discriminator.Finish(path, meta);
        return new CheckpointData(iteration, meta, g.Parameters, g.Buffers, g.Adam, d);
    }

    /// <summary>Sorts a checkpoint's tensors with one prefix into a network's parameters, buffers and Adam state.</summary>
    private sealed class StateReader(string prefix)
    {
        private readonly OrderedDictionary<string, HostTensor> _parameters = new(StringComparer.Ordinal);
        private readonly OrderedDictionary<string, HostTensor> _buffers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, HostTensor> _ms = new(StringComparer.Ordinal);
        private readonly Dictionary<string, HostTensor> _vs = new(StringComparer.Ordinal);

        public bool IsEmpty => _parameters.Count == 0 && _buffers.Count == 0 && _ms.Count == 0;

        public bool TryAdd(string key, HostTensor t)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal))
                return false;
            string rest = key[prefix.Length..];
            if (rest.StartsWith(ParamPrefix, StringComparison.Ordinal)) _parameters.Add(rest[ParamPrefix.Length..], t);
            else if (rest.StartsWith(BufferPrefix, StringComparison.Ordinal)) _buffers.Add(rest[BufferPrefix.Length..], t);
            else if (rest.StartsWith(AdamMPrefix, StringComparison.Ordinal)) _ms.Add(rest[AdamMPrefix.Length..], t);
            else if (rest.StartsWith(AdamVPrefix, StringComparison.Ordinal)) _vs.Add(rest[AdamVPrefix.Length..], t);
            else return false;
            return true;
        }

        public NetworkState Finish(string path, IReadOnlyDictionary<string, string> meta)
        {
            string key = prefix + AdamStepsKey;
            Dictionary<string, long> steps;
            try
            {
                steps = JsonSerializer.Deserialize(meta.GetValueOrDefault(key) ?? "{}", StepCountsJson.Default.DictionaryStringInt64) ?? [];
            }
            catch (JsonException e)
            {
                throw new CheckpointException($"{path}: metadata '{key}' is not valid: {e.Message}", e);
            }
            var adam = new List<(string, HostTensor, HostTensor, long)>();
            foreach (var (name, m) in _ms)
            {
                if (!_vs.TryGetValue(name, out var v) || !steps.TryGetValue(name, out long step))
                    throw new CheckpointException($"{path}: incomplete optimizer state for '{prefix}{name}'");
                adam.Add((name, m, v, step));
            }
            return new NetworkState(_parameters, _buffers, adam);
        }
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

/// <summary>
/// The Adam step counts' JSON (<c>{"name":steps,…}</c>), source-generated with the default options: the same text as
/// reflection-based serialization, without the reflection that a trimmed NativeAOT build lacks.
/// </summary>
[JsonSerializable(typeof(Dictionary<string, long>))]
internal sealed partial class StepCountsJson : JsonSerializerContext;
