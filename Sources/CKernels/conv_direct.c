// Direct convolution for layers with few input channels (a network's first layer: 3 → 32 or
// 64 channels, 3×3 to 7×7, stride 2). There the im2col gemm is poor: its depth
// (channels × kernel area, 27 for 3×3) is too short to amortise packing a panel per tile.
//
// Here each task takes a band of output rows. For each row, four output channels at a time
// and up to six vectors of output columns, every tap loads the input vectors once and adds
// them times the four channels' broadcast weights (24 accumulators on AVX-512). The input
// is first copied, zero-padded, with each padded row split into its stride phases
// (columns q·s + p for phase p), so the tap (ky, kx) of outputs ox… reads phase kx % s from
// column ox + kx / s onward: contiguous. Each output adds bias then its taps in (channel, ky,
// kx) order with one rounding per FMA on every path.
//
// ck_conv_direct_maxpool runs the max pooling that follows a stem (SqueezeNet's, ResNet's)
// band by band: each task computes the convolution rows its pooled rows need, four channels
// at a time into a small scratch, and pools them at once (ck__maxpool_rows), so the stem's
// full output never goes through memory.
#include "ck_conv_direct.h"
#include "ck_pool.h"
#include "ck_parallel.h"
#include "gemm_internal.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

enum { OCB = 4 };

typedef struct {
  const ck_conv_source *s;
  const ck_epilogue *ep;
  const float *packed;  // [m / OCB blocks][taps][OCB], zero-padded past m
  float *buf;           // this band's input: [channels][rows][stride_w][pitch]
  long row0;            // the band's first output row
  const long *offsets;  // [taps]: where tap (ci, ky, kx) of output (0, 0) reads in buf
  float *c;
  long m, ldc, rows, pitch, band;  // rows: a band's input rows
  // Where output (channel, row) goes: c + (channel - c_chan0)·ldc + (row - c_row0)·out_w
  // (both 0 except when a band's rows go to scratch for the fused max pooling).
  long c_chan0, c_row0;
  const ck_maxpool_params *pool;  // or NULL; then `band` counts pooled rows
  long group_blocks;              // with `pool`: channel blocks per task
  int level;
  atomic_int failed;
} direct_job;

int ck_conv_direct_usable(long m, const ck_conv_source *s, const ck_epilogue *ep) {
  if (m <= 0 || s->channels > 4 || s->dilation_h != 1 || s->dilation_w != 1) return 0;
  if (s->stride_w > 4 || s->kernel_w > 11) return 0;
  if (ep && (ep->residual || ep->fake_quant)) return 0;
  if (ep && ep->activation == CK_ACT_CLIP && !(ep->clip_lo <= ep->clip_hi)) return 0;
  // An AVX2 version measured no faster than the AVX2 gemm (Zen 4 capped at AVX2), so the
  // direct path is for AVX-512 only.
  return ck_gemm_cpu_level() >= CK_LEVEL_AVX512;
}

// A band's padded input: one buffer per thread, grown when a larger layer comes and never
// shrunk (a fresh allocation each call would fault in a megabyte of new pages every time).
static _Thread_local float *scratch_buffer;
static _Thread_local size_t scratch_floats;

// A channel block's convolution rows before they are pooled (fused max pooling), likewise.
static _Thread_local float *rows_buffer;
static _Thread_local size_t rows_floats;

static float *scratch(size_t floats) { return ck__grown(&scratch_buffer, &scratch_floats, floats); }
static float *rows_scratch(size_t floats) { return ck__grown(&rows_buffer, &rows_floats, floats); }

void ck__release_conv_direct_scratch(void) {
  ck__scratch_free(&scratch_buffer, &scratch_floats);
  ck__scratch_free(&rows_buffer, &rows_floats);
}

static inline float act1(float v, const ck_epilogue *ep) {
  if (!ep) return v;
  if (ep->activation == CK_ACT_RELU) return v > 0 ? v : 0;
  if (ep->activation == CK_ACT_CLIP) {
    v = v > ep->clip_lo ? v : ep->clip_lo;
    return v < ep->clip_hi ? v : ep->clip_hi;
  }
  return v;
}

