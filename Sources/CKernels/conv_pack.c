// Convolutions as gemms without an unfolded matrix: the input is copied once with its
// padding written out, and each task packs its panels straight from that copy.
#include "ck_gemm.h"
#include "ck_parallel.h"
#include "gemm_internal.h"

#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// The columns of one 16-wide panel split into runs that stay in one output row.
typedef struct {
  int t0, len;
  long base;  // offset of the run's first column for kernel row (0, 0, 0)
} run_t;

// Every other float of in[0..32) into out[0..16): stride-2 convolutions' runs (reads up to
// in[31], which the padded input's slack covers).
#if defined(__x86_64__)
__attribute__((target("avx2"))) static void copy_stride2_16(float *out, const float *in) {
  for (int h = 0; h < 2; h++) {
    __m256 a = _mm256_loadu_ps(in + 16 * h), b = _mm256_loadu_ps(in + 16 * h + 8);
    __m256 even = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
    even = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(even), _MM_SHUFFLE(3, 1, 2, 0)));
    _mm256_storeu_ps(out + 8 * h, even);
  }
}
#else
static void copy_stride2_16(float *out, const float *in) {
  for (int e = 0; e < 16; e++) out[e] = in[2 * e];
}
#endif

// Rows [pc, pc + kc) and columns [c0, c0 + cols) of the implicit im2col matrix (images
// stacked as columns when image_cols is not 0), packed
// like pack_b. A run copies 16 floats whatever its length (the next run or the next row,
// packed after it, overwrites the excess), which keeps the copies fixed-size vector moves.
void ck__pack_conv(long kc, long pc, long c0, long cols, long image_cols, const padded_t *v, float *dst) {
  const long kk = v->kernel_h * v->kernel_w;
  // Runs of all panels of the tile, in column order; runs never straddle a panel.
  enum { MAX_RUNS = 4 * NR * 16 };
  run_t runs[MAX_RUNS];
  int count = 0;
  for (long q = 0; q * NR < cols && count < MAX_RUNS - NR; q++) {
    long col = c0 + q * NR, left = cols - q * NR < NR ? cols - q * NR : NR;
    int width = 0;
    while (left > 0) {
      long img = image_cols ? col / image_cols : 0, at = col - img * image_cols;
      long oy = at / v->out_w, ox = at % v->out_w;
      long len = v->out_w - ox < left ? v->out_w - ox : left;
      // t0 is the run's offset in the packed block's row 0; an image ends with a row, so
      // no run crosses into the next image.
      runs[count++] = (run_t){(int)(q * kc * NR + width), (int)len,
                              img * v->image + oy * v->stride_h * v->wp + ox * v->stride_w};
      width += (int)len;
      col += len;
      left -= len;
    }
  }
  long tail = cols % NR;  // live columns of a partial last panel
  float *last = tail ? dst + cols / NR * kc * NR : NULL;
  long ch = pc / kk, ki = pc % kk / v->kernel_w, kj = pc % v->kernel_w;
  const int avx2 = ck_gemm_uses_avx2();
  for (long p = 0; p < kc; p++) {
    const float *src = v->x + ch * v->plane + ki * v->row_step + kj * v->dilation_w;
    float *row = dst + p * NR;
    if (v->stride_w == 1 && p + 1 < kc) {
      for (int r = 0; r < count; r++) memcpy(row + runs[r].t0, src + runs[r].base, NR * sizeof(float));
    } else if (v->stride_w == 1) {
      // The last row's excess would land in the next panel's first row, already packed.
      for (int r = 0; r < count; r++) memcpy(row + runs[r].t0, src + runs[r].base, (size_t)runs[r].len * sizeof(float));
    } else if (v->stride_w == 2 && p + 1 < kc && avx2) {
      for (int r = 0; r < count; r++) copy_stride2_16(row + runs[r].t0, src + runs[r].base);
    } else {
      for (int r = 0; r < count; r++) {
        const float *in = src + runs[r].base;
        float *out = row + runs[r].t0;
        for (long e = 0; e < runs[r].len; e++) out[e] = in[e * v->stride_w];
      }
    }
    if (last) memset(last + p * NR + tail, 0, (size_t)(NR - tail) * sizeof(float));
    if (++kj == v->kernel_w) {
      kj = 0;
      if (++ki == v->kernel_h) {
        ki = 0;
        ch++;
      }
    }
  }
}

