// The weight and input transforms of the Winograd F(4×4, 3×3) forward (overview: kernels/conv2d_winograd.cl).
// The input transform takes TI tiles of a row per work-item (legal values: src/SuperRes.Tensors/Ops/Conv2d/
// Conv2d.WinogradTuning.cs).
// @config TI=1
// @config(cpu) TI=16

#include "index.h"

#define ELEMENTS 36

// Bᵀ·s for six values in place; the rows of Bᵀ are (4, 0, −5, 0, 1, 0), (0, −4, −4, 1, 1, 0), (0, 4, −4, −1, 1, 0),
// (0, −2, −1, 2, 1, 0), (0, 2, −1, −2, 1, 0), (0, 4, 0, −5, 0, 1).
DEVICE_FN void input_row(float s[6])
{
    const float s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3], s4 = s[4], s5 = s[5];
    const float odd = s1 - s3, even = s4 - s2;
    s[0] = fmaf(-5.0f, s2, fmaf(4.0f, s0, s4));
    s[1] = fmaf(-4.0f, s1 + s2, s3 + s4);
    s[2] = fmaf(4.0f, s1 - s2, s4 - s3);
    s[3] = fmaf(-2.0f, odd, even);
    s[4] = fmaf(2.0f, odd, even);
    s[5] = fmaf(-5.0f, s3, fmaf(4.0f, s1, s5));
}

#ifdef HAS_FLOAT16
// input_row on 16 tiles at once, lane by lane the same operations.
DEVICE_FN void input_row16(float16 s[6])
{
    const float16 s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3], s4 = s[4], s5 = s[5];
    const float16 odd = s1 - s3, even = s4 - s2;
    s[0] = fma((float16)(-5.0f), s2, fma((float16)(4.0f), s0, s4));
    s[1] = fma((float16)(-4.0f), s1 + s2, s3 + s4);
    s[2] = fma((float16)(4.0f), s1 - s2, s4 - s3);
    s[3] = fma((float16)(-2.0f), odd, even);
    s[4] = fma((float16)(2.0f), odd, even);
    s[5] = fma((float16)(-5.0f), s3, fma((float16)(4.0f), s1, s5));
}
#endif

// G·s for three values into six; the rows of G are (1/4, 0, 0), (−1/6, −1/6, −1/6), (−1/6, 1/6, −1/6),
// (1/24, 1/12, 1/6), (1/24, −1/12, 1/6), (0, 0, 1).
DEVICE_FN void kernel_row(const float g0, const float g1, const float g2, float r[6])
{
    r[0] = g0 * 0.25f;
    r[1] = -(g0 + g1 + g2) / 6.0f;
    r[2] = -(g0 - g1 + g2) / 6.0f;
    r[3] = g0 / 24.0f + g1 / 12.0f + g2 / 6.0f;
    r[4] = g0 / 24.0f - g1 / 12.0f + g2 / 6.0f;
    r[5] = g2;
}

// One work-item per (co < cp: grid X, ci: grid Y).
KERNEL void winograd_weights(const int cin, const int cout, const int cp, GLOBAL const float* weight, GLOBAL float* u)
{
    const int co = GLOBAL_ID_X, ci = GLOBAL_ID_Y;
    if (co >= cp || ci >= cin)
        return;
    float gg[18]; // G·g, 6 rows × 3 columns
    UNROLL
    for (int c = 0; c < 3; c++)
    {
        float column[6];
        if (co < cout)
        {
            GLOBAL const float* g = weight + (co * cin + ci) * 9;
            kernel_row(g[c], g[3 + c], g[6 + c], column);
        }
        else
        {
            UNROLL
            for (int i = 0; i < 6; i++)
                column[i] = 0.0f;
        }
        UNROLL
        for (int i = 0; i < 6; i++)
            gg[i * 3 + c] = column[i];
    }
    UNROLL
    for (int i = 0; i < 6; i++)
    {
        float row[6];
        kernel_row(gg[i * 3], gg[i * 3 + 1], gg[i * 3 + 2], row);
        UNROLL
        for (int j = 0; j < 6; j++)
            u[((i * 6 + j) * cin + ci) * cp + co] = row[j];
    }
}

