// tanh for training's activations (LeNet's tanh runs after every layer), the Swift engine's
// `fastTanh` (Eigen's float rational polynomial) on 16 or 8 lanes. The Swift SIMD8 version
// compiles to two SSE halves on the baseline target; here the CPU's widest unit runs it.
// Multiplies and adds stay separate (contraction off): every path rounds exactly as the
// Swift scalar does, so results do not depend on the CPU.
#include "ck_activation.h"
#include "ck_gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#pragma clang fp contract(off)

#define LIMIT 7.90531110763549805f
#define SMALL 0.0004f
// Numerator (odd, highest power first) and denominator (even) coefficients.
#define P0 -2.76076847742355e-16f
#define P1 2.00018790482477e-13f
#define P2 -8.60467152213735e-11f
#define P3 5.12229709037114e-08f
#define P4 1.48572235717979e-05f
#define P5 6.37261928875436e-04f
#define P6 4.89352455891786e-03f
#define Q0 1.19825839466702e-06f
#define Q1 1.18534705686654e-04f
#define Q2 2.26843463243900e-03f
#define Q3 4.89352518554385e-03f

static inline float tanh1(float v) {
  float x = v > LIMIT ? LIMIT : v;
  x = v < -LIMIT ? -LIMIT : x;
  float x2 = x * x;
  float p = P0;
  p = p * x2 + P1;
  p = p * x2 + P2;
  p = p * x2 + P3;
  p = p * x2 + P4;
  p = p * x2 + P5;
  p = p * x2 + P6;
  p = p * x;
  float q = Q0;
  q = q * x2 + Q1;
  q = q * x2 + Q2;
  q = q * x2 + Q3;
  float r = p / q;
  return v < SMALL && v > -SMALL ? v : r;
}

static void portable(const float *x, float *y, long n) {
  for (long i = 0; i < n; i++) y[i] = tanh1(x[i]);
}

#if defined(__x86_64__)

#define AVX512 __attribute__((target("avx512f")))

// One step of Horner's rule, multiply then add, each rounded.
#define STEP512(acc, x2, c) acc = _mm512_add_ps(_mm512_mul_ps(acc, x2), _mm512_set1_ps(c))

AVX512 static void run512(const float *x, float *y, long n) {
  const __m512 limit = _mm512_set1_ps(LIMIT), nlimit = _mm512_set1_ps(-LIMIT);
  for (long i = 0; i < n; i += 16) {
    __mmask16 k = n - i >= 16 ? 0xFFFF : (__mmask16)((1u << (n - i)) - 1);
    __m512 v = _mm512_maskz_loadu_ps(k, x + i);
    __m512 c = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, limit, _CMP_GT_OQ), v, limit);
    c = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, nlimit, _CMP_LT_OQ), c, nlimit);
    __m512 x2 = _mm512_mul_ps(c, c);
    __m512 p = _mm512_set1_ps(P0);
    STEP512(p, x2, P1);
    STEP512(p, x2, P2);
    STEP512(p, x2, P3);
    STEP512(p, x2, P4);
    STEP512(p, x2, P5);
    STEP512(p, x2, P6);
    p = _mm512_mul_ps(p, c);
    __m512 q = _mm512_set1_ps(Q0);
    STEP512(q, x2, Q1);
    STEP512(q, x2, Q2);
    STEP512(q, x2, Q3);
    __m512 r = _mm512_div_ps(p, q);
    __mmask16 small = _mm512_cmp_ps_mask(v, _mm512_set1_ps(SMALL), _CMP_LT_OQ) &
                      _mm512_cmp_ps_mask(v, _mm512_set1_ps(-SMALL), _CMP_GT_OQ);
    _mm512_mask_storeu_ps(y + i, k, _mm512_mask_blend_ps(small, r, v));
  }
}

#define AVX2 __attribute__((target("avx2")))
#define STEP256(acc, x2, c) acc = _mm256_add_ps(_mm256_mul_ps(acc, x2), _mm256_set1_ps(c))

AVX2 static void run256(const float *x, float *y, long n) {
  const __m256 limit = _mm256_set1_ps(LIMIT), nlimit = _mm256_set1_ps(-LIMIT);
  long i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 v = _mm256_loadu_ps(x + i);
    __m256 c = _mm256_blendv_ps(v, limit, _mm256_cmp_ps(v, limit, _CMP_GT_OQ));
    c = _mm256_blendv_ps(c, nlimit, _mm256_cmp_ps(v, nlimit, _CMP_LT_OQ));
    __m256 x2 = _mm256_mul_ps(c, c);
    __m256 p = _mm256_set1_ps(P0);
    STEP256(p, x2, P1);
    STEP256(p, x2, P2);
    STEP256(p, x2, P3);
    STEP256(p, x2, P4);
    STEP256(p, x2, P5);
    STEP256(p, x2, P6);
    p = _mm256_mul_ps(p, c);
    __m256 q = _mm256_set1_ps(Q0);
    STEP256(q, x2, Q1);
    STEP256(q, x2, Q2);
    STEP256(q, x2, Q3);
    __m256 r = _mm256_div_ps(p, q);
    __m256 small = _mm256_and_ps(_mm256_cmp_ps(v, _mm256_set1_ps(SMALL), _CMP_LT_OQ),
                                 _mm256_cmp_ps(v, _mm256_set1_ps(-SMALL), _CMP_GT_OQ));
    _mm256_storeu_ps(y + i, _mm256_blendv_ps(r, v, small));
  }
  portable(x + i, y + i, n - i);
}

#endif

void ck_tanh(const float *x, float *y, long n, int level) {
  level = ck_level_capped(level);
#if defined(__x86_64__)
  if (level == CK_LEVEL_AVX512) return run512(x, y, n);
  if (level == CK_LEVEL_AVX2) return run256(x, y, n);
#endif
  portable(x, y, n);
}
