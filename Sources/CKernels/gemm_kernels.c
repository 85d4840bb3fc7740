// The 6×16 micro-kernels: portable C, and AVX2/FMA for CPUs without AVX-512 (or where it is
// forced, for tests). Edge tiles go through a scratch tile so a kernel never reads or
// writes past C.
#include "ck_gemm.h"

#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "gemm_internal.h"

typedef void (*kernel_fn)(long, const float *, const float *, float *, long, int, const ck_epilogue *);

// One MR×NR tile of C: accumulate over kc, add what C holds when `accumulate`, finish
// with the epilogue when `ep` is not NULL (its bias and residual already point at the tile).
static void kernel_portable(long kc, const float *a, const float *b, float *c, long ldc,
                            int accumulate, const ck_epilogue *ep) {
  float acc[MR][NR] = {{0}};
  for (long p = 0; p < kc; p++) {
    for (int r = 0; r < MR; r++) {
      float av = a[p * MR + r];
      for (int t = 0; t < NR; t++) acc[r][t] += av * b[p * NR + t];
    }
  }
  for (int r = 0; r < MR; r++) {
    for (int t = 0; t < NR; t++) {
      float y = acc[r][t] + (accumulate ? c[r * ldc + t] : 0.0f);
      c[r * ldc + t] = ep ? ck__finish(y, r, t, ep) : y;
    }
  }
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static inline __m256 finish8(__m256 y, int r, int t,
                                                                 const ck_epilogue *ep) {
  if (ep->bias) y = _mm256_add_ps(y, _mm256_set1_ps(ep->bias[r]));
  if (ep->residual) y = _mm256_add_ps(y, _mm256_loadu_ps(ep->residual + r * ep->residual_ld + t));
  if (ep->activation == CK_ACT_RELU) y = _mm256_max_ps(y, _mm256_setzero_ps());
  if (ep->activation == CK_ACT_CLIP) {
    y = _mm256_min_ps(_mm256_max_ps(y, _mm256_set1_ps(ep->clip_lo)), _mm256_set1_ps(ep->clip_hi));
  }
  if (ep->fake_quant) {
    __m256 s = _mm256_set1_ps(ep->fq_scale), z = _mm256_set1_ps(ep->fq_zero);
    // A true division: a reciprocal multiply with a tie check measured slower on Zen 3.
    __m256 v = _mm256_round_ps(_mm256_div_ps(y, s), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    v = _mm256_max_ps(_mm256_add_ps(v, z), _mm256_set1_ps(ep->fq_lo));
    v = _mm256_min_ps(v, _mm256_set1_ps(ep->fq_hi));
    y = _mm256_mul_ps(_mm256_sub_ps(v, z), s);
  }
  return y;
}

#define CK_ROW(r)                                                        \
  do {                                                                   \
    __m256 av = _mm256_broadcast_ss(a + (r));                            \
    c##r##0 = _mm256_fmadd_ps(av, b0, c##r##0);                          \
    c##r##1 = _mm256_fmadd_ps(av, b1, c##r##1);                          \
  } while (0)

#define CK_STORE(r)                                                                 \
  do {                                                                              \
    float *row = c + (r) * ldc;                                                     \
    __m256 y0 = c##r##0, y1 = c##r##1;                                              \
    if (accumulate) {                                                               \
      y0 = _mm256_add_ps(y0, _mm256_loadu_ps(row));                                 \
      y1 = _mm256_add_ps(y1, _mm256_loadu_ps(row + 8));                             \
    }                                                                               \
    if (ep) {                                                                       \
      y0 = finish8(y0, (r), 0, ep);                                                 \
      y1 = finish8(y1, (r), 8, ep);                                                 \
    }                                                                               \
    _mm256_storeu_ps(row, y0);                                                      \
    _mm256_storeu_ps(row + 8, y1);                                                  \
  } while (0)

__attribute__((target("avx2,fma"))) static void kernel_avx2(long kc, const float *a,
                                                            const float *b, float *c, long ldc,
                                                            int accumulate,
                                                            const ck_epilogue *ep) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (long p = 0; p < kc; p++) {
    __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
    _mm_prefetch((const char *)(b + 8 * NR), _MM_HINT_T0);
    CK_ROW(0);
    CK_ROW(1);
    CK_ROW(2);
    CK_ROW(3);
    CK_ROW(4);
    CK_ROW(5);
    a += MR;
    b += NR;
  }
  CK_STORE(0);
  CK_STORE(1);
  CK_STORE(2);
  CK_STORE(3);
  CK_STORE(4);
  CK_STORE(5);
}

// The 6×8 variant for a last panel with at most 8 live columns (a 7×7 feature map has 49
// columns: three full panels and one column); it reads the first half of each B row.
#define CK_ROW8(r)                                                       \
  do {                                                                   \
    __m256 av = _mm256_broadcast_ss(a + (r));                            \
    c##r##0 = _mm256_fmadd_ps(av, b0, c##r##0);                          \
  } while (0)

#define CK_STORE8(r)                                                                \
  do {                                                                              \
    float *row = c + (r) * ldc;                                                     \
    __m256 y0 = c##r##0;                                                            \
    if (accumulate) y0 = _mm256_add_ps(y0, _mm256_loadu_ps(row));                   \
    if (ep) y0 = finish8(y0, (r), 0, ep);                                           \
    _mm256_storeu_ps(row, y0);                                                      \
  } while (0)

__attribute__((target("avx2,fma"))) static void kernel8_avx2(long kc, const float *a,
                                                             const float *b, float *c, long ldc,
                                                             int accumulate,
                                                             const ck_epilogue *ep) {
  __m256 c00 = _mm256_setzero_ps(), c10 = c00, c20 = c00, c30 = c00, c40 = c00, c50 = c00;
  for (long p = 0; p < kc; p++) {
    __m256 b0 = _mm256_load_ps(b);
    CK_ROW8(0);
    CK_ROW8(1);
    CK_ROW8(2);
    CK_ROW8(3);
    CK_ROW8(4);
    CK_ROW8(5);
    a += MR;
    b += NR;
  }
  CK_STORE8(0);
  CK_STORE8(1);
  CK_STORE8(2);
  CK_STORE8(3);
  CK_STORE8(4);
  CK_STORE8(5);
}
#endif

// A tile of `rows` × `cols` (≤ MR × NR) at c, whose epilogue is already offset to it: full
// tiles go straight to C, edge tiles through a scratch tile.
static void tile(kernel_fn kernel, kernel_fn narrow, long kc, const float *a, const float *b, float *ct,
                 long ldc, long rows, long cols, int accumulate, const ck_epilogue *ep) {
  if (rows == MR && cols == NR) {
    kernel(kc, a, b, ct, ldc, accumulate, ep);
    return;
  }
  if (narrow && cols <= NR / 2) kernel = narrow;
  ck_epilogue local;
  if (ep) local = *ep;
  float scratch[MR * NR] = {0}, residual[MR * NR] = {0}, bias[MR] = {0};
  for (long r = 0; r < rows; r++) {
    if (accumulate) memcpy(scratch + r * NR, ct + r * ldc, (size_t)cols * sizeof(float));
    if (ep && ep->residual) {
      memcpy(residual + r * NR, ep->residual + r * ep->residual_ld, (size_t)cols * sizeof(float));
    }
    if (ep && ep->bias) bias[r] = ep->bias[r];
  }
  if (ep) {
    if (ep->residual) {
      local.residual = residual;
      local.residual_ld = NR;
    }
    if (ep->bias) local.bias = bias;
  }
  kernel(kc, a, b, scratch, NR, accumulate, ep ? &local : NULL);
  for (long r = 0; r < rows; r++) memcpy(ct + r * ldc, scratch + r * NR, (size_t)cols * sizeof(float));
}

static void block_portable(long kc, const float *a, long a_next, const float *b, long b_next, float *c,
                           long ldc, long rows, long cols, int accumulate, const ck_epilogue *ep) {
  (void)a_next, (void)b_next;
  tile(kernel_portable, NULL, kc, a, b, c, ldc, rows, cols, accumulate, ep);
}

kernel_family ck__family_portable(void) { return (kernel_family){block_portable, 1, 1, NULL, NULL}; }

#if defined(__x86_64__)
static void block_avx2(long kc, const float *a, long a_next, const float *b, long b_next, float *c, long ldc,
                       long rows, long cols, int accumulate, const ck_epilogue *ep) {
  (void)a_next, (void)b_next;
  tile(kernel_avx2, kernel8_avx2, kc, a, b, c, ldc, rows, cols, accumulate, ep);
}

kernel_family ck__family_avx2(void) { return (kernel_family){block_avx2, 1, 1, NULL, NULL}; }
#else
kernel_family ck__family_avx2(void) { return ck__family_portable(); }
#endif
