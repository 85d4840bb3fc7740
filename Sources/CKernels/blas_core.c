// OpenBLAS built with DYNAMIC_ARCH (Debian's) picks its kernels for the CPU model it knows,
// once, as it loads. Debian 12's (0.3.21) does not know CPUs newer than itself (Sapphire and
// Emerald Rapids among them) and falls back to "Prescott", its SSE3 kernels: several times
// slower than the AVX-512 ones the CPU runs (perf showed sgemm_kernel_PRESCOTT at 62 % of
// LeNet training). A constructor replaces a fallback core by the kernels the CPU's vector
// level allows, before main, so no other thread reads the environment meanwhile (setenv is
// not safe against a concurrent getenv) and no gemm has run. A user's OPENBLAS_CORETYPE is
// always kept. Weak symbols: binaries without OpenBLAS, or an OpenBLAS built for one CPU
// (no dynamic init to call), are left alone.
#include "ck_blas_core.h"

#include <stdlib.h>
#include <unistd.h>
#include <strings.h>

extern void gotoblas_dynamic_init(void) __attribute__((weak));
extern void gotoblas_dynamic_quit(void) __attribute__((weak));
extern char *openblas_get_corename(void) __attribute__((weak));
extern char **environ;

int ck_cpu_vector_level(void) {
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

const char *ck_blas_replacement(const char *current, int level) {
  // The cores OpenBLAS falls back to for a CPU model it does not know.
  static const char *fallbacks[] = {"prescott", "core2", "unknown"};
  int generic = 0;
  for (unsigned i = 0; i < sizeof fallbacks / sizeof *fallbacks; i++) generic |= !strcasecmp(current, fallbacks[i]);
  if (!generic) return NULL;
  switch (level) {
  case 3: return "SkylakeX";
  case 2: return "Haswell";
  case 1: return "Sandybridge";
  default: return NULL;
  }
}

const char *ck_blas_core(void) { return openblas_get_corename ? openblas_get_corename() : NULL; }

__attribute__((constructor)) static void ck_blas_pick_core(void) {
  if (!gotoblas_dynamic_init || !gotoblas_dynamic_quit || !openblas_get_corename) return;
  if (getenv("OPENBLAS_CORETYPE")) return;
  const char *better = ck_blas_replacement(openblas_get_corename(), ck_cpu_vector_level());
  if (!better) return;
  // gotoblas_dynamic_init reads the core from the environment. The process's own environment
  // array is put back afterwards: Swift's static runtime finds argv next to it (a setenv
  // before main moves `environ` to the heap, and the command line came out empty). Child
  // processes run this constructor themselves.
  char **original = environ;
  setenv("OPENBLAS_CORETYPE", better, 1);
  gotoblas_dynamic_quit();
  gotoblas_dynamic_init();
  environ = original;
}