#if defined(__x86_64__)
// Even and odd floats of padded[0 ..< 2·n] (n a multiple of 16) into even[] and odd[].
__attribute__((target("avx512f"))) static void split2_avx512(const float *padded, float *even, float *odd, long n) {
  const __m512i e = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i o = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  for (long q = 0; q < n; q += 16) {
    __m512 a = _mm512_loadu_ps(padded + 2 * q), b = _mm512_loadu_ps(padded + 2 * q + 16);
    _mm512_storeu_ps(even + q, _mm512_permutex2var_ps(a, e, b));
    _mm512_storeu_ps(odd + q, _mm512_permutex2var_ps(a, o, b));
  }
}
#endif

// Input row iy (padding rows outside the image) of channel ci, zero-padded and split into
// its stride phases, as the band's row r.
static void copy_row(const direct_job *j, long ci, long r, long iy) {
  const ck_conv_source *s = j->s;
  long sw = s->stride_w;
  float *dst = j->buf + (ci * j->rows + r) * sw * j->pitch;
  if (iy < 0 || iy >= s->height) {
    memset(dst, 0, (size_t)(sw * j->pitch) * sizeof(float));
    return;
  }
  // The zero-padded row first (whole, so the phase loops below have no bounds to test),
  // then each phase as a strided copy, which the compiler vectorises with shuffles.
  long wide = sw * j->pitch;
  const float *src = s->x + (ci * s->height + iy) * s->width;
  if (wide > 8192) {
    // Very wide rows (not a photo classifier's): element by element.
    for (long ph = 0; ph < sw; ph++, dst += j->pitch) {
      for (long q = 0; q < j->pitch; q++) {
        long ix = q * sw + ph - s->pad_left;
        dst[q] = ix >= 0 && ix < s->width ? src[ix] : 0;
      }
    }
    return;
  }
  float padded[8192];
  long end = s->pad_left + s->width;
  memset(padded, 0, (size_t)s->pad_left * sizeof(float));
  memcpy(padded + s->pad_left, src, (size_t)s->width * sizeof(float));
  memset(padded + end, 0, (size_t)(wide - end) * sizeof(float));
  if (sw == 1) {
    memcpy(dst, padded, (size_t)wide * sizeof(float));
    return;
  }
#if defined(__x86_64__)
  if (sw == 2 && j->level == CK_LEVEL_AVX512) {
    split2_avx512(padded, dst, dst + j->pitch, j->pitch);  // the pitch is a multiple of 16
    return;
  }
#endif
  for (long ph = 0; ph < sw; ph++, dst += j->pitch) {
    const float *from = padded + ph;
    if (sw == 2) {
      for (long q = 0; q < j->pitch; q++) dst[q] = from[2 * q];
    } else {
      for (long q = 0; q < j->pitch; q++) dst[q] = from[q * sw];
    }
  }
}

// --- portable ----------------------------------------------------------------------------

static void row_portable(const direct_job *j, long oy, long blk) {
  const ck_conv_source *s = j->s;
  long taps = s->channels * s->kernel_h * s->kernel_w, sw = s->stride_w;
  for (long o = 0; o < OCB && blk * OCB + o < j->m; o++) {
    long oc = blk * OCB + o;
    float *out = j->c + (oc - j->c_chan0) * j->ldc + (oy - j->c_row0) * s->out_w;
    float b = j->ep && j->ep->bias ? j->ep->bias[oc] : 0;
    for (long ox = 0; ox < s->out_w; ox++) {
      float acc = b;
      const float *w = j->packed + blk * taps * OCB + o;
      for (long ci = 0; ci < s->channels; ci++) {
        for (long ky = 0; ky < s->kernel_h; ky++) {
          const float *row = j->buf + (ci * j->rows + (oy - j->row0) * s->stride_h + ky) * sw * j->pitch;
          for (long kx = 0; kx < s->kernel_w; kx++, w += OCB) {
            acc = __builtin_fmaf(row[(kx % sw) * j->pitch + ox + kx / sw], *w, acc);
          }
        }
      }
      out[ox] = act1(acc, j->ep);
    }
  }
}

#if defined(__x86_64__)

// --- AVX-512 -----------------------------------------------------------------------------

