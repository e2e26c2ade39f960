// The output transform of kernels/conv2d_winograd.cl with the convolution's epilogue (src/SuperRes.Tensors/Ops/
// Convolution/ConvEpilogue.cs, in its order and with the rounding of the separate ops): each 4×4 output tile
// (Aᵀ·m[·][co][t]·A) gets v + bias[co], then the activation, then residual[i] + residualScale·v, and is stored
// where PixelShuffle(SHUFFLE) would move it; only the part of the tile inside the image is stored. The epilogue is
// compile-time so that a plain convolution pays nothing for it:
//   ACTIVATION  0 none, 1 ReLU, 2 LeakyReLU (slope), 3 PReLU (slopes[1] or slopes[cout])
//   RESIDUAL    1: add residual (shaped like the output) scaled as above
//   SHUFFLE     r ≥ 1: conv channel co goes to channel co / r², row offset co % r² / r, column offset co % r
// @config ACTIVATION=0 RESIDUAL=0 SHUFFLE=1
// @config ACTIVATION=1 RESIDUAL=1 SHUFFLE=1
// @config ACTIVATION=3 RESIDUAL=0 SHUFFLE=1
// @config ACTIVATION=2 RESIDUAL=0 SHUFFLE=2

#define ELEMENTS 36

// Aᵀ·s for six values into the first four; the rows of Aᵀ are (1, 1, 1, 1, 1, 0), (0, 1, −1, 2, −2, 0),
// (0, 1, 1, 4, 4, 0), (0, 1, −1, 8, −8, 1).
DEVICE_FN void output_row(float s[6])
{
    const float sum12 = s[1] + s[2], difference12 = s[1] - s[2], sum34 = s[3] + s[4], difference34 = s[3] - s[4];
    const float s0 = s[0], s5 = s[5];
    s[0] = s0 + sum12 + sum34;
    s[1] = fmaf(2.0f, difference34, difference12);
    s[2] = fmaf(4.0f, sum34, sum12);
    s[3] = fmaf(8.0f, difference34, difference12) + s5;
}

// One work-item per tile (grid X: tx; grid Y: tile row n·tilesH + ty) and output channel (grid Z), so that
// neighbouring work-items read neighbouring columns of m and no index divides by a runtime value.
KERNEL void winograd_output(const int cout, const int cp, const int h, const int w, const int rows, const int tilesH,
                            const int tilesW, const int tp, const int hasBias, const float slope, const int slopeCount, const float residualScale,
                            GLOBAL const float* m, GLOBAL const float* bias, GLOBAL const float* slopes,
                            GLOBAL const float* residual, GLOBAL float* y)
{
    const int tx = GLOBAL_ID_X, row = GLOBAL_ID_Y, co = GLOBAL_ID_Z;
    if (tx >= tilesW || row >= rows || co >= cout)
        return;
    const int n = row / tilesH, ty = row - n * tilesH, t = row * tilesW + tx;
    float s[ELEMENTS];
    UNROLL
    for (int e = 0; e < ELEMENTS; e++)
        s[e] = m[(e * cp + co) * tp + t];
    // Aᵀ·m column by column (rows 0–3 kept), then (Aᵀ·m)·A row by row.
    UNROLL
    for (int c = 0; c < 6; c++)
    {
        float column[6];
        UNROLL
        for (int i = 0; i < 6; i++)
            column[i] = s[i * 6 + c];
        output_row(column);
        UNROLL
        for (int i = 0; i < 4; i++)
            s[i * 6 + c] = column[i];
    }
    const float shift = hasBias ? bias[co] : 0.0f;
#if ACTIVATION == 2
    const float negativeSlope = slope;
#elif ACTIVATION == 3
    const float negativeSlope = slopes[slopeCount == 1 ? 0 : co];
#endif
    // Output pixel (oy, ox) of channel co goes to y[start + oy·rowStride + ox·SHUFFLE].
    const int rr = SHUFFLE * SHUFFLE, channel = co / rr, offset = co - channel * rr;
    const int rowStride = w * rr;
    const int start = ((n * (cout / rr) + channel) * h * SHUFFLE + offset / SHUFFLE) * w * SHUFFLE + offset % SHUFFLE;
    UNROLL
    for (int a = 0; a < 4; a++)
    {
        float r[6];
        UNROLL
        for (int j = 0; j < 6; j++)
            r[j] = s[a * 6 + j];
        output_row(r);
        const int oy = ty * 4 + a;
        UNROLL
        for (int b = 0; b < 4; b++)
        {
            const int ox = tx * 4 + b;
            if (oy < h && ox < w)
            {
                const int i = start + oy * rowStride + ox * SHUFFLE;
                float value = r[b] + shift;
#if ACTIVATION == 1
                value = fmaxf(value, 0.0f);
#elif ACTIVATION >= 2
                value = value > 0.0f ? value : negativeSlope * value;
#endif
#if RESIDUAL
                value = residual[i] + residualScale * value;
#endif
                y[i] = value;
            }
        }
    }
}
