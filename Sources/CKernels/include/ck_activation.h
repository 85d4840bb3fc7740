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

/// y[i] = tanh(x[i]) (y may be x): Eigen's float rational polynomial on x clamped to
/// ±7.9053, x itself where |x| < 0.0004. Separate multiplies and adds (no FMA), so every
/// level gives the same bits as the Swift engine's scalar `fastTanh`.
void ck_tanh(const float *x, float *y, long n, int level);

#ifdef __cplusplus
}
#endif
#endif
