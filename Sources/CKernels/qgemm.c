// Int8 convolution as a gemm on 8-bit codes with 32-bit accumulation: activations packed as
// [k/4][pixels][4] uint8 (what VNNI's vpdpbusd multiplies against four signed weight bytes),
// requantized exactly as onnxruntime's QLinearConv (see ck_requant1), so the codes match its.
// The weights' zero point is handled by the row sums of the packed activations; the input's
// by the weights' row sums folded into the bias at load.
#include "ck_parallel.h"
#include "qgemm_internal.h"

#include <stdlib.h>
#include <string.h>

int ck_q_supported(int path) {
  switch (path) {
  case CK_Q_AUTO:
  case CK_Q_PORTABLE: return 1;
  case CK_Q_AVX2: return ck_q_has_avx2();
  case CK_Q_VNNI: return ck_q_has_vnni();
  default: return 0;
  }
}

int ck_q_best(void) { return ck_q_has_vnni() ? CK_Q_VNNI : ck_q_has_avx2() ? CK_Q_AVX2 : CK_Q_PORTABLE; }

void ck_qtile_portable(const ck_qweights *w, const uint8_t *a, const int32_t *asum, long pp, long p0, long pn,
                       long o0, long o1, float *y, long ldy, const ck_requant *rq) {
  int32_t acc[CK_Q_PIXEL_ALIGN];
  for (long o = o0; o < o1; o++) {
    const int8_t *wr = w->w + o * w->kq;
    memset(acc, 0, sizeof acc);
    for (long kk = 0; kk < w->kq / 4; kk++) {
      const uint8_t *ar = a + (kk * pp + p0) * 4;
      const int8_t *wq = wr + 4 * kk;
      for (long p = 0; p < pn; p++) {
        const uint8_t *x = ar + 4 * p;
        acc[p] += x[0] * wq[0] + x[1] * wq[1] + x[2] * wq[2] + x[3] * wq[3];
      }
    }
    for (long p = 0; p < pn; p++) {
      int32_t v = acc[p] + rq->bias[o] - w->wzero[o] * asum[p0 + p];
      y[o * ldy + p0 + p] = ck_requant1(v, o, rq);
    }
  }
}

typedef struct {
  const ck_qweights *w;
  const uint8_t *a;
  const int32_t *asum;
  long pixels, pp, ldy, ptiles, orows;
  float *y;
  const ck_requant *rq;
  ck_qtile_fn tile;
} qgemm_job;

static void qgemm_task(void *context, long t) {
  const qgemm_job *j = context;
  long pt = t % j->ptiles, oc = t / j->ptiles;
  long o0 = oc * j->orows, o1 = o0 + j->orows < j->w->n ? o0 + j->orows : j->w->n;
  long p0 = pt * CK_Q_PIXEL_ALIGN;
  long pn = j->pixels - p0 < CK_Q_PIXEL_ALIGN ? j->pixels - p0 : CK_Q_PIXEL_ALIGN;
  j->tile(j->w, j->a, j->asum, j->pp, p0, pn, o0, o1, j->y, j->ldy, j->rq);
}

typedef struct {
  const ck_qweights *w;
  const uint8_t *a;
  const int32_t *asum;
  long pixels, pp, ldy, orows;
  float *y;
  const ck_requant *rq;
} narrow_job;

static void narrow_task(void *context, long t) {
  const narrow_job *j = context;
  long o0 = t * j->orows, o1 = o0 + j->orows < j->w->n ? o0 + j->orows : j->w->n;
  ck_qnarrow_vnni(j->w, j->a, j->asum, j->pp, j->pixels, o0, o1, j->y, j->ldy, j->rq);
}

void ck_qgemm(const ck_qweights *w, const uint8_t *a, const int32_t *asum, long pixels, long pp, float *y,
              long ldy, const ck_requant *rq, int path) {
  if (path == CK_Q_AUTO || !ck_q_supported(path)) path = ck_q_best();
  if (w->n <= 0 || pixels <= 0) return;
  if (path == CK_Q_VNNI && w->wt && pixels < 16) {
    // Output channels in the lanes: 64 per task.
    narrow_job j = {w, a, asum, pixels, pp, ldy, 64, y, rq};
    ck_parallel_for((w->n + 63) / 64, narrow_task, &j);
    return;
  }
  ck_qtile_fn tile = ck_qtile_portable;
  if (path == CK_Q_VNNI) tile = ck_qtile_vnni;
  if (path == CK_Q_AVX2 && w->w16) tile = ck_qtile_avx2;
  long ptiles = (pixels + CK_Q_PIXEL_ALIGN - 1) / CK_Q_PIXEL_ALIGN;
  // Enough tasks for the pool: split the output channels when the image is small.
  long ochunks = ptiles >= 16 ? 1 : (16 + ptiles - 1) / ptiles;
  long orows = (w->n + ochunks - 1) / ochunks;
  orows = (orows + 7) / 8 * 8;
  ochunks = (w->n + orows - 1) / orows;
  qgemm_job j = {w, a, asum, pixels, pp, ldy, ptiles, orows, y, rq, tile};
  ck_parallel_for(ptiles * ochunks, qgemm_task, &j);
}

