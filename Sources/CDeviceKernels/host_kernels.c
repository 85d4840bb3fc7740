// The emulated device: tabby_kernels.cu compiled as C, and a launcher with cuLaunchKernel's
// calling convention (an array of pointers to the argument values), so the Swift side packs
// arguments the same way for the host and for a real GPU.
#include "CDeviceKernels.h"
#include "kernels/tabby_cuda_host.h"

#include <string.h>

_Thread_local tabby_dim3 blockIdx, threadIdx, blockDim, gridDim;

#include "kernels/tabby_kernels.cu"

// Unpacks argument k as type T. Each trampoline lists its kernel's parameter types once;
// the C compiler checks them against the kernel's definition.
#define I(k) (*(int *)args[k])
#define U(k) (*(unsigned int *)args[k])
#define F(k) (*(float *)args[k])
#define P(k) (*(float **)args[k])
#define IP(k) (*(int **)args[k])

static void t_fill(void **args) { tk_fill(I(0), F(1), P(2)); }
static void t_unary(void **args) { tk_unary(I(0), I(1), F(2), F(3), P(4), P(5)); }
static void t_unary_backward(void **args) {
  tk_unary_backward(I(0), I(1), F(2), F(3), P(4), P(5), P(6), P(7));
}
static void t_binary(void **args) {
  tk_binary(I(0), I(1), I(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10), I(11), I(12),
            P(13), P(14), P(15));
}
static void t_bias_add(void **args) { tk_bias_add(I(0), I(1), I(2), P(3), P(4), P(5)); }
static void t_reduce_outer_inner(void **args) {
  tk_reduce_outer_inner(I(0), I(1), I(2), F(3), P(4), P(5));
}
static void t_reduce_axis(void **args) { tk_reduce_axis(I(0), I(1), I(2), P(3), P(4)); }
static void t_swap01(void **args) { tk_swap01(I(0), I(1), I(2), P(3), P(4)); }
static void t_im2col(void **args) {
  tk_im2col(I(0), I(1), I(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10), I(11), I(12),
            I(13), P(14), P(15));
}
static void t_col2im(void **args) {
  tk_col2im(I(0), I(1), I(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10), I(11), I(12),
            I(13), P(14), P(15));
}
static void t_maxpool(void **args) {
  tk_maxpool(I(0), I(1), I(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10), P(11), P(12),
             IP(13));
}
static void t_maxpool_backward(void **args) {
  tk_maxpool_backward(I(0), I(1), I(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10), P(11),
                      IP(12), P(13));
}
static void t_avgpool(void **args) {
  tk_avgpool(I(0), I(1), I(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10), I(11), I(12),
             I(13), P(14), P(15));
}
static void t_avgpool_backward(void **args) {
  tk_avgpool_backward(I(0), I(1), I(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10), I(11),
                      I(12), I(13), P(14), P(15));
}
static void t_softmax_xent(void **args) {
  tk_softmax_xent(I(0), I(1), P(2), IP(3), P(4), P(5));
}
static void t_softmax_xent_backward(void **args) {
  tk_softmax_xent_backward(I(0), I(1), F(2), P(3), IP(4), P(5));
}
static void t_batchnorm_stats(void **args) {
  tk_batchnorm_stats(I(0), I(1), I(2), F(3), P(4), P(5), P(6), P(7));
}
static void t_batchnorm(void **args) {
  tk_batchnorm(I(0), I(1), I(2), P(3), P(4), P(5), P(6), P(7), P(8));
}
static void t_batchnorm_backward_reduce(void **args) {
  tk_batchnorm_backward_reduce(I(0), I(1), I(2), P(3), P(4), P(5), P(6), P(7), P(8));
}
static void t_batchnorm_backward(void **args) {
  tk_batchnorm_backward(I(0), I(1), I(2), F(3), P(4), P(5), P(6), P(7), P(8), P(9), P(10),
                        P(11));
}
static void t_dropout(void **args) { tk_dropout(I(0), F(1), U(2), P(3), P(4), P(5)); }
static void t_sgd(void **args) { tk_sgd(I(0), F(1), F(2), F(3), P(4), P(5), P(6)); }
static void t_adam(void **args) {
  tk_adam(I(0), F(1), F(2), F(3), F(4), F(5), P(6), P(7), P(8), P(9));
}

static void t_quantize(void **args) {
  tk_quantize(I(0), I(1), F(2), F(3), F(4), F(5), P(6), P(7), P(8));
}
static void t_epilogue(void **args) {
  tk_epilogue(I(0), I(1), I(2), I(3), I(4), P(5), P(6), P(7), I(8), F(9), F(10), I(11), F(12), F(13),
              F(14), F(15), P(16));
}
static void t_conv_grouped(void **args) {
  tk_conv_grouped(I(0), I(1), I(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10), I(11), I(12),
                  I(13), I(14), I(15), P(16), P(17), P(18));
}
static void t_softmax(void **args) { tk_softmax(I(0), I(1), P(2), P(3)); }
static void t_copy_slab(void **args) { tk_copy_slab(I(0), I(1), I(2), I(3), P(4), P(5)); }
static void t_permute(void **args) {
  tk_permute(I(0), I(1), I(2), I(3), I(4), I(5), I(6), I(7), I(8), F(9), F(10), P(11), P(12));
}

typedef struct {
  const char *name;
  void (*run)(void **args);
} host_kernel;

#define K(name) {"tk_" #name, t_##name}
static const host_kernel kernels[] = {
    K(fill), K(unary), K(unary_backward), K(binary), K(bias_add), K(reduce_outer_inner),
    K(reduce_axis), K(swap01), K(im2col), K(col2im), K(maxpool), K(maxpool_backward),
    K(avgpool), K(avgpool_backward), K(softmax_xent), K(softmax_xent_backward),
    K(batchnorm_stats), K(batchnorm), K(batchnorm_backward_reduce), K(batchnorm_backward),
    K(dropout), K(sgd), K(adam), K(quantize), K(epilogue), K(conv_grouped), K(softmax),
    K(copy_slab), K(permute),
};
#define KERNEL_COUNT ((int)(sizeof(kernels) / sizeof(kernels[0])))

int tabby_host_kernel_count(void) { return KERNEL_COUNT; }

const char *tabby_host_kernel_name(int index) {
  return index >= 0 && index < KERNEL_COUNT ? kernels[index].name : 0;
}

int tabby_host_kernel_index(const char *name) {
  for (int i = 0; i < KERNEL_COUNT; i++)
    if (strcmp(kernels[i].name, name) == 0) return i;
  return -1;
}

int tabby_host_launch(
    int index, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx,
    unsigned int by, unsigned int bz, void **args) {
  if (index < 0 || index >= KERNEL_COUNT || !gx || !gy || !gz || !bx || !by || !bz) return -1;
  gridDim = (tabby_dim3){gx, gy, gz};
  blockDim = (tabby_dim3){bx, by, bz};
  for (unsigned int z = 0; z < gz; z++)
    for (unsigned int y = 0; y < gy; y++)
      for (unsigned int x = 0; x < gx; x++) {
        blockIdx = (tabby_dim3){x, y, z};
        for (unsigned int tz = 0; tz < bz; tz++)
          for (unsigned int ty = 0; ty < by; ty++)
            for (unsigned int tx = 0; tx < bx; tx++) {
              threadIdx = (tabby_dim3){tx, ty, tz};
              kernels[index].run(args);
            }
      }
  return 0;
}
