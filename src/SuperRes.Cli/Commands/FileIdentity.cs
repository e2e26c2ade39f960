using System.Runtime.InteropServices;

namespace SuperRes.Cli.Commands;

/// <summary>
/// Which file (or folder) a path names on disk, symlinks followed: the device and inode on Linux and macOS, so two
/// hard links, a symlink and its target, or <c>a/../a.png</c> and <c>a.png</c> all compare equal. Elsewhere (Windows)
/// the full path with the final link resolved, compared without case; hard links are not detected there.
/// </summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode, string? Path)
{
    /// <summary>The identity of an existing file or folder, or null when nothing is there.</summary>
    public static FileIdentity? Of(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
            return null;
        if (OperatingSystem.IsLinux() && LinuxStatx(path) is { } linux)
            return linux;
        if (OperatingSystem.IsMacOS() && MacStat(path) is { } mac)
            return mac;
        FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
        string resolved = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName;
        return new FileIdentity(0, 0, System.IO.Path.TrimEndingDirectorySeparator(resolved).ToUpperInvariant());
    }

    /// <summary>True when both paths exist and are the same file or folder.</summary>
    public static bool Same(string a, string b) => Of(a) is { } x && Of(b) is { } y && x == y;

    // statx's struct is the same on every Linux architecture: stx_ino at byte 32, stx_dev_major/minor at 136/140.
    private const int AtFdCwd = -100, StatxIno = 0x100, StatxSize = 256;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern unsafe int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte* buffer);

    private static unsafe FileIdentity? LinuxStatx(string path)
    {
        byte* buffer = stackalloc byte[StatxSize];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxIno, buffer) != 0)
                return null;
        }
        catch (EntryPointNotFoundException)
        {
            return null; // a libc older than glibc 2.28
        }
        ulong device = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140);
        return new FileIdentity(device, *(ulong*)(buffer + 32), null);
    }

    // macOS's struct stat (64-bit inodes): st_dev is an int32 at byte 0, st_ino a uint64 at byte 8.
    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern unsafe int MacStatCall([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte* buffer);

    private static unsafe FileIdentity? MacStat(string path)
    {
        byte* buffer = stackalloc byte[256];
        if (MacStatCall(path, buffer) != 0)
            return null;
        return new FileIdentity(*(uint*)buffer, *(ulong*)(buffer + 8), null);
    }
}