typedef struct {
  const ck_conv_source *s;
  float *padded;
  long hp, wp, x_stride;
} pad_job;

// A padded row is a few dozen floats at most on the maps that pad (13 to 57 columns), so the
// library calls (three a row: left zeros, the copy, right zeros) cost more than the work:
// inline loops instead (no_builtin keeps the compiler from turning them back into calls).
__attribute__((no_builtin("memset", "memcpy"))) static inline void pad_row(float *row, const float *src, long lo,
                                                                             long hi, long wp) {
  for (long x = 0; x < lo; x++) row[x] = 0.0f;
  for (long x = lo; x < hi; x++) row[x] = src[x - lo];
  for (long x = hi; x < wp; x++) row[x] = 0.0f;
}

__attribute__((no_builtin("memset", "memcpy"))) void ck__pad_plane(const ck_conv_source *s, long x_stride,
                                                                   float *padded, long hp, long wp, long c) {
  float *dst = padded + c * hp * wp;
  long img = c / s->channels;
  const float *src = s->x + img * x_stride + (c - img * s->channels) * s->height * s->width;
  for (long y = 0; y < hp; y++) {
    long iy = y - s->pad_top;
    float *row = dst + y * wp;
    if (iy < 0 || iy >= s->height) {
      pad_row(row, NULL, 0, 0, wp);
      continue;
    }
    // Columns [lo, hi) of the padded row come from the input row; the rest are zeros.
    long lo = s->pad_left < wp ? s->pad_left : wp;
    long hi = s->pad_left + s->width < wp ? s->pad_left + s->width : wp;
    if (hi < lo) hi = lo;
    pad_row(row, src + iy * s->width + (lo - s->pad_left), lo, hi, wp);
  }
}

// Channel c of the stacked images' inputs (image c / channels) with its padding.
static void pad_channel(void *context, long c) {
  const pad_job *j = context;
  ck__pad_plane(j->s, j->x_stride, j->padded, j->hp, j->wp, c);
}

int ck_conv_gemm_batched(long m, const float *packed_a, const ck_conv_source *s, const ck_batch *batch, float *c,
                         long ldc, const ck_epilogue *epilogue) {
  long count = batch ? batch->count : 1;
  if (s->out_h <= 0 || s->out_w <= 0 || m <= 0 || count <= 0) return 0;
  // Just the rows and columns the windows reach, plus slack for the 16-float run copies.
  long hp = (s->out_h - 1) * s->stride_h + (s->kernel_h - 1) * s->dilation_h + 1;
  long wp = (s->out_w - 1) * s->stride_w + (s->kernel_w - 1) * s->dilation_w + 1;
  long channels = count * s->channels;
  float *padded = malloc(((size_t)channels * hp * wp + 2 * NR) * sizeof(float));
  if (!padded) return -1;
  pad_job pj = {s, padded, hp, wp, batch ? batch->x_stride : 0};
  // A small input is copied faster than the pool can be woken to share the copy.
  if (channels * hp * wp < 32768) {
    for (long ch = 0; ch < channels; ch++) pad_channel(&pj, ch);
  } else {
    ck_parallel_for(channels, pad_channel, &pj);
  }
  memset(padded + channels * hp * wp, 0, 2 * NR * sizeof(float));
  padded_t v = {.x = padded, .wp = wp, .plane = hp * wp, .kernel_h = s->kernel_h, .kernel_w = s->kernel_w,
                .stride_w = s->stride_w, .dilation_w = s->dilation_w, .row_step = s->dilation_h * wp,
                .out_w = s->out_w, .stride_h = s->stride_h, .image = s->channels * hp * wp};
  long plane = s->out_h * s->out_w;
  gemm_job job = {.m = m, .n = plane * count, .k = s->channels * s->kernel_h * s->kernel_w, .ldc = ldc,
                  .packed_a = packed_a, .source = &v, .c = c, .ep = epilogue};
  if (batch) {
    job.image_cols = plane;
    job.c_image = batch->c_stride;
    job.residual_image = batch->residual_stride;
  }
  int status = ck__run_gemm(job);
  free(padded);
  return status;
}

int ck_conv_gemm(long m, const float *packed_a, const ck_conv_source *s, float *c, long ldc,
                 const ck_epilogue *epilogue) {
  return ck_conv_gemm_batched(m, packed_a, s, NULL, c, ldc, epilogue);
}
