// Forward 3×3 stride-1 zero-padded convolution by Winograd's F(4×4, 3×3) (Lavin and Gray 2016; the same
// matrices as the Cpu path, src/SuperRes.Tensors/Ops/Convolution/WinogradTransforms.cs): every 4×4 output tile
// comes from the 6×6 input tile around it, 36 products per tile and channel pair instead of 144. Three files, so
// that each is built only for the defines it reads (PoCL takes seconds per build):
//   conv2d_winograd_transforms.cl  winograd_weights  u[e][ci][co] = (G·w[co, ci]·Gᵀ)[e]   (co padded to cp with zeros)
//                                  winograd_input    v[e][ci][t]  = (Bᵀ·d[t, ci]·B)[e]    (t < tiles; rows tp long)
//   conv2d_winograd.cl (this one)  winograd_product  m[e][co][t]  = Σ_ci u[e][ci][co] · v[e][ci][t]  (36 products)
//   conv2d_winograd_output.cl      winograd_output   the output tiles from m, through the convolution's epilogue
// Tiles t run over the batch: t = (n·tilesH + ty)·tilesW + tx. The product is register-blocked like the CPU form
// of conv2d_forward.cl: a work-item holds BM output channels × BN tiles WG_X apart, its inner loop over BN
// contiguous (WG_X = 1) or coalesced (WG_X > 1) tiles; cp is a multiple of BM and tp of WG_X·BN, so it needs no
// bounds checks. Legal values: src/SuperRes.Tensors/Ops/Conv2d/Conv2d.WinogradTuning.cs.
// @config BM=4 BN=4 WG_X=64
// @config(cpu) BM=8 BN=32 WG_X=1

// Grid X: tp / BN work-items (WG_X per group, each group WG_X·BN tiles); grid Y: cp / BM; grid Z: the 36 elements.
// With one work-item per group and BN a multiple of 16, OpenCL holds the tiles in float16 vectors: CPU drivers
// (PoCL) then use whole AVX-512 registers, where the scalar form was vectorised at half that width with spills
// (2.2× the CPU time on PoCL); the sums are the same, in the same order.
KERNEL void winograd_product(const int cin, const int cp, const int tp, GLOBAL const float* u, GLOBAL const float* v,
                             GLOBAL float* m)
{
    const int e = GLOBAL_ID_Z, co0 = GLOBAL_ID_Y * BM;
    const int t0 = GROUP_ID_X * (WG_X * BN) + LOCAL_ID_X;
    if (co0 >= cp || t0 >= tp)
        return;
    GLOBAL const float* ue = u + e * cin * cp + co0;
    GLOBAL const float* ve = v + e * cin * tp + t0;
    GLOBAL float* me = m + (e * cp + co0) * tp + t0;
#if defined(HAS_FLOAT16) && WG_X == 1 && BN % 16 == 0
#define VECTORS (BN / 16)
    float16 acc[BM][VECTORS];
    UNROLL
    for (int r = 0; r < BM; r++)
        UNROLL
        for (int p = 0; p < VECTORS; p++)
            acc[r][p] = (float16)(0.0f);
    for (int ci = 0; ci < cin; ci++)
    {
        float16 b[VECTORS];
        UNROLL
        for (int p = 0; p < VECTORS; p++)
            b[p] = vload16(p, ve + ci * tp);
        UNROLL
        for (int r = 0; r < BM; r++)
        {
            const float16 a = (float16)(ue[ci * cp + r]);
            UNROLL
            for (int p = 0; p < VECTORS; p++)
                acc[r][p] = fma(a, b[p], acc[r][p]);
        }
    }
    UNROLL
    for (int r = 0; r < BM; r++)
        UNROLL
        for (int p = 0; p < VECTORS; p++)
            vstore16(acc[r][p], p, me + r * tp);
#else
    float acc[BM][BN];
    UNROLL
    for (int r = 0; r < BM; r++)
        UNROLL
        for (int p = 0; p < BN; p++)
            acc[r][p] = 0.0f;
    for (int ci = 0; ci < cin; ci++)
    {
        float a[BM], b[BN];
        UNROLL
        for (int r = 0; r < BM; r++)
            a[r] = ue[ci * cp + r];
        UNROLL
        for (int p = 0; p < BN; p++)
            b[p] = ve[ci * tp + p * WG_X];
        UNROLL
        for (int r = 0; r < BM; r++)
            UNROLL
            for (int p = 0; p < BN; p++)
                acc[r][p] = fmaf(a[r], b[p], acc[r][p]);
    }
    UNROLL
    for (int r = 0; r < BM; r++)
        UNROLL
        for (int p = 0; p < BN; p++)
            me[r * tp + p * WG_X] = acc[r][p];
#endif
}
