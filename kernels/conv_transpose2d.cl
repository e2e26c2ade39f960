// Transposed 2-D convolution (PyTorch's ConvTranspose2d, dilation 1, groups 1) and its gradients.
// x [N, Cin, H, W], weight [Cin, Cout, K, K], y [N, Cout, Ho, Wo] with Ho = (H − 1)·STRIDE − 2·padding + K + output_padding.
// Input pixel (iy, ix) meets weight tap (ky, kx) at output pixel (iy·STRIDE − padding + ky, ix·STRIDE − padding + kx).
//
// K and STRIDE shape the loops; GROUP is the work-group size (a power of two for the reductions) and TILE_C the
// number of channels whose weights a work-group stages in local memory at a time. Padding is a run-time argument
// and output_padding only enters through Ho and Wo, so neither forces a recompile.
// @config K=9 STRIDE=2 GROUP=256 TILE_C=8
// @config K=9 STRIDE=4 GROUP=256 TILE_C=8
// @config K=4 STRIDE=3 GROUP=128 TILE_C=16
// @config K=1 STRIDE=1 GROUP=64 TILE_C=1

#include "channel_stats.h"

// Taps of one axis that can land on a given output pixel: those with ky ≡ (oy + padding) mod STRIDE.
#define TAPS ((K + STRIDE - 1) / STRIDE)

// y[n, co, :, :] as a gather: output pixel (oy, ox) sums the input pixels that map onto it, plus bias[co] when has_bias.
// Grid: X = Ho·Wo output pixels, Y = Cout, Z = N; one work-group per GROUP pixels of one output plane.
KERNEL void conv_transpose2d_forward(const int cin, const int h, const int w, const int cout, const int ho, const int wo,
                                     const int padding, const int has_bias, GLOBAL const float* x,
                                     GLOBAL const float* weight, GLOBAL const float* bias, GLOBAL float* y)
{
    LOCAL float taps[TILE_C * K * K];
    const int pixel = GLOBAL_ID_X;
    const int co = GROUP_ID_Y;
    const int n = GROUP_ID_Z;
    const int inside = pixel < ho * wo;
    const int oy = inside ? pixel / wo : 0;
    const int ox = inside ? pixel % wo : 0;
    const int ty = oy + padding;
    const int tx = ox + padding;
    const int ky0 = ty % STRIDE;
    const int kx0 = tx % STRIDE;
    float acc = 0.0f;
    for (int c0 = 0; c0 < cin; c0 += TILE_C)
    {
        const int channels = min(TILE_C, cin - c0);
        BARRIER();
        for (int t = LOCAL_ID_X; t < channels * K * K; t += GROUP)
            taps[t] = weight[((c0 + t / (K * K)) * cout + co) * (K * K) + t % (K * K)];
        BARRIER();
        if (!inside) continue;
        for (int c = 0; c < channels; c++)
        {
            GLOBAL const float* plane = x + (n * cin + c0 + c) * h * w;
            for (int a = 0; a < TAPS; a++)
            {
                const int ky = ky0 + a * STRIDE;
                // ty − ky is a multiple of STRIDE, so the division is exact even when negative.
                const int iy = (ty - ky) / STRIDE;
                if (ky >= K || iy < 0 || iy >= h) continue;
                for (int b = 0; b < TAPS; b++)
                {
                    const int kx = kx0 + b * STRIDE;
                    const int ix = (tx - kx) / STRIDE;
                    if (kx >= K || ix < 0 || ix >= w) continue;
                    acc += plane[iy * w + ix] * taps[(c * K + ky) * K + kx];
                }
            }
        }
    }
    if (inside) y[nchw_index(n, co, oy, ox, cout, ho, wo)] = (has_bias ? bias[co] : 0.0f) + acc;
}

