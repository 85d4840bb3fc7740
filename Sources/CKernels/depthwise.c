// 3×3 depthwise convolution over NCHW planes with the bias, activation and fake quantization
// fused. Each input plane is first copied into a zero-bordered scratch plane (one per
// thread), so the loops never test bounds: the padding is real zeros. At stride 2 the AVX2
// path also splits every padded row into its even and odd columns while copying, so a row of
// outputs reads contiguous vectors instead of gathering.
//
// Every output adds its taps in the same order on every path (bias, then the nine taps in
// kernel order, each with one rounding as fmaf does), so the AVX2 and portable results are
// identical and a fake-quantized output matches the Swift fakeQuantize bit for bit.
#include "ck_depthwise.h"
#include "depthwise_internal.h"
#include "scratch_internal.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

ck_dw_layout ck_dw_layout_for(const ck_depthwise_params *p, int split) {
  long s = p->stride;
  // Vector loops read whole vectors past a row's last output and the AVX2 copies write whole
  // vectors (of zeros) past its last input column: the slack keeps both inside the row.
  long wide = (p->out_width + 7) / 8 * 8 + 16;
  long span = (p->out_width - 1) * s + 3;
  long columns = p->width < span - p->pad_left ? p->width : span - p->pad_left;
  ck_dw_layout l = {.rows = (p->out_height - 1) * s + 3, .pitch = span > wide ? span : wide, .half = 0,
                    .columns = columns};
  if (split) {
    l.half = wide;
    l.pitch = 2 * wide;
  }
  return l;
}

// One buffer per thread, grown when a larger plane comes (a few hundred KB), kept until
// ck_release_thread_scratch.
static _Thread_local float *scratch_buffer;
static _Thread_local size_t scratch_floats;

static float *scratch(size_t floats) { return ck__scratch_grow(&scratch_buffer, &scratch_floats, floats); }

void ck__release_depthwise_scratch(void) { ck__scratch_free(&scratch_buffer, &scratch_floats); }

// The epilogue as written in the header: the reference every path must match.
static inline float epilogue1(float v, const ck_depthwise_params *p, long c) {
  if (p->requant) {
    float lo = p->requant_lo - p->requant_zero, hi = p->requant_hi - p->requant_zero;
    float f = v * p->requant_scale[c];
    f = f > lo ? f : lo;
    f = f < hi ? f : hi;
    f = (f + 12582912.0f) - 12582912.0f;
    return p->requant_dequantize ? f * p->requant_out_scale : f + p->requant_zero;
  }
  if (p->activation == CK_ACTIVATION_RELU) {
    v = v > 0 ? v : 0;
  } else if (p->activation == CK_ACTIVATION_CLIP) {
    v = v > p->act_min ? v : p->act_min;
    v = v < p->act_max ? v : p->act_max;
  }
  if (p->fake_quant) {
    // Swift's roundHalfEven: clamp to ±2^22, then round by adding and subtracting 1.5·2^23.
    float q = v / p->fq_scale;
    q = q > -4194304.0f ? q : -4194304.0f;
    q = q < 4194304.0f ? q : 4194304.0f;
    q = (q + 12582912.0f) - 12582912.0f;
    q = q + p->fq_zero;
    q = q > p->fq_lo ? q : p->fq_lo;
    q = q < p->fq_hi ? q : p->fq_hi;
    v = (q - p->fq_zero) * p->fq_scale;
  }
  return v;
}

// Input row r goes to padded row r + pad_top, column c to column c + pad_left.
static void fill_plain(const ck_dw_layout *l, const ck_depthwise_params *p, const float *x, float *pad) {
  if (l->columns <= 0) return;
  for (long r = 0; r < p->height && r + p->pad_top < l->rows; r++) {
    memcpy(pad + (r + p->pad_top) * l->pitch + p->pad_left, x + r * p->width, (size_t)l->columns * sizeof(float));
  }
}

static void plane_portable(const ck_dw_layout *l, const ck_depthwise_params *p, const float *pad, const float *w,
                           float b, float *y, long c) {
  long s = p->stride, pitch = l->pitch;
  for (long oy = 0; oy < p->out_height; oy++) {
    const float *r0 = pad + oy * s * pitch, *r1 = r0 + pitch, *r2 = r1 + pitch;
    float *out = y + oy * p->out_width;
    for (long ox = 0; ox < p->out_width; ox++) {
      long i = ox * s;
      float v = b;
      v = fmaf(w[0], r0[i], v);
      v = fmaf(w[1], r0[i + 1], v);
      v = fmaf(w[2], r0[i + 2], v);
      v = fmaf(w[3], r1[i], v);
      v = fmaf(w[4], r1[i + 1], v);
      v = fmaf(w[5], r1[i + 2], v);
      v = fmaf(w[6], r2[i], v);
      v = fmaf(w[7], r2[i + 1], v);
      v = fmaf(w[8], r2[i + 2], v);
      out[ox] = epilogue1(v, p, c);
    }
  }
}

// Without scratch memory: bounds checks on every tap, same order and rounding.
static void plane_direct(const ck_depthwise_params *p, const float *x, const float *w, float b, float *y, long ch) {
  for (long oy = 0; oy < p->out_height; oy++) {
    for (long ox = 0; ox < p->out_width; ox++) {
      float v = b;
      for (int k = 0; k < 9; k++) {
        long r = oy * p->stride - p->pad_top + k / 3, c = ox * p->stride - p->pad_left + k % 3;
        // Padding taps add w·0 like the padded copies do (it can turn a -0 sum into +0).
        v = fmaf(w[k], r >= 0 && r < p->height && c >= 0 && c < p->width ? x[r * p->width + c] : 0.0f, v);
      }
      y[oy * p->out_width + ox] = epilogue1(v, p, ch);
    }
  }
}

void ck_depthwise3x3(const ck_depthwise_params *p, const float *x, float *y, long plane_begin, long plane_end) {
  if (plane_begin >= plane_end || p->out_height <= 0 || p->out_width <= 0) return;
  int avx2 = !p->force_portable && ck_dw_avx2_usable(p);
  ck_dw_layout l = ck_dw_layout_for(p, avx2 && p->stride == 2);
  size_t floats = (size_t)(l.rows * l.pitch) + 16;
  float *pad = scratch(floats);
  // The borders are zeroed once: every plane's copy writes the same positions.
  if (pad) memset(pad, 0, floats * sizeof(float));
  long in_plane = p->height * p->width, out_plane = p->out_height * p->out_width;
  if (pad && avx2) {
    ck_dw_avx2_planes(&l, p, x, y, pad, plane_begin, plane_end);
    return;
  }
  for (long plane = plane_begin; plane < plane_end; plane++) {
    long c = plane % p->channels;
    const float *xp = x + plane * in_plane, *w = p->weights + c * 9;
    float *yp = y + plane * out_plane;
    float b = p->bias ? p->bias[c] : 0.0f;
    if (pad) {
      fill_plain(&l, p, xp, pad);
      plane_portable(&l, p, pad, w, b, yp, c);
    } else {
      plane_direct(p, xp, w, b, yp, c);
    }
  }
}
