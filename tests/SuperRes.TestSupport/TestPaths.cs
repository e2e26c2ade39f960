namespace SuperRes.TestSupport;

/// <summary>The repository (the folder holding SuperRes.Native.sln), its test fixtures, and the shared data beside it.</summary>
public static class TestPaths
{
    private static readonly Lazy<string> Root = new(() => FindRepoRoot());

    public static string RepoRoot => Root.Value;

    /// <summary>tests/fixtures.</summary>
    public static string Fixtures => Path.Combine(RepoRoot, "tests", "fixtures");

    /// <summary>A path under tests/fixtures, for example <c>Fixture("images", "gray8.png")</c>.</summary>
    public static string Fixture(params string[] parts) => Path.Combine([Fixtures, .. parts]);

    /// <summary>The shared data folder: $SUPERRES_DATA, else ../shared/data beside the repository. Fails the test when missing.</summary>
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

    /// <summary>benchmark/{set}/x{scale}/{HR|LR} in the shared data.</summary>
    public static string Benchmark(string set, int scale, string part) => Path.Combine(Data, "benchmark", set, $"x{scale}", part);

    // Searched above the test binaries, then above this source file (for builds outside the repository tree).
    private static string FindRepoRoot([System.Runtime.CompilerServices.CallerFilePath] string source = "")
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(source) ?? "" })
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "SuperRes.Native.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"SuperRes.Native.sln not found above {AppContext.BaseDirectory} or {source}");
    }
}
