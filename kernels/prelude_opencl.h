// OpenCL C prelude for the common kernel dialect (see kernels/README.md).
#define KERNEL __kernel
#define GLOBAL __global
#define LOCAL __local
#define LOCAL_PTR __local
#define DEVICE_FN inline
#define RESTRICT restrict

#define GLOBAL_ID_X ((int)get_global_id(0))
#define GLOBAL_ID_Y ((int)get_global_id(1))
#define GLOBAL_ID_Z ((int)get_global_id(2))
#define LOCAL_ID_X ((int)get_local_id(0))
#define LOCAL_ID_Y ((int)get_local_id(1))
#define LOCAL_ID_Z ((int)get_local_id(2))
#define GROUP_ID_X ((int)get_group_id(0))
#define GROUP_ID_Y ((int)get_group_id(1))
#define GROUP_ID_Z ((int)get_group_id(2))
#define LOCAL_SIZE_X ((int)get_local_size(0))
#define LOCAL_SIZE_Y ((int)get_local_size(1))
#define LOCAL_SIZE_Z ((int)get_local_size(2))
#define NUM_GROUPS_X ((int)get_num_groups(0))
#define NUM_GROUPS_Y ((int)get_num_groups(1))
#define NUM_GROUPS_Z ((int)get_num_groups(2))

#define BARRIER() barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE)
// Unroll the next loop completely (its trip count is a compile-time constant).
#define UNROLL _Pragma("unroll")

// The dialect has OpenCL C's 16-float vectors (float16, vload16, vstore16, fma on vectors); CUDA's prelude does not,
// so kernels keep a scalar form for it.
#define HAS_FLOAT16 1

// CUDA-style single-precision math names map onto OpenCL's overloaded built-ins.
#define expf(x) exp(x)
#define logf(x) log(x)
#define log1pf(x) log1p(x)
#define sqrtf(x) sqrt(x)
#define rsqrtf(x) rsqrt(x)
#define fabsf(x) fabs(x)
#define fmaxf(a, b) fmax((a), (b))
#define fminf(a, b) fmin((a), (b))
#define tanhf(x) tanh(x)
#define floorf(x) floor(x)
#define powf(a, b) pow((a), (b))
#define fmaf(a, b, c) fma((a), (b), (c))

// Float atomic add through a compare-and-swap loop (core OpenCL has no float atomics).
inline void atomic_add_f32(volatile __global float* address, float value)
{
    union { unsigned int u; float f; } expected, desired;
    do {
        expected.f = *address;
        desired.f = expected.f + value;
    } while (atomic_cmpxchg((volatile __global unsigned int*)address, expected.u, desired.u) != expected.u);
}
