#include <cblas.h>

// OpenBLAS built with DYNAMIC_ARCH (Debian's) picks its kernels once, when it loads. These let
// Tabby pick again before its first BLAS call (see Tensor/BLASCore.swift). Weak: an OpenBLAS
// built for one CPU has neither, and then nothing is re-picked.
extern void gotoblas_dynamic_init(void) __attribute__((weak));
extern void gotoblas_dynamic_quit(void) __attribute__((weak));

/// Whether this OpenBLAS can pick its kernels again (a DYNAMIC_ARCH build).
static inline int tabby_openblas_can_repick(void) {
  return gotoblas_dynamic_init != 0 && gotoblas_dynamic_quit != 0;
}

/// Picks the kernels again, reading OPENBLAS_CORETYPE. Only before any BLAS call.
static inline void tabby_openblas_repick(void) {
  gotoblas_dynamic_quit();
  gotoblas_dynamic_init();
}

/// The widest x86 vector level this CPU has that OpenBLAS has kernels for: 3 AVX-512
/// (F, BW, VL, DQ, CD: SkylakeX's set), 2 AVX2 with FMA, 1 AVX, 0 otherwise or not x86.
static inline int tabby_cpu_vector_level(void) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512cd"))
    return 3;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 2;
  if (__builtin_cpu_supports("avx")) return 1;
#endif
  return 0;
}
