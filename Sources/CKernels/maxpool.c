// 2-D max pooling over NCHW planes. Each output row takes two vector passes over a scratch
// row kept between -inf margins: the max down the columns of the window's (valid) input
// rows, then the max across the window's width read at every stride-th place (at stride 2
// the vector paths split even and odd columns with a permute, so reads stay contiguous).
//
// Every path folds the taps in the same order with the same select (`v > m ? v : m`, which
// is what MAXPS computes with the new value first), so all levels give identical results,
// NaNs and signed zeros included, equal to ModelIO's former Swift loop.
#include "ck_pool.h"
#include "ck_gemm.h"
#include "ck_parallel.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

typedef struct {
  const ck_maxpool_params *p;
  const float *x;
  float *y;
  int level;
  long chunk;  // planes per task
  atomic_int failed;
} pool_job;

static inline float max1(float v, float m) { return v > m ? v : m; }

// --- portable ----------------------------------------------------------------------------

static void columns_portable(const float *src, long width, long rows, float *dst) {
  for (long i = 0; i < width; i++) dst[i] = src[i];
  for (long r = 1; r < rows; r++) {
    const float *row = src + r * width;
    for (long i = 0; i < width; i++) dst[i] = max1(row[i], dst[i]);
  }
}

static void across_portable(const float *s, long out_w, long kw, long sw, float *out, long from) {
  for (long ox = from; ox < out_w; ox++) {
    const float *w = s + ox * sw;
    float m = w[0];
    for (long j = 1; j < kw; j++) m = max1(w[j], m);
    out[ox] = m;
  }
}

#if defined(__x86_64__)

// --- AVX2 --------------------------------------------------------------------------------

#define AVX2 __attribute__((target("avx2,fma")))

AVX2 static inline __m256i tail_mask8(long n) {
  static const int ones[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
  return _mm256_loadu_si256((const __m256i *)(ones + 8 - n));
}

AVX2 static void columns_avx2(const float *src, long width, long rows, float *dst) {
  long i = 0;
  for (; i + 8 <= width; i += 8) {
    __m256 m = _mm256_loadu_ps(src + i);
    for (long r = 1; r < rows; r++) m = _mm256_max_ps(_mm256_loadu_ps(src + r * width + i), m);
    _mm256_storeu_ps(dst + i, m);
  }
  if (i < width) {
    __m256i k = tail_mask8(width - i);
    __m256 m = _mm256_maskload_ps(src + i, k);
    for (long r = 1; r < rows; r++) m = _mm256_max_ps(_mm256_maskload_ps(src + r * width + i, k), m);
    _mm256_maskstore_ps(dst + i, k, m);
  }
}

// The even-indexed floats of s[0..<16].
AVX2 static inline __m256 evens8(const float *s) {
  __m256 a = _mm256_loadu_ps(s), b = _mm256_loadu_ps(s + 8);
  __m256 e = _mm256_shuffle_ps(a, b, 0x88);  // a0 a2 b0 b2 | a4 a6 b4 b6
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), 0xD8));
}

AVX2 static void across_avx2(const float *s, long out_w, long kw, long sw, float *out) {
  long ox = 0;
  if (sw == 1) {
    for (; ox + 8 <= out_w; ox += 8) {
      __m256 m = _mm256_loadu_ps(s + ox);
      for (long j = 1; j < kw; j++) m = _mm256_max_ps(_mm256_loadu_ps(s + ox + j), m);
      _mm256_storeu_ps(out + ox, m);
    }
  } else if (sw == 2) {
    for (; ox + 8 <= out_w; ox += 8) {
      __m256 m = evens8(s + 2 * ox);
      for (long j = 1; j < kw; j++) m = _mm256_max_ps(evens8(s + 2 * ox + j), m);
      _mm256_storeu_ps(out + ox, m);
    }
  }
  across_portable(s, out_w, kw, sw, out, ox);
}

// --- AVX-512 -----------------------------------------------------------------------------

