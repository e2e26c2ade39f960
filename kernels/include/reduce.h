// Work-group sums, the one reduction every kernel uses. Each call contains barriers: every work-item of the
// group must reach it, so a group returns early only as a whole. `size` is the work-group size, a power of two
// (pass the compile-time GROUP or THREADS define), `lid` the work-item's local index, and scratch holds
// rows·size floats of LOCAL memory. The tree order is fixed, so results are deterministic from run to run.

// Sums `rows` rows of `size` values in place: afterwards scratch[r·size] holds the sum of row r, visible to
// the whole group.
DEVICE_FN void group_sum_rows(LOCAL_PTR float* scratch, const int rows, const int size, const int lid)
{
    BARRIER();
    for (int stride = size / 2; stride > 0; stride >>= 1)
    {
        if (lid < stride)
            for (int r = 0; r < rows; r++)
                scratch[r * size + lid] += scratch[r * size + lid + stride];
        BARRIER();
    }
}

// The sum of every work-item's value, returned to every work-item; scratch may be reused right after.
DEVICE_FN float group_sum(LOCAL_PTR float* scratch, const float value, const int size, const int lid)
{
    scratch[lid] = value;
    group_sum_rows(scratch, 1, size, lid);
    const float sum = scratch[0];
    BARRIER();
    return sum;
}

// Σ x[0..n) by one work-group: each work-item folds a strided share, then the tree.
DEVICE_FN float group_sum_range(LOCAL_PTR float* scratch, GLOBAL const float* x, const int n, const int size, const int lid)
{
    float acc = 0.0f;
    for (int i = lid; i < n; i += size)
        acc += x[i];
    return group_sum(scratch, acc, size, lid);
}

// Ends the first pass of a grid-wide sum: partial[GROUP_ID_X] = scale · the group's sum of every work-item's
// value. A second pass (group_sum_range over the partials) folds them in a fixed order.
DEVICE_FN void store_group_partial(LOCAL_PTR float* scratch, const float value, const float scale, GLOBAL float* partial, const int size)
{
    const float sum = group_sum(scratch, value, size, LOCAL_ID_X);
    if (LOCAL_ID_X == 0) partial[GROUP_ID_X] = scale * sum;
}
