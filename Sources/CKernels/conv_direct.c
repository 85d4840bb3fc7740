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
#include "ck_conv_direct.h"
#include "ck_parallel.h"

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

static float *scratch(size_t floats) {
  if (floats <= scratch_floats) return scratch_buffer;
  free(scratch_buffer);
  scratch_buffer = malloc(floats * sizeof(float));
  scratch_floats = scratch_buffer ? floats : 0;
  return scratch_buffer;
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
    float *out = j->c + oc * j->ldc + oy * s->out_w;
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
    float *out = j->c + (blk * OCB + o) * j->ldc + oy * s->out_w + ox0;
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

// A band of output rows: its input rows copied into this thread's scratch (small enough to
// stay in L1/L2 while every channel block reads them), then each row, four channels at a time.
static void band_task(void *context, long t) {
  direct_job *shared = context;
  direct_job j = *shared;
  const ck_conv_source *s = j.s;
  long first = t * j.band, last = first + j.band < s->out_h ? first + j.band : s->out_h;
  j.buf = scratch((size_t)(s->channels * j.rows * s->stride_w * j.pitch));
  if (!j.buf) {
    atomic_store(&shared->failed, 1);
    return;
  }
  j.row0 = first;
  long rows = (last - 1 - first) * s->stride_h + s->kernel_h;
  for (long ci = 0; ci < s->channels; ci++) {
    for (long r = 0; r < rows; r++) copy_row(&j, ci, r, first * s->stride_h - s->pad_top + r);
  }
  long blocks = (j.m + OCB - 1) / OCB;
  for (long oy = first; oy < last; oy++) {
    for (long blk = 0; blk < blocks; blk++) {
#if defined(__x86_64__)
      if (j.level == CK_LEVEL_AVX512) {
        row_avx512(&j, oy, blk);
        continue;
      }
#endif
      row_portable(&j, oy, blk);
    }
  }
}

int ck_conv_direct(long m, const float *weights, const ck_conv_source *s, float *c, long ldc,
                   const ck_epilogue *ep, int level) {
  int cpu = ck_gemm_cpu_level();
  long taps = s->channels * s->kernel_h * s->kernel_w, blocks = (m + OCB - 1) / OCB;
  // Bands of at least four rows (each reads kernel_h - stride_h rows its neighbour copies
  // too) and about 256K multiply-adds.
  long per_row = m * s->out_w * taps;
  long band = 262144 / (per_row > 0 ? per_row : 1);
  band = band < 4 ? 4 : band;
  band = band < s->out_h ? band : s->out_h;
  long rows = (band - 1) * s->stride_h + s->kernel_h;
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
                  .rows = rows, .pitch = pitch, .band = band, .level = level >= 0 && level < cpu ? level : cpu};
  atomic_init(&j.failed, 0);
  ck_parallel_for((s->out_h + band - 1) / band, band_task, &j);
  free(packed);
  free(offsets);
  return atomic_load(&j.failed) ? -1 : 0;
}
