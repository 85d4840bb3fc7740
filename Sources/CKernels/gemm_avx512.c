// The AVX-512 micro-kernels: blocks of up to 12 rows (two 6-row A panels, so A packs the same
// way for every kernel family) by 32 columns (two 16-column B panels): 24 of the 32 zmm
// registers accumulate, which keeps both FMA units busy. Edges are masked, not copied: a
// block's last column vector stores only its live lanes, and rows past the live ones
// (the zeros A's padding holds) are not stored.
#include "ck_gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "gemm_internal.h"

#if defined(__x86_64__)
#define CK_AVX512 __attribute__((target("avx512f")))

// The epilogue on 16 columns (live lanes `mask`) of row r; the same rules, in the same
// order, as ck__finish: NaN goes to the low end of a clamp because max/min return their
// second operand when either is NaN.
CK_AVX512 static inline __m512 finish16(__m512 y, long r, long t, __mmask16 mask, const ck_epilogue *ep) {
  if (ep->bias) y = _mm512_add_ps(y, _mm512_set1_ps(ep->bias[r]));
  if (ep->residual) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(mask, ep->residual + r * ep->residual_ld + t));
  if (ep->activation == CK_ACT_RELU) y = _mm512_max_ps(y, _mm512_setzero_ps());
  if (ep->activation == CK_ACT_CLIP) {
    y = _mm512_min_ps(_mm512_max_ps(y, _mm512_set1_ps(ep->clip_lo)), _mm512_set1_ps(ep->clip_hi));
  }
  if (ep->fake_quant) {
    __m512 s = _mm512_set1_ps(ep->fq_scale), z = _mm512_set1_ps(ep->fq_zero);
    // A true division, as the other kernels: the quotient's rounding decides ties.
    __m512 v = _mm512_roundscale_ps(_mm512_div_ps(y, s), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    v = _mm512_max_ps(_mm512_add_ps(v, z), _mm512_set1_ps(ep->fq_lo));
    v = _mm512_min_ps(v, _mm512_set1_ps(ep->fq_hi));
    y = _mm512_mul_ps(_mm512_sub_ps(v, z), s);
  }
  return y;
}

// One block of (6·RP) × (16·NV): RP and NV are constants at each call site, so the loops
// unroll and the accumulators live in registers.
// DIRECT: B is read in place (row p at b + p·bld, the second vector 16 columns on, the last
// vector masked to the live columns) instead of from packed panels (row p at b + p·NR, the
// second panel b_next on, zero-padded).
CK_AVX512 static inline __attribute__((always_inline)) void block_rn(
    const int RP, const int NV, const int DIRECT, long kc, const float *a, long a_next, const float *b,
    long b_next, long bld, float *c, long ldc, long rows, long cols, int accumulate, const ck_epilogue *ep) {
  // The first step multiplies instead of adding to zeros (kc >= 1): zeroing the
  // accumulators made the compiler memset them in a stack array on every call.
  __m512 acc[2 * MR][2];
  const float *a1 = a + a_next, *b1 = b + b_next;
  long last_live = cols - (NV - 1) * NR;  // live columns of the last vector, 1...16
  __mmask16 live = (__mmask16)(last_live >= NR ? 0xFFFF : (1u << last_live) - 1);
  for (long p = 0; p < kc; p++) {
    __m512 b0v, b1v;
    if (DIRECT) {
      // This row's columns three blocks ahead: B in place is read as one stream per row,
      // too many for the hardware prefetcher (packing copied the rows in order). Measured
      // on a B not in cache: 0.52 ms without, 0.22 one block ahead, 0.15–0.18 three (a
      // 16×3025×128 gemm; packed 0.32–0.41). Prefetches never fault past the end.
      _mm_prefetch((const char *)(b + p * bld + 3 * NV * NR), _MM_HINT_T0);
      if (NV > 1) _mm_prefetch((const char *)(b + p * bld + 3 * NV * NR + NR), _MM_HINT_T0);
      b0v = NV > 1 ? _mm512_loadu_ps(b + p * bld) : _mm512_maskz_loadu_ps(live, b + p * bld);
      b1v = NV > 1 ? _mm512_maskz_loadu_ps(live, b1 + p * bld) : b0v;
    } else {
      b0v = _mm512_load_ps(b + p * NR);
      b1v = NV > 1 ? _mm512_load_ps(b1 + p * NR) : b0v;
    }
    for (int h = 0; h < RP; h++) {
      const float *ah = (h ? a1 : a) + p * MR;
      for (int r = 0; r < MR; r++) {
        __m512 av = _mm512_set1_ps(ah[r]);
        __m512 *row = acc[h * MR + r];
        row[0] = p ? _mm512_fmadd_ps(av, b0v, row[0]) : _mm512_mul_ps(av, b0v);
        if (NV > 1) row[1] = p ? _mm512_fmadd_ps(av, b1v, row[1]) : _mm512_mul_ps(av, b1v);
      }
    }
  }
  // Constant bounds and no early exit: the loops unroll, so the accumulators never go
  // through memory (a break here made the compiler keep them in a zeroed stack array).
  for (int r = 0; r < RP * MR; r++) {
    if (r >= rows) continue;
    for (int v = 0; v < NV; v++) {
      __mmask16 mask = v == NV - 1 ? live : 0xFFFF;
      float *row = c + r * ldc + v * NR;
      __m512 y = acc[r][v];
      if (accumulate) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(mask, row));
      if (ep) y = finish16(y, r, v * NR, mask, ep);
      _mm512_mask_storeu_ps(row, mask, y);
    }
  }
}

