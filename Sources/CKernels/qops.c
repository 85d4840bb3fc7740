// The other steps of a quantized network on 8-bit codes, each computing what onnxruntime's
// QLinear kernel computes (the same float operations in the same order), so codes match:
// depthwise convolution (QLinearConv with group = channels), QLinearAdd, QLinearAveragePool
// and QLinearSoftmax. Codes travel as floats holding small integers (Tabby's uint8 tensors).
#include "ck_parallel.h"
#include "qgemm_internal.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const float *x, *wd;
  long h, w, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow;
  float in_scale, zero;
  float *y;
  const ck_requant *rq;
} dw_job;

/// One channel: (x − zero) into a zero-padded plane, then the taps as float multiply-adds of
/// small integers (exact: |sum| ≤ 256·255·255 < 2^24), then MLAS's requantization.
static inline void depthwise_plane(const dw_job *j, long ch, float *pad, float *acc) {
  long ph = (j->oh - 1) * j->sh + (j->kh - 1) * j->dh + 1, pw = (j->ow - 1) * j->sw + (j->kw - 1) * j->dw + 1;
  const float *x = j->x + ch * j->h * j->w;
  memset(pad, 0, sizeof(float) * (size_t)(ph * pw));
  for (long r = 0; r < ph; r++) {
    long iy = r - j->pt;
    if (iy < 0 || iy >= j->h) continue;
    for (long c = 0; c < pw; c++) {
      long ix = c - j->pl;
      if (ix >= 0 && ix < j->w) pad[r * pw + c] = ck_code_of(x[iy * j->w + ix], j->in_scale, j->zero) - j->zero;
    }
  }
  const float *wd = j->wd + ch * j->kh * j->kw;
  float *y = j->y + ch * j->oh * j->ow;
  int32_t b = j->rq->bias[ch];
  // One output row at a time, so it stays in L1 while every tap adds to it.
  for (long oy = 0; oy < j->oh; oy++) {
    for (long ox = 0; ox < j->ow; ox++) acc[ox] = 0;
    for (long ky = 0; ky < j->kh; ky++) {
      const float *prow = pad + (oy * j->sh + ky * j->dh) * pw;
      for (long kx = 0; kx < j->kw; kx++) {
        float wv = wd[ky * j->kw + kx];
        const float *row = prow + kx * j->dw;
        if (j->sw == 1) {
          for (long ox = 0; ox < j->ow; ox++) acc[ox] = acc[ox] + wv * row[ox];
        } else {
          for (long ox = 0; ox < j->ow; ox++) acc[ox] = acc[ox] + wv * row[ox * j->sw];
        }
      }
    }
    float *out = y + oy * j->ow;
    for (long ox = 0; ox < j->ow; ox++) out[ox] = ck_requant1((int32_t)acc[ox] + b, ch, j->rq);
  }
}

__attribute__((target("avx512f,avx512bw,avx512vl"))) static void depthwise_avx512(const dw_job *j, long ch,
                                                                                   float *pad, float *acc) {
  depthwise_plane(j, ch, pad, acc);
}

__attribute__((target("avx2"))) static void depthwise_avx2(const dw_job *j, long ch, float *pad, float *acc) {
  depthwise_plane(j, ch, pad, acc);
}

static void depthwise_task(void *context, long ch) {
  const dw_job *j = context;
  long ph = (j->oh - 1) * j->sh + (j->kh - 1) * j->dh + 1, pw = (j->ow - 1) * j->sw + (j->kw - 1) * j->dw + 1;
  float *pad = malloc(sizeof(float) * (size_t)(ph * pw + j->ow));
  if (!pad) abort();
  if (ck_q_has_vnni()) depthwise_avx512(j, ch, pad, pad + ph * pw);
  else if (ck_q_has_avx2()) depthwise_avx2(j, ch, pad, pad + ph * pw);
  else depthwise_plane(j, ch, pad, pad + ph * pw);
  free(pad);
}

void ck_qdepthwise(const float *x, long c, long h, long w, const float *wd, long kh, long kw, long sh, long sw,
                   long pt, long pl, long dh, long dw, long oh, long ow, float in_scale, float zero, float *y,
                   const ck_requant *rq) {
  if (oh <= 0 || ow <= 0) return;
  dw_job j = {x, wd, h, w, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow, in_scale, zero, y, rq};
  ck_parallel_for(c, depthwise_task, &j);
}

