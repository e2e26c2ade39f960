using SuperRes.Imaging.Codecs;

namespace SuperRes.Imaging;

/// <summary>
/// Where an image's rows go as they are produced, top to bottom, as interleaved samples at its bit depth (the rows of a
/// <see cref="PixelImage"/>): an image in memory, or a file being encoded (<see cref="ImageCodec.CreateWriter"/>).
/// <see cref="Complete"/> after the last row; disposing an incomplete sink discards what it had (a file is not written).
/// </summary>
public abstract class ImageRowSink(int width, int height, int channels, int bitDepth) : IDisposable
{
    public int Width { get; } = width;
    public int Height { get; } = height;
    public int Channels { get; } = channels;
    public int BitDepth { get; } = bitDepth;
    public int RowBytes => Width * Channels * (BitDepth / 8);

    /// <summary>Rows written so far.</summary>
    public int RowsWritten { get; private set; }

    /// <summary>Takes the next whole rows (a multiple of <see cref="RowBytes"/>); they are copied before this returns.</summary>
    public void WriteRows(ReadOnlySpan<byte> rows)
    {
        if (rows.Length % RowBytes != 0)
            throw new ArgumentException($"{rows.Length} bytes are not whole rows of {RowBytes} bytes", nameof(rows));
        int count = rows.Length / RowBytes;
        if (RowsWritten + count > Height)
            throw new InvalidOperationException($"{RowsWritten + count} rows written to an image of {Height}");
        Accept(rows, RowsWritten);
        RowsWritten += count;
    }

    /// <summary>Finishes the image once every row is in.</summary>
    public void Complete()
    {
        if (RowsWritten != Height)
            throw new InvalidOperationException($"the image has {RowsWritten} of its {Height} rows");
        Finish();
    }

    /// <summary>Whole rows starting at row <paramref name="first"/>.</summary>
    protected abstract void Accept(ReadOnlySpan<byte> rows, int first);

    protected abstract void Finish();

    public virtual void Dispose() => GC.SuppressFinalize(this);
}

/// <summary>Collects the rows into a <see cref="PixelImage"/>.</summary>
public sealed class PixelImageSink(int width, int height, int channels, int bitDepth) : ImageRowSink(width, height, channels, bitDepth)
{
    public PixelImage Image { get; } = new(width, height, channels, bitDepth);

    protected override void Accept(ReadOnlySpan<byte> rows, int first) => rows.CopyTo(Image.Samples.AsSpan(first * RowBytes));

    protected override void Finish() { }
}

/// <summary>An encoder that writes a file's bytes as the image's rows arrive (PNG, JPEG, BMP).</summary>
internal interface IRowEncoder
{
    /// <summary>Whole interleaved rows, the next ones of the image.</summary>
    void WriteRows(ReadOnlySpan<byte> rows);

    /// <summary>Writes what is left once every row is in.</summary>
    void Complete();
}

/// <summary>A file encoded as the rows arrive, written under a temporary name and moved into place at the end.</summary>
internal sealed class StreamedFileSink : ImageRowSink
{
    private readonly AtomicFile _file;
    private readonly IRowEncoder _encoder;

    public StreamedFileSink(string path, int width, int height, int channels, int bitDepth, Func<Stream, IRowEncoder> encoder)
        : base(width, height, channels, bitDepth)
    {
        _file = new AtomicFile(path);
        try
        {
            _encoder = encoder(_file.Stream);
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    protected override void Accept(ReadOnlySpan<byte> rows, int first) => _encoder.WriteRows(rows);

    protected override void Finish()
    {
        _encoder.Complete();
        _file.Commit();
    }

    public override void Dispose()
    {
        _file.Dispose();
        base.Dispose();
    }
}
