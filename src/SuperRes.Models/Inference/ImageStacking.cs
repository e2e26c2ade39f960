using SuperRes.Imaging;

namespace SuperRes.Models.Inference;

internal static class ImageStacking
{
    /// <summary>Concatenates the channels of same-sized images of one bit depth (e.g. Y + CbCr, colour + alpha).</summary>
    public static Image Stack(params Image[] parts)
    {
        var first = parts[0];
        foreach (var p in parts)
            if (p.Width != first.Width || p.Height != first.Height || p.BitDepth != first.BitDepth)
                throw new ArgumentException($"cannot stack a {p.Width}x{p.Height} {p.BitDepth}-bit image with a {first.Width}x{first.Height} {first.BitDepth}-bit one");
        var result = new Image(first.Width, first.Height, parts.Sum(p => p.Channels), first.BitDepth);
        int offset = 0;
        foreach (var p in parts)
        {
            p.Data.CopyTo(result.Data, offset);
            offset += p.Data.Length;
        }
        return result;
    }
}
