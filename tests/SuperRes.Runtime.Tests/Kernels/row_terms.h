// A header of the test assembly's own, included by test_row_norms.cl.
DEVICE_FN float square(const float v)
{
    return v * v;
}