// MARK: packing

typedef struct {
  const float *x;
  long ldx, k, pixels, pp, chunk;
  float in_scale, zero;
  uint8_t *a;
  int32_t *asum;
} pack_job;

/// Four rows' codes interleaved; separate loops for codes and values so each vectorises.
static inline void pack4(const float *r0, const float *r1, const float *r2, const float *r3, long p0, long p1,
                         float in_scale, float zero, uint32_t *dst, int32_t *asum) {
  if (in_scale == 0) {
    for (long p = p0; p < p1; p++) {
      uint32_t c0 = (uint32_t)(int32_t)r0[p], c1 = (uint32_t)(int32_t)r1[p];
      uint32_t c2 = (uint32_t)(int32_t)r2[p], c3 = (uint32_t)(int32_t)r3[p];
      dst[p] = (c0 & 255u) | (c1 & 255u) << 8 | (c2 & 255u) << 16 | (c3 & 255u) << 24;
      asum[p] += (int32_t)((c0 & 255u) + (c1 & 255u) + (c2 & 255u) + (c3 & 255u));
    }
  } else {
    for (long p = p0; p < p1; p++) {
      uint32_t c0 = (uint32_t)(int32_t)ck_code_of(r0[p], in_scale, zero) & 255u;
      uint32_t c1 = (uint32_t)(int32_t)ck_code_of(r1[p], in_scale, zero) & 255u;
      uint32_t c2 = (uint32_t)(int32_t)ck_code_of(r2[p], in_scale, zero) & 255u;
      uint32_t c3 = (uint32_t)(int32_t)ck_code_of(r3[p], in_scale, zero) & 255u;
      dst[p] = c0 | c1 << 8 | c2 << 16 | c3 << 24;
      asum[p] += (int32_t)(c0 + c1 + c2 + c3);
    }
  }
}

static inline void pack_rows_range(const pack_job *j, long p0, long p1, float *zeros) {
  long kq = (j->k + 3) / 4 * 4;
  long pend = p1 < j->pixels ? p1 : j->pixels;
  for (long p = p0; p < p1; p++) j->asum[p] = 0;
  for (long kk = 0; kk < kq / 4; kk++) {
    uint32_t *dst = (uint32_t *)(j->a + kk * j->pp * 4);
    const float *r[4];
    // Rows past k read a zero row (code 0 adds nothing; its "code" is 0 for values too only
    // when read as a code, so those rows are always packed as codes).
    int partial = 4 * kk + 3 >= j->k;
    for (int i = 0; i < 4; i++) r[i] = 4 * kk + i < j->k ? j->x + (4 * kk + i) * j->ldx : zeros - p0;
    if (partial && j->in_scale != 0) {
      for (long p = p0; p < pend; p++) {
        uint32_t word = 0;
        int32_t s = 0;
        for (int i = 0; i < 4 && 4 * kk + i < j->k; i++) {
          uint32_t c = (uint32_t)(int32_t)ck_code_of(r[i][p], j->in_scale, j->zero) & 255u;
          word |= c << (8 * i);
          s += (int32_t)c;
        }
        dst[p] = word;
        j->asum[p] += s;
      }
    } else {
      pack4(r[0], r[1], r[2], r[3], p0, pend, j->in_scale, j->zero, dst, j->asum);
    }
    for (long p = pend; p < p1; p++) dst[p] = 0;
  }
}

__attribute__((target("avx512f,avx512bw,avx512vl"))) static void pack_rows_avx512(const pack_job *j, long p0, long p1, float *zeros) {
  pack_rows_range(j, p0, p1, zeros);
}

__attribute__((target("avx2,fma"))) static void pack_rows_avx2(const pack_job *j, long p0, long p1, float *zeros) {
  pack_rows_range(j, p0, p1, zeros);
}

static void pack_task(void *context, long t) {
  const pack_job *j = context;
  long p0 = t * j->chunk, p1 = p0 + j->chunk < j->pp ? p0 + j->chunk : j->pp;
  float *zeros = calloc((size_t)(p1 - p0), sizeof(float));
  if (!zeros) abort();
  if (ck_q_has_vnni()) pack_rows_avx512(j, p0, p1, zeros);
  else if (ck_q_has_avx2()) pack_rows_avx2(j, p0, p1, zeros);
  else pack_rows_range(j, p0, p1, zeros);
  free(zeros);
}

void ck_qpack_rows(const float *x, long ldx, long k, long pixels, long pp, float in_scale, float zero,
                   uint8_t *a, int32_t *asum) {
  long chunk = 1024;
  if (pp / chunk < 8) chunk = (pp / 8 + 63) / 64 * 64;
  if (chunk < 64) chunk = 64;
  pack_job j = {x, ldx, k, pixels, pp, chunk, in_scale, zero, a, asum};
  ck_parallel_for((pp + chunk - 1) / chunk, pack_task, &j);
}

