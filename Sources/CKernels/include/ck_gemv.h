#ifndef CK_GEMV_H
#define CK_GEMV_H

#include <stdint.h>

#include "ck_gemm.h"

#ifdef __cplusplus
extern "C" {
#endif

/// y[o] = epilogue(scale[o] · (Σᵢ q[o·k + i] · x[i] − zero[o] · Σᵢ x[i])) for o < m: a fully
/// connected layer (a 1×1 convolution on a 1×1 map) whose weights stay int8 codes, so a
/// quantized model's classifier reads a quarter of the bytes a float copy would take.
/// The epilogue's bias and residual are indexed by o (residual_ld unused). Runs on the pool.
void ck_gemv_s8(long m, long k, const int8_t *q, const float *scale, const float *zero, const float *x,
                float *y, const ck_epilogue *epilogue);

#ifdef __cplusplus
}
#endif
#endif
