// Sum reduction in two passes: each work-group folds a grid-strided share of the input into one partial,
// then a single group folds the partials (reduce.h). The order is fixed, so results are deterministic.
// GROUP is the work-group size, a power of two.
// @config GROUP=256

#include "reduce.h"

KERNEL void sum_partial(const int n, GLOBAL const float* x, GLOBAL float* partial)
{
    LOCAL float scratch[GROUP];
    float acc = 0.0f;
    for (int i = GLOBAL_ID_X; i < n; i += NUM_GROUPS_X * GROUP)
        acc += x[i];
    store_group_partial(scratch, acc, 1.0f, partial, GROUP);
}
