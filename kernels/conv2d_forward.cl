// Forward 2-D convolution over NCHW tensors with a square odd K×K kernel, "same" padding K/2 and stride 1 or 2:
//   y[n, co] = bias[co] + Σ_ci Σ_ky,kx weight[co, ci, ky, kx] · x[n, ci, oy·S + ky − PAD, ox·S + kx − PAD].
// Two formulations of one kernel, chosen per device by the tuning database or the device class's defaults
// (src/SuperRes.Tensors/Ops/Conv2d/Conv2d.Tuning.cs declares the legal values of every define):
//   LOCAL_TILES=1  GPU-shaped: a work-group stages the input tile and the weights of CHUNK input channels in
//                  local memory between barriers; every work-item reads them from there (ROWS must be 1).
//   LOCAL_TILES=0  CPU-shaped: no local memory and no barriers; each work-item reads its inputs straight from
//                  global memory into a register block. On a CPU OpenCL device (PoCL) a work-group becomes a
//                  loop over its work-items, so large blocks per work-item vectorise best there.
// Both: a work-group of WG_X×WG_Y work-items covers a tile of (WG_X·PX)×(WG_Y·ROWS) output pixels of one image
// (grid X) for BLOCK output channels (grid Y); each work-item produces PX columns WG_X apart and ROWS rows WG_Y
// apart, for BLOCK channels. Tensor sizes and the padding mode are run-time arguments.
// @config K=3 STRIDE=1 LOCAL_TILES=1 BLOCK=8 CHUNK=8 PX=2 ROWS=1 WG_X=16 WG_Y=16
// @config K=3 STRIDE=2 LOCAL_TILES=1 BLOCK=8 CHUNK=4 PX=2 ROWS=1 WG_X=16 WG_Y=16
// @config K=9 STRIDE=1 LOCAL_TILES=1 BLOCK=8 CHUNK=4 PX=2 ROWS=1 WG_X=16 WG_Y=16
// @config K=1 STRIDE=2 LOCAL_TILES=1 BLOCK=1 CHUNK=8 PX=1 ROWS=1 WG_X=16 WG_Y=16
// @config(cpu) K=3 STRIDE=1 LOCAL_TILES=0 BLOCK=16 PX=32 ROWS=1 WG_X=1 WG_Y=1
// @config(cpu) K=9 STRIDE=1 LOCAL_TILES=0 BLOCK=8 PX=32 ROWS=1 WG_X=1 WG_Y=1
// @config(cpu) K=1 STRIDE=1 LOCAL_TILES=0 BLOCK=4 PX=32 ROWS=2 WG_X=2 WG_Y=2
// @config(cpu) K=3 STRIDE=2 LOCAL_TILES=0 BLOCK=8 PX=16 ROWS=1 WG_X=1 WG_Y=1

#include "index.h"

#define PAD (K / 2)
#define KK (K * K)
#define TILE_W (WG_X * PX)
#define TILE_H (WG_Y * ROWS)
#define THREADS_X WG_X
#define THREADS (WG_X * WG_Y)

#if LOCAL_TILES
#if ROWS != 1
#error "LOCAL_TILES=1 computes one row per work-item (ROWS=1)"
#endif
#if THREADS_X % STRIDE != 0
#error "the columns of one work-item must share their parity with stride 2"
#endif
#include "conv_tiles.h"

// The input patch under one output tile.
#define IN_TILE_H ((TILE_H - 1) * STRIDE + K)
#define IN_TILE_W ((TILE_W - 1) * STRIDE + K)
#define IN_TILE (IN_TILE_H * IN_TILE_W)

KERNEL void conv2d_forward(const int cin, const int h, const int w, const int cout, const int ho, const int wo,
                           const int replicate, const int tilesX, const int tilesY, const int hasBias,
                           GLOBAL const float* x, GLOBAL const float* weight, GLOBAL const float* bias, GLOBAL float* y)
{
    LOCAL float inTile[CHUNK * IN_TILE];
    LOCAL float wTile[BLOCK * CHUNK * KK];

    const int lid = LOCAL_ID_X;
    const int tx = lid % THREADS_X, ty = lid / THREADS_X;
    int n, oy0, ox0;
    tile_origin(tilesX, tilesY, &n, &oy0, &ox0);
    const int co0 = GROUP_ID_Y * BLOCK;
    const int iy0 = oy0 * STRIDE - PAD, ix0 = ox0 * STRIDE - PAD;

    float acc[BLOCK][PX];
    zero_block(acc);

    for (int c0 = 0; c0 < cin; c0 += CHUNK)
    {
        const int cn = min(CHUNK, cin - c0);
        for (int i = lid; i < cn * IN_TILE; i += THREADS)
        {
            const int c = i / IN_TILE, r = i % IN_TILE;
            inTile[i] = read_padded(x + (n * cin + c0 + c) * h * w, iy0 + r / IN_TILE_W, ix0 + r % IN_TILE_W, h, w, replicate);
        }
        stage_weights(wTile, weight, co0, cout, cin, c0, cn, 1, lid);
        BARRIER();

        for (int c = 0; c < cn; c++)
            for (int ky = 0; ky < K; ky++)
                for (int kx = 0; kx < K; kx++)
                {
                    float in[PX];
                    for (int p = 0; p < PX; p++)
                        in[p] = inTile[(c * IN_TILE_H + ty * STRIDE + ky) * IN_TILE_W + (tx + p * THREADS_X) * STRIDE + kx];
                    accumulate_tap(acc, wTile, c, ky * K + kx, in);
                }
        BARRIER();
    }

    if (hasBias)
        for (int b = 0; b < BLOCK && co0 + b < cout; b++)
            for (int p = 0; p < PX; p++)
                acc[b][p] += bias[co0 + b];
    store_block(y, acc, n, co0, cout, oy0 + ty, ox0 + tx, ho, wo);
}

