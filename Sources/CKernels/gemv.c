// The int8-weight matrix-vector product of ck_gemv.h: memory-bound, so the weights are
// widened to float in registers and never stored as floats.
#include "ck_gemv.h"
#include "ck_parallel.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// In gemm.c: the epilogue of one element (bias, residual, activation, fake quantization).
float ck_finish_element(float y, long row, const ck_epilogue *ep);

static float dot_portable(const int8_t *q, const float *x, long k) {
  float s = 0;
  for (long i = 0; i < k; i++) s += (float)q[i] * x[i];
  return s;
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static float dot_avx2(const int8_t *q, const float *x, long k) {
  __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
  long i = 0;
  for (; i + 16 <= k; i += 16) {
    __m128i b = _mm_loadu_si128((const __m128i *)(q + i));
    __m256 f0 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(b));
    __m256 f1 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(b, 8)));
    a0 = _mm256_fmadd_ps(f0, _mm256_loadu_ps(x + i), a0);
    a1 = _mm256_fmadd_ps(f1, _mm256_loadu_ps(x + i + 8), a1);
  }
  __m256 a = _mm256_add_ps(a0, a1);
  __m128 h = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
  h = _mm_add_ps(h, _mm_movehl_ps(h, h));
  h = _mm_add_ss(h, _mm_shuffle_ps(h, h, 1));
  float s = _mm_cvtss_f32(h);
  for (; i < k; i++) s += (float)q[i] * x[i];
  return s;
}
#endif

typedef struct {
  long m, k;
  const int8_t *q;
  const float *scale, *zero, *x;
  float *y;
  const ck_epilogue *ep;
  float sum_x;
  float (*dot)(const int8_t *, const float *, long);
} gemv_job;

enum { ROWS_PER_TASK = 64 };

static void gemv_task(void *context, long task) {
  const gemv_job *j = context;
  long end = (task + 1) * ROWS_PER_TASK < j->m ? (task + 1) * ROWS_PER_TASK : j->m;
  for (long o = task * ROWS_PER_TASK; o < end; o++) {
    float v = j->scale[o] * (j->dot(j->q + o * j->k, j->x, j->k) - j->zero[o] * j->sum_x);
    j->y[o] = j->ep ? ck_finish_element(v, o, j->ep) : v;
  }
}

void ck_gemv_s8(long m, long k, const int8_t *q, const float *scale, const float *zero, const float *x,
                float *y, const ck_epilogue *epilogue) {
  if (m <= 0) return;
  gemv_job job = {m, k, q, scale, zero, x, y, epilogue, 0, dot_portable};
  for (long i = 0; i < k; i++) job.sum_x += x[i];
#if defined(__x86_64__)
  if (ck_gemm_uses_avx2()) job.dot = dot_avx2;
#endif
  ck_parallel_for((m + ROWS_PER_TASK - 1) / ROWS_PER_TASK, gemv_task, &job);
}
