using System.Security.Cryptography;
using System.Text;

namespace SuperRes.Runtime;

/// <summary>
/// On-disk cache of compiled device programs (OpenCL binaries, CUDA cubin/PTX). The key hashes everything
/// that changes the binary: backend, device, driver, compiler, full source and options. Files are written
/// to a unique temporary name and renamed into place, so two processes building the same program at once
/// both succeed and a reader never sees half a file.
/// </summary>
public static class KernelCache
{
    /// <summary><c>SUPERRES_KERNEL_CACHE</c>, else <c>$XDG_CACHE_HOME/superres/kernels</c>, else <c>~/.cache/superres/kernels</c>. Set the variable to <c>off</c> to disable.</summary>
    public static string? Directory
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("SUPERRES_KERNEL_CACHE");
            if (string.Equals(env, "off", StringComparison.OrdinalIgnoreCase))
                return null;
            if (!string.IsNullOrEmpty(env))
                return env;
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "superres", "kernels");
        }
    }

    public static string Key(params string[] parts)
    {
        var text = string.Join("\u0001", parts);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
    }

    public static byte[]? TryLoad(string key)
    {
        var dir = Directory;
        if (dir is null)
            return null;
        var path = Path.Combine(dir, key + ".bin");
        try
        {
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Stores a binary; a cache that cannot be written is not an error, only slower next time.</summary>
    public static void Store(string key, byte[] binary)
    {
        var dir = Directory;
        if (dir is null)
            return;
        try
        {
            System.IO.Directory.CreateDirectory(dir);
            var path = Path.Combine(dir, key + ".bin");
            var temp = Path.Combine(dir, $"{key}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
            File.WriteAllBytes(temp, binary);
            File.Move(temp, path, overwrite: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Removes a cached binary that the backend refused to load (stale or corrupt).</summary>
    public static void Evict(string key)
    {
        var dir = Directory;
        if (dir is null)
            return;
        try
        {
            File.Delete(Path.Combine(dir, key + ".bin"));
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