// gx = the strided convolution of gy with the weight: gx[n, ci, iy, ix] = Σ gy[n, co, iy·STRIDE − padding + ky, …]·w[ci, co, ky, kx].
// Grid: X = H·W input pixels, Y = Cin, Z = N.
KERNEL void conv_transpose2d_backward_input(const int cin, const int h, const int w, const int cout, const int ho, const int wo,
                                            const int padding, GLOBAL const float* gy, GLOBAL const float* weight, GLOBAL float* gx)
{
    LOCAL float taps[TILE_C * K * K];
    const int pixel = GLOBAL_ID_X;
    const int ci = GROUP_ID_Y;
    const int n = GROUP_ID_Z;
    const int inside = pixel < h * w;
    const int oy0 = (inside ? pixel / w : 0) * STRIDE - padding;
    const int ox0 = (inside ? pixel % w : 0) * STRIDE - padding;
    float acc = 0.0f;
    for (int c0 = 0; c0 < cout; c0 += TILE_C)
    {
        const int channels = min(TILE_C, cout - c0);
        BARRIER();
        // weight[ci, c0 .. c0 + channels, :, :] is contiguous.
        for (int t = LOCAL_ID_X; t < channels * K * K; t += GROUP)
            taps[t] = weight[(ci * cout + c0) * (K * K) + t];
        BARRIER();
        if (!inside) continue;
        for (int c = 0; c < channels; c++)
        {
            GLOBAL const float* plane = gy + (n * cout + c0 + c) * ho * wo;
            for (int ky = 0; ky < K; ky++)
            {
                const int oy = oy0 + ky;
                if (oy < 0 || oy >= ho) continue;
                for (int kx = 0; kx < K; kx++)
                {
                    const int ox = ox0 + kx;
                    if (ox < 0 || ox >= wo) continue;
                    acc += plane[oy * wo + ox] * taps[(c * K + ky) * K + kx];
                }
            }
        }
    }
    if (inside) gx[((n * cin + ci) * h) * w + pixel] = acc;
}

// gw[ci, co, ky, kx] = Σ over n, iy, ix of x[n, ci, iy, ix]·gy[n, co, iy·STRIDE − padding + ky, ix·STRIDE − padding + kx].
// One work-group per kernel row (ci, co, ky) = GROUP_ID_X: each work-item takes a strided share of the N·H·W input
// pixels and keeps K partial sums (one x load serves the whole row), then the K sums are tree-reduced together.
KERNEL void conv_transpose2d_backward_weight(const int batch, const int cin, const int h, const int w, const int cout,
                                             const int ho, const int wo, const int padding,
                                             GLOBAL const float* x, GLOBAL const float* gy, GLOBAL float* gw)
{
    LOCAL float scratch[K * GROUP];
    const int lid = LOCAL_ID_X;
    const int row = GROUP_ID_X;
    const int ky = row % K;
    const int co = (row / K) % cout;
    const int ci = row / (K * cout);
    const int plane = h * w;
    float acc[K];
    for (int kx = 0; kx < K; kx++)
        acc[kx] = 0.0f;
    for (int i = lid; i < batch * plane; i += GROUP)
    {
        const int n = i / plane;
        const int p = i - n * plane;
        const int iy = p / w;
        const int ix = p - iy * w;
        const int oy = iy * STRIDE - padding + ky;
        if (oy < 0 || oy >= ho) continue;
        const float v = x[(n * cin + ci) * plane + p];
        GLOBAL const float* gyRow = gy + ((n * cout + co) * ho + oy) * wo;
        const int ox0 = ix * STRIDE - padding;
        for (int kx = 0; kx < K; kx++)
        {
            const int ox = ox0 + kx;
            if (ox >= 0 && ox < wo) acc[kx] += v * gyRow[ox];
        }
    }
    for (int kx = 0; kx < K; kx++)
        scratch[kx * GROUP + lid] = acc[kx];
    group_sum_rows(scratch, K, GROUP, lid);
    for (int kx = lid; kx < K; kx += GROUP)
        gw[row * K + kx] = scratch[kx * GROUP];
}

// gb[co] = Σ over n, oy, ox of gy[n, co, oy, ox]. One work-group per output channel.
KERNEL void conv_transpose2d_backward_bias(const int batch, const int cout, const int plane, GLOBAL const float* gy, GLOBAL float* gb)
{
    LOCAL float scratch[GROUP];
    const int co = GROUP_ID_X;
    const float sum = channel_sum(scratch, gy, batch, cout, plane, co, GROUP, LOCAL_ID_X);
    if (LOCAL_ID_X == 0) gb[co] = sum;
}
