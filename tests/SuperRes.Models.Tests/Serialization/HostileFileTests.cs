namespace SuperRes.Models.Tests.Serialization;

public class HostileFileTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("evil_os_system.pt", "global 'os.system'")]
    [InlineData("evil_eval_legacy.pt", "global 'builtins.eval'")]
    [InlineData("evil_load_from_bytes.pt", "global 'torch.storage._load_from_bytes'")]
    [InlineData("truncated_zip.pt", "not a readable zip archive (truncated or corrupt?)")]
    [InlineData("truncated_legacy.pt", "truncated file?")]
    [InlineData("wrong_magic.pt", "wrong magic number")]
    [InlineData("header_too_long.safetensors", "header length 1000000 runs beyond the end of the file")]
    [InlineData("zip_slip.pt", "zip entry 'archive/data/../../../../tmp/evil.sh' has an unsafe path")]
    public void HostileFixturesAreRefusedWithAClearMessage(string file, string expected)
    {
        string path = CheckpointFixtures.PathOf(file);
        var ex = Assert.Throws<WeightFormatException>(() => WeightFiles.Load(path));
        output.WriteLine(ex.Message);
        Assert.StartsWith(path + ": ", ex.Message);
        Assert.Equal(path, ex.FilePath);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void RefusedGlobalsAreNamedWithTheAllowList()
    {
        var ex = Assert.Throws<WeightFormatException>(() => WeightFiles.Load(CheckpointFixtures.PathOf("evil_os_system.pt")));
        Assert.Contains("refusing to load", ex.Message);
        Assert.Contains("allow-list", ex.Message);
    }

    [Fact]
    public void EmptyAndUnknownFilesAreRefused()
    {
        using var tmp = new TempDir();
        File.WriteAllBytes(tmp.File("empty.bin"), []);
        Assert.Contains("empty file", Assert.Throws<WeightFormatException>(() => WeightFiles.Load(tmp.File("empty.bin"))).Message);
        File.WriteAllText(tmp.File("text.pt"), "hello, this is not a checkpoint");
        Assert.Contains("unrecognised weight file format", Assert.Throws<WeightFormatException>(() => WeightFiles.Load(tmp.File("text.pt"))).Message);
    }

    /// <summary>
    /// Every fixture cut short at many lengths and with bytes flipped: each load either succeeds or
    /// throws WeightFormatException — never another exception, a crash or a hang.
    /// </summary>
    [Fact]
    public void DamagedFilesNeverCrash()
    {
        using var tmp = new TempDir();
        var rng = new Random(1234);
        int refused = 0, loaded = 0;
        foreach (string name in Directory.GetFiles(CheckpointFixtures.Dir).Where(f => !f.EndsWith(".json")))
        {
            byte[] bytes = File.ReadAllBytes(name);
            var variants = new List<(string What, byte[] Bytes)>();
            for (int i = 0; i < 40; i++)
            {
                int cut = i < 20 ? i : rng.Next(bytes.Length);
                variants.Add(($"cut at {cut}", bytes[..cut]));
            }
            for (int i = 0; i < 60; i++)
            {
                var b = (byte[])bytes.Clone();
                int at = rng.Next(b.Length);
                b[at] = i % 3 == 0 ? (byte)0xFF : (byte)rng.Next(256);
                variants.Add(($"byte {at} := 0x{b[at]:x2}", b));
            }
            foreach (var (what, b) in variants)
            {
                string path = tmp.File("damaged" + Path.GetExtension(name));
                File.WriteAllBytes(path, b);
                try { WeightFiles.Load(path); loaded++; }
                catch (WeightFormatException) { refused++; }
                catch (Exception ex)
                {
                    Assert.Fail($"{Path.GetFileName(name)} with {what}: {ex.GetType().Name} instead of WeightFormatException: {ex}");
                }
            }
        }
        output.WriteLine($"{refused} refused, {loaded} still loaded");
        Assert.True(refused > 0);
    }
}
