// The int8 gemm's x86 tiles, behind run-time CPU checks. VNNI: vpdpbusd multiplies four
// uint8 activation codes by four int8 weights and adds to 32 bits, exactly. AVX2 has no exact
// byte product (vpmaddubsw saturates its 16-bit pair sums: 2·255·127 > 32767), so the AVX2
// tile widens both to 16 bits and uses vpmaddwd, whose pair sums fit 32 bits.
#include "qgemm_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
#define AVX2 __attribute__((target("avx2,fma")))

int ck_q_has_avx2(void) {
  static int cached = -1;
  if (cached < 0) {
    __builtin_cpu_init();
    cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
  return cached;
}

int ck_q_has_vnni(void) {
  static int cached = -1;
  if (cached < 0) {
    __builtin_cpu_init();
    cached = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
  }
  return cached;
}

/// The requantization's constants, loaded once per tile (stores through y could alias rq).
typedef struct {
  __m512 lo, hi, out_mul, out_add;
} vnni_requant;

VNNI static inline vnni_requant vnni_requant_for(const ck_requant *rq) {
  vnni_requant r = {_mm512_set1_ps(rq->lo - rq->zero), _mm512_set1_ps(rq->hi - rq->zero),
                    _mm512_set1_ps(rq->dequantize ? rq->out_scale : 1.0f), _mm512_set1_ps(rq->dequantize ? 0.0f : rq->zero)};
  return r;
}

/// Requantizes 16 accumulators less their weight-zero-point terms `corr` (wzero·Σ codes of
/// each pixel) and stores the first n.
VNNI static inline void store16(__m512i acc, __m512i corr, int32_t bias, float scale, const vnni_requant *c,
                                float *dst, int n) {
  __m512i v = _mm512_sub_epi32(_mm512_add_epi32(acc, _mm512_set1_epi32(bias)), corr);
  __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(v), _mm512_set1_ps(scale));
  f = _mm512_min_ps(_mm512_max_ps(f, c->lo), c->hi);
  f = _mm512_roundscale_ps(f, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  f = _mm512_add_ps(_mm512_mul_ps(f, c->out_mul), c->out_add);
  __mmask16 m = n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1);
  _mm512_mask_storeu_ps(dst, m, f);
}

/// 8 output rows × 32 pixels per step; rows past o1 repeat the last row and are not stored.
VNNI void ck_qtile_vnni(const ck_qweights *w, const uint8_t *a, const int32_t *asum, long pp, long p0, long pn,
                        long o0, long o1, float *y, long ldy, const ck_requant *rq) {
  long kq4 = w->kq / 4;
  const vnni_requant c = vnni_requant_for(rq);
  __m512i corr0 = _mm512_setzero_si512(), corr1 = _mm512_setzero_si512();
  for (long o = o0; o < o1; o += 8) {
    const int32_t *wr[8];
    for (int r = 0; r < 8; r++) wr[r] = (const int32_t *)(w->w + (o + r < o1 ? o + r : o1 - 1) * w->kq);
    __m512i acc[8][2];
    for (int r = 0; r < 8; r++) acc[r][0] = acc[r][1] = _mm512_setzero_si512();
    const uint8_t *ap = a + p0 * 4;
    for (long kk = 0; kk < kq4; kk++, ap += pp * 4) {
      __m512i x0 = _mm512_loadu_si512(ap), x1 = _mm512_loadu_si512(ap + 64);
      for (int r = 0; r < 8; r++) {
        __m512i b = _mm512_set1_epi32(wr[r][kk]);
        acc[r][0] = _mm512_dpbusd_epi32(acc[r][0], x0, b);
        acc[r][1] = _mm512_dpbusd_epi32(acc[r][1], x1, b);
      }
    }
    const __m512i s0 = _mm512_loadu_si512(asum + p0), s1 = _mm512_loadu_si512(asum + p0 + 16);
    // Fully unrolled, the row test inside: a data-dependent bound here made clang index acc
    // at run time and keep it in a stack array, stored to and reloaded around every tile.
#pragma clang loop unroll(full)
    for (int r = 0; r < 8; r++) {
      if (o + r >= o1) break;
      float *dst = y + (o + r) * ldy + p0;
      // One multiply for all rows when the weights' zero point is per tensor (the common case).
      int32_t z = w->wzero[o + r];
      if (r == 0 || z != w->wzero[o + r - 1]) {
        corr0 = _mm512_mullo_epi32(_mm512_set1_epi32(z), s0);
        corr1 = _mm512_mullo_epi32(_mm512_set1_epi32(z), s1);
      }
      store16(acc[r][0], corr0, rq->bias[o + r], rq->scale[o + r], &c, dst, (int)(pn < 16 ? pn : 16));
      if (pn > 16) store16(acc[r][1], corr1, rq->bias[o + r], rq->scale[o + r], &c, dst + 16, (int)(pn - 16));
    }
  }
}

