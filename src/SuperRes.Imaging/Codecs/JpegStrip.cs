using System.Buffers.Binary;

namespace SuperRes.Imaging.Codecs;

/// <summary>
/// One strip of an image as TurboJPEG encodes it (a whole baseline JPEG), split into the parts the strips are joined
/// from: the headers (SOI up to the SOS marker: APP0, DQT, SOF0, DHT), the SOS segment, and the entropy-coded data
/// between SOS and EOI. The segments are walked by their lengths and the entropy data byte by byte (0xFF 0x00 is a
/// stuffed 0xFF), so a stream with anything the joining cannot carry (another SOF, a DRI, restart or other markers
/// inside the scan, trailing bytes) is refused rather than joined into a broken file.
/// </summary>
internal sealed class JpegStrip
{
    private const byte SOI = 0xD8, EOI = 0xD9, SOS = 0xDA, DRI = 0xDD, SOF0 = 0xC0;

    private readonly byte[] _jpeg;
    private readonly int _heightField, _scanStart, _entropyStart, _entropyEnd;

    public JpegStrip(byte[] jpeg)
    {
        _jpeg = jpeg;
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != SOI)
            throw Refused("it does not start with SOI");
        int pos = 2;
        _heightField = -1;
        while (true)
        {
            if (pos + 4 > jpeg.Length || jpeg[pos] != 0xFF)
                throw Refused($"no marker at byte {pos}");
            byte marker = jpeg[pos + 1];
            int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(pos + 2));
            if (length < 2 || pos + 2 + length > jpeg.Length)
                throw Refused($"segment FF{marker:X2} at byte {pos} has length {length}, past the end");
            if (marker == SOF0)
                _heightField = pos + 5; // after the length and the sample precision
            else if (marker is >= 0xC1 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
                throw Refused($"it is not baseline (SOF marker FF{marker:X2})");
            else if (marker == DRI)
                throw Refused("it has restart markers of its own (DRI)");
            else if (marker is (>= 0xD0 and <= 0xD9) or 0x01 or 0xFF)
                throw Refused($"unexpected marker FF{marker:X2} in the headers at byte {pos}");
            if (marker == SOS)
            {
                _scanStart = pos;
                pos += 2 + length;
                break;
            }
            pos += 2 + length;
        }
        if (_heightField < 0)
            throw Refused("it has no SOF0 segment before the scan");
        _entropyStart = pos;
        _entropyEnd = EntropyEnd(jpeg, pos);
    }

    /// <summary>The image height in the SOF0 segment.</summary>
    public int Height
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_jpeg.AsSpan(_heightField));
        set => BinaryPrimitives.WriteUInt16BigEndian(_jpeg.AsSpan(_heightField), checked((ushort)value));
    }

    /// <summary>SOI up to (not including) the SOS marker.</summary>
    public ReadOnlySpan<byte> Headers => _jpeg.AsSpan(0, _scanStart);

    /// <summary>The SOS segment, marker included.</summary>
    public ReadOnlySpan<byte> ScanHeader => _jpeg.AsSpan(_scanStart, _entropyStart - _scanStart);

    /// <summary>The entropy-coded data of the scan, padded with 1-bits to a byte, without the EOI that follows it.</summary>
    public ReadOnlySpan<byte> EntropyData => _jpeg.AsSpan(_entropyStart, _entropyEnd - _entropyStart);

    /// <summary>Where the entropy data starting at <paramref name="start"/> ends: at the EOI, which must end the stream.</summary>
    private static int EntropyEnd(byte[] jpeg, int start)
    {
        for (int i = start; i + 1 < jpeg.Length; i++)
        {
            if (jpeg[i] != 0xFF)
                continue;
            byte next = jpeg[i + 1];
            if (next == 0x00)
            {
                i++; // a stuffed 0xFF data byte
                continue;
            }
            if (next == EOI && i + 2 == jpeg.Length)
                return i;
            throw Refused($"unexpected marker FF{next:X2} in the entropy-coded data at byte {i}");
        }
        throw Refused("its scan does not end with EOI");
    }

    private static InvalidOperationException Refused(string why) =>
        new($"a JPEG strip from TurboJPEG cannot be joined into the image: {why}");
}