#define AVX512 __attribute__((target("avx512f,avx2,fma")))

// Outputs ox0 … ox0 + 16·nv - 1 (the last vector masked by `last`) of four channels.
AVX512 __attribute__((always_inline)) static inline void tile512(
    const direct_job *j, long oy, long blk, long ox0, int nv, __mmask16 last) {
  const ck_conv_source *s = j->s;
  long sw = s->stride_w, taps = s->channels * s->kernel_h * s->kernel_w;
  __m512 acc[OCB][6];
  for (int o = 0; o < OCB; o++) {
    long oc = blk * OCB + o;
    float b = j->ep && j->ep->bias && oc < j->m ? j->ep->bias[oc] : 0;
    for (int v = 0; v < nv; v++) acc[o][v] = _mm512_set1_ps(b);
  }
  const float *w = j->packed + blk * taps * OCB;
  const float *base = j->buf + (oy - j->row0) * s->stride_h * sw * j->pitch + ox0;
  for (long t = 0; t < taps; t++, w += OCB) {
    const float *src = base + j->offsets[t];
    __m512 in[6];
    for (int v = 0; v < nv; v++) in[v] = _mm512_loadu_ps(src + 16 * v);
    for (int o = 0; o < OCB; o++) {
      __m512 b = _mm512_set1_ps(w[o]);
      for (int v = 0; v < nv; v++) acc[o][v] = _mm512_fmadd_ps(in[v], b, acc[o][v]);
    }
  }
  const ck_epilogue *ep = j->ep;
  int act = ep ? ep->activation : CK_ACT_NONE;
  __m512 lo = _mm512_set1_ps(act == CK_ACT_RELU ? 0 : ep && act == CK_ACT_CLIP ? ep->clip_lo : 0);
  __m512 hi = _mm512_set1_ps(ep && act == CK_ACT_CLIP ? ep->clip_hi : 0);
  // Fully unrolled (a constant trip count, the channel test inside): with a data-dependent
  // loop bound here, clang indexed acc[o] at run time, so it kept the accumulators in a
  // stack array and stored all of them after every tap (48 → 95 GFLOP/s, 4-vector tiles).
#pragma clang loop unroll(full)
  for (int o = 0; o < OCB; o++) {
    if (blk * OCB + o >= j->m) break;
    float *out = j->c + (blk * OCB + o - j->c_chan0) * j->ldc + (oy - j->c_row0) * s->out_w + ox0;
#pragma clang loop unroll(full)
    for (int v = 0; v < nv; v++) {
      __m512 y = acc[o][v];
      if (act == CK_ACT_RELU) y = _mm512_max_ps(y, lo);
      if (act == CK_ACT_CLIP) y = _mm512_min_ps(_mm512_max_ps(y, lo), hi);
      if (v == nv - 1) _mm512_mask_storeu_ps(out + 16 * v, last, y);
      else _mm512_storeu_ps(out + 16 * v, y);
    }
  }
}

#define TILE512(nv) \
  AVX512 static void tile512_##nv(const direct_job *j, long oy, long blk, long ox0, __mmask16 last) { \
    tile512(j, oy, blk, ox0, nv, last); \
  }
TILE512(1)
TILE512(2)
TILE512(3)
TILE512(4)
TILE512(5)
TILE512(6)

typedef void (*tile512_fn)(const direct_job *, long, long, long, __mmask16);
static const tile512_fn tiles512[7] = {NULL, tile512_1, tile512_2, tile512_3, tile512_4, tile512_5, tile512_6};

// A row's vectors in tiles of at most six, balanced (7 → 4 + 3), the last one masked.
AVX512 static void row_avx512(const direct_job *j, long oy, long blk) {
  long ow = j->s->out_w, vectors = (ow + 15) / 16, tiles = (vectors + 5) / 6;
  for (long t = 0, done = 0; t < tiles; t++) {
    long nv = (vectors - done) / (tiles - t) + ((vectors - done) % (tiles - t) != 0);
    long ox0 = done * 16, end = (done + nv) * 16 < ow ? (done + nv) * 16 : ow;
    long rest = end - (ox0 + (nv - 1) * 16);
    __mmask16 last = rest >= 16 ? 0xFFFF : (__mmask16)((1u << rest) - 1);
    tiles512[nv](j, oy, blk, ox0, last);
    done += nv;
  }
}

