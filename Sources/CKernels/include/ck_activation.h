#ifndef CK_ACTIVATION_H
#define CK_ACTIVATION_H

#ifdef __cplusplus
extern "C" {
#endif

/// y[i] = 1 / (1 + exp(-x[i])) (y may be x). exp by Cephes' range reduction and degree-6
/// polynomial (about 1 ulp; the argument clamped to [-87, 88], so results stay finite), on
/// AVX-512 or AVX2 where the CPU has them; `level` caps the path (CK_LEVEL_* of ck_gemm.h,
/// -1: the CPU's best; the portable path uses the same arithmetic).
void ck_sigmoid(const float *x, float *y, long n, int level);

/// y[i] = x[i] / (1 + exp(-x[i])), SiLU (x·σ(x)), with ck_sigmoid's exp.
void ck_silu(const float *x, float *y, long n, int level);

#ifdef __cplusplus
}
#endif
#endif
