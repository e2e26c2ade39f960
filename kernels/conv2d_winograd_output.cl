// The output transform of kernels/conv2d_winograd.cl with the convolution's epilogue (src/SuperRes.Tensors/Ops/
// Convolution/ConvEpilogue.cs, in its order and with the rounding of the separate ops): each 4×4 output tile
// (Aᵀ·m[·][co][t]·A) gets v + bias[co], then the activation, then residual[i] + residualScale·v, and is stored
// where PixelShuffle(SHUFFLE) would move it; only the part of the tile inside the image is stored. The epilogue is
// compile-time so that a plain convolution pays nothing for it:
//   ACTIVATION  0 none, 1 ReLU, 2 LeakyReLU (slope), 3 PReLU (slopes[1] or slopes[cout])
//   RESIDUAL    1: add residual (shaped like the output) scaled as above
//   SHUFFLE     r ≥ 1: conv channel co goes to channel co / r², row offset co % r² / r, column offset co % r
//   TO          tiles of a row per work-item: 1, or 16 as the lanes of float16 vectors where the dialect has them
//               (OpenCL; on CPU drivers whole AVX-512 registers, contiguous loads of m and stores of y)
// @config ACTIVATION=0 RESIDUAL=0 SHUFFLE=1 TO=1
// @config ACTIVATION=1 RESIDUAL=1 SHUFFLE=1 TO=1
// @config ACTIVATION=3 RESIDUAL=0 SHUFFLE=2 TO=1
// @config(cpu) ACTIVATION=1 RESIDUAL=1 SHUFFLE=1 TO=16
// @config(cpu) ACTIVATION=2 RESIDUAL=0 SHUFFLE=2 TO=16

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

#ifdef HAS_FLOAT16
// output_row on 16 tiles at once, lane by lane the same operations.
DEVICE_FN void output_row16(float16 s[6])
{
    const float16 sum12 = s[1] + s[2], difference12 = s[1] - s[2], sum34 = s[3] + s[4], difference34 = s[3] - s[4];
    const float16 s0 = s[0], s5 = s[5];
    s[0] = s0 + sum12 + sum34;
    s[1] = fma((float16)(2.0f), difference34, difference12);
    s[2] = fma((float16)(4.0f), sum34, sum12);
    s[3] = fma((float16)(8.0f), difference34, difference12) + s5;
}
#endif

