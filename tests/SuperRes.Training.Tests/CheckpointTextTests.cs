using System.Security.Cryptography;
using SuperRes.Models.Serialization;

namespace SuperRes.Training.Tests;

/// <summary>
/// The exact bytes of a checkpoint, its Adam step counts' JSON text among them: checkpoints written by earlier builds
/// load, and later builds write the same file for the same state.
/// </summary>
public sealed class CheckpointTextTests
{
    private static HostTensor Tensor(params float[] values) => new([values.Length], values);

    private static CheckpointData Data() => new(
        Iteration: 12,
        Metadata: new Dictionary<string, string> { ["architecture"] = "fsrcnn", ["scale"] = "2", ["seed"] = "42" },
        Parameters: new Dictionary<string, HostTensor> { ["first_part.0.weight"] = Tensor(0.5f, -1.25f), ["last_part.bias"] = Tensor(0.125f) },
        Buffers: new Dictionary<string, HostTensor>(),
        Adam: [("first_part.0.weight", Tensor(0.01f, 0.02f), Tensor(1e-4f, 2e-4f), 12), ("last_part.bias", Tensor(0.03f), Tensor(3e-4f), 9)],
        Discriminator: new NetworkState(
            new Dictionary<string, HostTensor> { ["features.0.weight"] = Tensor(2f) },
            new Dictionary<string, HostTensor>(),
            [("features.0.weight", Tensor(0.1f), Tensor(0.2f), 3_000_000_000)]));

    [Fact]
    public void Written_bytes_and_step_counts_text_are_those_of_earlier_builds()
    {
        using var dir = new TempDir("ckpt-text");
        string path = dir.File("last.ckpt");
        Checkpoint.Write(path, Data());

        var meta = Safetensors.Read(path).Metadata;
        Assert.Equal("""{"first_part.0.weight":12,"last_part.bias":9}""", meta[Checkpoint.AdamStepsKey]);
        Assert.Equal("""{"features.0.weight":3000000000}""", meta[Checkpoint.DiscriminatorPrefix + Checkpoint.AdamStepsKey]);
        Assert.Equal("sha256:a8d520a1c3b0e26f1cabb2c46172d72e7d91f2b0fcc4f8f53a89051722eea75d", meta[Checkpoint.ChecksumKey]);
        Assert.Equal("9ab1db7566a9853eef94ad8a1f48e431af1b06e5c81f048e6f09349d52a91b6b", Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))));

        var loaded = Checkpoint.Load(path);
        Assert.Equal([("first_part.0.weight", 12L), ("last_part.bias", 9L)], loaded.Adam.Select(a => (a.Name, a.Step)));
        Assert.Equal(3_000_000_000, Assert.Single(loaded.Discriminator!.Adam).Step);
    }

    [Fact]
    public void Step_counts_that_are_not_a_name_to_integer_map_are_refused_naming_the_key()
    {
        using var dir = new TempDir("ckpt-steps");
        string path = dir.File("last.ckpt");
        Checkpoint.Write(path, Data());
        var file = Safetensors.Read(path);
        var meta = file.Metadata.Where(kv => kv.Key != Checkpoint.ChecksumKey).ToDictionary(StringComparer.Ordinal);
        meta[Checkpoint.AdamStepsKey] = """{"first_part.0.weight":"twelve"}""";
        var tensors = file.Tensors.ToList();
        meta[Checkpoint.ChecksumKey] = Checkpoint.Checksum(meta, tensors);
        Safetensors.Write(path, tensors, meta);

        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Contains($"{path}: metadata 'adam_steps' is not valid", e.Message);
    }
}
