// Sum reduction in two passes: each work-group folds a grid-strided share of the input into one partial,
// then a single group folds the partials. The order is fixed, so results are deterministic.
// GROUP is the work-group size, a power of two.
// @config GROUP=256

KERNEL void sum_partial(const int n, GLOBAL const float* x, GLOBAL float* partial)
{
    LOCAL float scratch[GROUP];
    const int lid = LOCAL_ID_X;
    float acc = 0.0f;
    for (int i = GROUP_ID_X * GROUP + lid; i < n; i += NUM_GROUPS_X * GROUP)
        acc += x[i];
    scratch[lid] = acc;
    BARRIER();
    for (int stride = GROUP / 2; stride > 0; stride >>= 1)
    {
        if (lid < stride) scratch[lid] += scratch[lid + stride];
        BARRIER();
    }
    if (lid == 0) partial[GROUP_ID_X] = scratch[0];
}
