// The kernels' CUDA source text, embedded at build time (C23 #embed) so NVRTC compiles
// exactly the text host_kernels.c runs on the emulated device: one source of truth.
#include "CDeviceKernels.h"

static const char tabby_kernel_source[] = {
#embed "kernels/tabby_kernels.cu"
    , 0};

const char *tabby_kernel_source_text(void) { return tabby_kernel_source; }
