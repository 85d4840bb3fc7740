// Fake quantization (a QuantizeLinear→DequantizeLinear pair) of a tensor, optionally of the
// sum of two (a residual Add followed by its quantization), in one pass. The AVX2 code uses
// the same folded clamp as the depthwise epilogue (see depthwise_avx2.c): with integral
// bounds, clamp(round(v / s) + z, lo, hi) - z = clamp(round(v / s), lo - z, hi - z) exactly.
#include "ck_quantize.h"

#include "ck_depthwise.h"

#include <math.h>

static float fake_quantize1(float v, float s, float z, float lo, float hi) {
  float q = v / s;
  q = q > -4194304.0f ? q : -4194304.0f;
  q = q < 4194304.0f ? q : 4194304.0f;
  q = (q + 12582912.0f) - 12582912.0f;
  q = q + z;
  q = q > lo ? q : lo;
  q = q < hi ? q : hi;
  return (q - z) * s;
}

#if defined(__x86_64__)
#include <immintrin.h>

static const int quantize_lane_masks[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

__attribute__((target("avx2,fma"))) static inline __m256 fake_quantize8(__m256 v, __m256 s, __m256 lo, __m256 hi) {
  __m256 q = _mm256_round_ps(_mm256_div_ps(v, s), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  q = _mm256_add_ps(q, _mm256_setzero_ps());  // -0 → +0, as the reference's rounding gives
  return _mm256_mul_ps(_mm256_min_ps(_mm256_max_ps(q, lo), hi), s);
}

__attribute__((target("avx2,fma"))) static void add_fake_quantize_avx2(const float *a, const float *b, float *y,
                                                                       long n, float s, float z, float lo,
                                                                       float hi) {
  const __m256 vs = _mm256_set1_ps(s), vlo = _mm256_set1_ps(lo - z + 0.0f), vhi = _mm256_set1_ps(hi - z + 0.0f);
  long i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 v = _mm256_loadu_ps(a + i);
    if (b) v = _mm256_add_ps(v, _mm256_loadu_ps(b + i));
    _mm256_storeu_ps(y + i, fake_quantize8(v, vs, vlo, vhi));
  }
  if (i < n) {
    __m256i mask = _mm256_loadu_si256((const __m256i *)(quantize_lane_masks + 8 - (n - i)));
    __m256 v = _mm256_maskload_ps(a + i, mask);
    if (b) v = _mm256_add_ps(v, _mm256_maskload_ps(b + i, mask));
    _mm256_maskstore_ps(y + i, mask, fake_quantize8(v, vs, vlo, vhi));
  }
}

static int integral_small(float v) { return v == rintf(v) && fabsf(v) <= 2097152.0f; }
#endif

void ck_add_fake_quantize(const float *a, const float *b, float *y, long count, float scale, float zero, float lo,
                          float hi, int force_portable) {
#if defined(__x86_64__)
  if (!force_portable && scale > 0 && isfinite(scale) && lo <= hi && integral_small(lo) && integral_small(hi) &&
      integral_small(zero) && ck_depthwise_has_avx2()) {
    add_fake_quantize_avx2(a, b, y, count, scale, zero, lo, hi);
    return;
  }
#else
  (void)force_portable;
#endif
  for (long i = 0; i < count; i++) y[i] = fake_quantize1(b ? a[i] + b[i] : a[i], scale, zero, lo, hi);
}
