// The device kernels: their CUDA source text (for NVRTC) and a host build of the same
// source (for the emulated device). See kernels/tabby_kernels.cu.
#ifndef C_DEVICE_KERNELS_H
#define C_DEVICE_KERNELS_H

/// The CUDA C source of every kernel, NUL-terminated.
const char *tabby_kernel_source_text(void);

/// Number of kernels in the host build.
int tabby_host_kernel_count(void);
/// The name of the kernel at an index (0 ..< count), as NVRTC exports it.
const char *tabby_host_kernel_name(int index);
/// The index of a kernel by name, or -1.
int tabby_host_kernel_index(const char *name);
/// Runs a kernel on the host as cuLaunchKernel would on a device: every block of the grid
/// and every thread of a block, in order; `args` points at each argument's value, packed
/// as for cuLaunchKernel. Returns 0, or -1 for a bad index or an empty launch.
int tabby_host_launch(
    int index, unsigned int gridX, unsigned int gridY, unsigned int gridZ, unsigned int blockX,
    unsigned int blockY, unsigned int blockZ, void **args);

#endif
