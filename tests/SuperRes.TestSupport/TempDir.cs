namespace SuperRes.TestSupport;

/// <summary>A temporary folder that deletes itself.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string name = "run")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"superres-test-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A path inside the folder (nothing is created).</summary>
    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>The same as <see cref="Sub"/>, read better for a file's path.</summary>
    public string File(string name) => Sub(name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