typedef struct {
  const float *x;
  long c, h, w, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow, pp;
  float in_scale, zero;
  uint8_t *a;
  int32_t *asum;
} im2col_job;

/// One code of the im2col matrix: the pixel at column ix of `row`, or the padding's code.
static inline uint32_t im2col_code(const im2col_job *j, const float *row, long ix, uint32_t pad) {
  if (!row || ix < 0 || ix >= j->w) return pad;
  return (uint32_t)(int32_t)ck_code_of(row[ix], j->in_scale, j->zero) & 255u;
}

/// Output row oy: four im2col rows at a time make one 32-bit word per pixel, and the pixels'
/// code sums. Columns whose taps all fall inside the image skip the bounds checks.
static void im2col_task(void *context, long oy) {
  const im2col_job *j = context;
  long k = j->c * j->kh * j->kw;
  long kq = (k + 3) / 4 * 4;
  int32_t *sums = j->asum + oy * j->ow;
  uint32_t zero = (uint32_t)(int32_t)j->zero & 255u;
  for (long ox = 0; ox < j->ow; ox++) sums[ox] = 0;
  // Rows of the padding's code and of 0 (rows past k), read like image rows by the fast loop
  // at any column it visits (codes input only).
  long span = j->ow * j->sw + j->kw * j->dw + j->pl + 8;
  float *fill = malloc(sizeof(float) * (size_t)(4 * span));
  if (!fill) abort();
  for (long i = 0; i < 2 * span; i++) fill[i] = j->zero;
  for (long i = 2 * span; i < 4 * span; i++) fill[i] = 0;
  const float *pad_row = fill + span, *zero_row = fill + 3 * span;
  for (long kk = 0; kk < kq / 4; kk++) {
    const float *rows[4];
    long off[4];
    uint32_t pad[4];
    long lo = 0, hi = j->ow;
    for (int t = 0; t < 4; t++) {
      long r = 4 * kk + t;
      long ci = r / (j->kh * j->kw), i = r / j->kw % j->kh, jj = r % j->kw;
      long iy = oy * j->sh + i * j->dh - j->pt;
      // Rows past k hold 0 (no weight reads them); padding rows the zero point's code.
      rows[t] = r < k && iy >= 0 && iy < j->h ? j->x + (ci * j->h + iy) * j->w : NULL;
      pad[t] = r < k ? zero : 0;
      off[t] = jj * j->dw - j->pl;
      if (!rows[t]) continue;
      // Columns ox with 0 ≤ ox·sw + off < w.
      long first = off[t] >= 0 ? 0 : (-off[t] + j->sw - 1) / j->sw;
      long last = j->w - off[t] > 0 ? (j->w - off[t] - 1) / j->sw + 1 : 0;
      lo = first > lo ? first : lo;
      hi = last < hi ? last : hi;
    }
    uint32_t *dst = (uint32_t *)(j->a + (kk * j->pp + oy * j->ow) * 4);
    int whole = j->in_scale == 0 && lo < hi;
    const float *fast[4];
    for (int t = 0; t < 4; t++) fast[t] = rows[t] ? rows[t] + off[t] : (4 * kk + t < k ? pad_row : zero_row);
    for (long ox = 0; ox < j->ow; ox++) {
      if (whole && ox == lo) {
        const float *r0 = fast[0], *r1 = fast[1], *r2 = fast[2], *r3 = fast[3];
        for (; ox < hi; ox++) {
          long ix = ox * j->sw;
          uint32_t c0 = (uint32_t)(int32_t)r0[ix] & 255u, c1 = (uint32_t)(int32_t)r1[ix] & 255u;
          uint32_t c2 = (uint32_t)(int32_t)r2[ix] & 255u, c3 = (uint32_t)(int32_t)r3[ix] & 255u;
          dst[ox] = c0 | c1 << 8 | c2 << 16 | c3 << 24;
          sums[ox] += (int32_t)(c0 + c1 + c2 + c3);
        }
        if (ox >= j->ow) break;
      }
      uint32_t word = 0;
      int32_t sum = 0;
      for (int t = 0; t < 4; t++) {
        uint32_t c = im2col_code(j, rows[t], ox * j->sw + off[t], pad[t]);
        word |= c << (8 * t);
        sum += (int32_t)c;
      }
      dst[ox] = word;
      sums[ox] += sum;
    }
  }
  free(fill);
}

void ck_qpack_im2col(const float *x, long c, long h, long w, long kh, long kw, long sh, long sw, long pt,
                     long pl, long dh, long dw, long oh, long ow, long pp, float in_scale, float zero,
                     uint8_t *a, int32_t *asum) {
  im2col_job j = {x, c, h, w, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow, pp, in_scale, zero, a, asum};
  long kq = (c * kh * kw + 3) / 4 * 4;
  for (long kk = 0; kk < kq / 4; kk++) memset(a + (kk * pp + oh * ow) * 4, 0, (size_t)(pp - oh * ow) * 4);
  for (long p = oh * ow; p < pp; p++) asum[p] = 0;
  ck_parallel_for(oh, im2col_task, &j);
}