typedef struct {
  const float *a, *b;
  long count, chunk;
  float sa, za, as, sb, zb, bs, sc, zc, lo, hi;
  int dequantize;
  float *y;
} add_job;

// One body for both builds: fmaf is exact (one rounding) either way; inlined into the
// AVX2/FMA function it becomes the hardware instruction, elsewhere the libm call.
static inline __attribute__((always_inline)) void add_body(const add_job *j, long i0, long i1) {
  // The job's fields in locals and the arrays restrict: stores to y could otherwise alias the
  // job's floats, which keeps the compiler from vectorising the loop (1.7 ns an element).
  const float *restrict xa = j->a, *restrict xb = j->b;
  float *restrict y = j->y;
  const float as = j->as, za = j->za, bs = j->bs, zb = j->zb, zc = j->zc, sc = j->sc, lo = j->lo, hi = j->hi;
  const int dequantize = j->dequantize;
  float rac = j->sa / sc, rbc = j->sb / sc;
  float ta = rac * za, tb = rbc * zb;
  float t = ta + tb;
  float fixed = zc - t;
  for (long i = i0; i < i1; i++) {
    float a = ck_code_of(xa[i], as, za), b = ck_code_of(xb[i], bs, zb);
    float c = fmaf(a, rac, fmaf(b, rbc, fixed));
    c = ck_round(c > -4194304.0f ? (c < 4194304.0f ? c : 4194304.0f) : -4194304.0f);
    c = c > lo ? c : lo;
    c = c < hi ? c : hi;
    y[i] = dequantize ? (c - zc) * sc : c;
  }
}

__attribute__((target("avx2,fma"))) static void add_range_fma(const add_job *j, long i0, long i1) {
  add_body(j, i0, i1);
}

static void add_range(const add_job *j, long i0, long i1) { add_body(j, i0, i1); }

static void add_task(void *context, long t) {
  const add_job *j = context;
  long i0 = t * j->chunk, i1 = i0 + j->chunk < j->count ? i0 + j->chunk : j->count;
  if (ck_q_has_avx2()) add_range_fma(j, i0, i1);
  else add_range(j, i0, i1);
}

void ck_qadd(const float *a, const float *b, long count, float sa, float za, float a_scale, float sb, float zb,
             float b_scale, float sc, float zc, float lo, float hi, int dequantize, float *y) {
  add_job j = {a, b, count, 16384, sa, za, a_scale, sb, zb, b_scale, sc, zc, lo, hi, dequantize, y};
  ck_parallel_for((count + j.chunk - 1) / j.chunk, add_task, &j);
}

typedef struct {
  const float *x;
  long planes, h, w, kh, kw, sh, sw, pt, pl, oh, ow;
  int count_include_pad, dequantize;
  float xs, xz, in_scale, ys, yz, lo, hi;
  float *y;
} avgpool_job;

enum { POOL_LANES = 8, POOL_PLANES_PER_TASK = 64 };

// Planes [c0, c0 + n), n ≤ POOL_LANES, in lockstep: each plane's sum adds its taps in the
// same order as one plane alone would (onnxruntime's), but the planes' sums are independent
// chains, so the adds overlap instead of waiting on each other's latency.
static void avgpool_lanes(const avgpool_job *j, long c0, long n) {
  for (long oy = 0; oy < j->oh; oy++) {
    long y0 = oy * j->sh - j->pt, y1 = y0 + j->kh < j->h ? y0 + j->kh : j->h;
    y0 = y0 > 0 ? y0 : 0;
    for (long ox = 0; ox < j->ow; ox++) {
      long x0 = ox * j->sw - j->pl, x1 = x0 + j->kw < j->w ? x0 + j->kw : j->w;
      x0 = x0 > 0 ? x0 : 0;
      float sum[POOL_LANES] = {0};
      for (long iy = y0; iy < y1; iy++) {
        for (long ix = x0; ix < x1; ix++) {
          for (long k = 0; k < n; k++) {
            float code = ck_code_of(j->x[(c0 + k) * j->h * j->w + iy * j->w + ix], j->in_scale, j->xz);
            sum[k] += j->xs * (float)((int32_t)code - (int32_t)j->xz);
          }
        }
      }
      long count = j->count_include_pad ? j->kh * j->kw : (y1 - y0) * (x1 - x0);
      for (long k = 0; k < n; k++) {
        float mean = sum[k] / (float)count;
        float q = nearbyintf(mean / j->ys + j->yz);
        q = q < j->hi ? q : j->hi;
        q = q > j->lo ? q : j->lo;
        j->y[((c0 + k) * j->oh + oy) * j->ow + ox] = j->dequantize ? (q - j->yz) * j->ys : q;
      }
    }
  }
}

