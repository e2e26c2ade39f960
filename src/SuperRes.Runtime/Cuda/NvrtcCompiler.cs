using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace SuperRes.Runtime.Cuda;

/// <summary>What NVRTC is asked to produce for a device architecture.</summary>
/// <param name="Arch">The device architecture asked for, e.g. <c>sm_86</c>.</param>
/// <param name="Number">The architecture actually compiled for (86 for sm_86 or compute_86).</param>
/// <param name="IsCubin">True: machine code for exactly <see cref="Number"/>. False: PTX for the driver to JIT.</param>
public sealed record NvrtcTarget(string Arch, int Number, bool IsCubin)
{
    public string Option => $"--gpu-architecture={(IsCubin ? "sm" : "compute")}_{Number}";
}

/// <summary>The output of one NVRTC compilation: a cubin (ELF) or NUL-terminated PTX, both loadable by cuModuleLoadData.</summary>
public sealed record NvrtcImage(byte[] Bytes, NvrtcTarget Target, IReadOnlyList<string> Options, string Log);

/// <summary>
/// Compiles kernels/*.cl for CUDA with NVRTC. Needs only libnvrtc, no GPU and no driver, so the kernels are
/// compile-checked on machines (CI) without an NVIDIA card.
/// <para>
/// Options: <c>--gpu-architecture=sm_XX</c> when NVRTC knows the device's architecture (a cubin: no JIT at
/// load, no dependence on the driver's PTX version), otherwise <c>compute_XX</c> for the newest architecture
/// NVRTC knows that is not newer than the device, as PTX that the driver JIT-compiles. Everything else keeps
/// NVRTC's defaults on purpose: full optimisation, FMA contraction on (as nvcc does; a fused multiply-add is
/// more accurate, not less, and tests compare with tolerances), IEEE-rounded division and sqrt, no
/// flush-to-zero. No <c>-std=</c>: the kernels are the C subset shared with OpenCL, and pinning a dialect
/// would only risk a future NVRTC dropping it.
/// </para>
/// </summary>
public static unsafe class NvrtcCompiler
{
    // The program is named after the prelude because the composed source starts with it; the #line that
    // Compose puts after the prelude switches the name to kernels/&lt;file&gt; for the kernel's own lines.
    private const string ProgramName = "kernels/prelude_cuda.h";

    private static readonly Lazy<Probe> State = new(ProbeLibrary);

    /// <summary>Whether a usable libnvrtc (11.2 or newer) was found.</summary>
    public static bool IsAvailable => State.Value.Problem is null;

    /// <summary>Why NVRTC cannot be used (null when it can).</summary>
    public static string? UnavailableReason => State.Value.Problem;

    /// <summary>NVRTC's version, e.g. <c>11.8</c>.</summary>
    public static string Version => Require().Version;

    /// <summary>The architectures NVRTC can emit cubins for, ascending (e.g. 35 ... 90).</summary>
    public static IReadOnlyList<int> SupportedArchs => Require().Archs;

    /// <summary>Chooses cubin or PTX for a device architecture such as <c>sm_90</c> (see the class remarks).</summary>
    public static NvrtcTarget Target(string arch)
    {
        var archs = SupportedArchs;
        int number = ParseArch(arch);
        if (archs.Contains(number))
            return new NvrtcTarget(arch, number, IsCubin: true);
        var older = archs.Where(a => a <= number).ToList();
        if (older.Count == 0)
            throw new KernelBuildException(
                $"NVRTC {Version} cannot build for {arch}: it supports sm_{archs[0]} to sm_{archs[^1]}; use an older CUDA toolkit's NVRTC for this GPU");
        return new NvrtcTarget(arch, older.Max(), IsCubin: false);
    }

    /// <summary>The full NVRTC option list for a target and a define set.</summary>
    public static IReadOnlyList<string> Options(NvrtcTarget target, KernelDefines defines) =>
        [target.Option, .. defines.ToOptions()];

    /// <summary>Compiles one kernel file (with the CUDA prelude) for a device architecture such as <c>sm_80</c>.</summary>
    public static NvrtcImage Compile(string file, KernelDefines defines, string arch) =>
        CompileSource(KernelLibrary.Compose(BackendKind.Cuda, file), file, defines, Target(arch));

    /// <summary>
    /// As <see cref="Compile"/>, with ptxas's resource report (registers, spills, shared memory per entry point)
    /// in <see cref="NvrtcImage.Log"/>. The report option changes nothing in the generated code.
    /// </summary>
    internal static NvrtcImage CompileWithResourceReport(string file, KernelDefines defines, string arch) =>
        CompileSource(KernelLibrary.Compose(BackendKind.Cuda, file), file, defines, Target(arch), ["--ptxas-options=-v"]);

    /// <summary>Compiles an already composed source; <paramref name="file"/> only names it in errors.</summary>
    internal static NvrtcImage CompileSource(string source, string file, KernelDefines defines, string arch) =>
        CompileSource(source, file, defines, Target(arch));

