// The gradients of the 2-D convolution over NCHW tensors with a square odd K×K kernel, "same" padding K/2 and
// stride 1 or 2; the forward pass, whose shape parameters are tuned per device, is conv2d_forward.cl. The host
// side (src/SuperRes.Tensors/Ops/Conv2d/Conv2d.Kernels.cs) picks the defines; all but K, STRIDE and CHUNK are
// tuned per device (legal values in Conv2d.GradientTuning.cs):
//   K, STRIDE     kernel size and stride
//   TILE_W×TILE_H the input gradient's tile of one work-group; PX outputs per work-item along a row
//   BLOCK         channels each work-item produces at once (accumulated in registers)
//   CHUNK         summed-over channels staged in local memory per step (the most that fit)
//   WCOLS, MSTEP  the weight gradient's columns per group and pixels staged per step
// Every kernel runs THREADS work-items per group. Tensor sizes and the padding mode (replicate: out-of-range
// reads clamp to the border, else they read zero) are runtime arguments; the mode only steers tile loads, and
// as a define it would double the programs to build.
// @config K=3 STRIDE=1 BLOCK=8 CHUNK=8 TILE_W=32 TILE_H=16 PX=2 WCOLS=64 MSTEP=32
// @config K=3 STRIDE=2 BLOCK=8 CHUNK=4 TILE_W=32 TILE_H=16 PX=2 WCOLS=64 MSTEP=32
// @config K=9 STRIDE=1 BLOCK=8 CHUNK=4 TILE_W=32 TILE_H=16 PX=2 WCOLS=64 MSTEP=32
// @config K=9 STRIDE=2 BLOCK=8 CHUNK=2 TILE_W=32 TILE_H=16 PX=2 WCOLS=64 MSTEP=32
// @config K=1 STRIDE=2 BLOCK=1 CHUNK=8 TILE_W=16 TILE_H=16 PX=1 WCOLS=64 MSTEP=32
// @config(cpu) K=3 STRIDE=1 BLOCK=8 CHUNK=8 TILE_W=32 TILE_H=16 PX=4 WCOLS=64 MSTEP=32

#define PAD (K / 2)
#define KK (K * K)
#define THREADS_X (TILE_W / PX)
#define THREADS (THREADS_X * TILE_H)

#include "conv_tiles.h"
#include "reduce.h"

// Input gradient: the output-gradient patch that reaches one tile of (padded) input positions.
#define GY_TILE_H ((TILE_H + K - 2) / STRIDE + 1)
#define GY_TILE_W ((TILE_W + K - 2) / STRIDE + 1)
#define GY_TILE (GY_TILE_H * GY_TILE_W)

// Weight gradient: a GEMM gy[Cout × pixels] · im2col(x)[pixels × Cin·K·K] over one chunk of pixels.
// WCOLS weight columns (ci, ky, kx) per group, MSTEP pixels staged per step.
#define STREAMS (THREADS / WCOLS) // pixel streams per column, added up at the end

#if (THREADS & (THREADS - 1)) != 0 || THREADS % WCOLS != 0
#error "THREADS must be a power of two and a multiple of WCOLS"
#endif
#if THREADS < MSTEP
#error "the first MSTEP work-items stage the pixels' coordinates"
#endif
#if THREADS_X % STRIDE != 0
#error "the columns of one work-item must share their parity with stride 2"
#endif

