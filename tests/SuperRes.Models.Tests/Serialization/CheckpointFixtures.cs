using System.Text.Json;

namespace SuperRes.Models.Tests.Serialization;

/// <summary>
/// tests/fixtures/checkpoints/, made by tests/fixtures/make_checkpoint_fixtures.py, and its
/// expected.json: { "cases": [{files, expect, metadata?}], "expected": {set: {key: {shape, values}}} }.
/// </summary>
internal static class CheckpointFixtures
{
    public static readonly string Dir = TestPaths.Fixture("checkpoints");
    private static readonly Lazy<JsonDocument> Expected = new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "expected.json"))));

    public static string PathOf(string name) => Path.Combine(Dir, name);

    /// <summary>(file, expected set name) for every loadable fixture.</summary>
    public static IEnumerable<(string File, string Set, JsonElement? Metadata)> Cases()
    {
        foreach (var c in Expected.Value.RootElement.GetProperty("cases").EnumerateArray())
        {
            JsonElement? meta = c.TryGetProperty("metadata", out var m) ? m : null;
            foreach (var f in c.GetProperty("files").EnumerateArray())
                yield return (f.GetString()!, c.GetProperty("expect").GetString()!, meta);
        }
    }

    public static JsonElement ExpectedSet(string name) => Expected.Value.RootElement.GetProperty("expected").GetProperty(name);

    /// <summary>Asserts keys (in order), shapes and values (bit for bit) against an expected set.</summary>
    public static void AssertMatches(JsonElement expected, IReadOnlyDictionary<string, HostTensor> actual, string context)
    {
        var keys = expected.EnumerateObject().Select(p => p.Name).ToList();
        Assert.True(keys.SequenceEqual(actual.Keys), $"{context}: keys [{string.Join(", ", actual.Keys)}], expected [{string.Join(", ", keys)}]");
        foreach (var p in expected.EnumerateObject())
        {
            var t = actual[p.Name];
            var shape = p.Value.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()).ToArray();
            Assert.True(shape.SequenceEqual(t.Shape), $"{context}: '{p.Name}' shape [{string.Join(",", t.Shape)}], expected [{string.Join(",", shape)}]");
            var values = p.Value.GetProperty("values").EnumerateArray().Select(x => (float)x.GetDouble()).ToArray();
            Assert.Equal(values.Length, t.Data.Length);
            for (int i = 0; i < values.Length; i++)
                Assert.True(BitConverter.SingleToInt32Bits(values[i]) == BitConverter.SingleToInt32Bits(t.Data[i]),
                    $"{context}: '{p.Name}'[{i}] = {t.Data[i]:R}, expected {values[i]:R}");
        }
    }
}
