// CUDA (NVRTC) prelude for the common kernel dialect (see kernels/README.md).
#define KERNEL extern "C" __global__
#define GLOBAL
#define LOCAL __shared__
#define LOCAL_PTR
#define DEVICE_FN __device__ __forceinline__
#define RESTRICT __restrict__

#define GLOBAL_ID_X ((int)(blockIdx.x * blockDim.x + threadIdx.x))
#define GLOBAL_ID_Y ((int)(blockIdx.y * blockDim.y + threadIdx.y))
#define GLOBAL_ID_Z ((int)(blockIdx.z * blockDim.z + threadIdx.z))
#define LOCAL_ID_X ((int)threadIdx.x)
#define LOCAL_ID_Y ((int)threadIdx.y)
#define LOCAL_ID_Z ((int)threadIdx.z)
#define GROUP_ID_X ((int)blockIdx.x)
#define GROUP_ID_Y ((int)blockIdx.y)
#define GROUP_ID_Z ((int)blockIdx.z)
#define LOCAL_SIZE_X ((int)blockDim.x)
#define LOCAL_SIZE_Y ((int)blockDim.y)
#define LOCAL_SIZE_Z ((int)blockDim.z)
#define NUM_GROUPS_X ((int)gridDim.x)
#define NUM_GROUPS_Y ((int)gridDim.y)
#define NUM_GROUPS_Z ((int)gridDim.z)

#define BARRIER() __syncthreads()
// Unroll the next loop completely (its trip count is a compile-time constant).
#define UNROLL _Pragma("unroll")

#define atomic_add_f32(address, value) atomicAdd((address), (value))