static void avgpool_task(void *context, long t) {
  const avgpool_job *j = context;
  long first = t * POOL_PLANES_PER_TASK;
  long last = first + POOL_PLANES_PER_TASK < j->planes ? first + POOL_PLANES_PER_TASK : j->planes;
  for (long c = first; c < last; c += POOL_LANES) avgpool_lanes(j, c, last - c < POOL_LANES ? last - c : POOL_LANES);
}

void ck_qavgpool(const float *x, long planes, long h, long w, long kh, long kw, long sh, long sw, long pt, long pl,
                 long oh, long ow, int count_include_pad, float xs, float xz, float in_scale, float ys, float yz,
                 float lo, float hi, int dequantize, float *y) {
  avgpool_job j = {x, planes, h, w, kh, kw, sh, sw, pt, pl, oh, ow, count_include_pad, dequantize,
                   xs, xz, in_scale, ys, yz, lo, hi, y};
  ck_parallel_for((planes + POOL_PLANES_PER_TASK - 1) / POOL_PLANES_PER_TASK, avgpool_task, &j);
}

void ck_qsoftmax(const float *x, long rows, long d, float xs, float xz, float in_scale, float ys, float yz,
                 float *y) {
  if (d <= 0) return;
  // onnxruntime's table: exp((i − 255 + shift)·xs) with a shift that keeps Σ below FLT_MAX.
  float table[256];
  double shift = log((double)(FLT_MAX / (float)d));
  shift = (shift - 5 > 0 ? shift - 5 : 0) / (double)xs;
  for (int i = 0; i < 256; i++) table[i] = (float)exp(((double)i - 255 + shift) * (double)xs);
  float yscale = floorf(1.0f / ys);
  for (long r = 0; r < rows; r++) {
    const float *xr = x + r * d;
    float *yr = y + r * d;
    int codes_max = 0;
    for (long i = 0; i < d; i++) {
      int c = (int)ck_code_of(xr[i], in_scale, xz);
      codes_max = c > codes_max ? c : codes_max;
    }
    const float *shifted = table + 255 - codes_max;
    float sum = 0;
    for (long i = 0; i < d; i++) sum += shifted[(int)ck_code_of(xr[i], in_scale, xz)];
    for (long i = 0; i < d; i++) {
      float t = shifted[(int)ck_code_of(xr[i], in_scale, xz)];
      float q = nearbyintf((t * yscale) / sum) + yz;
      yr[i] = sum == 0 ? yz : (q > 255 ? 255 : q);
    }
  }
}

typedef struct {
  const float *x;
  long n, chunk;
  float in_scale, zero;
  float *y;
} elementwise_job;

static inline void centre_range(const elementwise_job *j, long i0, long i1) {
  const float *x = j->x;
  float *y = j->y;
  float s = j->in_scale, z = j->zero;
  if (s == 0) {
    for (long i = i0; i < i1; i++) y[i] = x[i] - z;
  } else {
    for (long i = i0; i < i1; i++) y[i] = ck_code_of(x[i], s, z) - z;
  }
}

__attribute__((target("avx512f,avx512bw,avx512vl"))) static void centre_avx512(const elementwise_job *j, long i0,
                                                                                long i1) {
  centre_range(j, i0, i1);
}

static void centre_task(void *context, long t) {
  const elementwise_job *j = context;
  long i0 = t * j->chunk, i1 = i0 + j->chunk < j->n ? i0 + j->chunk : j->n;
  if (ck_q_has_vnni()) centre_avx512(j, i0, i1);
  else centre_range(j, i0, i1);
}

void ck_qcentre(const float *x, long n, float in_scale, float zero, float *y) {
  elementwise_job j = {x, n, 16384, in_scale, zero, y};
  ck_parallel_for((n + j.chunk - 1) / j.chunk, centre_task, &j);
}

#if defined(__x86_64__)
#include <immintrin.h>

