// A kernel file that lives outside the engine: embedded in the test assembly, registered with
// KernelLibrary.AddSources, and built like the engine's own. It includes an engine header (reduce.h, found in
// the engine's include/) and one of its own (row_terms.h, found beside this file).
// @config GROUP=64

#include "reduce.h"
#include "row_terms.h"

// y[r] = Σ_c square(x[r·cols + c]), one work-group per row.
KERNEL void test_row_sum_squares(const int cols, GLOBAL const float* x, GLOBAL float* y)
{
    LOCAL float scratch[GROUP];
    const int r = GROUP_ID_X;
    float acc = 0.0f;
    for (int c = LOCAL_ID_X; c < cols; c += GROUP)
        acc += square(x[r * cols + c]);
    const float sum = group_sum(scratch, acc, GROUP, LOCAL_ID_X);
    if (LOCAL_ID_X == 0) y[r] = sum;
}