#define AVX512 __attribute__((target("avx512f,avx2,fma")))

AVX512 static void columns_avx512(const float *src, long width, long rows, float *dst) {
  for (long i = 0; i < width; i += 16) {
    __mmask16 k = width - i >= 16 ? 0xFFFF : (__mmask16)((1u << (width - i)) - 1);
    __m512 m = _mm512_maskz_loadu_ps(k, src + i);
    for (long r = 1; r < rows; r++) m = _mm512_max_ps(_mm512_maskz_loadu_ps(k, src + r * width + i), m);
    _mm512_mask_storeu_ps(dst + i, k, m);
  }
}

AVX512 static inline __m512 evens16(const float *s) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  return _mm512_permutex2var_ps(_mm512_loadu_ps(s), even, _mm512_loadu_ps(s + 16));
}

// Reads whole vectors past the last output's window: the scratch row's slack covers them.
AVX512 static void across_avx512(const float *s, long out_w, long kw, long sw, float *out) {
  if (sw > 2) {
    across_portable(s, out_w, kw, sw, out, 0);
    return;
  }
  for (long ox = 0; ox < out_w; ox += 16) {
    __mmask16 k = out_w - ox >= 16 ? 0xFFFF : (__mmask16)((1u << (out_w - ox)) - 1);
    __m512 m;
    if (sw == 1) {
      m = _mm512_loadu_ps(s + ox);
      for (long j = 1; j < kw; j++) m = _mm512_max_ps(_mm512_loadu_ps(s + ox + j), m);
    } else {
      m = evens16(s + 2 * ox);
      for (long j = 1; j < kw; j++) m = _mm512_max_ps(evens16(s + 2 * ox + j), m);
    }
    _mm512_mask_storeu_ps(out + ox, k, m);
  }
}

// 3-wide windows at stride 2 (every common 3×3/s2 pooling) in registers, no scratch row:
// per 16 outputs, the column maxima of 32 input columns (masked loads: -inf outside the
// row, i.e. in the padding) split into even (tap 0) and odd (tap 1) columns; tap 2 is the
// evens shifted by one lane, the next block's first even shifted in.
AVX512 static inline __m512 column_max16(const float *src, long width, long rows, long c0) {
  if (c0 >= 0 && c0 + 16 <= width) {
    // Inside the row (most blocks): plain loads, three rows unrolled.
    __m512 m = _mm512_loadu_ps(src + c0);
    if (rows == 3) {
      m = _mm512_max_ps(_mm512_loadu_ps(src + width + c0), m);
      return _mm512_max_ps(_mm512_loadu_ps(src + 2 * width + c0), m);
    }
    for (long r = 1; r < rows; r++) m = _mm512_max_ps(_mm512_loadu_ps(src + r * width + c0), m);
    return m;
  }
  long lo = c0 < 0 ? -c0 : 0, hi = width - c0 < 16 ? width - c0 : 16;
  const __m512 none = _mm512_set1_ps(-INFINITY);
  if (hi <= lo) return none;
  __mmask16 k = (__mmask16)(((1u << hi) - 1) & ~((1u << lo) - 1));
  __m512 m = _mm512_mask_loadu_ps(none, k, src + c0);
  for (long r = 1; r < rows; r++) m = _mm512_max_ps(_mm512_mask_loadu_ps(none, k, src + r * width + c0), m);
  return m;
}

