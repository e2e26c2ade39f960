// Dense layers, y = x·Wᵀ + b with x [batch, in] and W [out, in] (PyTorch's nn.Linear layout), and their
// gradients, all through one tiled product C[M×N] = A·B over strided views:
//   forward      y [batch×out] = x [batch×in] · Wᵀ       A(m,k) = x[m·in + k],  B(k,n) = W[n·in + k]
//   input grad  gx [batch×in]  = gy [batch×out] · W      A(m,k) = gy[m·out + k], B(k,n) = W[k·in + n]
//   weight grad gW [out×in]    = gyᵀ · x                 A(m,k) = gy[k·out + m], B(k,n) = x[k·in + n]
// A work-group of TILE × TILE/WPT work-items computes one TILE×TILE tile of C, WPT values per work-item (rows
// TILE/WPT apart), staging TILE-deep slices of A and B in local memory. Whichever index of a view has stride 1
// runs along the work-group's x, so every load is coalesced whatever the transposition. Each value sums over k in
// ascending order whatever the tile, so results are deterministic. TILE and WPT are
// tuned per device (legal values in src/SuperRes.Tensors/Ops/Linear/Linear.Tuning.cs).
// @config TILE=16 WPT=1
// @config(cpu) TILE=16 WPT=4

#define ROWS_PER_GROUP (TILE / WPT) // work-items along y

// C[m·N + n] = Σ_k A[m·sam + k·sak] · B[k·sbk + n·sbn] (+ bias[n] when has_bias; bias is unread otherwise)
KERNEL void linear_gemm(const int M, const int N, const int K,
                        GLOBAL const float* A, const int sam, const int sak,
                        GLOBAL const float* B, const int sbk, const int sbn,
                        const int has_bias, GLOBAL const float* bias, GLOBAL float* C)
{
    LOCAL float As[TILE][TILE + 1]; // [m][k]; +1 keeps column reads free of bank conflicts
    LOCAL float Bs[TILE][TILE + 1]; // [k][n]
    const int tx = LOCAL_ID_X, ty = LOCAL_ID_Y;
    const int m0 = GROUP_ID_Y * TILE, n0 = GROUP_ID_X * TILE;
    const int a_k_fast = sak == 1, b_k_fast = sbk == 1;
    float acc[WPT];
    for (int w = 0; w < WPT; w++)
        acc[w] = 0.0f;
    for (int k0 = 0; k0 < K; k0 += TILE)
    {
        for (int r = ty; r < TILE; r += ROWS_PER_GROUP)
        {
            const int am = a_k_fast ? r : tx, ak = a_k_fast ? tx : r;
            const int bk = b_k_fast ? tx : r, bn = b_k_fast ? r : tx;
            const int ma = m0 + am, ka = k0 + ak, kb = k0 + bk, nb = n0 + bn;
            As[am][ak] = ma < M && ka < K ? A[ma * sam + ka * sak] : 0.0f;
            Bs[bk][bn] = kb < K && nb < N ? B[kb * sbk + nb * sbn] : 0.0f;
        }
        BARRIER();
        for (int k = 0; k < TILE; k++)
        {
            const float b = Bs[k][tx];
            for (int w = 0; w < WPT; w++)
                acc[w] += As[ty + w * ROWS_PER_GROUP][k] * b;
        }
        BARRIER();
    }
    const int n = n0 + tx;
    for (int w = 0; w < WPT; w++)
    {
        const int m = m0 + ty + w * ROWS_PER_GROUP;
        if (m < M && n < N)
            C[m * N + n] = has_bias ? acc[w] + bias[n] : acc[w];
    }
}

// gb[o] = Σ_b gy[b·out + o]: the bias gradient, one work-item per output feature.
KERNEL void linear_bias_grad(const int batch, const int out, GLOBAL const float* gy, GLOBAL float* gb)
{
    const int o = GLOBAL_ID_X;
    if (o >= out) return;
    float acc = 0.0f;
    for (int b = 0; b < batch; b++)
        acc += gy[b * out + o];
    gb[o] = acc;
}