// One work-item per TI tiles side by side in one tile row (grid X: ⌈tilesW/TI⌉), tile row of the batch (grid Y:
// n·tilesH + ty) and input channel (grid Z): neighbouring work-items hold neighbouring tiles, so their stores into v
// are contiguous and no index needs a division by a runtime value (both turned PoCL's vectorised loop into scatters
// and scalar divisions). The 6 input rows under the tiles are read once, TI·4 + 2 columns each, every read clamped
// into the plane and zeroed outside it, so the loads need no branches. Columns of v past the last tile (t ≥ tiles)
// are left unwritten: the product's columns do not mix, and the output transform never reads those columns of m.
#define SPAN (TI * 4 + 2)
KERNEL void winograd_input(const int cin, const int h, const int w, const int rows, const int tilesW, const int tp,
                           GLOBAL const float* x, GLOBAL float* v)
{
#if defined(HAS_FLOAT16) && TI == 16
    // 16 tiles as the lanes of float16 vectors: each input row's 66 columns come in as four vloads and three scalars,
    // and the six columns of every tile are strided picks of them (.s048c, …); the same operations as below, per lane.
    const int tx0 = GLOBAL_ID_X * 16, row = GLOBAL_ID_Y, ci = GLOBAL_ID_Z;
    if (tx0 >= tilesW || row >= rows || ci >= cin)
        return;
    const int tilesH = (h + 3) / 4, n = row / tilesH, ty = row - n * tilesH;
    const int base = tx0 * 4;
    GLOBAL const float* plane = x + (n * cin + ci) * h * w;
    float16 d[6][6]; // d[i][c]: column c of row i, then Bᵀ·d column by column
    UNROLL
    for (int i = 0; i < 6; i++)
    {
        const int iy = ty * 4 - 1 + i;
        float16 a = (float16)(0.0f), b = a, c = a, e = a;
        float left = 0.0f, right = 0.0f;
        if (iy >= 0 && iy < h)
        {
            GLOBAL const float* line = plane + iy * w;
            if (base + 64 <= w)
            {
                a = vload16(0, line + base);
                b = vload16(1, line + base);
                c = vload16(2, line + base);
                e = vload16(3, line + base);
            }
            else
            {
                float part[64];
                UNROLL
                for (int j = 0; j < 64; j++)
                    part[j] = base + j < w ? line[base + j] : 0.0f;
                a = vload16(0, part);
                b = vload16(1, part);
                c = vload16(2, part);
                e = vload16(3, part);
            }
            left = base > 0 ? line[base - 1] : 0.0f;
            right = base + 64 < w ? line[base + 64] : 0.0f;
        }
        const float16 p0 = (float16)(a.s048c, b.s048c, c.s048c, e.s048c), p1 = (float16)(a.s159d, b.s159d, c.s159d, e.s159d),
                      p2 = (float16)(a.s26ae, b.s26ae, c.s26ae, e.s26ae), p3 = (float16)(a.s37bf, b.s37bf, c.s37bf, e.s37bf);
        d[i][0] = (float16)(left, p3.s012, p3.s3456789a, p3.sbcde);
        d[i][1] = p0;
        d[i][2] = p1;
        d[i][3] = p2;
        d[i][4] = p3;
        d[i][5] = (float16)(p0.s1234, p0.s56789abc, p0.sdef, right);
    }
    UNROLL
    for (int k = 0; k < 6; k++)
    {
        float16 column[6];
        UNROLL
        for (int i = 0; i < 6; i++)
            column[i] = d[i][k];
        input_row16(column);
        UNROLL
        for (int i = 0; i < 6; i++)
            d[i][k] = column[i];
    }
    GLOBAL float* vt = v + ci * tp + row * tilesW + tx0;
    const int count = min(16, tilesW - tx0);
    UNROLL
    for (int i = 0; i < 6; i++)
    {
        float16 r[6];
        UNROLL
        for (int k = 0; k < 6; k++)
            r[k] = d[i][k];
        input_row16(r);
        UNROLL
        for (int k = 0; k < 6; k++)
        {
            GLOBAL float* target = vt + (i * 6 + k) * cin * tp;
            if (count == 16)
                vstore16(r[k], 0, target);
            else
            {
                float lanes[16];
                vstore16(r[k], 0, lanes);
                for (int j = 0; j < count; j++)
                    target[j] = lanes[j];
            }
        }
    }
#else
    const int tx0 = GLOBAL_ID_X * TI, row = GLOBAL_ID_Y, ci = GLOBAL_ID_Z;
    if (tx0 >= tilesW || row >= rows || ci >= cin)
        return;
    const int tilesH = (h + 3) / 4, n = row / tilesH, ty = row - n * tilesH;
    const int iy0 = ty * 4 - 1, ix0 = tx0 * 4 - 1;
    GLOBAL const float* plane = x + (n * cin + ci) * h * w;
    float span[6][SPAN];
    UNROLL
    for (int i = 0; i < 6; i++)
    {
        const int iy = iy0 + i;
        GLOBAL const float* line = plane + clamp_index(iy, h) * w;
        UNROLL
        for (int c = 0; c < SPAN; c++)
        {
            const int ix = ix0 + c;
            const float value = line[clamp_index(ix, w)];
            span[i][c] = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? value : 0.0f;
        }
    }
    UNROLL
    for (int j = 0; j < TI; j++)
    {
        if (tx0 + j >= tilesW)
            break;
        float d[ELEMENTS];
        // Bᵀ·d column by column, then (Bᵀ·d)·B row by row.
        UNROLL
        for (int c = 0; c < 6; c++)
        {
            float column[6];
            UNROLL
            for (int i = 0; i < 6; i++)
                column[i] = span[i][j * 4 + c];
            input_row(column);
            UNROLL
            for (int i = 0; i < 6; i++)
                d[i * 6 + c] = column[i];
        }
        GLOBAL float* vt = v + ci * tp + row * tilesW + tx0 + j;
        UNROLL
        for (int i = 0; i < 6; i++)
        {
            float r[6];
            UNROLL
            for (int k = 0; k < 6; k++)
                r[k] = d[i * 6 + k];
            input_row(r);
            UNROLL
            for (int k = 0; k < 6; k++)
                vt[(i * 6 + k) * cin * tp] = r[k];
        }
    }
#endif
}