AVX512 static void row3s2_avx512(const float *src, long width, long rows, long pad_left, long out_w, float *out) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  __m512 a = column_max16(src, width, rows, -pad_left), b = column_max16(src, width, rows, 16 - pad_left);
  __m512 e = _mm512_permutex2var_ps(a, even, b), o = _mm512_permutex2var_ps(a, odd, b);
  for (long ox = 0; ox < out_w; ox += 16) {
    if (out_w - ox < 16) {
      // The last, partial block: its lane 15 is not stored, so the next block's first even
      // column is not needed (small planes, 27 → 13, were spending half their loads on it).
      __m512 e2 = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(e), _mm512_castps_si512(e), 1));
      __m512 m = _mm512_max_ps(e2, _mm512_max_ps(o, e));
      _mm512_mask_storeu_ps(out + ox, (__mmask16)((1u << (out_w - ox)) - 1), m);
      return;
    }
    long c0 = 2 * ox + 32 - pad_left;
    __m512 na = column_max16(src, width, rows, c0), nb = column_max16(src, width, rows, c0 + 16);
    __m512 ne = _mm512_permutex2var_ps(na, even, nb);
    __m512 e2 = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(ne), _mm512_castps_si512(e), 1));
    __m512 m = _mm512_max_ps(e2, _mm512_max_ps(o, e));
    _mm512_storeu_ps(out + ox, m);
    e = ne;
    o = _mm512_permutex2var_ps(na, odd, nb);
  }
}

// Two output rows whose windows are both whole (five input rows from src, the middle one
// shared) in one pass: the same operations in the same order as two row3s2_avx512 calls,
// interleaved. On small planes one row's work is a short dependency chain (loads, max,
// permutes, store) with bookkeeping around it; two independent chains side by side keep the
// core busy (SqueezeNet's 27² → 13² pooling: 0.22 µs a plane on one thread before).
AVX512 static void rows3s2_pair_avx512(const float *src, long width, long pad_left, long out_w, float *out0,
                                       float *out1) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  const float *rows[2] = {src, src + 2 * width};
  float *outs[2] = {out0, out1};
  __m512 e[2], o[2];
  for (int i = 0; i < 2; i++) {
    __m512 a = column_max16(rows[i], width, 3, -pad_left), b = column_max16(rows[i], width, 3, 16 - pad_left);
    e[i] = _mm512_permutex2var_ps(a, even, b);
    o[i] = _mm512_permutex2var_ps(a, odd, b);
  }
  for (long ox = 0; ox < out_w; ox += 16) {
    if (out_w - ox < 16) {
      __mmask16 k = (__mmask16)((1u << (out_w - ox)) - 1);
      for (int i = 0; i < 2; i++) {
        __m512 e2 = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(e[i]), _mm512_castps_si512(e[i]), 1));
        _mm512_mask_storeu_ps(outs[i] + ox, k, _mm512_max_ps(e2, _mm512_max_ps(o[i], e[i])));
      }
      return;
    }
    long c0 = 2 * ox + 32 - pad_left;
    for (int i = 0; i < 2; i++) {
      __m512 na = column_max16(rows[i], width, 3, c0), nb = column_max16(rows[i], width, 3, c0 + 16);
      __m512 ne = _mm512_permutex2var_ps(na, even, nb);
      __m512 e2 = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(ne), _mm512_castps_si512(e[i]), 1));
      _mm512_storeu_ps(outs[i] + ox, _mm512_max_ps(e2, _mm512_max_ps(o[i], e[i])));
      e[i] = ne;
      o[i] = _mm512_permutex2var_ps(na, odd, nb);
    }
  }
}

#endif

// --- driver ------------------------------------------------------------------------------

