using SuperRes.Models.Networks;
using SuperRes.Tensors;
using SuperRes.Tensors.Autograd;

namespace SuperRes.Models.Inference;

/// <summary>
/// How much device memory a forward pass of a network takes, as a function of its input size: a fixed part plus
/// a part per input pixel, <c>FixedBytes + BytesPerPixel · h · w</c> (peak bytes held by the memory pool above
/// what was in use before: activations, workspaces; the weights are already resident and not counted).
/// </summary>
public sealed record ForwardMemory(double FixedBytes, double BytesPerPixel)
{
    /// <summary>Peak bytes a forward pass over an <paramref name="height"/> × <paramref name="width"/> input needs.</summary>
    public double BytesFor(long height, long width) => FixedBytes + BytesPerPixel * height * width;
}

/// <summary>The planner's choice: the LR side each tile produces, the context read around it, and why.</summary>
/// <param name="Tile">Side of the block of input pixels each tile produces.</param>
/// <param name="Overlap">Context read around each tile on every side.</param>
/// <param name="BudgetBytes">Device memory the forward passes may use (after the weights, with headroom).</param>
/// <param name="Memory">The measured memory model.</param>
public sealed record TilePlan(int Tile, int Overlap, long BudgetBytes, ForwardMemory Memory)
{
    /// <summary>Peak bytes of the largest tile's forward pass (<see cref="TilePlanner.RegionSide"/>² input pixels).</summary>
    public double PeakBytes => Memory.BytesFor(TilePlanner.RegionSide(Tile, Overlap), TilePlanner.RegionSide(Tile, Overlap));
}

/// <summary>
/// Chooses a tile size that fits the memory budget: measures the device memory a forward pass of this network
/// needs (a fixed part and a part per input pixel, from two small probes), then takes the largest square tile
/// whose forward pass — tile plus its overlap on both sides — stays under the budget. The budget is the
/// smallest of the device's free memory, the device's cap and <c>--max-memory</c>, less what is already in use
/// (the weights), times <see cref="Headroom"/>.
/// </summary>
public static class TilePlanner
{
    /// <summary>Share of the budget the planner fills: the rest absorbs allocator rounding and blocks cached for reuse.</summary>
    public const double Headroom = 0.8;

    /// <summary>Smallest tile the planner proposes; below it the overlap dominates the work.</summary>
    public const int MinimumTile = 8;

    private const int SmallProbe = 16, LargeProbe = 32;

    /// <summary>The input sides <see cref="Measure"/> probes (part of a stored model's size class).</summary>
    public static string ProbeSizes => $"{SmallProbe},{LargeProbe}";

    /// <summary>
    /// The largest side a tile's region reads: the tile, its overlap on both sides, and up to
    /// <see cref="ConvolutionTiling.Alignment"/> − 1 pixels more where its start is moved back onto the grid.
    /// </summary>
    public static long RegionSide(int tile, int overlap) => tile + 2L * overlap + ConvolutionTiling.Alignment - 1;

    /// <summary>Bytes the forward passes may use on the network's device: free memory, the device cap and <paramref name="maxMemoryBytes"/>, less what is in use.</summary>
    public static long BudgetBytes(Device device, long? maxMemoryBytes)
    {
        var memory = device.Memory;
        long limit = memory.CapBytes;
        if (maxMemoryBytes is { } cap)
            limit = Math.Min(limit, cap);
        // What the backend can still hand out: its free memory plus the blocks our pool holds for reuse.
        long available = Math.Min(limit - memory.InUseBytes, device.FreeMemoryBytes + memory.CachedBytes);
        return (long)(Math.Max(0, available) * Headroom);
    }

    /// <summary>
    /// The largest tile whose forward pass fits <paramref name="budgetBytes"/> with <paramref name="overlap"/>
    /// context on every side (and the alignment slack of <see cref="RegionSide"/>), or null when not even a <see cref="MinimumTile"/> tile fits.
    /// </summary>
    public static int? LargestTile(ForwardMemory memory, int overlap, long budgetBytes)
    {
        double perPixel = Math.Max(memory.BytesPerPixel, 1e-3);
        double pixels = (budgetBytes - memory.FixedBytes) / perPixel;
        if (pixels <= 0)
            return null;
        long side = (long)Math.Floor(Math.Sqrt(pixels));
        // Floating point may put the boundary one pixel off: step back until the plan truly fits.
        while (side > 0 && memory.BytesFor(side, side) > budgetBytes)
            side--;
        long tile = side - RegionSide(0, overlap);
        return tile < MinimumTile ? null : (int)Math.Min(tile, int.MaxValue / 4);
    }

