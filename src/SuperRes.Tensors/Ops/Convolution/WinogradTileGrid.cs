using static SuperRes.Tensors.Primitives.WinogradTransforms;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The 4×4 output tiles of a 3×3 "same" stride-1 convolution over one H×W plane, numbered row by row: tile (ty, tx)
/// writes rows 4ty…4ty+3 and columns 4tx…4tx+3 (clipped at the plane's edge) and reads the 6×6 window one pixel up
/// and left of that, with zeros or the nearest border pixel outside the plane.
/// </summary>
internal readonly struct TileGrid(Conv2dShape s)
{
    private readonly int _h = s.H, _w = s.W;
    private readonly bool _replicate = s.Padding == PaddingMode.Replicate;

    private int Across => (_w + Output - 1) / Output;

    public int Count => (_h + Output - 1) / Output * Across;

    /// <summary>tiles[e · width + t] = element e of the input window of tile first + t (zeros past count).</summary>
    public void Read(ReadOnlySpan<float> plane, int first, int count, int width, Span<float> tiles)
    {
        for (int t = 0; t < width; t++)
        {
            if (t >= count)
            {
                for (int e = 0; e < Elements; e++)
                    tiles[e * width + t] = 0;
                continue;
            }
            int tile = first + t, top = tile / Across * Output - 1, left = tile % Across * Output - 1;
            if (top >= 0 && left >= 0 && top + Tile <= _h && left + Tile <= _w)
            {
                // Inside the plane, as most tiles are: no padding to decide per pixel.
                for (int r = 0; r < Tile; r++)
                {
                    var row = plane.Slice((top + r) * _w + left, Tile);
                    for (int c = 0; c < Tile; c++)
                        tiles[(r * Tile + c) * width + t] = row[c];
                }
                continue;
            }
            for (int r = 0; r < Tile; r++)
            {
                int row = top + r;
                bool rowInside = row >= 0 && row < _h;
                if (_replicate)
                    row = Math.Clamp(row, 0, _h - 1);
                for (int c = 0; c < Tile; c++)
                {
                    int column = left + c;
                    bool inside = rowInside && column >= 0 && column < _w;
                    float value = _replicate ? plane[row * _w + Math.Clamp(column, 0, _w - 1)] : inside ? plane[row * _w + column] : 0f;
                    tiles[(r * Tile + c) * width + t] = value;
                }
            }
        }
    }

    /// <summary>plane[tile's 4×4 pixels inside the plane] = outputs[(a·4 + b) · width + t] + bias, for t below count.</summary>
    public void Write(ReadOnlySpan<float> outputs, float bias, int first, int count, int width, Span<float> plane)
    {
        for (int t = 0; t < count; t++)
        {
            int tile = first + t, top = tile / Across * Output, left = tile % Across * Output;
            int rows = Math.Min(Output, _h - top), columns = Math.Min(Output, _w - left);
            for (int a = 0; a < rows; a++)
                for (int b = 0; b < columns; b++)
                    plane[(top + a) * _w + left + b] = outputs[(a * Output + b) * width + t] + bias;
        }
    }
}
