namespace SuperRes.Imaging.Tests;

/// <summary>Benchmark pairs read once per test run and shared by the resize and metric tests.</summary>
internal static class Benchmark
{
    public static readonly string[] Sets = ["Set5", "Set14"];
    public static readonly int[] Scales = [2, 3, 4];

    private static readonly Dictionary<(string, int), List<(string Name, Image Hr, Image Lr)>> Cache = new();

    public static List<(string Name, Image Hr, Image Lr)> Pairs(string set, int scale)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue((set, scale), out var cached)) return cached;
            string dir = Path.Combine(TestPaths.Data, "benchmark", set, $"x{scale}");
            var hrFiles = Directory.Exists(Path.Combine(dir, "HR")) ? Directory.GetFiles(Path.Combine(dir, "HR"), "*.png").Order().ToArray() : [];
            Assert.True(hrFiles.Length > 0, $"no HR images in {dir}/HR");
            var list = hrFiles.AsParallel().AsOrdered()
                .Select(f => (Path.GetFileName(f), ImageCodec.Read(f), ImageCodec.Read(Path.Combine(dir, "LR", Path.GetFileName(f)))))
                .ToList();
            Cache[(set, scale)] = list;
            return list;
        }
    }
}