// The blocks with constant shapes, packed (block_RxN) and reading B in place (direct_RxN).
#define CK_BLOCKS(RP, NV)                                                                                          \
  CK_AVX512 static void block_##RP##x##NV(long kc, const float *a, long a_next, const float *b, long b_next,      \
                                          float *c, long ldc, long rows, long cols, int accumulate,               \
                                          const ck_epilogue *ep) {                                                \
    block_rn(RP, NV, 0, kc, a, a_next, b, b_next, NR, c, ldc, rows, cols, accumulate, ep);                        \
  }                                                                                                               \
  CK_AVX512 static void direct_##RP##x##NV(long kc, const float *a, long a_next, const float *b, long ldb,        \
                                           float *c, long ldc, long rows, long cols, int accumulate,              \
                                           const ck_epilogue *ep) {                                               \
    block_rn(RP, NV, 1, kc, a, a_next, b, NR, ldb, c, ldc, rows, cols, accumulate, ep);                          \
  }
CK_BLOCKS(2, 2)
CK_BLOCKS(2, 1)
CK_BLOCKS(1, 2)
CK_BLOCKS(1, 1)

// Picks the smallest block that covers the live rows and columns, so a block never reads
// an A or B panel that was not packed.
static void block_avx512(long kc, const float *a, long a_next, const float *b, long b_next, float *c,
                         long ldc, long rows, long cols, int accumulate, const ck_epilogue *ep) {
  block_fn f = rows > MR ? (cols > NR ? block_2x2 : block_2x1) : (cols > NR ? block_1x2 : block_1x1);
  f(kc, a, a_next, b, b_next, c, ldc, rows, cols, accumulate, ep);
}

static void direct_avx512(long kc, const float *a, long a_next, const float *b, long ldb, float *c, long ldc,
                          long rows, long cols, int accumulate, const ck_epilogue *ep) {
  direct_block_fn f = rows > MR ? (cols > NR ? direct_2x2 : direct_2x1) : (cols > NR ? direct_1x2 : direct_1x1);
  f(kc, a, a_next, b, ldb, c, ldc, rows, cols, accumulate, ep);
}

// C's one column (n = 1: a dense layer on one image) for the 6-row A panels [p0, p1): each
// panel's six rows are one vector, four panels at a time so their chains overlap. The
// arithmetic is the blocks' (per K block a product and then fused multiply-adds in K order,
// the blocks' sums added in turn, the same epilogue), so one image gives bit for bit what the
// same image gives inside a batch; the blocks would spend 12 or 24 multiply-adds per step on
// one live column.
CK_AVX512 static void gemv_avx512(const gemm_job *j, long p0, long p1) {
  const __mmask16 live_rows = (1u << MR) - 1;
  for (long p = p0; p < p1; p += 4) {
    int count = p1 - p < 4 ? (int)(p1 - p) : 4;
    __m512 total[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
    for (long pc = 0; pc < j->k; pc += j->kc) {
      long kc = j->k - pc < j->kc ? j->k - pc : j->kc;
      const float *a[4];
      for (int q = 0; q < 4; q++) a[q] = j->packed_a + (p + (q < count ? q : 0)) * MR * j->k + pc * MR;
      const float *x = j->b + pc * j->ldb;
      __m512 acc[4];
      __m512 xv = _mm512_set1_ps(x[0]);
      for (int q = 0; q < 4; q++) acc[q] = _mm512_mul_ps(_mm512_maskz_loadu_ps(live_rows, a[q]), xv);
      for (long t = 1; t < kc; t++) {
        xv = _mm512_set1_ps(x[t * j->ldb]);
        for (int q = 0; q < 4; q++)
          acc[q] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(live_rows, a[q] + t * MR), xv, acc[q]);
      }
      for (int q = 0; q < 4; q++) total[q] = pc ? _mm512_add_ps(acc[q], total[q]) : acc[q];
    }
    for (int q = 0; q < count; q++) {
      float out[16];
      _mm512_storeu_ps(out, total[q]);
      for (int r = 0; r < MR; r++) {
        long row = (p + q) * MR + r;
        if (row >= j->m) break;
        j->c[row * j->ldc] = j->ep ? ck__finish(out[r], row, 0, j->ep) : out[r];
      }
    }
  }
}

kernel_family ck__family_avx512(void) { return (kernel_family){block_avx512, 2, 2, direct_avx512, gemv_avx512}; }
#else
kernel_family ck__family_avx512(void) { return ck__family_avx2(); }
#endif
