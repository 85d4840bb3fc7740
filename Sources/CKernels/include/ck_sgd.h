#ifndef CK_SGD_H
#define CK_SGD_H

#ifdef __cplusplus
extern "C" {
#endif

/// One SGD-with-momentum step over w[0..<n] (MXNet's rule) from a gradient still split into
/// `parts` shard gradients: g = ((grads[0] + grads[1]) + grads[2]) + …, then
/// v = mu·v − lr·(g + wd·w) and w += v, in one pass (the summed gradient is never stored).
/// Separate multiplies and adds (no FMA) in that order on every path, so every level gives
/// the bits of summing first and then the Swift scalar update; `level` caps the path
/// (CK_LEVEL_* of ck_gemm.h, -1: the CPU's best).
void ck_sgd_update(long n, float *w, float *v, const float *const *grads, int parts, float lr, float mu, float wd,
                   int level);

#ifdef __cplusplus
}
#endif
#endif
