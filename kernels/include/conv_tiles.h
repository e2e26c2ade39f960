// Helpers of the local-memory conv2d kernels (conv2d_forward.cl with LOCAL_TILES=1, the input gradient of
// conv2d.cl). The including file defines K, PAD, KK, BLOCK, CHUNK, PX, TILE_W, TILE_H, THREADS_X and THREADS
// first: a work-group of THREADS work-items covers a TILE_H×TILE_W tile, THREADS_X work-items per row, each
// producing PX outputs THREADS_X apart for BLOCK channels.

#include "index.h"

// x at (iy, ix) of one channel plane, honouring the padding mode.
DEVICE_FN float read_padded(GLOBAL const float* plane, const int iy, const int ix, const int h, const int w, const int replicate)
{
    if (replicate)
        return plane[clamp_index(iy, h) * w + clamp_index(ix, w)];
    return (iy >= 0 && iy < h && ix >= 0 && ix < w) ? plane[iy * w + ix] : 0.0f;
}

// Stages the weights of BLOCK block channels × the cn chunk channels in wTile[b][c][tap], zero past the ends.
// In the [Cout, Cin, K, K] weight, block channel b0 + b and chunk channel c0 + c meet at
// ((b0 + b)·blockStride + (c0 + c)·chunkStride)·KK: the forward blocks output channels (strides cin, 1), the
// input gradient blocks input channels (strides 1, cin).
DEVICE_FN void stage_weights(LOCAL_PTR float* wTile, GLOBAL const float* weight, const int b0, const int blocks, const int blockStride,
                             const int c0, const int cn, const int chunkStride, const int lid)
{
    for (int i = lid; i < BLOCK * CHUNK * KK; i += THREADS)
    {
        const int b = i / (CHUNK * KK), c = (i / KK) % CHUNK, k = i % KK;
        wTile[i] = (b0 + b < blocks && c < cn) ? weight[((b0 + b) * blockStride + (c0 + c) * chunkStride) * KK + k] : 0.0f;
    }
}

// The image n and the first row and column (y0, x0) of the TILE_H×TILE_W tile of work-group GROUP_ID_X, the
// tiles of each image numbered row by row.
DEVICE_FN void tile_origin(const int tilesX, const int tilesY, int* n, int* y0, int* x0)
{
    *n = GROUP_ID_X / (tilesX * tilesY);
    *y0 = (GROUP_ID_X / tilesX) % tilesY * TILE_H;
    *x0 = GROUP_ID_X % tilesX * TILE_W;
}

DEVICE_FN void zero_block(float acc[BLOCK][PX])
{
    for (int b = 0; b < BLOCK; b++)
        for (int p = 0; p < PX; p++)
            acc[b][p] = 0.0f;
}

// acc[b][p] += wTile[b][c][tap] · v[p] for every block channel b.
DEVICE_FN void accumulate_tap(float acc[BLOCK][PX], LOCAL_PTR const float* wTile, const int c, const int tap, const float v[PX])
{
    for (int b = 0; b < BLOCK; b++)
    {
        const float wv = wTile[(b * CHUNK + c) * KK + tap];
        for (int p = 0; p < PX; p++)
            acc[b][p] += wv * v[p];
    }
}

// Writes acc[b][p] to (n, c0 + b, y, x + p·THREADS_X) of a tensor of `channels` channels of h×w, skipping
// positions past the ends.
DEVICE_FN void store_block(GLOBAL float* out, float acc[BLOCK][PX], const int n, const int c0, const int channels,
                           const int y, const int x, const int h, const int w)
{
    if (y >= h)
        return;
    for (int b = 0; b < BLOCK && c0 + b < channels; b++)
        for (int p = 0; p < PX; p++)
            if (x + p * THREADS_X < w)
                out[nchw_index(n, c0 + b, y, x + p * THREADS_X, channels, h, w)] = acc[b][p];
}