// Gradient with respect to the zero-padded input, as the transposed convolution of gy:
//   g[n, ci, q] = Σ_co Σ_ky,kx weight[co, ci, ky, kx] · gy[n, co, (q − k) / S]   where S divides q − k,
// for padded positions q (q = input position + PAD). It writes the regionH×regionW positions starting at
// (origin, origin): origin = PAD, region = H×W gives the input gradient for zero padding; origin = 0,
// region = (H + 2·PAD)×(W + 2·PAD) gives the whole padded gradient that conv2d_fold_replicate folds.
// Group: one tile of positions of one image (X) for BLOCK input channels (Y).
KERNEL void conv2d_input_grad(const int cin, const int cout, const int ho, const int wo,
                              const int regionH, const int regionW, const int origin, const int tilesX, const int tilesY,
                              GLOBAL const float* gy, GLOBAL const float* weight, GLOBAL float* gx)
{
    LOCAL float gyTile[CHUNK * GY_TILE];
    LOCAL float wTile[BLOCK * CHUNK * KK];

    const int lid = LOCAL_ID_X;
    const int tx = lid % THREADS_X, ty = lid / THREADS_X;
    int n, ry0, rx0;
    tile_origin(tilesX, tilesY, &n, &ry0, &rx0);
    const int ci0 = GROUP_ID_Y * BLOCK;
    const int qy0 = origin + ry0, qx0 = origin + rx0;
    // First gy row/column any position of the tile reads: the smallest multiple of S ≥ q0 − (K − 1), over S.
    const int oyStart = -floor_div(K - 1 - qy0, STRIDE);
    const int oxStart = -floor_div(K - 1 - qx0, STRIDE);
    const int qy = qy0 + ty, qx = qx0 + tx;

    float acc[BLOCK][PX];
    zero_block(acc);

    for (int c0 = 0; c0 < cout; c0 += CHUNK)
    {
        const int cn = min(CHUNK, cout - c0);
        for (int i = lid; i < cn * GY_TILE; i += THREADS)
        {
            const int c = i / GY_TILE, r = i % GY_TILE;
            const int oy = oyStart + r / GY_TILE_W, ox = oxStart + r % GY_TILE_W;
            gyTile[i] = (oy >= 0 && oy < ho && ox >= 0 && ox < wo) ? gy[nchw_index(n, c0 + c, oy, ox, cout, ho, wo)] : 0.0f;
        }
        stage_weights(wTile, weight, ci0, cin, 1, c0, cn, cin, lid);
        BARRIER();

        for (int c = 0; c < cn; c++)
            for (int ky = 0; ky < K; ky++)
            {
                // Only taps with S | (q − k) have a gy term; dy ≥ 0 whenever that holds.
                const int dy = qy - ky - oyStart * STRIDE;
                if (dy % STRIDE != 0)
                    continue;
                for (int kx = 0; kx < K; kx++)
                {
                    // The PX columns of a work-item are THREADS_X apart, a multiple of S: one test covers them all.
                    const int dx = qx - kx - oxStart * STRIDE;
                    if (dx % STRIDE != 0)
                        continue;
                    float g[PX];
                    for (int p = 0; p < PX; p++)
                        g[p] = gyTile[(c * GY_TILE_H + dy / STRIDE) * GY_TILE_W + dx / STRIDE + p * (THREADS_X / STRIDE)];
                    accumulate_tap(acc, wTile, c, ky * K + kx, g);
                }
            }
        BARRIER();
    }

    store_block(gx, acc, n, ci0, cin, ry0 + ty, rx0 + tx, regionH, regionW);
}

// Replicate padding reads border pixels for every out-of-range coordinate, so each border pixel's gradient
// is the sum of the padded gradient over the positions that clamp onto it. One work-item per input element.
KERNEL void conv2d_fold_replicate(const int total, const int h, const int w, GLOBAL const float* padded, GLOBAL float* gx)
{
    const int i = GLOBAL_ID_X;
    if (i >= total)
        return;
    const int plane = i / (h * w), r = i % (h * w);
    const int iy = r / w, ix = r % w;
    const int ph = h + 2 * PAD, pw = w + 2 * PAD;
    const int qyFirst = iy == 0 ? 0 : iy + PAD, qyLast = iy == h - 1 ? ph - 1 : iy + PAD;
    const int qxFirst = ix == 0 ? 0 : ix + PAD, qxLast = ix == w - 1 ? pw - 1 : ix + PAD;
    float sum = 0.0f;
    for (int qy = qyFirst; qy <= qyLast; qy++)
        for (int qx = qxFirst; qx <= qxLast; qx++)
            sum += padded[(plane * ph + qy) * pw + qx];
    gx[i] = sum;
}