#else

// The input columns one work-item's row of outputs reads: PX outputs WG_X·S apart, K taps each.
#define SPAN ((PX - 1) * WG_X * STRIDE + K)

// acc[r][b][p] += Σ_ci Σ_ky,kx weight[co0 + b, ci, ky, kx] · x at (iy0 + r·WG_Y·S + ky, ix0 + p·WG_X·S + kx).
// Each input row segment is read once into `span` (checked per value only when `edge` says some columns fall
// outside the image) and serves all K taps of that row. Rows outside the image read zero (or clamp, replicate).
// The loops over accumulators are unrolled so that they stay in registers and vectorise along PX.
DEVICE_FN void accumulate_direct(float acc[ROWS][BLOCK][PX], GLOBAL const float* x, GLOBAL const float* weight,
                                 const int n, const int cin, const int h, const int w, const int co0, const int cout,
                                 const int iy0, const int ix0, const int replicate, const int edge)
{
    for (int ci = 0; ci < cin; ci++)
    {
        GLOBAL const float* plane = x + (n * cin + ci) * h * w;
        for (int ky = 0; ky < K; ky++)
            for (int r = 0; r < ROWS; r++)
            {
                const int iy = iy0 + r * WG_Y * STRIDE + ky;
                if (!replicate && (iy < 0 || iy >= h))
                    continue;
                GLOBAL const float* row = plane + clamp_index(iy, h) * w;
                float span[SPAN];
                if (!edge)
                {
                    UNROLL
                    for (int i = 0; i < SPAN; i++)
                        span[i] = row[ix0 + i];
                }
                else
                {
                    UNROLL
                    for (int i = 0; i < SPAN; i++)
                    {
                        const int ix = ix0 + i;
                        span[i] = (replicate || (ix >= 0 && ix < w)) ? row[clamp_index(ix, w)] : 0.0f;
                    }
                }
                UNROLL
                for (int kx = 0; kx < K; kx++)
                {
                    float wv[BLOCK];
                    UNROLL
                    for (int b = 0; b < BLOCK; b++)
                        wv[b] = weight[(min(co0 + b, cout - 1) * cin + ci) * KK + ky * K + kx];
                    UNROLL
                    for (int b = 0; b < BLOCK; b++)
                        UNROLL
                        for (int p = 0; p < PX; p++)
                            acc[r][b][p] = fmaf(wv[b], span[p * WG_X * STRIDE + kx], acc[r][b][p]);
                }
            }
    }
}

KERNEL void conv2d_forward(const int cin, const int h, const int w, const int cout, const int ho, const int wo,
                           const int replicate, const int tilesX, const int tilesY, const int hasBias,
                           GLOBAL const float* x, GLOBAL const float* weight, GLOBAL const float* bias, GLOBAL float* y)
{
    const int lid = LOCAL_ID_X;
    const int n = GROUP_ID_X / (tilesX * tilesY);
    const int oy = (GROUP_ID_X / tilesX) % tilesY * TILE_H + lid / WG_X;
    const int ox = GROUP_ID_X % tilesX * TILE_W + lid % WG_X;
    const int co0 = GROUP_ID_Y * BLOCK;
    const int iy0 = oy * STRIDE - PAD, ix0 = ox * STRIDE - PAD;

    float acc[ROWS][BLOCK][PX];
    UNROLL
    for (int r = 0; r < ROWS; r++)
        UNROLL
        for (int b = 0; b < BLOCK; b++)
            UNROLL
            for (int p = 0; p < PX; p++)
                acc[r][b][p] = 0.0f;
    accumulate_direct(acc, x, weight, n, cin, h, w, co0, cout, iy0, ix0, replicate, ix0 < 0 || ix0 + SPAN > w);

    for (int r = 0; r < ROWS && oy + r * WG_Y < ho; r++)
        for (int b = 0; b < BLOCK && co0 + b < cout; b++)
        {
            const float shift = hasBias ? bias[co0 + b] : 0.0f;
            for (int p = 0; p < PX; p++)
                if (ox + p * WG_X < wo)
                    y[nchw_index(n, co0 + b, oy + r * WG_Y, ox + p * WG_X, cout, ho, wo)] = acc[r][b][p] + shift;
        }
}

#endif
