// Peak calibration for the profiler (`superres profile`): a large copy measures the memory bandwidth a
// kernel can reach, a tiled SGEMM the arithmetic rate. Not used by any op.
//
// calibrate_sgemm: C = A·B, all row-major, M, N multiples of TS and K a multiple of TK. A work-group of
// (TS/WPT)² work-items computes one TS×TS tile of C, each work-item a WPT×WPT block of it, staging
// TS×TK slices of A and B in local memory. The calibration runs each config below and keeps the fastest
// (GPUs like 128/8/16; PoCL on a CPU likes bigger blocks per work-item).
// @config TS=64 WPT=4 TK=16
// @config TS=128 WPT=8 TK=16
// @config TS=256 WPT=16 TK=8

#ifndef TS
#define TS 64
#endif
#ifndef WPT
#define WPT 4
#endif
#ifndef TK
#define TK 16
#endif
#define RTS (TS / WPT)

KERNEL void calibrate_sgemm(const int M, const int N, const int K,
                            GLOBAL const float* RESTRICT A, GLOBAL const float* RESTRICT B, GLOBAL float* RESTRICT C)
{
    LOCAL float As[TK][TS];
    LOCAL float Bs[TK][TS];
    const int tx = LOCAL_ID_X, ty = LOCAL_ID_Y;
    const int tid = ty * RTS + tx;
    const int col0 = GROUP_ID_X * TS, row0 = GROUP_ID_Y * TS;

    float acc[WPT][WPT];
    for (int i = 0; i < WPT; i++)
        for (int j = 0; j < WPT; j++)
            acc[i][j] = 0.0f;

    for (int k0 = 0; k0 < K; k0 += TK)
    {
        for (int l = tid; l < TS * TK; l += RTS * RTS)
        {
            const int ar = l / TK, ac = l % TK;
            As[ac][ar] = A[(row0 + ar) * K + k0 + ac];
            const int br = l / TS, bc = l % TS;
            Bs[br][bc] = B[(k0 + br) * N + col0 + bc];
        }
        BARRIER();
        for (int k = 0; k < TK; k++)
        {
            float a[WPT], b[WPT];
            for (int i = 0; i < WPT; i++)
                a[i] = As[k][ty + i * RTS];
            for (int j = 0; j < WPT; j++)
                b[j] = Bs[k][tx + j * RTS];
            for (int i = 0; i < WPT; i++)
                for (int j = 0; j < WPT; j++)
                    acc[i][j] += a[i] * b[j];
        }
        BARRIER();
    }

    for (int i = 0; i < WPT; i++)
        for (int j = 0; j < WPT; j++)
            C[(row0 + ty + i * RTS) * N + col0 + tx + j * RTS] = acc[i][j];
}

// y = x over n floats, one work-item per element: read n·4 bytes, write n·4 bytes.
KERNEL void calibrate_copy(const int n, GLOBAL const float* RESTRICT x, GLOBAL float* RESTRICT y)
{
    const int i = GLOBAL_ID_X;
    if (i < n) y[i] = x[i];
}
