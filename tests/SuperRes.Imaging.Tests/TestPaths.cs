namespace SuperRes.Imaging.Tests;

/// <summary>Locates the repository (the folder holding SuperRes.Native.sln) and the shared data beside it.</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Fixtures => Path.Combine(RepoRoot, "tests", "fixtures", "images");

    public static string Fixture(string name) => Path.Combine(Fixtures, name);

    /// <summary>The shared data folder: $SUPERRES_DATA, else ../shared/data beside the repo. Fails the test when missing.</summary>
    public static string Data
    {
        get
        {
            var candidates = new List<string>();
            var env = Environment.GetEnvironmentVariable("SUPERRES_DATA");
            if (!string.IsNullOrEmpty(env)) candidates.Add(Path.GetFullPath(env));
            candidates.Add(Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data")));
            foreach (var c in candidates)
                if (Directory.Exists(Path.Combine(c, "benchmark"))) return c;
            Assert.Fail("benchmark data not found; looked for a 'benchmark' folder in: " + string.Join(", ", candidates)
                        + " (set SUPERRES_DATA to the data folder)");
            return "";
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SuperRes.Native.sln"))) return dir.FullName;
        throw new InvalidOperationException("SuperRes.Native.sln not found above " + AppContext.BaseDirectory);
    }
}

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
