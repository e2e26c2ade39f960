using System.Text.RegularExpressions;

namespace SuperRes.Tensors.Tests;

/// <summary>
/// docs/architecture.md quotes whole files of the worked examples: each fenced block right after a line
/// <c>&lt;!-- file: PATH --&gt;</c> must equal that file, so the walkthroughs cannot go stale.
/// </summary>
public sealed partial class ArchitectureDocTests
{
    [GeneratedRegex(@"<!-- file: (?<path>\S+) -->\n```[a-z]*\n(?<code>.*?)```\n", RegexOptions.Singleline)]
    private static partial Regex QuotedFile();

    private static string Doc => File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "architecture.md")).Replace("\r\n", "\n");

    private static IEnumerable<string> Paths() => QuotedFile().Matches(Doc).Select(m => m.Groups["path"].Value);

    public static TheoryData<string> QuotedPaths() => new(Paths());

    [Theory]
    [MemberData(nameof(QuotedPaths))]
    public void QuotesTheFileAsItIs(string path)
    {
        var quoted = QuotedFile().Matches(Doc).Single(m => m.Groups["path"].Value == path).Groups["code"].Value;
        var actual = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, path)).Replace("\r\n", "\n");
        Assert.True(actual == quoted, $"docs/architecture.md no longer quotes {path} as it is; paste it again:\n{actual}");
    }

    [Fact]
    public void TheWalkthroughsQuoteTheExampleOp() =>
        Assert.Contains("tests/SuperRes.ExampleOp/Softsign.Buffers.cs", Paths());
}