/// The requantization of acc[i] + base for the first multiple of 16 of n; returns how many.
__attribute__((target("avx512f"))) static long ck_requant16(const float *acc, float *y, long n, int32_t base,
                                                            float s, float lo, float hi, float zero, float os,
                                                            int deq) {
  const __m512i vb = _mm512_set1_epi32(base);
  const __m512 vs = _mm512_set1_ps(s), vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
  const __m512 vz = _mm512_set1_ps(zero), vos = _mm512_set1_ps(os);
  long i = 0;
  for (; i + 16 <= n; i += 16) {
    __m512i v = _mm512_add_epi32(_mm512_cvttps_epi32(_mm512_loadu_ps(acc + i)), vb);
    __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(v), vs);
    f = _mm512_min_ps(_mm512_max_ps(f, vlo), vhi);
    f = _mm512_roundscale_ps(f, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    _mm512_storeu_ps(y + i, deq ? _mm512_mul_ps(f, vos) : _mm512_add_ps(f, vz));
  }
  return i;
}
#endif

typedef struct {
  const float *acc, *wd;
  long channels, oh, ow, h, w, kh, kw, sh, sw, pt, pl;
  float xz;
  float *y;
  const ck_requant *rq;
} requant_dw_job;

/// One output of a depthwise plane: the zero point's share over the taps inside the image.
static inline float requant_dw_one(const requant_dw_job *j, const float *wd, long oy, long ox, float a, long ch) {
  long iy = oy * j->sh - j->pt, ix = ox * j->sw - j->pl;
  int32_t corr = 0;
  for (long ky = 0; ky < j->kh; ky++)
    for (long kx = 0; kx < j->kw; kx++)
      if (iy + ky >= 0 && iy + ky < j->h && ix + kx >= 0 && ix + kx < j->w) corr += (int32_t)wd[ky * j->kw + kx];
  return ck_requant1((int32_t)a + j->rq->bias[ch] - (int32_t)j->xz * corr, ch, j->rq);
}

/// Every output as if all its taps were inside (one vector pass), then the border outputs
/// (rows and columns whose taps reach into the padding) again with their own share.
static inline void requant_dw_plane(const requant_dw_job *j, long c, int vector) {
  long ch = c % j->channels, n = j->oh * j->ow;
  const float *acc = j->acc + c * n, *wd = j->wd + ch * j->kh * j->kw;
  float *y = j->y + c * n;
  int32_t full = 0;
  for (long t = 0; t < j->kh * j->kw; t++) full += (int32_t)wd[t];
  int32_t base = j->rq->bias[ch] - (int32_t)j->xz * full;
  float s = j->rq->scale[ch], zero = j->rq->zero, lo = j->rq->lo - zero, hi = j->rq->hi - zero;
  float os = j->rq->out_scale;
  int deq = j->rq->dequantize;
  long i = 0;
#if defined(__x86_64__)
  if (vector) i = ck_requant16(acc, y, n, base, s, lo, hi, zero, os, deq);
#else
  (void)vector;
#endif
  for (; i < n; i++) {
    float f = (float)((int32_t)acc[i] + base) * s;
    f = f > lo ? f : lo;
    f = f < hi ? f : hi;
    y[i] = deq ? ck_round(f) * os : ck_round(f) + zero;
  }
  long oy0 = (j->pt + j->sh - 1) / j->sh, ox0 = (j->pl + j->sw - 1) / j->sw;
  long oy1 = j->h - j->kh + j->pt >= 0 ? (j->h - j->kh + j->pt) / j->sh + 1 : 0;
  long ox1 = j->w - j->kw + j->pl >= 0 ? (j->w - j->kw + j->pl) / j->sw + 1 : 0;
  for (long oy = 0; oy < j->oh; oy++) {
    int edge_row = oy < oy0 || oy >= oy1;
    for (long ox = 0; ox < j->ow; ox++) {
      if (!edge_row && ox >= ox0 && ox < ox1) {
        ox = ox1 - 1;
        continue;
      }
      y[oy * j->ow + ox] = requant_dw_one(j, wd, oy, ox, acc[oy * j->ow + ox], ch);
    }
  }
}

static void requant_dw_task(void *context, long c) {
  const requant_dw_job *j = context;
  requant_dw_plane(j, c, ck_q_has_vnni());
}

void ck_qrequant_depthwise(const float *acc, long planes, long channels, long oh, long ow, long h, long w,
                           const float *wd, long kh, long kw, long sh, long sw, long pt, long pl, float xz,
                           const ck_requant *rq, float *y) {
  if (kw > 16) abort();
  requant_dw_job j = {acc, wd, channels, oh, ow, h, w, kh, kw, sh, sw, pt, pl, xz, y, rq};
  ck_parallel_for(planes, requant_dw_task, &j);
}
