using SuperRes.Runtime.Tuning;

namespace SuperRes.Runtime.Tests;

/// <summary>The per-device tuning database: where it lives, what survives a save, and that a damaged file counts as none.</summary>
[Collection(KernelCacheEnvironmentCollection.Name)]
public sealed class TuningDatabaseTests : IDisposable
{
    private readonly string? _previous = Environment.GetEnvironmentVariable("SUPERRES_KERNEL_CACHE");

    public void Dispose() => Environment.SetEnvironmentVariable("SUPERRES_KERNEL_CACHE", _previous);

    [OpenClFact]
    public void Entries_and_build_options_survive_a_save_and_a_damaged_file_counts_as_none()
    {
        using var dir = new TempDir("tuning");
        Environment.SetEnvironmentVariable("SUPERRES_KERNEL_CACHE", dir.Path);
        using var device = TestDevices.RequireOpenCl();
        var db = TuningDatabase.Load(device);
        Assert.Empty(db.Entries);
        Assert.StartsWith(Path.Combine(dir.Path, "tuning", "opencl-"), db.Path);

        var parameters = KernelDefines.Parse("BLOCK=16 PX=32");
        db.Set("conv2d_forward", "3x3/1 17-64→17-64", new TunedEntry(parameters, "3x3 64→64 96x96", 12.5, 20));
        db.BuildOptions = "-cl-mad-enable";
        db.Save();
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(db.Path)!, "*.tmp"));

        var again = TuningDatabase.Load(device);
        var entry = again.Find("conv2d_forward", "3x3/1 17-64→17-64");
        Assert.NotNull(entry);
        Assert.Equal(parameters, entry.Parameters);
        Assert.Equal((12.5, 20.0), (entry.Milliseconds, entry.DefaultMilliseconds));
        Assert.Equal("-cl-mad-enable", again.BuildOptions);
        Assert.Null(again.Find("conv2d_forward", "another class"));

        // An op takes the entry only when it is legal for its shape, else its fallback (the class default).
        var fallback = KernelDefines.Parse("BLOCK=8 PX=16");
        Assert.Equal(parameters, again.ParametersOr("conv2d_forward", "3x3/1 17-64→17-64", _ => null, fallback));
        Assert.Equal(fallback, again.ParametersOr("conv2d_forward", "3x3/1 17-64→17-64", _ => "too wide", fallback));
        Assert.Equal(fallback, again.ParametersOr("conv2d_forward", "another class", _ => null, fallback));

        File.WriteAllText(db.Path!, "{ not json");
        Assert.Empty(TuningDatabase.Load(device).Entries);
    }

    [Fact]
    public void The_database_key_follows_the_kernel_sources()
    {
        // The key must be stable across calls (nothing time- or order-dependent in the composed sources), a full
        // SHA-256, and differ where the composed sources differ: each backend's prelude is part of every kernel.
        string openCl = TuningDatabase.SourceHash(BackendKind.OpenCL);
        Assert.Matches("^[0-9a-f]{64}$", openCl);
        Assert.Equal(openCl, TuningDatabase.SourceHash(BackendKind.OpenCL));
        Assert.NotEqual(openCl, TuningDatabase.SourceHash(BackendKind.Cuda));
    }

    [Fact]
    public void Config_lines_may_name_a_device_class()
    {
        var configs = KernelLibrary.DeclaredConfigs("conv2d_forward.cl");
        Assert.Contains(configs, c => c.Class == DeviceClass.Cpu && c.Defines.Values["LOCAL_TILES"] == "0");
        Assert.Contains(configs, c => c.Class is null && c.Defines.Values["LOCAL_TILES"] == "1");
        Assert.Equal(configs.Count, KernelLibrary.Configs("conv2d_forward.cl").Count);
    }
}
