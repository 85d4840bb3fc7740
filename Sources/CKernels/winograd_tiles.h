// Winograd F(2×2, 3×3) and F(4×4, 3×3) tile transforms (Lavin & Gray's matrices) on 16
// tiles at once: one vector lane per tile, so each transform is a few vector adds. Written
// once with the compiler's vector types and always inlined into callers built for AVX-512,
// AVX2 and plain C (winograd.c), which lowers the same code to zmm, ymm or xmm registers.
#ifndef CK_WINOGRAD_TILES_H
#define CK_WINOGRAD_TILES_H

#include <string.h>

#include "ck_gemm.h"
#include "gemm_internal.h"

enum { WL = 16 };  // tiles per vector
typedef float vf __attribute__((vector_size(64)));
typedef float vf32 __attribute__((vector_size(128)));
typedef float vf64 __attribute__((vector_size(256)));

#define WINO_INLINE static inline __attribute__((always_inline))
#define EVENS32 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
#define ODDS32 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31
#define ILV16 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31
#define ILV32                                                                                                          \
  0, 32, 1, 33, 2, 34, 3, 35, 4, 36, 5, 37, 6, 38, 7, 39, 8, 40, 9, 41, 10, 42, 11, 43, 12, 44, 13, 45, 14, 46, 15, 47, \
      16, 48, 17, 49, 18, 50, 19, 51, 20, 52, 21, 53, 22, 54, 23, 55, 24, 56, 25, 57, 26, 58, 27, 59, 28, 60, 29, 61,  \
      30, 62, 31, 63

WINO_INLINE void wload(vf *v, const float *p) { memcpy(v, p, sizeof(vf)); }

// d[j] lane l = row[2l + j], j < 4: the 4×4 windows of 16 F(2,3) tiles along a padded row
// (reads row[0, 34)).
WINO_INLINE void gather2(const float *row, vf *d) {
  vf a, b, c, e;
  wload(&a, row), wload(&b, row + 16), wload(&c, row + 2), wload(&e, row + 18);
  d[0] = __builtin_shufflevector(a, b, EVENS32);
  d[1] = __builtin_shufflevector(a, b, ODDS32);
  d[2] = __builtin_shufflevector(c, e, EVENS32);
  d[3] = __builtin_shufflevector(c, e, ODDS32);
}

// lane l of d0..d3 = row[4l + 0..3] (reads row[0, 64)).
WINO_INLINE void gather4_quad(const float *row, vf *d0, vf *d1, vf *d2, vf *d3) {
  vf v0, v1, v2, v3;
  wload(&v0, row), wload(&v1, row + 16), wload(&v2, row + 32), wload(&v3, row + 48);
  vf e = __builtin_shufflevector(v0, v1, EVENS32), o = __builtin_shufflevector(v0, v1, ODDS32);
  vf e2 = __builtin_shufflevector(v2, v3, EVENS32), o2 = __builtin_shufflevector(v2, v3, ODDS32);
  *d0 = __builtin_shufflevector(e, e2, EVENS32);
  *d2 = __builtin_shufflevector(e, e2, ODDS32);
  *d1 = __builtin_shufflevector(o, o2, EVENS32);
  *d3 = __builtin_shufflevector(o, o2, ODDS32);
}

// d[j] lane l = row[4l + j], j < 6: the 6×6 windows of 16 F(4,3) tiles (reads row[0, 68)).
WINO_INLINE void gather4(const float *row, vf *d) {
  vf unused0, unused1;
  gather4_quad(row, d, d + 1, d + 2, d + 3);
  gather4_quad(row + 4, d + 4, d + 5, &unused0, &unused1);
}

// Bᵀ (4×4) along one axis: r[k·rs] = Σ Bᵀ[k][i] d[i·s].
WINO_INLINE void bt2(const vf *d, int s, vf *r, int rs) {
  vf d0 = d[0], d1 = d[s], d2 = d[2 * s], d3 = d[3 * s];
  r[0] = d0 - d2, r[rs] = d1 + d2, r[2 * rs] = d2 - d1, r[3 * rs] = d1 - d3;
}

// Bᵀ (6×6) of F(4,3) along one axis.
WINO_INLINE void bt4(const vf *d, int s, vf *r, int rs) {
  vf d0 = d[0], d1 = d[s], d2 = d[2 * s], d3 = d[3 * s], d4 = d[4 * s], d5 = d[5 * s];
  vf a = d4 - 4.0f * d2, b = d3 - 4.0f * d1, c = d4 - d2, e = 2.0f * (d3 - d1);
  r[0] = 4.0f * d0 - 5.0f * d2 + d4;
  r[rs] = a + b, r[2 * rs] = a - b;
  r[3 * rs] = c + e, r[4 * rs] = c - e;
  r[5 * rs] = 4.0f * d1 - 5.0f * d3 + d5;
}

