// Training's input gradient folded back into images (see ck_col2im.h). An output row is
// out_w floats (8 for LeNet's second convolution): with AVX2 the part of it whose input lies
// inside the image is added 8 and 4 floats at a time (one vector for LeNet).
#include "ck_col2im.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// The output columns [lo, hi) of kernel column kj whose input column lies inside the image.
static void inside_columns(const ck_conv_source *g, long kj, long *lo, long *hi) {
  const long offset = kj * g->dilation_w - g->pad_left, sw = g->stride_w;
  long l = offset >= 0 ? 0 : (-offset + sw - 1) / sw;
  l = l < g->out_w ? l : g->out_w;
  long h = (g->width - offset + sw - 1) / sw;
  h = h < g->out_w ? h : g->out_w;
  *lo = l;
  *hi = h > l ? h : l;
}

static void portable(const float *cols, long image_stride, long images, const ck_conv_source *g, float *x) {
  const long plane = g->height * g->width, out_plane = g->out_h * g->out_w, row_length = images * out_plane;
  for (long c = 0; c < g->channels; c++) {
    for (long ki = 0; ki < g->kernel_h; ki++) {
      for (long kj = 0; kj < g->kernel_w; kj++) {
        const float *row = cols + ((c * g->kernel_h + ki) * g->kernel_w + kj) * row_length;
        long lo, hi;
        inside_columns(g, kj, &lo, &hi);
        const long offset = kj * g->dilation_w - g->pad_left;
        for (long n = 0; n < images; n++) {
          float *channel = x + n * image_stride + c * plane;
          const float *src = row + n * out_plane;
          for (long oy = 0; oy < g->out_h; oy++) {
            const long iy = oy * g->stride_h - g->pad_top + ki * g->dilation_h;
            if (iy < 0 || iy >= g->height) continue;
            float *dst = channel + iy * g->width + offset;
            const float *s = src + oy * g->out_w;
            for (long ox = lo; ox < hi; ox++) dst[ox * g->stride_w] += s[ox];
          }
        }
      }
    }
  }
}

#if defined(__x86_64__)

// dst[i] += s[i] over n floats: 8, then 4, then one at a time. Unmasked: a masked
// load-add-store per row took twice as long on Zen 4 (10.5 % of a LeNet step against 5.3 %).
__attribute__((target("avx2"))) static inline void add_row(float *dst, const float *s, long n) {
  long i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, _mm256_add_ps(_mm256_loadu_ps(dst + i), _mm256_loadu_ps(s + i)));
  if (i + 4 <= n) {
    _mm_storeu_ps(dst + i, _mm_add_ps(_mm_loadu_ps(dst + i), _mm_loadu_ps(s + i)));
    i += 4;
  }
  for (; i < n; i++) dst[i] += s[i];
}

// portable's loop nest again, written out: one nest shared through an inlined row callback
// measured a fifth slower here (5.8-6.0 % of a LeNet step against 4.8-4.9 %).
__attribute__((target("avx2"))) static void run256(
    const float *cols, long image_stride, long images, const ck_conv_source *g, float *x) {
  const long plane = g->height * g->width, out_plane = g->out_h * g->out_w, row_length = images * out_plane;
  for (long c = 0; c < g->channels; c++) {
    for (long ki = 0; ki < g->kernel_h; ki++) {
      for (long kj = 0; kj < g->kernel_w; kj++) {
        const float *row = cols + ((c * g->kernel_h + ki) * g->kernel_w + kj) * row_length;
        long lo, hi;
        inside_columns(g, kj, &lo, &hi);
        const long offset = kj * g->dilation_w - g->pad_left;
        for (long n = 0; n < images; n++) {
          float *channel = x + n * image_stride + c * plane;
          const float *src = row + n * out_plane;
          for (long oy = 0; oy < g->out_h; oy++) {
            const long iy = oy * g->stride_h - g->pad_top + ki * g->dilation_h;
            if (iy < 0 || iy >= g->height) continue;
            add_row(channel + iy * g->width + offset + lo, src + oy * g->out_w + lo, hi - lo);
          }
        }
      }
    }
  }
}

#endif

void ck_col2im(const float *cols, long image_stride, long images, const ck_conv_source *g, float *x) {
#if defined(__x86_64__)
  // Contiguous output columns only: a strided scatter gains nothing from vectors.
  if (g->stride_w == 1 && ck_gemm_level() >= CK_LEVEL_AVX2) {
    run256(cols, image_stride, images, g, x);
    return;
  }
#endif
  portable(cols, image_stride, images, g, x);
}
