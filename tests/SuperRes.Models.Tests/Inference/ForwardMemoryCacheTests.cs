namespace SuperRes.Models.Tests.Inference;

/// <summary>
/// <see cref="ForwardMemoryCache"/> keeps measured memory models across processes: a miss measures and stores, a hit
/// returns the stored model without probing (shown by a stored value no probe could give), a different network or
/// channel count is a different key, and a damaged file is ignored with one warning line, then rewritten.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class ForwardMemoryCacheTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("superres-memory-models-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_miss_measures_and_stores_and_a_hit_reads_the_stored_model()
    {
        using var network = InferenceTestNetworks.Create(TestDevices.Cpu, "fsrcnn", 2);
        var cache = new ForwardMemoryCache(_dir);
        var warnings = new List<string>();
        var measured = Upscaler(network, cache, warnings).ForwardMemoryOf(1);
        Assert.True(measured.BytesPerPixel > 0);
        Assert.Equal(measured, cache.Find(network, 1, warn: null));

        // Doctor the stored entry: a later upscaler that returns it did not probe.
        var doctored = new ForwardMemory(12345, 678.5);
        cache.Store(network, 1, doctored, warn: null);
        Assert.Equal(doctored, Upscaler(network, cache, warnings).ForwardMemoryOf(1));
        Assert.Empty(warnings);
    }

    [Fact]
    public void The_key_tells_networks_configurations_and_channel_counts_apart()
    {
        using var small = InferenceTestNetworks.Create(TestDevices.Cpu, "edsr-baseline", 2);
        using var other = ModelZoo.Create(TestDevices.Cpu, "edsr-baseline", 2, ModelOptions.Parse("blocks=1,features=8"));
        using var x3 = InferenceTestNetworks.Create(TestDevices.Cpu, "edsr-baseline", 3);
        var keys = new[] { ForwardMemoryCache.Key(small, 3), ForwardMemoryCache.Key(small, 1), ForwardMemoryCache.Key(other, 3), ForwardMemoryCache.Key(x3, 3) };
        Assert.Equal(keys.Length, keys.Distinct().Count());
        Assert.Equal(ForwardMemoryCache.Key(small, 3), ForwardMemoryCache.Key(small, 3));

        var cache = new ForwardMemoryCache(_dir);
        cache.Store(small, 3, new ForwardMemory(1, 2), warn: null);
        Assert.Null(cache.Find(other, 3, warn: null));
        Assert.Null(cache.Find(small, 1, warn: null));
        Assert.Equal(new ForwardMemory(1, 2), cache.Find(small, 3, warn: null));
    }

    [Theory]
    [InlineData("{ this is not json")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"version\": 1, \"models\": 7}")]
    [InlineData("superres forward memory models, version 2\nabc 1 not-a-number build # x")]
    [InlineData("superres forward memory models, version 2\nabc 1 2")]
    [InlineData("superres forward memory models, version 2\nabc -1 2 build")]
    public void A_damaged_file_is_ignored_with_one_warning_line_and_rewritten(string content)
    {
        using var network = InferenceTestNetworks.Create(TestDevices.Cpu, "fsrcnn", 2);
        var cache = new ForwardMemoryCache(_dir);
        File.WriteAllText(cache.Path!, content);
        var warnings = new List<string>();
        var memory = Upscaler(network, cache, warnings).ForwardMemoryOf(1);
        Assert.True(memory.BytesPerPixel > 0);
        var warning = Assert.Single(warnings);
        Assert.Contains(cache.Path!, warning);
        Assert.DoesNotContain('\n', warning);
        Assert.Equal(memory, cache.Find(network, 1, warn: _ => Assert.Fail("the rewritten file is damaged")));
    }

    [Fact]
    public void Entries_of_other_builds_are_dropped_when_the_file_is_written()
    {
        using var network = InferenceTestNetworks.Create(TestDevices.Cpu, "fsrcnn", 2);
        var cache = new ForwardMemoryCache(_dir);
        File.WriteAllText(cache.Path!, "superres forward memory models, version 2\nold-key 1 2 an-older-build # fsrcnn x2 of last year\n");
        cache.Store(network, 1, new ForwardMemory(3, 4), warn: _ => Assert.Fail("the file is sound"));
        var text = File.ReadAllText(cache.Path!);
        Assert.DoesNotContain("old-key", text);
        Assert.Equal(2, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(new ForwardMemory(3, 4), cache.Find(network, 1, warn: null));
    }

    [Fact]
    public void Without_a_directory_nothing_is_kept()
    {
        using var network = InferenceTestNetworks.Create(TestDevices.Cpu, "fsrcnn", 2);
        var cache = new ForwardMemoryCache(null);
        cache.Store(network, 1, new ForwardMemory(1, 2), warn: null);
        Assert.Null(cache.Path);
        Assert.Null(cache.Find(network, 1, warn: null));
    }

    private static Upscaler Upscaler(SrNetwork network, ForwardMemoryCache cache, List<string> warnings) =>
        new(network, new UpscaleOptions { MemoryModels = cache, Warning = warnings.Add }); // not disposed: it would dispose the network
}
