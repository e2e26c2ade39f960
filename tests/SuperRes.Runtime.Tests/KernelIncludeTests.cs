namespace SuperRes.Runtime.Tests;

/// <summary>How <c>#include "name"</c> lines are resolved and inlined (KernelIncludes), on in-memory sources.</summary>
public sealed class KernelIncludeTests(ITestOutputHelper output)
{
    internal const string ValueKernel = "#include \"value.h\"\nKERNEL void write_value(GLOBAL float* y)\n{\n    y[0] = VALUE;\n}\n";

    internal static KernelSourceSet Sources(params (string Name, string Text)[] files)
    {
        var set = new KernelSourceSet();
        set.Add(files.Select(f => new KernelSource(f.Name, "test/" + f.Name, "tests", () => f.Text)));
        return set;
    }

    [Fact]
    public void Headers_are_inlined_once_each_with_line_directives_back_to_every_file()
    {
        var set = Sources(
            ("a.cl", "// a\n#include \"two.h\"\n#include \"one.h\" // again: blank\nbody\n"),
            ("include/one.h", "one\n"),
            ("include/two.h", "#include \"one.h\"\ntwo\n"));

        string expanded = KernelIncludes.Expand(set, "a.cl");

        Assert.Equal(
            "#line 1 \"test/a.cl\"\n// a\n"
            + "#line 1 \"test/include/two.h\"\n"
            + "#line 1 \"test/include/one.h\"\none\n\n#line 2 \"test/include/two.h\"\n"
            + "two\n\n#line 3 \"test/a.cl\"\n"
            + "\nbody\n\n",
            expanded);
    }

    [Fact]
    public void A_header_beside_the_including_file_wins_over_include_folder_and_dot_dot_climbs()
    {
        var set = Sources(
            ("ops/x.cl", "#include \"h.h\"\n#include \"../top.h\"\n"),
            ("ops/h.h", "beside\n"),
            ("include/h.h", "shared\n"),
            ("top.h", "top\n"));

        string expanded = KernelIncludes.Expand(set, "ops/x.cl");

        Assert.Contains("beside", expanded);
        Assert.DoesNotContain("shared", expanded);
        Assert.Contains("top", expanded);
    }

    [Fact]
    public void A_missing_header_is_reported_with_file_line_and_where_it_was_looked_for() =>
        AssertExpandFails(Sources(("a.cl", "// first\n#include \"nope.h\"\n")), "test/a.cl:2", "\"nope.h\" not found", "include/nope.h");

    [Fact]
    public void A_cycle_is_reported_with_file_line_and_the_chain() =>
        AssertExpandFails(
            Sources(("a.cl", "#include \"x.h\"\n"), ("include/x.h", "#include \"y.h\"\n"), ("include/y.h", "\n\n#include \"x.h\"\n")),
            "test/include/y.h:3", "cycle", "test/a.cl → test/include/x.h → test/include/y.h → test/include/x.h");

    [Fact]
    public void Only_the_quoted_include_form_is_accepted() =>
        AssertExpandFails(Sources(("a.cl", "#include <stdio.h>\n")), "test/a.cl:1", "#include \"name.h\"");

    [Fact]
    public void A_name_owned_by_another_origin_is_refused()
    {
        var set = Sources(("a.cl", ""));
        var e = Assert.Throws<KernelBuildException>(() => set.Add([new KernelSource("a.cl", "other/a.cl", "Other", () => "")]));
        Assert.Contains("a.cl", e.Message);
        Assert.Contains("other/a.cl (Other)", e.Message);
    }

    [Fact]
    public void The_engine_kernels_compose_with_their_headers_and_headers_are_not_kernel_files()
    {
        Assert.DoesNotContain(KernelLibrary.Files, f => f.EndsWith(".h", StringComparison.Ordinal));
        string composed = KernelLibrary.Compose(BackendKind.OpenCL, "batch_norm.cl");
        Assert.Contains("#line 1 \"kernels/include/reduce.h\"", composed);
        Assert.Contains("#line 1 \"kernels/include/index.h\"", composed);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(composed, "DEVICE_FN float group_sum\\("));
    }

    [OpenClFact]
    public void A_compile_error_in_a_header_cites_the_header_and_its_line()
    {
        using var device = TestDevices.RequireOpenCl();
        var set = Sources(("a.cl", ValueKernel), ("include/value.h", "// fine\n#define VALUE undefined_in_header\n"));
        var e = Assert.Throws<KernelBuildException>(() =>
            device.BuildFromSource("a.cl", KernelDefines.None, KernelLibrary.Prelude(BackendKind.OpenCL) + "\n" + KernelIncludes.Expand(set, "a.cl")));
        output.WriteLine(e.Message);
        Assert.Contains("undefined_in_header", e.Message);
        Assert.Contains("test/a.cl:4", e.Message); // where VALUE is used, after the inlined header
        Assert.Contains("test/include/value.h:2", e.Message); // where the macro was defined
    }

    private static void AssertExpandFails(KernelSourceSet set, params string[] fragments)
    {
        var e = Assert.Throws<KernelBuildException>(() => KernelIncludes.Expand(set, "a.cl"));
        foreach (var fragment in fragments)
            Assert.Contains(fragment, e.Message);
    }
}