#endif

// Copies the input rows of output rows [first, last) into this thread's scratch (small
// enough to stay in L1/L2 while every channel block reads them); 0, or -1 without memory.
static int prepare_band(direct_job *j, long first, long last) {
  const ck_conv_source *s = j->s;
  j->buf = scratch((size_t)(s->channels * j->rows * s->stride_w * j->pitch));
  if (!j->buf) return -1;
  j->row0 = first;
  long rows = (last - 1 - first) * s->stride_h + s->kernel_h;
  for (long ci = 0; ci < s->channels; ci++) {
    for (long r = 0; r < rows; r++) copy_row(j, ci, r, first * s->stride_h - s->pad_top + r);
  }
  return 0;
}

static void conv_row(const direct_job *j, long oy, long blk) {
#if defined(__x86_64__)
  if (j->level == CK_LEVEL_AVX512) {
    row_avx512(j, oy, blk);
    return;
  }
#endif
  row_portable(j, oy, blk);
}

// A band of output rows, each row four channels at a time.
static void band_task(void *context, long t) {
  direct_job *shared = context;
  direct_job j = *shared;
  long first = t * j.band, last = first + j.band < j.s->out_h ? first + j.band : j.s->out_h;
  if (prepare_band(&j, first, last) != 0) {
    atomic_store(&shared->failed, 1);
    return;
  }
  long blocks = (j.m + OCB - 1) / OCB;
  for (long oy = first; oy < last; oy++) {
    for (long blk = 0; blk < blocks; blk++) conv_row(&j, oy, blk);
  }
}

// A band of pooled rows: the convolution rows their windows reach, four channels at a time
// into a small scratch (44 KB for SqueezeNet's stem: it stays in L2), each channel's rows
// pooled into the output at once; the full convolution output (64×111×111, 3 MB) is never
// written.
static void pooled_band_task(void *context, long t) {
  direct_job *shared = context;
  direct_job j = *shared;
  const ck_maxpool_params *p = j.pool;
  long blocks = (j.m + OCB - 1) / OCB, groups = (blocks + j.group_blocks - 1) / j.group_blocks;
  long b0 = t % groups * j.group_blocks, b1 = b0 + j.group_blocks < blocks ? b0 + j.group_blocks : blocks;
  t /= groups;
  long p0 = t * j.band, p1 = p0 + j.band < p->out_height ? p0 + j.band : p->out_height;
  long lo = p0 * p->stride_h - p->pad_top, hi = (p1 - 1) * p->stride_h - p->pad_top + p->kernel_h;
  lo = lo > 0 ? lo : 0;
  hi = hi < j.s->out_h ? hi : j.s->out_h;
  long count = hi - lo, plane = j.s->out_w * count;
  float *rows = count > 0 ? rows_scratch((size_t)(OCB * plane)) : NULL;
  if (count > 0 && (!rows || prepare_band(&j, lo, hi) != 0)) {
    atomic_store(&shared->failed, 1);
    return;
  }
  long out_plane = p->out_height * p->out_width;
  j.ldc = plane;
  j.c_row0 = lo;
  for (long blk = b0; blk < b1; blk++) {
    j.c = rows;
    j.c_chan0 = blk * OCB;
    for (long oy = lo; oy < hi; oy++) conv_row(&j, oy, blk);
    for (long o = 0; o < OCB && blk * OCB + o < j.m; o++) {
      if (ck__maxpool_rows(p, rows + o * plane, lo, p0, p1, shared->c + (blk * OCB + o) * out_plane, j.level) != 0) {
        atomic_store(&shared->failed, 1);
      }
    }
  }
}