    internal static NvrtcImage CompileSource(string source, string file, KernelDefines defines, NvrtcTarget target,
        IReadOnlyList<string>? extraOptions = null)
    {
        Require();
        IReadOnlyList<string> options = [.. Options(target, defines), .. extraOptions ?? []];
        nint program = 0;
        byte[] sourceBytes = NulTerminated(source), nameBytes = NulTerminated(ProgramName);
        fixed (byte* s = sourceBytes, n = nameBytes)
            CudaErrors.CheckNvrtc(NvrtcApi.nvrtcCreateProgram(&program, s, n, 0, null, null), "nvrtcCreateProgram", KernelLibrary.SourcePath(file));

        bool completed = false;
        try
        {
            int status = CompileWith(program, options);
            string log = ReadLog(program);
            if (status == NvrtcApi.ErrorCompilation)
                throw new KernelBuildException(
                    $"NVRTC {Version} could not compile {KernelLibrary.SourcePath(file)} for {target.Arch} "
                    + $"(defines: {(defines.Values.Count == 0 ? "none" : defines.ToString())}; options: {string.Join(' ', options)}):\n{log}");
            CudaErrors.CheckNvrtc(status, "nvrtcCompileProgram", $"{KernelLibrary.SourcePath(file)} for {target.Arch}: {log}");
            var bytes = target.IsCubin ? ReadCubin(program) : ReadPtx(program);
            completed = true;
            return new NvrtcImage(bytes, target, options, log);
        }
        finally
        {
            int destroyed = NvrtcApi.nvrtcDestroyProgram(&program);
            // Reported only when nothing else failed, so it never hides the first error.
            if (completed)
                CudaErrors.CheckNvrtc(destroyed, "nvrtcDestroyProgram");
        }
    }

    internal static int ParseArch(string arch)
    {
        var digits = arch.StartsWith("sm_", StringComparison.Ordinal) ? arch[3..] : "";
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int number))
            throw new ArgumentException($"'{arch}' is not a CUDA architecture of the form sm_86", nameof(arch));
        return number;
    }

    private static int CompileWith(nint program, IReadOnlyList<string> options)
    {
        var pointers = new nint[options.Count];
        try
        {
            for (int i = 0; i < options.Count; i++)
                pointers[i] = Marshal.StringToCoTaskMemUTF8(options[i]);
            fixed (nint* p = pointers)
                return NvrtcApi.nvrtcCompileProgram(program, options.Count, (byte**)p);
        }
        finally
        {
            foreach (var p in pointers)
                Marshal.FreeCoTaskMem(p);
        }
    }

    private static string ReadLog(nint program) =>
        Encoding.UTF8.GetString(ReadOutput(program, &NvrtcApi.nvrtcGetProgramLogSize, &NvrtcApi.nvrtcGetProgramLog, "nvrtcGetProgramLog"))
            .TrimEnd('\0', '\n', '\r', ' ');

    // The PTX size includes the terminating NUL, which cuModuleLoadData needs to find the end of PTX text.
    private static byte[] ReadPtx(nint program) => ReadOutput(program, &NvrtcApi.nvrtcGetPTXSize, &NvrtcApi.nvrtcGetPTX, "nvrtcGetPTX");

    private static byte[] ReadCubin(nint program) => ReadOutput(program, &NvrtcApi.nvrtcGetCUBINSize, &NvrtcApi.nvrtcGetCUBIN, "nvrtcGetCUBIN");

    /// <summary>One of a program's outputs (log, PTX, cubin): its size, then its bytes.</summary>
    private static byte[] ReadOutput(nint program, delegate*<nint, nuint*, int> getSize, delegate*<nint, byte*, int> get, string call)
    {
        nuint size;
        CudaErrors.CheckNvrtc(getSize(program, &size), call + "Size");
        var buffer = new byte[Math.Max(1, (int)size)];
        fixed (byte* b = buffer)
            CudaErrors.CheckNvrtc(get(program, b), call);
        return buffer;
    }

    private static byte[] NulTerminated(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    private static Probe Require()
    {
        var state = State.Value;
        return state.Problem is null ? state : throw new NativeLibraryMissingException(state.Problem);
    }

    private sealed record Probe(string Version, int[] Archs, string? Problem);

    private static Probe ProbeLibrary()
    {
        if (!NativeLibraries.TryLoad(NativeLibraries.Nvrtc, out _, out _))
            return new Probe("", [], MissingMessage);
        try
        {
            int major, minor, count;
            CudaErrors.CheckNvrtc(NvrtcApi.nvrtcVersion(&major, &minor), "nvrtcVersion");
            CudaErrors.CheckNvrtc(NvrtcApi.nvrtcGetNumSupportedArchs(&count), "nvrtcGetNumSupportedArchs");
            var archs = new int[count];
            fixed (int* a = archs)
                CudaErrors.CheckNvrtc(NvrtcApi.nvrtcGetSupportedArchs(a), "nvrtcGetSupportedArchs");
            Array.Sort(archs);
            if (archs.Length == 0)
                return new Probe($"{major}.{minor}", archs, $"NVRTC {major}.{minor} reports no supported GPU architectures");
            return new Probe($"{major}.{minor}", archs, null);
        }
        catch (EntryPointNotFoundException e)
        {
            return new Probe("", [], $"the NVRTC found is older than 11.2 ({e.Message}); " + InstallHint);
        }
        catch (NativeCallException e)
        {
            return new Probe("", [], e.Message);
        }
    }

    private const string InstallHint =
        "on Debian enable the contrib and non-free components and install the package libnvrtc11.2, "
        + "or install the CUDA toolkit (and add its lib64 folder to LD_LIBRARY_PATH)";

    private static string MissingMessage =>
        $"no NVRTC (the CUDA runtime compiler) found: looked for {string.Join(", ", NativeLibraries.NvrtcSonames)}; {InstallHint}";
}
