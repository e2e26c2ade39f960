namespace SuperRes.Imaging;

/// <summary>
/// A file written under a temporary name in its folder and renamed over <see cref="Path"/> by <see cref="Commit"/>,
/// so a reader never sees a half-written output, even if the process dies mid-write. Disposed uncommitted (an error
/// on the way), the temporary file is deleted and <see cref="Path"/> is left as it was.
/// </summary>
public sealed class AtomicFile : IDisposable
{
    private readonly string _temporary;
    private readonly FileStream _stream;
    private bool _done;

    public AtomicFile(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        string dir = System.IO.Path.GetDirectoryName(Path)!;
        _temporary = System.IO.Path.Combine(dir, $".{System.IO.Path.GetFileName(Path)}.{Guid.NewGuid():N}.tmp");
        _stream = new FileStream(_temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
    }

    public string Path { get; }

    public Stream Stream => _done ? throw new ObjectDisposedException(Path) : _stream;

    /// <summary>Flushes the bytes to disk and moves the file into place.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        _done = true;
        try
        {
            File.Move(_temporary, Path, overwrite: true);
        }
        catch
        {
            Delete();
            throw;
        }
    }

    public void Dispose()
    {
        if (_done)
            return;
        _done = true;
        _stream.Dispose();
        Delete();
    }

    private void Delete()
    {
        try { File.Delete(_temporary); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