/// Few pixels: 64 output channels in the lanes of four vectors, one pixel at a time.
VNNI void ck_qnarrow_vnni(const ck_qweights *w, const uint8_t *a, const int32_t *asum, long pp, long pixels,
                          long o0, long o1, float *y, long ldy, const ck_requant *rq) {
  long kq4 = w->kq / 4, nq = (w->n + 15) / 16 * 16;
  for (long p = 0; p < pixels; p++) {
    for (long o = o0; o < o1; o += 64) {
      __m512i acc[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(),
                        _mm512_setzero_si512()};
      int vecs = (int)((o1 - o + 15) / 16);
      if (vecs > 4) vecs = 4;
      const int8_t *wp = w->wt + o * 4;
      for (long kk = 0; kk < kq4; kk++, wp += nq * 4) {
        __m512i x = _mm512_set1_epi32(*(const int32_t *)(a + (kk * pp + p) * 4));
        // Constant indices (the count tested inside), so acc stays in registers.
#pragma clang loop unroll(full)
        for (int v = 0; v < 4; v++) {
          if (v < vecs) acc[v] = _mm512_dpbusd_epi32(acc[v], x, _mm512_loadu_si512(wp + 64 * v));
        }
      }
      int32_t lanes[64];
#pragma clang loop unroll(full)
      for (int v = 0; v < 4; v++) _mm512_storeu_si512(lanes + 16 * v, acc[v]);
      for (long r = 0; r < 16 * vecs && o + r < o1; r++) {
        int32_t s = lanes[r] + rq->bias[o + r] - w->wzero[o + r] * asum[p];
        y[(o + r) * ldy + p] = ck_requant1(s, o + r, rq);
      }
    }
  }
}

/// Requantizes 8 accumulators of row o and stores the first n.
AVX2 static inline void store8(__m256i acc, long o, const int32_t *asum, const ck_qweights *w,
                               const ck_requant *rq, float *dst, int n) {
  __m256i v = _mm256_add_epi32(acc, _mm256_set1_epi32(rq->bias[o]));
  v = _mm256_sub_epi32(v, _mm256_mullo_epi32(_mm256_set1_epi32(w->wzero[o]),
                                             _mm256_loadu_si256((const __m256i *)asum)));
  __m256 f = _mm256_mul_ps(_mm256_cvtepi32_ps(v), _mm256_set1_ps(rq->scale[o]));
  f = _mm256_max_ps(f, _mm256_set1_ps(rq->lo - rq->zero));
  f = _mm256_min_ps(f, _mm256_set1_ps(rq->hi - rq->zero));
  f = _mm256_round_ps(f, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  f = rq->dequantize ? _mm256_mul_ps(f, _mm256_set1_ps(rq->out_scale)) : _mm256_add_ps(f, _mm256_set1_ps(rq->zero));
  float tmp[8];
  _mm256_storeu_ps(tmp, f);
  for (int i = 0; i < n; i++) dst[i] = tmp[i];
}

/// 4 output rows × 8 pixels per step. Each 16-bit vector holds 4 pixels' 4 codes; vpmaddwd
/// against the broadcast 4 weights leaves two partial sums per pixel, added pairwise at the end.
AVX2 void ck_qtile_avx2(const ck_qweights *w, const uint8_t *a, const int32_t *asum, long pp, long p0, long pn,
                        long o0, long o1, float *y, long ldy, const ck_requant *rq) {
  long kq4 = w->kq / 4;
  for (long pb = 0; pb < pn; pb += 8) {
    for (long o = o0; o < o1; o += 4) {
      const int64_t *wr[4];
      for (int r = 0; r < 4; r++) wr[r] = (const int64_t *)(w->w16 + (o + r < o1 ? o + r : o1 - 1) * w->kq);
      __m256i acc[4][2];
      for (int r = 0; r < 4; r++) acc[r][0] = acc[r][1] = _mm256_setzero_si256();
      const uint8_t *ap = a + (p0 + pb) * 4;
      for (long kk = 0; kk < kq4; kk++, ap += pp * 4) {
        __m256i x0 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)ap));
        __m256i x1 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(ap + 16)));
        for (int r = 0; r < 4; r++) {
          __m256i b = _mm256_set1_epi64x(wr[r][kk]);
          acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(x0, b));
          acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(x1, b));
        }
      }
      int n = (int)(pn - pb < 8 ? pn - pb : 8);
#pragma clang loop unroll(full)
      for (int r = 0; r < 4; r++) {
        if (o + r >= o1) break;
        // [p0a p0b p1a p1b | p2a p2b p3a p3b] and pixels 4..7 → one sum per pixel, in order.
        __m256i s = _mm256_hadd_epi32(acc[r][0], acc[r][1]);
        s = _mm256_permute4x64_epi64(s, 0xD8);
        store8(s, o + r, asum + p0 + pb, w, rq, y + (o + r) * ldy + p0 + pb, n);
      }
    }
  }
}

#else
int ck_q_has_avx2(void) { return 0; }
int ck_q_has_vnni(void) { return 0; }
void ck_qtile_vnni(const ck_qweights *w, const uint8_t *a, const int32_t *asum, long pp, long p0, long pn,
                   long o0, long o1, float *y, long ldy, const ck_requant *rq) {
  ck_qtile_portable(w, a, asum, pp, p0, pn, o0, o1, y, ldy, rq);
}
void ck_qtile_avx2(const ck_qweights *w, const uint8_t *a, const int32_t *asum, long pp, long p0, long pn,
                   long o0, long o1, float *y, long ldy, const ck_requant *rq) {
  ck_qtile_portable(w, a, asum, pp, p0, pn, o0, o1, y, ldy, rq);
}
void ck_qnarrow_vnni(const ck_qweights *w, const uint8_t *a, const int32_t *asum, long pp, long pixels, long o0,
                     long o1, float *y, long ldy, const ck_requant *rq) {
  for (long p = 0; p < pixels; p++) ck_qtile_portable(w, a, asum, pp, p, 1, o0, o1, y, ldy, rq);
}
#endif