// One tile of the scalar form: tile tx of tile row `row`, output channel co.
DEVICE_FN void output_tile(const int tx, const int row, const int co, const int cout, const int cp, const int h, const int w,
                           const int tilesH, const int tilesW, const int tp, const int hasBias, const float slope,
                           const int slopeCount, const float residualScale, GLOBAL const float* m, GLOBAL const float* bias,
                           GLOBAL const float* slopes, GLOBAL const float* residual, GLOBAL float* y)
{
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

// One work-item per TO tiles of a row (grid X), tile row n·tilesH + ty (grid Y) and output channel (grid Z), so that
// neighbouring work-items read neighbouring columns of m and no index divides by a runtime value.
KERNEL void winograd_output(const int cout, const int cp, const int h, const int w, const int rows, const int tilesH,
                            const int tilesW, const int tp, const int hasBias, const float slope, const int slopeCount, const float residualScale,
                            GLOBAL const float* m, GLOBAL const float* bias, GLOBAL const float* slopes,
                            GLOBAL const float* residual, GLOBAL float* y)
{
#if defined(HAS_FLOAT16) && TO == 16
    const int tx0 = GLOBAL_ID_X * 16, row = GLOBAL_ID_Y, co = GLOBAL_ID_Z;
    if (tx0 >= tilesW || row >= rows || co >= cout)
        return;
    const int n = row / tilesH, ty = row - n * tilesH, t0 = row * tilesW + tx0, count = min(16, tilesW - tx0);
    float16 s[ELEMENTS];
    UNROLL
    for (int e = 0; e < ELEMENTS; e++)
    {
        GLOBAL const float* column = m + (e * cp + co) * tp + t0;
        if (t0 + 16 <= tp)
            s[e] = vload16(0, column);
        else
        {
            float lanes[16];
            for (int j = 0; j < 16; j++)
                lanes[j] = t0 + j < tp ? column[j] : 0.0f;
            s[e] = vload16(0, lanes);
        }
    }
    UNROLL
    for (int c = 0; c < 6; c++)
    {
        float16 column[6];
        UNROLL
        for (int i = 0; i < 6; i++)
            column[i] = s[i * 6 + c];
        output_row16(column);
        UNROLL
        for (int i = 0; i < 4; i++)
            s[i * 6 + c] = column[i];
    }
    const float16 shift = (float16)(hasBias ? bias[co] : 0.0f);
#if ACTIVATION == 2
    const float16 negativeSlope = (float16)(slope);
#elif ACTIVATION == 3
    const float16 negativeSlope = (float16)(slopes[slopeCount == 1 ? 0 : co]);
#endif
    const int rr = SHUFFLE * SHUFFLE, channel = co / rr, offset = co - channel * rr;
    const int rowStride = w * rr, base = tx0 * 4;
    const int start = ((n * (cout / rr) + channel) * h * SHUFFLE + offset / SHUFFLE) * w * SHUFFLE + offset % SHUFFLE;
    UNROLL
    for (int a = 0; a < 4; a++)
    {
        float16 r[6];
        UNROLL
        for (int j = 0; j < 6; j++)
            r[j] = s[a * 6 + j];
        output_row16(r);
        UNROLL
        for (int b = 0; b < 4; b++)
        {
            r[b] = r[b] + shift;
#if ACTIVATION == 1
            r[b] = fmax(r[b], (float16)(0.0f));
#elif ACTIVATION >= 2
            r[b] = select(negativeSlope * r[b], r[b], r[b] > (float16)(0.0f));
#endif
        }
        const int oy = ty * 4 + a;
        if (oy >= h)
            break;
        if (SHUFFLE == 1 && base + 64 <= w)
        {
            // Lane j of r[b] is pixel base + 4j + b: interleave the four into the row's 64 pixels.
            const uint16 low = (uint16)(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23), high = low + (uint16)(8);
            const uint16 first = (uint16)(0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23), second = first + (uint16)(8);
            const float16 low01 = shuffle2(r[0], r[1], low), high01 = shuffle2(r[0], r[1], high);
            const float16 low23 = shuffle2(r[2], r[3], low), high23 = shuffle2(r[2], r[3], high);
            float16 pixels[4] = {shuffle2(low01, low23, first), shuffle2(low01, low23, second), shuffle2(high01, high23, first),
                                 shuffle2(high01, high23, second)};
            GLOBAL float* target = y + start + oy * rowStride + base;
            UNROLL
            for (int q = 0; q < 4; q++)
            {
#if RESIDUAL
                pixels[q] = vload16(q, residual + start + oy * rowStride + base) + (float16)(residualScale) * pixels[q];
#endif
                vstore16(pixels[q], q, target);
            }
        }
        else
        {
            float lanes[4][16];
            UNROLL
            for (int b = 0; b < 4; b++)
                vstore16(r[b], 0, lanes[b]);
            for (int j = 0; j < count; j++)
                UNROLL
                for (int b = 0; b < 4; b++)
                {
                    const int ox = base + 4 * j + b;
                    if (ox < w)
                    {
                        const int i = start + oy * rowStride + ox * SHUFFLE;
                        float value = lanes[b][j];
#if RESIDUAL
                        value = residual[i] + residualScale * value;
#endif
                        y[i] = value;
                    }
                }
        }
    }
#else
    const int row = GLOBAL_ID_Y, co = GLOBAL_ID_Z;
    if (row >= rows || co >= cout)
        return;
    // TO tiles one after another (TO=16 runs this way where the dialect has no float16).
    for (int tx = GLOBAL_ID_X * TO; tx < GLOBAL_ID_X * TO + TO && tx < tilesW; tx++)
        output_tile(tx, row, co, cout, cp, h, w, tilesH, tilesW, tp, hasBias, slope, slopeCount, residualScale, m, bias, slopes, residual, y);
#endif
}
