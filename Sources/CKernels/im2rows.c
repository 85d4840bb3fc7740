// Training's unfolded input as rows (see ck_im2rows.h). A kernel row is kernel_w floats
// (5 for LeNet), too short for a library call per run: the copies are inline loops, and a
// row that lies wholly inside the image skips the per-element bounds checks. With AVX-512
// a kernel row of up to 16 floats is one masked load and one masked store, its columns
// outside the image masked off the load (so they read as zeros and are never touched).
#include "ck_im2rows.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

static void portable(const float *x, long image_stride, long images, const ck_conv_source *g, float *rows) {
  const long kh = g->kernel_h, kw = g->kernel_w, h = g->height, w = g->width;
  const long plane = h * w, k = g->channels * kh * kw;
  const long span = (kw - 1) * g->dilation_w;  // the kernel row's reach past its first column
  for (long i = 0; i < images; i++) {
    const float *image = x + i * image_stride;
    for (long oy = 0; oy < g->out_h; oy++) {
      const long y0 = oy * g->stride_h - g->pad_top;
      for (long ox = 0; ox < g->out_w; ox++) {
        float *out = rows + ((i * g->out_h + oy) * g->out_w + ox) * k;
        const long x0 = ox * g->stride_w - g->pad_left;
        const int inside = x0 >= 0 && x0 + span < w;
        for (long c = 0; c < g->channels; c++) {
          const float *channel = image + c * plane;
          for (long ki = 0; ki < kh; ki++, out += kw) {
            const long iy = y0 + ki * g->dilation_h;
            if (iy < 0 || iy >= h) {
              for (long kj = 0; kj < kw; kj++) out[kj] = 0;
              continue;
            }
            const float *src = channel + iy * w + x0;
            if (inside && g->dilation_w == 1) {
              for (long kj = 0; kj < kw; kj++) out[kj] = src[kj];
            } else {
              for (long kj = 0; kj < kw; kj++) {
                const long ix = x0 + kj * g->dilation_w;
                out[kj] = ix >= 0 && ix < w ? src[kj * g->dilation_w] : 0;
              }
            }
          }
        }
      }
    }
  }
}

#if defined(__x86_64__)

// portable's loop nest again, with the column mask worked out once per output position: one
// nest shared through an inlined row callback measured half again as slow (9.1 % of a LeNet
// step against 6.2 %).
__attribute__((target("avx512f"))) static void run512(
    const float *x, long image_stride, long images, const ck_conv_source *g, float *rows) {
  const long kh = g->kernel_h, kw = g->kernel_w, h = g->height, w = g->width;
  const long plane = h * w, k = g->channels * kh * kw;
  const __mmask16 row = (__mmask16)((1u << kw) - 1);
  for (long i = 0; i < images; i++) {
    const float *image = x + i * image_stride;
    for (long oy = 0; oy < g->out_h; oy++) {
      const long y0 = oy * g->stride_h - g->pad_top;
      for (long ox = 0; ox < g->out_w; ox++) {
        float *out = rows + ((i * g->out_h + oy) * g->out_w + ox) * k;
        const long x0 = ox * g->stride_w - g->pad_left;
        // Columns kj with 0 ≤ x0 + kj < w.
        const long lo = x0 < 0 ? -x0 : 0, hi = w - x0 < kw ? w - x0 : kw;
        const __mmask16 valid = hi > lo ? (__mmask16)(((1u << hi) - 1) & ~((1u << lo) - 1)) : 0;
        for (long c = 0; c < g->channels; c++) {
          const float *channel = image + c * plane;
          for (long ki = 0; ki < kh; ki++, out += kw) {
            const long iy = y0 + ki * g->dilation_h;
            const __mmask16 m = iy < 0 || iy >= h ? 0 : valid;
            _mm512_mask_storeu_ps(out, row, _mm512_maskz_loadu_ps(m, channel + iy * w + x0));
          }
        }
      }
    }
  }
}

#endif

void ck_im2rows(const float *x, long image_stride, long images, const ck_conv_source *g, float *rows) {
#if defined(__x86_64__)
  // One masked move per kernel row: rows of up to 16 contiguous columns.
  if (g->kernel_w <= 16 && g->dilation_w == 1 && ck_gemm_level() == CK_LEVEL_AVX512) {
    run512(x, image_stride, images, g, rows);
    return;
  }
#endif
  portable(x, image_stride, images, g, rows);
}
