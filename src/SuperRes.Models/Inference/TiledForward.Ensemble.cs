using SuperRes.Imaging;

namespace SuperRes.Models.Inference;

public sealed partial class TiledForward
{
    /// <summary>
    /// The self-ensemble of one region: the network over each of the 8 symmetries of the region, each output mapped
    /// back, summed in symmetry order and divided by 8 — per pixel the arithmetic of the ensemble over the whole image,
    /// and, with regions on the grid from both ends (<see cref="TileSpans"/>), the same operands. The passes run one
    /// after another: a tile holds one pass and the running sum.
    /// </summary>
    private Image EnsembleForward(Image region)
    {
        var sum = Forward(region);
        for (int symmetry = 1; symmetry < 8; symmetry++)
        {
            var output = Forward(region.Transform(symmetry));
            var back = output.InverseTransform(symmetry);
            Buffers.Return(output);
            var total = sum.Data;
            var term = back.Data;
            for (int i = 0; i < total.Length; i++)
                total[i] += term[i];
        }
        var mean = sum.Data;
        for (int i = 0; i < mean.Length; i++)
            mean[i] /= 8;
        return sum;
    }
}
