// Maps the CUDA C subset the kernels use onto plain C, so host_kernels.c can compile
// tabby_kernels.cu for the host-emulated device: a kernel becomes a static C function and
// the launcher (host_kernels.c) sets blockIdx/threadIdx before each call, looping over the
// grid and the block in order, one "thread" at a time.
#ifndef TABBY_CUDA_HOST_H
#define TABBY_CUDA_HOST_H
#include <math.h>

typedef struct {
  unsigned int x, y, z;
} tabby_dim3;

// Thread-local: two tests may run the emulated device on two threads at once.
extern _Thread_local tabby_dim3 blockIdx, threadIdx, blockDim, gridDim;

#define TABBY_KERNEL static void
#define TK_INLINE static inline
#define TK_NEG_INF (-INFINITY)
#define __restrict__ restrict

static inline int max(int a, int b) { return a > b ? a : b; }
static inline int min(int a, int b) { return a < b ? a : b; }

#endif
