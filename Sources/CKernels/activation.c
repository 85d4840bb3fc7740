// Sigmoid and SiLU with a vectorised exp (EfficientNet runs SiLU after nearly every
// convolution). exp(t), t clamped to [-87, 88] (2^n stays a normal float): n = round(t·log2 e), r = t - n·ln 2 in two
// parts, exp(r) by Cephes' degree-6 polynomial, times 2^n. Every path evaluates the same
// operations in the same order with FMAs, so results agree across levels to the last ulp or
// so (the hardware's rounding of n and its division are exact; only FMA contraction in the
// portable C may differ).
// Below -88 the sigmoid is set to 0 (its true value is under 6e-39), so SiLU of a very
// negative input is -0 rather than x times the clamped exp's reciprocal.
#include "ck_activation.h"
#include "ck_gemm.h"

#include <math.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define EXP_C1 0.693359375f
#define EXP_C2 -2.12194440e-4f
#define LOG2E 1.44269504088896341f

static inline float exp1(float t) {
  t = t > 88.0f ? 88.0f : t;
  t = t < -87.0f ? -87.0f : t;
  float n = rintf(t * LOG2E);
  float r = fmaf(-n, EXP_C1, t);
  r = fmaf(-n, EXP_C2, r);
  float p = 1.9875691500e-4f;
  p = fmaf(p, r, 1.3981999507e-3f);
  p = fmaf(p, r, 8.3334519073e-3f);
  p = fmaf(p, r, 4.1665795894e-2f);
  p = fmaf(p, r, 1.6666665459e-1f);
  p = fmaf(p, r, 5.0000001201e-1f);
  p = fmaf(p, r * r, r + 1.0f);
  return ldexpf(p, (int)n);
}

static void portable(const float *x, float *y, long n, int silu) {
  for (long i = 0; i < n; i++) {
    float v = x[i], s = v < -88.0f ? 0.0f : 1.0f / (1.0f + exp1(-v));
    y[i] = silu ? v * s : s;
  }
}

#if defined(__x86_64__)

#define AVX512 __attribute__((target("avx512f,avx2,fma")))

AVX512 static inline __m512 exp16(__m512 t) {
  t = _mm512_min_ps(_mm512_max_ps(t, _mm512_set1_ps(-87.0f)), _mm512_set1_ps(88.0f));
  __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(t, _mm512_set1_ps(LOG2E)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(EXP_C1), t);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(EXP_C2), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
  return _mm512_scalef_ps(p, n);
}

AVX512 static void run512(const float *x, float *y, long n, int silu) {
  const __m512 one = _mm512_set1_ps(1.0f);
  for (long i = 0; i < n; i += 16) {
    __mmask16 k = n - i >= 16 ? 0xFFFF : (__mmask16)((1u << (n - i)) - 1);
    __m512 v = _mm512_maskz_loadu_ps(k, x + i);
    __m512 s = _mm512_div_ps(one, _mm512_add_ps(one, exp16(_mm512_sub_ps(_mm512_setzero_ps(), v))));
    s = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v, _mm512_set1_ps(-88.0f), _CMP_NLT_UQ), s);
    _mm512_mask_storeu_ps(y + i, k, silu ? _mm512_mul_ps(v, s) : s);
  }
}

#define AVX2 __attribute__((target("avx2,fma")))

AVX2 static inline __m256 exp8(__m256 t) {
  t = _mm256_min_ps(_mm256_max_ps(t, _mm256_set1_ps(-87.0f)), _mm256_set1_ps(88.0f));
  __m256 n = _mm256_round_ps(_mm256_mul_ps(t, _mm256_set1_ps(LOG2E)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(EXP_C1), t);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(EXP_C2), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  // 2^n as a float's exponent bits: n is within [-126, 127].
  __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

AVX2 static void run256(const float *x, float *y, long n, int silu) {
  const __m256 one = _mm256_set1_ps(1.0f);
  long i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 v = _mm256_loadu_ps(x + i);
    __m256 s = _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), v))));
    s = _mm256_and_ps(_mm256_cmp_ps(v, _mm256_set1_ps(-88.0f), _CMP_NLT_UQ), s);
    _mm256_storeu_ps(y + i, silu ? _mm256_mul_ps(v, s) : s);
  }
  portable(x + i, y + i, n - i, silu);
}

#endif

static void run(const float *x, float *y, long n, int level, int silu) {
  level = ck_level_capped(level);
#if defined(__x86_64__)
  if (level == CK_LEVEL_AVX512) return run512(x, y, n, silu);
  if (level == CK_LEVEL_AVX2) return run256(x, y, n, silu);
#endif
  portable(x, y, n, silu);
}

void ck_sigmoid(const float *x, float *y, long n, int level) { run(x, y, n, level, 0); }

void ck_silu(const float *x, float *y, long n, int level) { run(x, y, n, level, 1); }
