// Training's optimiser step for a parameter whose gradient arrives as one piece per shard.
//
// The step is memory-bound: summing the shards into the first one and then updating read
// and wrote the gradient twice (the MLP's first layer: 400 KB per shard, a pass of its own
// and a second fork of the pool every step). Here each lane sums its shards in order in a
// register and updates w and v at once. The arithmetic is the Swift update's, rounded at
// each operation (contraction off), so the weights do not depend on the path.
#include "ck_sgd.h"
#include "ck_gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#pragma clang fp contract(off)

static void portable(long n, float *w, float *v, const float *const *grads, int parts, float lr, float mu, float wd) {
  for (long i = 0; i < n; i++) {
    float g = grads[0][i];
    for (int s = 1; s < parts; s++) g = g + grads[s][i];
    float step = mu * v[i] - lr * (g + wd * w[i]);
    v[i] = step;
    w[i] = w[i] + step;
  }
}

#if defined(__x86_64__)
#define AVX512 __attribute__((target("avx512f")))
#define AVX2 __attribute__((target("avx2")))

AVX512 static void run512(long n, float *w, float *v, const float *const *grads, int parts, float lr, float mu,
                          float wd) {
  const __m512 vlr = _mm512_set1_ps(lr), vmu = _mm512_set1_ps(mu), vwd = _mm512_set1_ps(wd);
  for (long i = 0; i < n; i += 16) {
    __mmask16 k = n - i >= 16 ? 0xFFFF : (__mmask16)((1u << (n - i)) - 1);
    __m512 g = _mm512_maskz_loadu_ps(k, grads[0] + i);
    for (int s = 1; s < parts; s++) g = _mm512_add_ps(g, _mm512_maskz_loadu_ps(k, grads[s] + i));
    __m512 wi = _mm512_maskz_loadu_ps(k, w + i);
    __m512 decayed = _mm512_add_ps(g, _mm512_mul_ps(vwd, wi));
    __m512 step = _mm512_sub_ps(_mm512_mul_ps(vmu, _mm512_maskz_loadu_ps(k, v + i)), _mm512_mul_ps(vlr, decayed));
    _mm512_mask_storeu_ps(v + i, k, step);
    _mm512_mask_storeu_ps(w + i, k, _mm512_add_ps(wi, step));
  }
}

AVX2 static void run256(long n, float *w, float *v, const float *const *grads, int parts, float lr, float mu,
                        float wd) {
  const __m256 vlr = _mm256_set1_ps(lr), vmu = _mm256_set1_ps(mu), vwd = _mm256_set1_ps(wd);
  for (long i = 0; i < n; i += 8) {
    __m256i k = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n - i < 8 ? n - i : 8)),
                                   _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    __m256 g = _mm256_maskload_ps(grads[0] + i, k);
    for (int s = 1; s < parts; s++) g = _mm256_add_ps(g, _mm256_maskload_ps(grads[s] + i, k));
    __m256 wi = _mm256_maskload_ps(w + i, k);
    __m256 decayed = _mm256_add_ps(g, _mm256_mul_ps(vwd, wi));
    __m256 step = _mm256_sub_ps(_mm256_mul_ps(vmu, _mm256_maskload_ps(v + i, k)), _mm256_mul_ps(vlr, decayed));
    _mm256_maskstore_ps(v + i, k, step);
    _mm256_maskstore_ps(w + i, k, _mm256_add_ps(wi, step));
  }
}
#endif

void ck_sgd_update(long n, float *w, float *v, const float *const *grads, int parts, float lr, float mu, float wd,
                   int level) {
  if (n <= 0 || parts <= 0) return;
  level = ck_level_capped(level);
#if defined(__x86_64__)
  if (level == CK_LEVEL_AVX512) return run512(n, w, v, grads, parts, lr, mu, wd);
  if (level == CK_LEVEL_AVX2) return run256(n, w, v, grads, parts, lr, mu, wd);
#endif
  portable(n, w, v, grads, parts, lr, mu, wd);
}