// Runs `task` over `tasks` bands of `band` rows (output rows, or pooled rows with `pool`)
// with the packed weights and tap offsets, for bands of at most `conv_rows` convolution rows.
static int run_direct(long m, const float *weights, const ck_conv_source *s, float *c, long ldc,
                      const ck_epilogue *ep, const ck_maxpool_params *pool, long group_blocks, long band,
                      long conv_rows, long tasks, ck_task_fn task, int level) {
  long taps = s->channels * s->kernel_h * s->kernel_w, blocks = (m + OCB - 1) / OCB;
  long rows = (conv_rows - 1) * s->stride_h + s->kernel_h;
  // Every tap's last vector stays inside its phase row: ox + kx / s + 16 ≤ pitch.
  long pitch = (s->out_w + 15) / 16 * 16 + (s->kernel_w - 1) / s->stride_w;
  long needed = (s->width + s->pad_left + s->stride_w - 1) / s->stride_w;
  if (pitch < needed) pitch = needed;
  pitch = (pitch + 15) / 16 * 16;
  float *packed = calloc((size_t)(blocks * taps * OCB), sizeof(float));
  long *offsets = malloc((size_t)taps * sizeof(long));
  if (!packed || !offsets) {
    free(packed);
    free(offsets);
    return -1;
  }
  for (long oc = 0; oc < m; oc++) {
    for (long t = 0; t < taps; t++) packed[((oc / OCB) * taps + t) * OCB + oc % OCB] = weights[oc * taps + t];
  }
  for (long ci = 0, t = 0; ci < s->channels; ci++) {
    for (long ky = 0; ky < s->kernel_h; ky++) {
      for (long kx = 0; kx < s->kernel_w; kx++, t++) {
        offsets[t] = ((ci * rows + ky) * s->stride_w + kx % s->stride_w) * pitch + kx / s->stride_w;
      }
    }
  }
  direct_job j = {.s = s, .ep = ep, .packed = packed, .offsets = offsets, .c = c, .m = m, .ldc = ldc,
                  .rows = rows, .pitch = pitch, .band = band, .pool = pool, .group_blocks = group_blocks,
                  .level = ck_level_capped(level)};
  atomic_init(&j.failed, 0);
  ck_parallel_for(tasks, task, &j);
  free(packed);
  free(offsets);
  return atomic_load(&j.failed) ? -1 : 0;
}

// Output rows per band: at least four (each band reads kernel_h - stride_h rows its
// neighbour copies too) and about 256K multiply-adds.
static long band_rows(long m, const ck_conv_source *s) {
  long per_row = m * s->out_w * s->channels * s->kernel_h * s->kernel_w;
  long band = 262144 / (per_row > 0 ? per_row : 1);
  band = band < 4 ? 4 : band;
  return band < s->out_h ? band : s->out_h;
}

int ck_conv_direct(long m, const float *weights, const ck_conv_source *s, float *c, long ldc,
                   const ck_epilogue *ep, int level) {
  long band = band_rows(m, s);
  return run_direct(m, weights, s, c, ldc, ep, NULL, 0, band, band, (s->out_h + band - 1) / band, band_task, level);
}

int ck_conv_direct_maxpool(long m, const float *weights, const ck_conv_source *s, const ck_epilogue *ep,
                           const ck_maxpool_params *pool, float *y, int level) {
  if (pool->height != s->out_h || pool->width != s->out_w || pool->out_height <= 0 || pool->out_width <= 0) return -1;
  // Bands of up to 12 pooled rows: neighbouring bands both compute the convolution rows
  // their windows share (kernel_h - stride_h of them), a twelfth or less of the work here
  // (at 2 pooled rows a band it was a quarter, and slower than not fusing). The rows are
  // shared out evenly among that many bands (SqueezeNet's 55 as 5 × 11, not 4 × 12 + 7,
  // which left one thread a short band: 300 → 281 µs on two threads). Channel blocks are
  // split among tasks instead, for about four tasks a thread.
  long bands = (pool->out_height + 11) / 12, band = (pool->out_height + bands - 1) / bands;
  long blocks = (m + OCB - 1) / OCB, threads = ck_threads();
  long groups = (4 * threads + bands - 1) / bands;
  groups = groups < 1 ? 1 : groups > blocks ? blocks : groups;
  long group_blocks = (blocks + groups - 1) / groups;
  groups = (blocks + group_blocks - 1) / group_blocks;
  long conv_rows = (band - 1) * pool->stride_h + pool->kernel_h;
  return run_direct(m, weights, s, y, 0, ep, pool, group_blocks, band, conv_rows, bands * groups, pooled_band_task,
                    level);
}
