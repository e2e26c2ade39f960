namespace SuperRes.Runtime.Tests;

/// <summary>The device-probe key changes with the OpenCL ICD registry and the variables the loaders read.</summary>
public sealed class DeviceProbeKeyTests : IDisposable
{
    private readonly string _vendors = Directory.CreateTempSubdirectory("superres-icd-").FullName;

    public void Dispose() => Directory.Delete(_vendors, recursive: true);

    private string Key(string? cudaVisible = null) => DeviceProbeKey.Compute(name => name switch
    {
        "OCL_ICD_VENDORS" => _vendors,
        "CUDA_VISIBLE_DEVICES" => cudaVisible,
        _ => null,
    });

    [Fact]
    public void TheSameMachineGivesTheSameKey()
    {
        // Two ICD files: a key that followed directory order or the clock would differ between the calls.
        File.WriteAllText(Path.Combine(_vendors, "b.icd"), "libb.so.1\n");
        File.WriteAllText(Path.Combine(_vendors, "a.icd"), "liba.so.1\n");
        string key = Key();
        Assert.Contains("a.icd", key);
        Assert.Contains("b.icd", key);
        Assert.Equal(key, Key());
    }

    [Fact]
    public void AnAddedIcdFileChangesTheKey()
    {
        var before = Key();
        File.WriteAllText(Path.Combine(_vendors, "gpu.icd"), "libsomegpu.so.1\n");
        Assert.NotEqual(before, Key());
    }

    [Fact]
    public void AnIcdFileNamingAnotherLibraryChangesTheKey()
    {
        var icd = Path.Combine(_vendors, "gpu.icd");
        File.WriteAllText(icd, "liba.so.1\n");
        var written = File.GetLastWriteTimeUtc(icd);
        var before = Key();
        File.WriteAllText(icd, "libb.so.1\n");
        File.SetLastWriteTimeUtc(icd, written); // same name, size and time: only the library it names differs
        Assert.NotEqual(before, Key());
    }

    [Fact]
    public void AChangedLibraryNamedByPathChangesTheKey()
    {
        var library = Path.Combine(_vendors, "libdriver.so");
        File.WriteAllText(library, "v1");
        File.WriteAllText(Path.Combine(_vendors, "driver.icd"), library);
        var before = Key();
        File.SetLastWriteTimeUtc(library, DateTime.UtcNow.AddMinutes(-5));
        Assert.NotEqual(before, Key());
    }

    [Fact]
    public void AVisibleDevicesVariableChangesTheKey() => Assert.NotEqual(Key(), Key(cudaVisible: "0"));
}