    /// <summary>The largest side of a square input whose forward pass fits <paramref name="budgetBytes"/> (0 when none does).</summary>
    public static int LargestInput(ForwardMemory memory, long budgetBytes)
    {
        double pixels = (budgetBytes - memory.FixedBytes) / Math.Max(memory.BytesPerPixel, 1e-3);
        if (pixels <= 0)
            return 0;
        long side = (long)Math.Floor(Math.Sqrt(pixels));
        while (side > 0 && memory.BytesFor(side, side) > budgetBytes)
            side--;
        return (int)Math.Min(side, int.MaxValue / 4);
    }

    /// <summary>
    /// Plans tiles for <paramref name="network"/> with <paramref name="overlap"/> context; fails with a message
    /// saying how much memory the smallest exact tile needs when the budget cannot hold it.
    /// </summary>
    public static TilePlan Plan(SrNetwork network, int channels, int overlap, long? maxMemoryBytes, ForwardMemory? memory = null)
    {
        memory ??= Measure(network, channels);
        long budget = BudgetBytes(network.Device, maxMemoryBytes);
        int tile = LargestTile(memory, overlap, budget) ?? throw NotEnoughMemory(network, memory, overlap, budget);
        return new TilePlan(tile, overlap, budget, memory);
    }

    /// <summary>The error for a budget that cannot hold the smallest exact tile's forward pass.</summary>
    public static SuperResException NotEnoughMemory(SrNetwork network, ForwardMemory memory, int overlap, long budget)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(memory);
        long side = RegionSide(MinimumTile, overlap);
        return new SuperResException(
            $"not enough device memory for {network.Architecture} x{network.Scale}: the smallest tile ({MinimumTile} pixels plus " +
            $"{overlap} of context on each side) needs about {Bytes.Format((long)(memory.BytesFor(side, side) / Headroom))} " +
            $"and {Bytes.Format((long)(budget / Headroom))} is available; raise --max-memory or lower --tile-overlap (below the receptive radius the result is no longer exact)");
    }

    /// <summary>Kept for callers of the first version: the tile side of <see cref="Plan"/>.</summary>
    public static int ChooseTile(SrNetwork network, int channels, int overlap, long? maxMemoryBytes) =>
        Plan(network, channels, overlap, maxMemoryBytes).Tile;

    /// <summary>
    /// Measures the memory model of <paramref name="network"/> on its device with two forward passes on
    /// constant probes (memory use does not depend on the values) of 16² and 32² input pixels.
    /// </summary>
    public static ForwardMemory Measure(SrNetwork network, int channels)
    {
        double small = PeakBytes(network, channels, SmallProbe);
        double large = PeakBytes(network, channels, LargeProbe);
        double pSmall = (double)SmallProbe * SmallProbe, pLarge = (double)LargeProbe * LargeProbe;
        // Activations grow with the pixel count; weights-sized scratch and 1×1 tensors (channel attention) do not.
        double slope = (large - small) / (pLarge - pSmall);
        double perPixel = slope > 0 ? slope : large / pLarge;
        double fixedBytes = Math.Max(0, large - perPixel * pLarge);
        return new ForwardMemory(fixedBytes, perPixel);
    }

    private static long PeakBytes(SrNetwork network, int channels, int side)
    {
        var memory = network.Device.Memory;
        long before = memory.InUseBytes;
        memory.ResetPeak();
        // As the tiles run (TiledForward): no tape, so the same convolution paths and the same scratch.
        using (Tape.NoGrad())
        {
            using var x = Tensor.Full(network.Device, new Shape(1, channels, side, side), 0.5f);
            using var y = network.Forward(x);
            network.Device.Synchronize();
        }
        return Math.Max(0, memory.PeakInUseBytes - before);
    }
}
