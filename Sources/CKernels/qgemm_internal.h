// Shared by the int8 kernels' files (qgemm.c, qgemm_x86.c, qops.c): the per-path tile kernels
// and the one requantization formula.
#ifndef CK_QGEMM_INTERNAL_H
#define CK_QGEMM_INTERNAL_H

#include "ck_qgemm.h"

#include <math.h>

// Sums and products below must round exactly as onnxruntime's do: no fused multiply-adds
// unless written out.
#pragma clang fp contract(off)

/// One tile: pixels p0..<p0+pn (pn ≤ CK_Q_PIXEL_ALIGN) of output rows o0..<o1.
typedef void (*ck_qtile_fn)(const ck_qweights *w, const uint8_t *a, const int32_t *asum, long pp, long p0, long pn,
                            long o0, long o1, float *y, long ldy, const ck_requant *rq);

void ck_qtile_portable(const ck_qweights *w, const uint8_t *a, const int32_t *asum, long pp, long p0, long pn,
                       long o0, long o1, float *y, long ldy, const ck_requant *rq);
void ck_qtile_avx2(const ck_qweights *w, const uint8_t *a, const int32_t *asum, long pp, long p0, long pn,
                   long o0, long o1, float *y, long ldy, const ck_requant *rq);
void ck_qtile_vnni(const ck_qweights *w, const uint8_t *a, const int32_t *asum, long pp, long p0, long pn,
                   long o0, long o1, float *y, long ldy, const ck_requant *rq);
/// Few pixels (a classifier's 1×1 map): output channels in the vector lanes, w->wt required.
void ck_qnarrow_vnni(const ck_qweights *w, const uint8_t *a, const int32_t *asum, long pp, long pixels, long o0,
                     long o1, float *y, long ldy, const ck_requant *rq);

int ck_q_has_avx2(void);
int ck_q_has_vnni(void);

/// Round half to even for |f| ≤ 2^22 without a libm call (vectorises): adding and subtracting
/// 1.5·2^23 rounds in the FPU's default mode.
static inline float ck_round(float f) { return (f + 12582912.0f) - 12582912.0f; }

/// MLAS's requantization of one accumulator (bias and zero-point terms already added).
static inline float ck_requant1(int32_t v, long o, const ck_requant *rq) {
  float f = (float)v * rq->scale[o];
  float lo = rq->lo - rq->zero, hi = rq->hi - rq->zero;
  f = f > lo ? f : lo;
  f = f < hi ? f : hi;
  float q = ck_round(f);
  return rq->dequantize ? q * rq->out_scale : q + rq->zero;
}

/// The code of an input value: itself (scale 0: already a code) or quantized.
static inline float ck_code_of(float v, float in_scale, float zero) {
  if (in_scale == 0) return v;
  float q = v / in_scale;
  q = q > -4194304.0f ? q : -4194304.0f;
  q = q < 4194304.0f ? q : 4194304.0f;
  return ck_round(q) + zero;
}

#endif
