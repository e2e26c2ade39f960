// Forward 3×3 stride-1 zero-padded convolution by Winograd's F(4×4, 3×3) (Lavin and Gray 2016; the same
// matrices as the Cpu path, src/SuperRes.Tensors/Ops/Convolution/WinogradTransforms.cs): every 4×4 output tile
// comes from the 6×6 input tile around it, 36 products per tile and channel pair instead of 144.
//   winograd_weights  u[e][ci][co] = (G·w[co, ci]·Gᵀ)[e]             (co padded to cp with zeros)
//   winograd_input    v[e][ci][t]  = (Bᵀ·d[t, ci]·B)[e]              (t < tiles; the row is tp long)
//   winograd_product  m[e][co][t]  = Σ_ci u[e][ci][co] · v[e][ci][t]  (36 matrix products)
//   winograd_output   y[n, co, tile t] = (Aᵀ·m[·][co][t]·A) + bias[co], the part of the 4×4 tile inside the image
// Tiles t run over the batch: t = (n·tilesH + ty)·tilesW + tx. The product is register-blocked like the CPU form
// of conv2d_forward.cl: a work-item holds BM output channels × BN tiles WG_X apart, its inner loop over BN
// contiguous (WG_X = 1) or coalesced (WG_X > 1) tiles; cp is a multiple of BM and tp of WG_X·BN, so it needs no
// bounds checks. The input transform takes TI tiles of a row per work-item. Legal values: src/SuperRes.Tensors/Ops/Conv2d/Conv2d.WinogradTuning.cs.
// @config BM=4 BN=4 WG_X=64 TI=1
// @config(cpu) BM=16 BN=32 WG_X=1 TI=1

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

// One work-item per TI tiles side by side in one tile row (grid X: rows·⌈tilesW/TI⌉) and input channel (grid Y).
// The 6 input rows under them are read once, TI·4 + 2 columns each, every read clamped into the plane and zeroed
// outside it, so the loads need no branches. Columns of v past the last tile (t ≥ tiles) are left unwritten: the
// product's columns do not mix, and the output transform never reads those columns of m.
#define SPAN (TI * 4 + 2)
KERNEL void winograd_input(const int cin, const int h, const int w, const int rows, const int tilesW, const int tp,
                           GLOBAL const float* x, GLOBAL float* v)
{
    const int segments = (tilesW + TI - 1) / TI;
    const int g = GLOBAL_ID_X, ci = GLOBAL_ID_Y;
    if (g >= rows * segments || ci >= cin)
        return;
    const int row = g / segments, tx0 = g % segments * TI;
    const int tilesH = (h + 3) / 4, n = row / tilesH, ty = row % tilesH;
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
        const int t = row * tilesW + tx0 + j;
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
                v[((i * 6 + k) * cin + ci) * tp + t] = r[k];
        }
    }
}

// Grid X: tp / BN work-items (WG_X per group, each group WG_X·BN tiles); grid Y: cp / BM; grid Z: the 36 elements.
KERNEL void winograd_product(const int cin, const int cp, const int tp, GLOBAL const float* u, GLOBAL const float* v,
                             GLOBAL float* m)
{
    const int e = GLOBAL_ID_Z, co0 = GLOBAL_ID_Y * BM;
    const int t0 = GROUP_ID_X * (WG_X * BN) + LOCAL_ID_X;
    if (co0 >= cp || t0 >= tp)
        return;
    float acc[BM][BN];
    UNROLL
    for (int b = 0; b < BM; b++)
        UNROLL
        for (int p = 0; p < BN; p++)
            acc[b][p] = 0.0f;
    GLOBAL const float* ue = u + e * cin * cp + co0;
    GLOBAL const float* ve = v + e * cin * tp + t0;
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
    GLOBAL float* me = m + (e * cp + co0) * tp + t0;
    UNROLL
    for (int r = 0; r < BM; r++)
        UNROLL
        for (int p = 0; p < BN; p++)
            me[r * tp + p * WG_X] = acc[r][p];
}

// One work-item per (tile t < tiles: grid X, co < cout: grid Y).
KERNEL void winograd_output(const int cout, const int cp, const int h, const int w, const int tilesH, const int tilesW,
                            const int tiles, const int tp, const int hasBias, GLOBAL const float* m, GLOBAL const float* bias,
                            GLOBAL float* y)
{
    const int t = GLOBAL_ID_X, co = GLOBAL_ID_Y;
    if (t >= tiles || co >= cout)
        return;
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
    const int tx = t % tilesW, ty = t / tilesW % tilesH, n = t / (tilesW * tilesH);
    const float shift = hasBias ? bias[co] : 0.0f;
    GLOBAL float* plane = y + (n * cout + co) * h * w;
    UNROLL
    for (int a = 0; a < 4; a++)
    {
        float row[6];
        UNROLL
        for (int j = 0; j < 6; j++)
            row[j] = s[a * 6 + j];
        output_row(row);
        const int oy = ty * 4 + a;
        UNROLL
        for (int b = 0; b < 4; b++)
        {
            const int ox = tx * 4 + b;
            if (oy < h && ox < w)
                plane[oy * w + ox] = row[b] + shift;
        }
    }
}