// t = Bᵀ d B for α×α windows d (row-major), ξ = row·α + column.
WINO_INLINE void input_tile2(const vf *d, vf *t) {
  vf r[16];
  for (int j = 0; j < 4; j++) bt2(d + j, 4, r + j, 4);
  for (int i = 0; i < 4; i++) bt2(r + 4 * i, 1, t + 4 * i, 1);
}

WINO_INLINE void input_tile4(const vf *d, vf *t) {
  vf r[36];
  for (int j = 0; j < 6; j++) bt4(d + j, 6, r + j, 6);
  for (int i = 0; i < 6; i++) bt4(r + 6 * i, 1, t + 6 * i, 1);
}

// Aᵀ along one axis: 4 → 2 (F(2,3)) and 6 → 4 (F(4,3)).
WINO_INLINE void at2(const vf *m, int s, vf *o, int os) {
  o[0] = m[0] + m[s] + m[2 * s];
  o[os] = m[s] - m[2 * s] - m[3 * s];
}

WINO_INLINE void at4(const vf *m, int s, vf *o, int os) {
  vf p = m[s] + m[2 * s], q = m[s] - m[2 * s], u = m[3 * s] + m[4 * s], w = m[3 * s] - m[4 * s];
  o[0] = m[0] + p + u;
  o[os] = q + 2.0f * w;
  o[2 * os] = p + 4.0f * u;
  o[3 * os] = q + 8.0f * w + m[5 * s];
}

WINO_INLINE void output_tile2(const vf *m, vf *o) {
  vf r[8];
  for (int k = 0; k < 4; k++) at2(m + k, 4, r + k, 4);
  for (int i = 0; i < 2; i++) at2(r + 4 * i, 1, o + 2 * i, 1);
}

WINO_INLINE void output_tile4(const vf *m, vf *o) {
  vf r[24];
  for (int k = 0; k < 6; k++) at4(m + k, 6, r + k, 6);
  for (int i = 0; i < 4; i++) at4(r + 6 * i, 1, o + 4 * i, 1);
}

// Output row i of 16 tiles, interleaved into consecutive columns (m·16 floats at row).
WINO_INLINE void scatter_row2(const vf *o, int i, float *row) {
  vf32 r = __builtin_shufflevector(o[2 * i], o[2 * i + 1], ILV16);
  memcpy(row, &r, sizeof r);
}

WINO_INLINE void scatter_row4(const vf *o, int i, float *row) {
  vf32 a = __builtin_shufflevector(o[4 * i], o[4 * i + 2], ILV16);
  vf32 b = __builtin_shufflevector(o[4 * i + 1], o[4 * i + 3], ILV16);
  vf64 r = __builtin_shufflevector(a, b, ILV32);
  memcpy(row, &r, sizeof r);
}

// `len` consecutive outputs of one row copied from `src` to `row` with the epilogue (if
// any; bias already a value): the same rules, in the same order, as ck__finish, as loops
// the compiler vectorises. The copy is the first pass, so `row` (in C) is written once
// from the L1-hot tile row and then changed in place: a separate memcpy of each output row
// (55 or 27 floats on SqueezeNet) was 3-4 % of its run time.
WINO_INLINE void finish_row(float *row, const float *src, long len, const float *bias, const float *residual,
                            const ck_epilogue *ep) {
  // Bias and residual in the first pass, each element's residual read before its output is
  // written: a residual that is C itself stays correct.
  float b = bias ? *bias : 0.0f;
  if (bias && residual)
    for (long t = 0; t < len; t++) row[t] = (src[t] + b) + residual[t];
  else if (bias)
    for (long t = 0; t < len; t++) row[t] = src[t] + b;
  else if (residual)
    for (long t = 0; t < len; t++) row[t] = src[t] + residual[t];
  else
    for (long t = 0; t < len; t++) row[t] = src[t];
  if (!ep) return;
  if (ep->activation == CK_ACT_RELU)
    for (long t = 0; t < len; t++) row[t] = row[t] > 0 ? row[t] : 0;
  if (ep->activation == CK_ACT_CLIP) {
    float lo = ep->clip_lo, hi = ep->clip_hi;
    for (long t = 0; t < len; t++) {
      float y = row[t] > lo ? row[t] : lo;
      row[t] = y < hi ? y : hi;
    }
  }
  if (ep->fake_quant)
    for (long t = 0; t < len; t++) row[t] = ck__fake_quant(row[t], ep);
}

#endif