// Output rows [oy0, oy1) of one plane, whose input rows from row0 on are at src.
static void plane_rows(const ck_maxpool_params *p, int level, const float *src, long row0, long oy0, long oy1,
                       float *dst, float *scratch) {
  float *columns = scratch + p->pad_left;
  for (long oy = oy0; oy < oy1; oy++) {
    long start = oy * p->stride_h - p->pad_top;
    long lo = start > 0 ? start : 0, hi = start + p->kernel_h < p->height ? start + p->kernel_h : p->height;
    float *out = dst + oy * p->out_width;
    if (lo >= hi) {
      for (long ox = 0; ox < p->out_width; ox++) out[ox] = -INFINITY;
      continue;
    }
    const float *first = src + (lo - row0) * p->width;
    switch (level) {
#if defined(__x86_64__)
    case CK_LEVEL_AVX512:
      if (p->kernel_w == 3 && p->stride_w == 2) {
        // This row and the next both whole 3-row windows, two rows apart: as a pair.
        if (p->kernel_h == 3 && p->stride_h == 2 && start >= 0 && oy + 1 < oy1 && start + 5 <= p->height) {
          rows3s2_pair_avx512(first, p->width, p->pad_left, p->out_width, out, out + p->out_width);
          oy++;
          break;
        }
        row3s2_avx512(first, p->width, hi - lo, p->pad_left, p->out_width, out);
        break;
      }
      columns_avx512(first, p->width, hi - lo, columns);
      across_avx512(scratch, p->out_width, p->kernel_w, p->stride_w, out);
      break;
    case CK_LEVEL_AVX2:
      columns_avx2(first, p->width, hi - lo, columns);
      across_avx2(scratch, p->out_width, p->kernel_w, p->stride_w, out);
      break;
#endif
    default:
      columns_portable(first, p->width, hi - lo, columns);
      across_portable(scratch, p->out_width, p->kernel_w, p->stride_w, out, 0);
    }
  }
}

static void plane(const pool_job *j, const float *src, float *dst, float *scratch) {
  plane_rows(j->p, j->level, src, 0, 0, j->p->out_height, dst, scratch);
}

// Floats of scratch row a plane needs: the padded row, slack for the vector reads of the
// last (partial) vector of outputs.
static long scratch_floats(const ck_maxpool_params *p) {
  long padded = p->width + p->pad_left;
  long reach = (p->out_width - 1) * p->stride_w + p->kernel_w;
  return (padded > reach ? padded : reach) + 2 * 16 + p->kernel_w + 16;
}

int ck__maxpool_rows(const ck_maxpool_params *p, const float *rows, long row0, long oy0, long oy1, float *dst,
                     int level) {
  long floats = scratch_floats(p);
  float stack[4096];
  float *scratch = floats <= 4096 ? stack : malloc((size_t)floats * sizeof(float));
  if (!scratch) return -1;
  for (long i = 0; i < floats; i++) scratch[i] = -INFINITY;
  plane_rows(p, ck_level_capped(level), rows, row0, oy0, oy1, dst, scratch);
  if (scratch != stack) free(scratch);
  return 0;
}

static void pool_task(void *context, long t) {
  pool_job *j = context;
  const ck_maxpool_params *p = j->p;
  long floats = scratch_floats(p);
  float stack[4096];
  float *scratch = floats <= 4096 ? stack : malloc((size_t)floats * sizeof(float));
  long first = t * j->chunk, last = first + j->chunk < p->planes ? first + j->chunk : p->planes;
  long in_plane = p->height * p->width, out_plane = p->out_height * p->out_width;
  if (!scratch) {
    atomic_store(&j->failed, 1);
    return;
  }
  for (long i = 0; i < floats; i++) scratch[i] = -INFINITY;
  for (long c = first; c < last; c++) plane(j, j->x + c * in_plane, j->y + c * out_plane, scratch);
  if (scratch != stack) free(scratch);
}

int ck_maxpool2d(const ck_maxpool_params *p, const float *x, float *y, int level) {
  if (p->planes <= 0 || p->out_height <= 0 || p->out_width <= 0) return 0;
  long work = p->out_height * p->out_width * p->kernel_h * p->kernel_w;
  // About 32K taps a task: enough to pay for a hand-off, small enough to balance.
  long chunk = 32768 / (work > 0 ? work : 1);
  pool_job j = {.p = p,
                .x = x,
                .y = y,
                .level = ck_level_capped(level),
                .chunk = chunk < 1 ? 1 : chunk};
  atomic_init(&j.failed, 0);
  ck_parallel_for((p->planes + j.chunk - 1) / j.chunk, pool_task, &j);
  return atomic_load(&j.failed) ? -1 : 0;
}
