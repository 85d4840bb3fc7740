// Batched 2-D transposes (ONNX Transpose swapping two axis groups: ConvNeXt's NCHW ↔ NHWC
// permutes around each LayerNorm, a dense layer's Xᵀ). The Swift loop it replaces moved one
// float at a time through 16 × 16 tiles on one thread: 12 % of ConvNeXt-Tiny's time.
#include "ck_transpose.h"
#include "ck_gemm.h"
#include "ck_parallel.h"
#include "transpose_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Tasks take up to 256 rows (each column's part of the output a 1 KB run, so threads share a
// cache line only at a run's ends: with 32-row bands, they wrote into each other's lines and
// two threads ran slower than one) by a band of columns, for about 16 tasks a matrix.
enum { ROW_BAND = 256 };

typedef struct {
  const float *src;
  float *dst;
  long rows, cols, row_bands, col_band, col_bands;
  int level;
} transpose_job;

static void edges(const transpose_job *j, const float *s, float *d, long r0, long r1, long c0, long c1) {
  for (long c = c0; c < c1; c++) {
    for (long r = r0; r < r1; r++) d[c * j->rows + r] = s[r * j->cols + c];
  }
}

#if defined(__x86_64__)
// Rows [r0, r1) (a multiple of 8 of them) by columns [c0, c1) (likewise), in registers.
__attribute__((target("avx2"))) static void blocks_avx2(const transpose_job *j, const float *s, float *d, long r0,
                                                        long r1, long c0, long c1) {
  long rows = j->rows, cols = j->cols;
  for (long r = r0; r + 8 <= r1; r += 8) {
    const float *p = s + r * cols;
    for (long c = c0; c < c1; c += 8) {
      __m256 v[8];
      for (int i = 0; i < 8; i++) v[i] = _mm256_loadu_ps(p + i * cols + c);
      ck__transpose8x8(v);
      float *q = d + c * rows + r;
      for (int i = 0; i < 8; i++) _mm256_storeu_ps(q + i * rows, v[i]);
    }
  }
}
#endif

static void band_task(void *context, long t) {
  const transpose_job *j = context;
  long per = j->row_bands * j->col_bands, b = t / per;
  t %= per;
  long r0 = t / j->col_bands * ROW_BAND, r1 = r0 + ROW_BAND < j->rows ? r0 + ROW_BAND : j->rows;
  long c0 = t % j->col_bands * j->col_band, c1 = c0 + j->col_band < j->cols ? c0 + j->col_band : j->cols;
  const float *s = j->src + b * j->rows * j->cols;
  float *d = j->dst + b * j->rows * j->cols;
#if defined(__x86_64__)
  if (j->level >= CK_LEVEL_AVX2) {
    long r8 = r0 + (r1 - r0) / 8 * 8, c8 = c0 + (c1 - c0) / 8 * 8;
    blocks_avx2(j, s, d, r0, r8, c0, c8);
    edges(j, s, d, r0, r8, c8, c1);  // the last columns of the 8-row blocks
    edges(j, s, d, r8, r1, c0, c1);  // the last rows
    return;
  }
#endif
  edges(j, s, d, r0, r1, c0, c1);
}

void ck_transpose(const float *src, long batch, long rows, long cols, float *dst, int level) {
  if (batch <= 0 || rows <= 0 || cols <= 0) return;
  long row_bands = (rows + ROW_BAND - 1) / ROW_BAND;
  long want = (16 + row_bands - 1) / row_bands;  // column bands for ~16 tasks
  long col_band = ((cols + want - 1) / want + 7) / 8 * 8;
  transpose_job j = {src, dst, rows, cols, row_bands, col_band, (cols + col_band - 1) / col_band,
                     ck_level_capped(level)};
  ck_parallel_for(batch * row_bands * j.col_bands, band_task, &j);
}
