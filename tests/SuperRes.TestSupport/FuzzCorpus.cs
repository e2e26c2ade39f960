namespace SuperRes.TestSupport;

/// <summary>tests/fuzz: the seed inputs of the fuzz harnesses and every input a fuzzer ever found, as theory data.</summary>
public static class FuzzCorpus
{
    public static string Root => Path.Combine(TestPaths.RepoRoot, "tests", "fuzz");

    /// <summary>(target, path relative to <see cref="Root"/>) for every file of seeds/&lt;target&gt; and regression/&lt;target&gt;.</summary>
    public static TheoryData<string, string> Inputs(params string[] targets)
    {
        var data = new TheoryData<string, string>();
        foreach (string target in targets)
            foreach (string kind in new[] { "seeds", "regression" })
            {
                string dir = Path.Combine(Root, kind, target);
                if (!Directory.Exists(dir)) continue;
                foreach (string file in Directory.GetFiles(dir).Order())
                    data.Add(target, Path.GetRelativePath(Root, file));
            }
        return data;
    }
}
