// erf(x) ≈ x·p(x²)/q(x²) on [-4, 4] (Eigen's generic_fast_erf_float coefficients, also
// XLA's): beyond ±4 float erf is ±1. One inline body, compiled for three vector widths; the
// loops have no calls and no branches, so the compiler vectorises each at its width.
#include "ck_erf.h"

static inline float erf_approx(float v) {
  // Not fminf/fmaxf: a NaN passes through (both comparisons are false).
  float x = v > 4.0f ? 4.0f : (v < -4.0f ? -4.0f : v);
  float x2 = x * x;
  float p = x2 * -2.72614225801306e-10f + 2.77068142495902e-08f;
  p = x2 * p + -2.10102402082508e-06f;
  p = x2 * p + -5.69250639462346e-05f;
  p = x2 * p + -7.34990630326855e-04f;
  p = x2 * p + -2.95459980854025e-03f;
  p = x2 * p + -1.60960333262415e-02f;
  float q = x2 * -1.45660718464996e-05f + -2.13374055278905e-04f;
  q = x2 * q + -1.68282697438203e-03f;
  q = x2 * q + -7.37332916720468e-03f;
  q = x2 * q + -1.42647390514189e-02f;
  return x * p / q;
}

#define ERF_LOOP(x, y, n) \
  for (long i = 0; i < (n); i++) (y)[i] = erf_approx((x)[i])
#define GELU_LOOP(x, y, n)                                      \
  for (long i = 0; i < (n); i++) {                              \
    float v = (x)[i];                                           \
    (y)[i] = 0.5f * v * (1.0f + erf_approx(v * 0.70710678f));   \
  }

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static void erf_avx512(const float *x, float *y, long n) { ERF_LOOP(x, y, n); }
__attribute__((target("avx512f"))) static void gelu_avx512(const float *x, float *y, long n) { GELU_LOOP(x, y, n); }
__attribute__((target("avx2,fma"))) static void erf_avx2(const float *x, float *y, long n) { ERF_LOOP(x, y, n); }
__attribute__((target("avx2,fma"))) static void gelu_avx2(const float *x, float *y, long n) { GELU_LOOP(x, y, n); }

static int level(void) {
  static int cached = -1;
  if (cached < 0) {
    __builtin_cpu_init();
    cached = __builtin_cpu_supports("avx512f") ? 2 : (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? 1 : 0;
  }
  return cached;
}
#endif

static void erf_portable(const float *x, float *y, long n) { ERF_LOOP(x, y, n); }
static void gelu_portable(const float *x, float *y, long n) { GELU_LOOP(x, y, n); }

void ck_erf(const float *x, float *y, long n) {
#if defined(__x86_64__)
  switch (level()) {
  case 2: erf_avx512(x, y, n); return;
  case 1: erf_avx2(x, y, n); return;
  }
#endif
  erf_portable(x, y, n);
}

void ck_gelu(const float *x, float *y, long n) {
#if defined(__x86_64__)
  switch (level()) {
  case 2: gelu_avx512(x, y, n); return;
  case 1: gelu_avx2(x, y, n); return;
  }
#endif
  gelu_portable(x, y, n);
}