// Weight gradient over one chunk of output pixels m = (n, oy, ox):
//   partial[chunk, co, j] = Σ_m gy[n, co, oy, ox] · x_padded[n, ci, oy·S + ky − PAD, ox·S + kx − PAD],  j = (ci, ky, kx).
// Group: BLOCK output channels × WCOLS columns (X) for one chunk (Y). Each column is summed by STREAMS
// work-items over interleaved pixels; the streams are added in a fixed order (deterministic).
KERNEL void conv2d_weight_grad(const int cin, const int h, const int w, const int cout, const int ho, const int wo,
                               const int replicate, const int pixels, const int chunkLength, const int colTiles,
                               GLOBAL const float* x, GLOBAL const float* gy, GLOBAL float* partial)
{
    LOCAL float xTile[MSTEP * (WCOLS + 1)]; // [pixel][column]; +1: the column-wise stores avoid bank conflicts
    LOCAL float gyTile[BLOCK * MSTEP];
    LOCAL float sums[BLOCK * THREADS];
    LOCAL int pixelImage[MSTEP], pixelY[MSTEP], pixelX[MSTEP]; // (n, oy, ox) of each staged pixel

    const int lid = LOCAL_ID_X;
    const int col = lid % WCOLS, stream = lid / WCOLS;
    const int cols = cin * KK;
    const int j0 = (GROUP_ID_X % colTiles) * WCOLS;
    const int co0 = (GROUP_ID_X / colTiles) * BLOCK;
    const int chunk = GROUP_ID_Y;
    const int hw = ho * wo;
    const int mBegin = chunk * chunkLength;
    const int mEnd = min(pixels, mBegin + chunkLength);

    float acc[BLOCK];
    for (int b = 0; b < BLOCK; b++)
        acc[b] = 0.0f;

    for (int m0 = mBegin; m0 < mEnd; m0 += MSTEP)
    {
        if (lid < MSTEP)
        {
            const int m = min(m0 + lid, mEnd - 1);
            pixelImage[lid] = m / hw;
            pixelY[lid] = (m % hw) / wo;
            pixelX[lid] = m % wo;
        }
        BARRIER();
        const int count = min(MSTEP, mEnd - m0);
        // Consecutive work-items take consecutive pixels of one column: neighbouring x reads.
        for (int i = lid; i < WCOLS * MSTEP; i += THREADS)
        {
            const int jj = i / MSTEP, mm = i % MSTEP, j = j0 + jj;
            float v = 0.0f;
            if (j < cols && mm < count)
            {
                const int ci = j / KK, ky = (j % KK) / K, kx = j % K;
                v = read_padded(x + (pixelImage[mm] * cin + ci) * h * w,
                                pixelY[mm] * STRIDE + ky - PAD, pixelX[mm] * STRIDE + kx - PAD, h, w, replicate);
            }
            xTile[mm * (WCOLS + 1) + jj] = v;
        }
        for (int i = lid; i < BLOCK * MSTEP; i += THREADS)
        {
            const int b = i / MSTEP, mm = i % MSTEP;
            gyTile[i] = (co0 + b < cout && mm < count) ? gy[((pixelImage[mm] * cout + co0 + b) * ho + pixelY[mm]) * wo + pixelX[mm]] : 0.0f;
        }
        BARRIER();

        for (int mm = stream; mm < MSTEP; mm += STREAMS)
        {
            const float xv = xTile[mm * (WCOLS + 1) + col];
            for (int b = 0; b < BLOCK; b++)
                acc[b] += gyTile[b * MSTEP + mm] * xv;
        }
        BARRIER();
    }

    // Fold the STREAMS partial sums of each (output channel, column) in stream order.
    for (int b = 0; b < BLOCK; b++)
        sums[b * THREADS + lid] = acc[b];
    BARRIER();
    for (int i = lid; i < BLOCK * WCOLS; i += THREADS)
    {
        const int b = i / WCOLS, c = i % WCOLS, j = j0 + c;
        float sum = 0.0f;
        for (int s = 0; s < STREAMS; s++)
            sum += sums[b * THREADS + s * WCOLS + c];
        if (j < cols && co0 + b < cout)
            partial[(chunk * cout + co0 + b) * cols + j] = sum;
    }
}

// Bias gradient over one chunk of pixels: partial[chunk, co] = Σ_m gy[n, co, oy, ox], a local tree per group.
// Group: one output channel (X) for one chunk (Y).
KERNEL void conv2d_bias_grad(const int cout, const int hw, const int pixels, const int chunkLength,
                             GLOBAL const float* gy, GLOBAL float* partial)
{
    LOCAL float scratch[THREADS];
    const int lid = LOCAL_ID_X;
    const int co = GROUP_ID_X, chunk = GROUP_ID_Y;
    const int mEnd = min(pixels, (chunk + 1) * chunkLength);
    float acc = 0.0f;
    for (int m = chunk * chunkLength + lid; m < mEnd; m += THREADS)
        acc += gy[channel_index(m, co, cout, hw)];
    const float sum = group_sum(scratch, acc, THREADS, lid);
    if (lid == 0)
        partial[chunk * cout + co] = sum;
}

// Second pass of the chunked reductions: out[i] = Σ_chunk partial[chunk, i], in chunk order.
KERNEL void conv2d_sum_chunks(const int length, const int chunks, GLOBAL const float* partial, GLOBAL float* out)
{
    const int i = GLOBAL_ID_X;
    if (i >= length)
        return;
    float sum = 0.0f;
    for (int c = 0; c < chunks; c++)
        sum += partial[c * length + i];
    out[i] = sum;
}
