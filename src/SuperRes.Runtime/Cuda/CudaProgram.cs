namespace SuperRes.Runtime.Cuda;

/// <summary>A kernel file loaded as a CUmodule on one device.</summary>
internal sealed unsafe class CudaProgram : CompiledProgram
{
    private readonly CudaDevice _device;
    private nint _module;

    private CudaProgram(CudaDevice device, string file, KernelDefines defines, nint module) : base(file, defines)
    {
        _device = device;
        _module = module;
    }

    /// <summary>
    /// Loads the program from the disk cache, or compiles it with NVRTC and caches it. A cached image the
    /// driver refuses (corrupt file, driver downgraded, ...) is evicted and rebuilt rather than reported.
    /// </summary>
    public static CudaProgram Build(CudaDevice device, string file, KernelDefines defines)
    {
        var source = KernelLibrary.Compose(BackendKind.Cuda, file);
        var target = NvrtcCompiler.Target(device.Arch);
        var key = CacheKey(device, source, target, defines);
        if (KernelCache.TryLoad(key) is { } cached)
        {
            try
            {
                if (LooksLoadable(cached))
                    return new CudaProgram(device, file, defines, LoadModule(device, cached, file));
            }
            catch (NativeCallException)
            {
            }
            KernelCache.Evict(key);
        }
        var image = NvrtcCompiler.CompileSource(source, file, defines, target);
        nint module;
        try
        {
            module = LoadModule(device, image.Bytes, file);
        }
        catch (NativeCallException e)
        {
            throw new KernelBuildException(
                $"the CUDA driver {CudaDriver.Format(device.DriverVersion)} could not load {KernelLibrary.SourcePath(file)} "
                + $"built by NVRTC {NvrtcCompiler.Version} as {(target.IsCubin ? "a cubin" : "PTX")} for {target.Arch} "
                + $"({string.Join(' ', image.Options)}): {e.Message}. "
                + "PTX newer than the driver gives CUDA_ERROR_UNSUPPORTED_PTX_VERSION: update the NVIDIA driver or use an older NVRTC");
        }
        KernelCache.Store(key, image.Bytes);
        return new CudaProgram(device, file, defines, module);
    }

    /// <summary>Everything that changes the binary: compiler, target, driver (which loads or JITs it), options, source.</summary>
    internal static string CacheKey(CudaDevice device, string source, NvrtcTarget target, KernelDefines defines) =>
        KernelCache.Key(
            "cuda",
            NvrtcCompiler.Version,
            device.Arch,
            device.DriverVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            string.Join(' ', NvrtcCompiler.Options(target, defines)),
            source);

    protected override Kernel CreateKernel(string entryPoint)
    {
        _device.MakeCurrent();
        nint function;
        var name = System.Text.Encoding.UTF8.GetBytes(entryPoint + "\0");
        fixed (byte* n = name)
            CudaErrors.Check(
                CudaApi.cuModuleGetFunction(&function, Module, n),
                "cuModuleGetFunction",
                $"no kernel '{entryPoint}' in {SourcePath} (entry points: {string.Join(", ", KernelLibrary.EntryPoints(File))})");
        return new CudaKernel(entryPoint, this, _device, function);
    }

    private nint Module => _module != 0 ? _module : throw new ObjectDisposedException(nameof(CudaProgram), $"{SourcePath} on {_device.Info.Id}");

    public override void Dispose()
    {
        base.Dispose();
        var module = _module;
        _module = 0;
        if (module != 0 && !_device.IsDisposed)
        {
            _device.MakeCurrent();
            CudaErrors.Check(CudaApi.cuModuleUnload(module), "cuModuleUnload", SourcePath);
        }
    }

    // cuModuleLoadData reads PTX up to its NUL and trusts ELF headers, so a damaged file must not reach it
    // unless it at least has the shape of what NVRTC wrote: an ELF cubin, or text ending in NUL.
    private static bool LooksLoadable(byte[] image) =>
        image.Length > 4 && (image.AsSpan(0, 4).SequenceEqual("\u007FELF"u8) || image[^1] == 0);

    private static nint LoadModule(CudaDevice device, byte[] image, string file)
    {
        device.MakeCurrent();
        nint module;
        fixed (byte* i = image)
            CudaErrors.Check(CudaApi.cuModuleLoadData(&module, i), "cuModuleLoadData", $"{KernelLibrary.SourcePath(file)} on {device.Info.Id}");
        return module;
    }
}

/// <summary>A CUfunction; it lives as long as its module.</summary>
internal sealed class CudaKernel(string name, CudaProgram program, CudaDevice device, nint function) : Kernel(name, program)
{
    public CudaDevice Device { get; } = device;
    public nint Function { get; } = function;
}
