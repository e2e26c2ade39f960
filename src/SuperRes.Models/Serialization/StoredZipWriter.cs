using System.Buffers.Binary;
using System.Text;
using SuperRes.Imaging.Codecs;

namespace SuperRes.Models.Serialization;

/// <summary>
/// A minimal zip writer for torch-style archives: entries stored uncompressed, each entry's data
/// 64-byte aligned (padding in the local header's extra field, as torch's writer does, so readers can
/// map storages in place), fixed timestamps (1980-01-01) so output is deterministic. No zip64: the
/// archive must stay under 4 GiB.
/// </summary>
internal sealed class StoredZipWriter(Stream output)
{
    private const int Alignment = 64;
    private const ushort DosDate1980 = (1 << 5) | 1; // 1980-01-01
    private readonly List<(byte[] Name, uint Crc, uint Size, uint Offset)> _central = [];
    private long _pos;

    public void Add(string name, ReadOnlySpan<byte> data)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        long headerAt = _pos;
        long dataAt = headerAt + 30 + nameBytes.Length;
        int pad = (int)((Alignment - dataAt % Alignment) % Alignment);
        if (pad is > 0 and < 4) pad += Alignment;            // an extra field needs at least its 4-byte header
        if (headerAt + 30 + nameBytes.Length + pad + data.Length > uint.MaxValue)
            throw new NotSupportedException("archive would exceed 4 GiB; zip64 is not implemented");
        uint crc = Crc32.Compute(data);

        Span<byte> h = stackalloc byte[30];
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0x04034b50);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 20);              // version needed
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 0);               // flags
        BinaryPrimitives.WriteUInt16LittleEndian(h[8..], 0);               // method: stored
        BinaryPrimitives.WriteUInt16LittleEndian(h[10..], 0);              // time
        BinaryPrimitives.WriteUInt16LittleEndian(h[12..], DosDate1980);
        BinaryPrimitives.WriteUInt32LittleEndian(h[14..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(h[18..], (uint)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(h[22..], (uint)data.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(h[26..], (ushort)nameBytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(h[28..], (ushort)pad);
        Write(h);
        Write(nameBytes);
        if (pad > 0)
        {
            Span<byte> extra = stackalloc byte[pad];
            extra.Clear();
            BinaryPrimitives.WriteUInt16LittleEndian(extra, 0x4246);          // "FB", the id torch's writer uses
            BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], (ushort)(pad - 4));
            Write(extra);
        }
        Write(data);
        _central.Add((nameBytes, crc, (uint)data.Length, (uint)headerAt));
    }

    public void Finish()
    {
        long cdAt = _pos;
        Span<byte> c = stackalloc byte[46];
        foreach (var (name, crc, size, offset) in _central)
        {
            c.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(c, 0x02014b50);
            BinaryPrimitives.WriteUInt16LittleEndian(c[4..], 20);           // version made by
            BinaryPrimitives.WriteUInt16LittleEndian(c[6..], 20);           // version needed
            BinaryPrimitives.WriteUInt16LittleEndian(c[14..], DosDate1980);
            BinaryPrimitives.WriteUInt32LittleEndian(c[16..], crc);
            BinaryPrimitives.WriteUInt32LittleEndian(c[20..], size);
            BinaryPrimitives.WriteUInt32LittleEndian(c[24..], size);
            BinaryPrimitives.WriteUInt16LittleEndian(c[28..], (ushort)name.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(c[42..], offset);
            Write(c);
            Write(name);
        }
        long cdSize = _pos - cdAt;
        if (_central.Count > ushort.MaxValue || _pos > uint.MaxValue)
            throw new NotSupportedException("archive too large for zip32; zip64 is not implemented");
        Span<byte> e = stackalloc byte[22];
        e.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(e, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(e[8..], (ushort)_central.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(e[10..], (ushort)_central.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(e[12..], (uint)cdSize);
        BinaryPrimitives.WriteUInt32LittleEndian(e[16..], (uint)cdAt);
        Write(e);
    }

    private void Write(ReadOnlySpan<byte> b)
    {
        output.Write(b);
        _pos += b.Length;
    }
}
