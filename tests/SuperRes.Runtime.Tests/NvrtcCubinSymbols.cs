using System.Buffers.Binary;
using System.Text;

namespace SuperRes.Runtime.Tests;

/// <summary>Reads the function symbols of a cubin (a 64-bit little-endian ELF file) from its symbol table.</summary>
internal static class NvrtcCubinSymbols
{
    private const uint SymbolTableSection = 2; // SHT_SYMTAB
    private const int FunctionSymbol = 2;      // STT_FUNC

    public static IReadOnlyList<string> FunctionNames(byte[] elf)
    {
        Assert.True(elf.Length > 64 && elf[0] == 0x7F && elf[1] == (byte)'E' && elf[2] == (byte)'L' && elf[3] == (byte)'F', "not an ELF file");
        Assert.True(elf[4] == 2 && elf[5] == 1, "not a 64-bit little-endian ELF file");
        var span = elf.AsSpan();
        long sectionTable = (long)BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]);
        int sectionSize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
        int sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);

        var names = new List<string>();
        for (int s = 0; s < sectionCount; s++)
        {
            var header = span.Slice((int)(sectionTable + (long)s * sectionSize), sectionSize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != SymbolTableSection)
                continue;
            var (offset, size, entrySize) = (Read64(header, 0x18), Read64(header, 0x20), Read64(header, 0x38));
            int stringSection = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[0x28..]);
            var stringHeader = span.Slice((int)(sectionTable + (long)stringSection * sectionSize), sectionSize);
            var strings = span.Slice(Read64(stringHeader, 0x18), Read64(stringHeader, 0x20));
            for (int at = offset; at + entrySize <= offset + size; at += entrySize)
            {
                var symbol = span.Slice(at, entrySize);
                if ((symbol[4] & 0xF) != FunctionSymbol)
                    continue;
                var name = strings[(int)BinaryPrimitives.ReadUInt32LittleEndian(symbol)..];
                names.Add(Encoding.ASCII.GetString(name[..name.IndexOf((byte)0)]));
            }
        }
        return names;
    }

    private static int Read64(ReadOnlySpan<byte> header, int at) => checked((int)BinaryPrimitives.ReadUInt64LittleEndian(header[at..]));
}
