using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static SuperRes.Tensors.Primitives.WinogradTransforms;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The 4×4 output tiles of a 3×3 "same" stride-1 convolution over one H×W plane, numbered row by row: tile (ty, tx)
/// writes rows 4ty…4ty+3 and columns 4tx…4tx+3 (clipped at the plane's edge) and reads the 6×6 window one pixel up
/// and left of that, with zeros or the nearest border pixel outside the plane. A block of tiles reads its input rows
/// once per channel into a padded copy (<see cref="Pad"/>), so tiles need no bounds checks; at AVX-512, 16 tiles
/// that share a tile row are read and written with vector permutes instead of one pixel at a time.
/// </summary>
internal readonly struct TileGrid(Conv2dShape s)
{
    // Floats before and after the padded rows: the vector reads of a tile row start up to 16 tiles before it and
    // read 16 floats past the 16th tile.
    private const int Slack = 96;

    private readonly int _h = s.H, _w = s.W;
    private readonly bool _replicate = s.Padding == PaddingMode.Replicate;

    public int Across => (_w + Output - 1) / Output;

    public int Count => (_h + Output - 1) / Output * Across;

    /// <summary>Row stride of the padded copy: one pixel left of the plane to one past the last tile's window.</summary>
    private int Stride => Output * Across + 2;

    /// <summary>Floats of the padded copy of <paramref name="tileRows"/> tile rows.</summary>
    public int PaddedLength(int tileRows) => 2 * Slack + (Output * tileRows + 2) * Stride;

    /// <summary>
    /// padded = the input windows of tile rows firstTileRow … firstTileRow + tileRows − 1 of one channel's plane:
    /// rows 4·firstTileRow − 1 onwards, columns −1 onwards, zeros or the nearest border pixel outside the plane.
    /// </summary>
    public void Pad(ReadOnlySpan<float> plane, int firstTileRow, int tileRows, Span<float> padded, bool paddingZeroed = false)
    {
        int stride = Stride, top = Output * firstTileRow - 1;
        if (paddingZeroed && !_replicate)
        {
            // Zero padding into a copy whose padding is already zero (ZeroPadding): only the plane's own pixels.
            int from = Math.Max(0, top), to = Math.Min(_h, top + Output * tileRows + 2);
            for (int source = from; source < to; source++)
                plane.Slice(source * _w, _w).CopyTo(padded.Slice(Slack + (source - top) * stride + 1, _w));
            return;
        }
        for (int r = 0; r < Output * tileRows + 2; r++)
        {
            var row = padded.Slice(Slack + r * stride, stride);
            int source = top + r;
            bool inside = source >= 0 && source < _h;
            if (!inside && !_replicate)
            {
                row.Clear();
                continue;
            }
            var pixels = plane.Slice(Math.Clamp(source, 0, _h - 1) * _w, _w);
            pixels.CopyTo(row[1..]);
            row[0] = _replicate ? pixels[0] : 0f;
            row[(_w + 1)..].Fill(_replicate ? pixels[_w - 1] : 0f);
        }
    }

    /// <summary>
    /// Prepares <paramref name="padded"/> for zero-padded <see cref="Pad"/> calls of the same tile rows (every channel
    /// of a block) and returns their paddingZeroed argument: zeros everywhere, so that each call copies only the
    /// plane's pixels. Replicate padding rewrites its border every time: false, and nothing done.
    /// </summary>
    public bool ZeroPadding(Span<float> padded)
    {
        if (_replicate)
            return false;
        padded.Clear();
        return true;
    }

    /// <summary>
    /// Asks the cache for the rows a block of tile rows reads from a plane (its input window with
    /// <paramref name="halo"/>, or its output rows without), one line per 16 floats: the block's planes lie a plane
    /// apart, so the hardware prefetcher only catches up with each after its first misses.
    /// </summary>
    public unsafe void Prefetch(ReadOnlySpan<float> plane, int firstTileRow, int tileRows, bool halo)
    {
        if (!Sse.IsSupported)
            return;
        int top = Math.Max(0, Output * firstTileRow - (halo ? 1 : 0));
        int bottom = Math.Min(_h, Output * (firstTileRow + tileRows) + (halo ? 1 : 0));
        if (bottom <= top || plane.Length < bottom * _w)
            return;
        fixed (float* start = plane)
            for (int i = top * _w; i < bottom * _w; i += 16)
                Sse.Prefetch0(start + i);
    }

    /// <summary>
    /// d[e · lanes + l] = element e of the input window of tile first + l, for l below lanes (zeros from count on),
    /// read from <paramref name="padded"/> (<see cref="Pad"/> from firstTileRow).
    /// </summary>
    public void Read<TLanes, TVector>(ReadOnlySpan<float> padded, int firstTileRow, int first, int count, Span<float> d)
        where TLanes : ILanes<TVector> where TVector : struct
    {
        int lanes = TLanes.Count;
        if (typeof(TVector) == typeof(Vector512<float>) && Avx512F.IsSupported)
        {
            ReadVector512(padded, firstTileRow, first, count, d);
            return;
        }
        for (int l = 0; l < lanes; l++)
        {
            if (l >= count)
            {
                for (int e = 0; e < Elements; e++)
                    d[e * lanes + l] = 0;
                continue;
            }
            var window = padded[WindowStart(firstTileRow, first + l)..];
            for (int r = 0; r < Tile; r++)
                for (int c = 0; c < Tile; c++)
                    d[(r * Tile + c) * lanes + l] = window[r * Stride + c];
        }
    }

    /// <summary>
    /// d[(a·4 + b) · lanes + l] = plane pixel (a, b) of output tile first + l: the 4×4 tiles themselves, as the weight
    /// gradient reads its output gradient; zero outside the plane and from count on.
    /// </summary>
    public void ReadOutput<TLanes, TVector>(ReadOnlySpan<float> plane, int first, int count, Span<float> d)
        where TLanes : ILanes<TVector> where TVector : struct
    {
        int lanes = TLanes.Count;
        if (plane.Length < _h * _w || d.Length < Output * Output * lanes || count > lanes)
            throw new ArgumentException("Winograd output tile read: buffers too small");
        d[..(Output * Output * lanes)].Clear();
        if (typeof(TVector) == typeof(Vector512<float>) && Avx512F.IsSupported)
        {
            ReadOutputVector512(plane, first, count, d);
            return;
        }
        for (int l = 0; l < count; l++)
        {
            int tile = first + l, top = tile / Across * Output, left = tile % Across * Output;
            int rows = Math.Min(Output, _h - top), columns = Math.Min(Output, _w - left);
            for (int a = 0; a < rows; a++)
                for (int b = 0; b < columns; b++)
                    d[(a * Output + b) * lanes + l] = plane[(top + a) * _w + left + b];
        }
    }

    // Each run of lanes on one tile row reads its four pixel rows as four masked vectors (its own pixels inside the
    // plane, zeros elsewhere), dealt out to the four columns by the permutes of ReadVector512 and blended into the
    // run's lanes.
    private unsafe void ReadOutputVector512(ReadOnlySpan<float> plane, int first, int count, Span<float> d)
    {
        const int lanes = 16;
        ref float dst = ref d[0];
        fixed (float* pixels = plane)
            for (int l = 0; l < count;)
            {
                int tile = first + l, tx = tile % Across, top = tile / Across * Output;
                int run = Math.Min(count - l, Across - tx);
                int origin = Output * (tx - l);
                int low = Output * l, high = Math.Min(Output * (l + run), _w - origin);
                var laneMask = (Vector512.GreaterThanOrEqual(LaneIndex, Vector512.Create(l)) & Vector512.LessThan(LaneIndex, Vector512.Create(l + run))).AsSingle();
                for (int a = 0; a < Math.Min(Output, _h - top); a++)
                {
                    float* row = pixels + (top + a) * _w + origin;
                    var v0 = Avx512F.MaskLoad(row, PositionMask(0, low, high), Vector512<float>.Zero);
                    var v1 = Avx512F.MaskLoad(row + 16, PositionMask(16, low, high), Vector512<float>.Zero);
                    var v2 = Avx512F.MaskLoad(row + 32, PositionMask(32, low, high), Vector512<float>.Zero);
                    var v3 = Avx512F.MaskLoad(row + 48, PositionMask(48, low, high), Vector512<float>.Zero);
                    ref float rowOut = ref Unsafe.Add(ref dst, a * Output * lanes);
                    bool whole = run == lanes;
                    Put(ref rowOut, 0, Column(v0, v1, v2, v3, Phase0), laneMask, whole);
                    Put(ref rowOut, 1, Column(v0, v1, v2, v3, Phase1), laneMask, whole);
                    Put(ref rowOut, 2, Column(v0, v1, v2, v3, Phase2), laneMask, whole);
                    Put(ref rowOut, 3, Column(v0, v1, v2, v3, Phase3), laneMask, whole);
                }
                l += run;
            }
    }

    // Lanes whose interleaved position offset + i lies in [low, high).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> PositionMask(int offset, int low, int high)
    {
        var position = LaneIndex + Vector512.Create(offset);
        return (Vector512.GreaterThanOrEqual(position, Vector512.Create(low)) & Vector512.LessThan(position, Vector512.Create(high))).AsSingle();
    }

    /// <summary>
    /// y[placement of the tiles' 4×4 pixels inside the plane] = epilogue(co, o[(a·4 + b) · lanes + l]) for the tiles
    /// first + l, l below count.
    /// </summary>
    public void Write<TLanes, TVector>(ReadOnlySpan<float> o, in ConvEpilogue epilogue, int co, int first, int count, float[] y, OutputPlacement at)
        where TLanes : ILanes<TVector> where TVector : struct
    {
        int lanes = TLanes.Count;
        int top = first / Across * Output, left = first % Across * Output;
        if (typeof(TVector) == typeof(Vector512<float>) && Avx512F.IsSupported && count == lanes && left + Output * lanes <= _w
            && at.Step is 1 or 2)
        {
            WriteVector512(o, epilogue, co, top, left, y, at);
            return;
        }
        if (typeof(TVector) == typeof(Vector512<float>) && Avx512F.IsSupported && at.Step == 1)
        {
            WriteRunsVector512(o, epilogue, co, first, count, y, at);
            return;
        }
        for (int l = 0; l < count; l++)
        {
            int tile = first + l;
            top = tile / Across * Output;
            left = tile % Across * Output;
            int rows = Math.Min(Output, _h - top), columns = Math.Min(Output, _w - left);
            for (int a = 0; a < rows; a++)
                for (int b = 0; b < columns; b++)
                {
                    int index = at.Of(top + a, left + b);
                    y[index] = epilogue.Apply(co, o[(a * Output + b) * lanes + l], index);
                }
        }
    }

    private int WindowStart(int firstTileRow, int tile) =>
        Slack + (tile / Across - firstTileRow) * Output * Stride + tile % Across * Output;

    // The 16 tiles in lanes of one vector: each run of lanes on one tile row reads its six window rows as five
    // vectors of 16 pixels (64 + 16: four pixels per tile and two beyond) and deals them out to the six columns by
    // permutes; runs after the first are blended in by lane mask.
    private void ReadVector512(ReadOnlySpan<float> padded, int firstTileRow, int first, int count, Span<float> d)
    {
        const int lanes = 16;
        if (d.Length < Elements * lanes || padded.Length < PaddedLength((first + count - 1) / Across - firstTileRow + 1))
            throw new ArgumentException("Winograd tile read: buffers too small");
        if (count < lanes)
            d[..(Elements * lanes)].Clear();
        ref float dst = ref d[0];
        ref float src = ref Unsafe.AsRef(in padded[0]);
        for (int l = 0; l < count;)
        {
            int tile = first + l, tx = tile % Across;
            int run = Math.Min(count - l, Across - tx);
            // Lane l of this run reads from base + 4·l: the run's first tile at lane l sits at column 4·tx.
            int start = WindowStart(firstTileRow, tile) - Output * l;
            var mask = Vector512.GreaterThanOrEqual(LaneIndex, Vector512.Create(l)) & Vector512.LessThan(LaneIndex, Vector512.Create(l + run));
            var floatMask = mask.AsSingle();
            bool whole = run == lanes;
            for (int r = 0; r < Tile; r++)
            {
                ref float row = ref Unsafe.Add(ref src, start + r * Stride);
                var v0 = Vector512.LoadUnsafe(ref row);
                var v1 = Vector512.LoadUnsafe(ref row, 16);
                var v2 = Vector512.LoadUnsafe(ref row, 32);
                var v3 = Vector512.LoadUnsafe(ref row, 48);
                var v4 = Vector512.LoadUnsafe(ref row, 64);
                ref float rowOut = ref Unsafe.Add(ref dst, r * Tile * lanes);
                var c0 = Column(v0, v1, v2, v3, Phase0);
                var c1 = Column(v0, v1, v2, v3, Phase1);
                Put(ref rowOut, 0, c0, floatMask, whole);
                Put(ref rowOut, 1, c1, floatMask, whole);
                Put(ref rowOut, 2, Column(v0, v1, v2, v3, Phase2), floatMask, whole);
                Put(ref rowOut, 3, Column(v0, v1, v2, v3, Phase3), floatMask, whole);
                Put(ref rowOut, 4, Avx512F.PermuteVar16x32x2(c0, ShiftIn0, v4), floatMask, whole);
                Put(ref rowOut, 5, Avx512F.PermuteVar16x32x2(c1, ShiftIn1, v4), floatMask, whole);
            }
            l += run;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Column(Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3, Vector512<int> phase)
    {
        var low = Avx512F.PermuteVar16x32x2(v0, phase, v1);
        var high = Avx512F.PermuteVar16x32x2(v2, phase, v3);
        return Vector512.Create(low.GetLower(), high.GetLower());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(ref float rowOut, int column, Vector512<float> value, Vector512<float> mask, bool whole)
    {
        ref float at = ref Unsafe.Add(ref rowOut, column * 16);
        (whole ? value : Vector512.ConditionalSelect(mask, value, Vector512.LoadUnsafe(ref at))).StoreUnsafe(ref at);
    }

    // Sixteen tiles of one tile row, fully inside the plane's width: per output row, the four columns of the tiles
    // are interleaved into 64 consecutive pixels by permutes, then the epilogue runs on whole vectors. With a pixel
    // shuffle of 2 the pixels go to every other column: each vector is merged into the 32 floats it lands among.
    private void WriteVector512(ReadOnlySpan<float> o, in ConvEpilogue epilogue, int co, int top, int left, float[] y, OutputPlacement at)
    {
        const int lanes = 16;
        if (o.Length < Output * Output * lanes || y.Length < LastWritten(at.Of(Math.Min(_h, top + Output) - 1, left + Output * lanes - 1), at.Step) + 1)
            throw new ArgumentException("Winograd tile write: buffers too small");
        ref float src = ref Unsafe.AsRef(in o[0]);
        int rows = Math.Min(Output, _h - top);
        for (int a = 0; a < rows; a++)
        {
            var (p0, p1, p2, p3) = InterleavedRow(ref Unsafe.Add(ref src, a * Output * lanes));
            int index = at.Of(top + a, left);
            Store(y, epilogue, co, index, at.Step, p0);
            Store(y, epilogue, co, index + 16 * at.Step, at.Step, p1);
            Store(y, epilogue, co, index + 32 * at.Step, at.Step, p2);
            Store(y, epilogue, co, index + 48 * at.Step, at.Step, p3);
        }
    }

    // Output row a of 16 tiles, o[(a·4 + b)·16 + l], as 64 consecutive pixels (4 per tile): the pairs (b0, b1) and
    // (b2, b3) interleaved, then the pairs of pairs.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>) InterleavedRow(ref float oa)
    {
        var b0 = Vector512.LoadUnsafe(ref oa);
        var b1 = Vector512.LoadUnsafe(ref oa, 16);
        var b2 = Vector512.LoadUnsafe(ref oa, 32);
        var b3 = Vector512.LoadUnsafe(ref oa, 48);
        var low01 = Avx512F.PermuteVar16x32x2(b0, PairLow, b1);
        var high01 = Avx512F.PermuteVar16x32x2(b0, PairHigh, b1);
        var low23 = Avx512F.PermuteVar16x32x2(b2, PairLow, b3);
        var high23 = Avx512F.PermuteVar16x32x2(b2, PairHigh, b3);
        return (Avx512F.PermuteVar16x32x2(low01, QuadLow, low23), Avx512F.PermuteVar16x32x2(low01, QuadHigh, low23),
            Avx512F.PermuteVar16x32x2(high01, QuadLow, high23), Avx512F.PermuteVar16x32x2(high01, QuadHigh, high23));
    }

    // Tiles in lanes that do not make 16 whole tiles of one row (planes under 64 wide, a block's tile row changing
    // mid-vector, the plane's right edge): each run of lanes on one tile row is interleaved as in WriteVector512 and
    // stored under a mask of its own pixels inside the plane, so no other pixel is read or written. Lane l's pixels
    // sit at positions 4l … 4l + 3 of the interleaved row, which starts 4l columns left of the run's first tile.
    private unsafe void WriteRunsVector512(ReadOnlySpan<float> o, in ConvEpilogue epilogue, int co, int first, int count, float[] y, OutputPlacement at)
    {
        const int lanes = 16;
        if (o.Length < Output * Output * lanes || count > lanes)
            throw new ArgumentException("Winograd tile write: buffers too small");
        ref float src = ref Unsafe.AsRef(in o[0]);
        for (int l = 0; l < count;)
        {
            int tile = first + l, tx = tile % Across, top = tile / Across * Output;
            int run = Math.Min(count - l, Across - tx);
            int origin = Output * (tx - l); // the column of interleaved position 0
            int low = Output * l, high = Math.Min(Output * (l + run), _w - origin);
            int rows = Math.Min(Output, _h - top);
            if (at.Of(top + rows - 1, origin + high - 1) >= y.Length)
                throw new ArgumentException("Winograd tile write: output too small");
            for (int a = 0; a < rows; a++)
            {
                var (p0, p1, p2, p3) = InterleavedRow(ref Unsafe.Add(ref src, a * Output * lanes));
                int index = at.Of(top + a, origin);
                for (int k = low / 16; k * 16 < high; k++)
                {
                    var value = k switch { 0 => p0, 1 => p1, 2 => p2, _ => p3 };
                    var mask = PositionMask(16 * k, low, high);
                    fixed (float* destination = y)
                        Avx512F.MaskStore(destination + index + 16 * k, mask, epilogue.Apply(co, value, index + 16 * k, mask));
                }
            }
            l += run;
        }
    }

    // The last float a vector write touches when its last output goes to y[index]: with step 2 the merge reaches
    // the odd column after an even one.
    private static int LastWritten(int index, int step) => step == 1 ? index : index | 1;

    // 16 outputs from y[index] on, one apart (step 1) or two apart (step 2: the other lanes keep what they hold).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store(float[] y, in ConvEpilogue epilogue, int co, int index, int step, Vector512<float> value)
    {
        if (step == 1)
        {
            epilogue.Apply(co, value, index).StoreUnsafe(ref y[index]);
            return;
        }
        // Step 2 takes no residual or activation (Ops.Conv2d refuses them with a shuffle): the bias only. The 16 pixels
        // go to every other float of the 32 from the even column, under a mask: the other shuffle column's floats are
        // neither read nor written. (Reading them first mapped each fresh page of the output to the shared zero page,
        // and the write then copied it and flushed the other core's TLB: a quarter of EDSR x4's CPU in the kernel.)
        if (epilogue.Bias is not null)
            value += Vector512.Create(epilogue.Bias[co]);
        bool odd = (index & 1) != 0;
        var lanes = odd ? OddLanes : EvenLanes;
        fixed (float* at = &y[index & ~1])
        {
            Avx512F.MaskStore(at, lanes, Avx512F.PermuteVar16x32x2(Vector512<float>.Zero, odd ? SpreadLowOdd : SpreadLowEven, value));
            Avx512F.MaskStore(at + 16, lanes, Avx512F.PermuteVar16x32x2(Vector512<float>.Zero, odd ? SpreadHighOdd : SpreadHighEven, value));
        }
    }

    private static readonly Vector512<int> LaneIndex = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    // Lanes 0–7 = pixels c, c + 4, …, c + 28 of the 32 in two vectors.
    private static readonly Vector512<int> Phase0 = Vector512.Create(0, 4, 8, 12, 16, 20, 24, 28, 0, 0, 0, 0, 0, 0, 0, 0);
    private static readonly Vector512<int> Phase1 = Vector512.Create(1, 5, 9, 13, 17, 21, 25, 29, 0, 0, 0, 0, 0, 0, 0, 0);
    private static readonly Vector512<int> Phase2 = Vector512.Create(2, 6, 10, 14, 18, 22, 26, 30, 0, 0, 0, 0, 0, 0, 0, 0);
    private static readonly Vector512<int> Phase3 = Vector512.Create(3, 7, 11, 15, 19, 23, 27, 31, 0, 0, 0, 0, 0, 0, 0, 0);
    // Columns 4 and 5 are columns 0 and 1 one tile on, the last lane from pixel 64 or 65.
    private static readonly Vector512<int> ShiftIn0 = Vector512.Create(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
    private static readonly Vector512<int> ShiftIn1 = Vector512.Create(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17);
    // (b0[t], b1[t]) pairs for t = 0–7 and 8–15, then two pairs of pairs per tile: four pixels per tile in order.
    private static readonly Vector512<int> PairLow = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    private static readonly Vector512<int> PairHigh = Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    private static readonly Vector512<int> QuadLow = Vector512.Create(0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23);
    private static readonly Vector512<int> QuadHigh = Vector512.Create(8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31);
    // The lanes the spreads below fill from the 16 pixels: the even floats, or the odd ones.
    private static readonly Vector512<float> EvenLanes = Vector512.Create(-1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0).AsSingle();
    private static readonly Vector512<float> OddLanes = Vector512.Create(0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1).AsSingle();
    // Every other lane from value (indices 16+): its first 8 lanes into the even (odd) lanes of the low 16 floats,
    // its last 8 into those of the high 16; the other lanes (indices below 16) are left out by the mask.
    private static readonly Vector512<int> SpreadLowEven = Vector512.Create(16, 1, 17, 3, 18, 5, 19, 7, 20, 9, 21, 11, 22, 13, 23, 15);
    private static readonly Vector512<int> SpreadLowOdd = Vector512.Create(0, 16, 2, 17, 4, 18, 6, 19, 8, 20, 10, 21, 12, 22, 14, 23);
    private static readonly Vector512<int> SpreadHighEven = Vector512.Create(24, 1, 25, 3, 26, 5, 27, 7, 28, 9, 29, 11, 30, 13, 31, 15);
    private static readonly Vector512<int> SpreadHighOdd = Vector512.Create(0, 24, 2, 25, 4, 26, 6, 27, 8, 28, 10, 29, 12, 30, 14, 31);
}
