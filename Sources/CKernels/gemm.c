// A packed single-precision gemm for inference (the BLIS scheme): A (the weights) is packed
// once at load time into panels of 6 rows; B is packed per task into 16-column panels of at
// most 256 rows that stay in L1 while a 6×16 micro-kernel sweeps the task's rows. The
// epilogue (bias, residual, activation, fake quantization) runs on the accumulators before
// the one store, so a convolution's output is written once instead of once per pass.
#include "ck_gemm.h"
#include "ck_parallel.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "gemm_internal.h"

static int forced_portable = 0;

void ck_gemm_force_portable(int portable) { forced_portable = portable; }

int ck_gemm_uses_avx2(void) {
#if defined(__x86_64__)
  if (forced_portable) return 0;
  static int supported = -1;
  if (supported < 0) {
    __builtin_cpu_init();
    supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
  return supported;
#else
  return 0;
#endif
}

long ck_gemm_packed_a_count(long m, long k) { return (m + MR - 1) / MR * MR * k; }

void ck_gemm_pack_a(long m, long k, const float *a, long lda, float *packed) {
  for (long i0 = 0; i0 < m; i0 += MR) {
    float *dst = packed + i0 * k;
    for (long p = 0; p < k; p++) {
      for (int r = 0; r < MR; r++) dst[p * MR + r] = i0 + r < m ? a[(i0 + r) * lda + p] : 0.0f;
    }
  }
}

// B[0..kc, 0..cols) (row stride ldb) into panels of NR columns, zero-padded on the right.
static void pack_b(long kc, long cols, const float *b, long ldb, float *dst) {
  for (long q = 0; q * NR < cols; q++) {
    long w = cols - q * NR < NR ? cols - q * NR : NR;
    const float *src = b + q * NR;
    float *d = dst + q * kc * NR;
    if (w == NR) {
      for (long p = 0; p < kc; p++) memcpy(d + p * NR, src + p * ldb, NR * sizeof(float));
    } else {
      for (long p = 0; p < kc; p++) {
        memcpy(d + p * NR, src + p * ldb, (size_t)w * sizeof(float));
        memset(d + p * NR + w, 0, (size_t)(NR - w) * sizeof(float));
      }
    }
  }
}

// The same rounding as the Swift engine's fakeQuantize: round half to even, saturate.
static inline float fake_quant(float y, const ck_epilogue *ep) {
  float v = y / ep->fq_scale;
  v = v > -4194304.0f ? v : -4194304.0f;
  v = v < 4194304.0f ? v : 4194304.0f;
  v = nearbyintf(v) + ep->fq_zero;
  v = v > ep->fq_lo ? v : ep->fq_lo;
  v = v < ep->fq_hi ? v : ep->fq_hi;
  return (v - ep->fq_zero) * ep->fq_scale;
}

static inline float finish(float y, int r, int t, const ck_epilogue *ep) {
  if (ep->bias) y += ep->bias[r];
  if (ep->residual) y += ep->residual[r * ep->residual_ld + t];
  if (ep->activation == CK_ACT_RELU) y = y > 0 ? y : 0;
  if (ep->activation == CK_ACT_CLIP) {
    y = y > ep->clip_lo ? y : ep->clip_lo;
    y = y < ep->clip_hi ? y : ep->clip_hi;
  }
  if (ep->fake_quant) y = fake_quant(y, ep);
  return y;
}

// For ck_gemv_s8: one finished element of row `row`.
float ck_finish_element(float y, long row, const ck_epilogue *ep) {
  ck_epilogue local = *ep;
  if (ep->bias) local.bias = ep->bias + row;
  if (ep->residual) local.residual = ep->residual + row;
  return finish(y, 0, 0, &local);
}

// One MR×NR tile of C: accumulate over kc, add what C holds when `accumulate`, finish
// with the epilogue when `ep` is not NULL (its bias and residual already point at the tile).
static void kernel_portable(long kc, const float *a, const float *b, float *c, long ldc,
                            int accumulate, const ck_epilogue *ep) {
  float acc[MR][NR] = {{0}};
  for (long p = 0; p < kc; p++) {
    for (int r = 0; r < MR; r++) {
      float av = a[p * MR + r];
      for (int t = 0; t < NR; t++) acc[r][t] += av * b[p * NR + t];
    }
  }
  for (int r = 0; r < MR; r++) {
    for (int t = 0; t < NR; t++) {
      float y = acc[r][t] + (accumulate ? c[r * ldc + t] : 0.0f);
      c[r * ldc + t] = ep ? finish(y, r, t, ep) : y;
    }
  }
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static inline __m256 finish8(__m256 y, int r, int t,
                                                                 const ck_epilogue *ep) {
  if (ep->bias) y = _mm256_add_ps(y, _mm256_set1_ps(ep->bias[r]));
  if (ep->residual) y = _mm256_add_ps(y, _mm256_loadu_ps(ep->residual + r * ep->residual_ld + t));
  if (ep->activation == CK_ACT_RELU) y = _mm256_max_ps(y, _mm256_setzero_ps());
  if (ep->activation == CK_ACT_CLIP) {
    y = _mm256_min_ps(_mm256_max_ps(y, _mm256_set1_ps(ep->clip_lo)), _mm256_set1_ps(ep->clip_hi));
  }
  if (ep->fake_quant) {
    __m256 s = _mm256_set1_ps(ep->fq_scale), z = _mm256_set1_ps(ep->fq_zero);
    // A true division: a reciprocal multiply with a tie check measured slower on Zen 3.
    __m256 v = _mm256_round_ps(_mm256_div_ps(y, s), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    v = _mm256_max_ps(_mm256_add_ps(v, z), _mm256_set1_ps(ep->fq_lo));
    v = _mm256_min_ps(v, _mm256_set1_ps(ep->fq_hi));
    y = _mm256_mul_ps(_mm256_sub_ps(v, z), s);
  }
  return y;
}

#define CK_ROW(r)                                                        \
  do {                                                                   \
    __m256 av = _mm256_broadcast_ss(a + (r));                            \
    c##r##0 = _mm256_fmadd_ps(av, b0, c##r##0);                          \
    c##r##1 = _mm256_fmadd_ps(av, b1, c##r##1);                          \
  } while (0)

#define CK_STORE(r)                                                                 \
  do {                                                                              \
    float *row = c + (r) * ldc;                                                     \
    __m256 y0 = c##r##0, y1 = c##r##1;                                              \
    if (accumulate) {                                                               \
      y0 = _mm256_add_ps(y0, _mm256_loadu_ps(row));                                 \
      y1 = _mm256_add_ps(y1, _mm256_loadu_ps(row + 8));                             \
    }                                                                               \
    if (ep) {                                                                       \
      y0 = finish8(y0, (r), 0, ep);                                                 \
      y1 = finish8(y1, (r), 8, ep);                                                 \
    }                                                                               \
    _mm256_storeu_ps(row, y0);                                                      \
    _mm256_storeu_ps(row + 8, y1);                                                  \
  } while (0)

__attribute__((target("avx2,fma"))) static void kernel_avx2(long kc, const float *a,
                                                            const float *b, float *c, long ldc,
                                                            int accumulate,
                                                            const ck_epilogue *ep) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (long p = 0; p < kc; p++) {
    __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
    _mm_prefetch((const char *)(b + 8 * NR), _MM_HINT_T0);
    CK_ROW(0);
    CK_ROW(1);
    CK_ROW(2);
    CK_ROW(3);
    CK_ROW(4);
    CK_ROW(5);
    a += MR;
    b += NR;
  }
  CK_STORE(0);
  CK_STORE(1);
  CK_STORE(2);
  CK_STORE(3);
  CK_STORE(4);
  CK_STORE(5);
}

// The 6×8 variant for a last panel with at most 8 live columns (a 7×7 feature map has 49
// columns: three full panels and one column); it reads the first half of each B row.
#define CK_ROW8(r)                                                       \
  do {                                                                   \
    __m256 av = _mm256_broadcast_ss(a + (r));                            \
    c##r##0 = _mm256_fmadd_ps(av, b0, c##r##0);                          \
  } while (0)

#define CK_STORE8(r)                                                                \
  do {                                                                              \
    float *row = c + (r) * ldc;                                                     \
    __m256 y0 = c##r##0;                                                            \
    if (accumulate) y0 = _mm256_add_ps(y0, _mm256_loadu_ps(row));                   \
    if (ep) y0 = finish8(y0, (r), 0, ep);                                           \
    _mm256_storeu_ps(row, y0);                                                      \
  } while (0)

__attribute__((target("avx2,fma"))) static void kernel8_avx2(long kc, const float *a,
                                                             const float *b, float *c, long ldc,
                                                             int accumulate,
                                                             const ck_epilogue *ep) {
  __m256 c00 = _mm256_setzero_ps(), c10 = c00, c20 = c00, c30 = c00, c40 = c00, c50 = c00;
  for (long p = 0; p < kc; p++) {
    __m256 b0 = _mm256_load_ps(b);
    CK_ROW8(0);
    CK_ROW8(1);
    CK_ROW8(2);
    CK_ROW8(3);
    CK_ROW8(4);
    CK_ROW8(5);
    a += MR;
    b += NR;
  }
  CK_STORE8(0);
  CK_STORE8(1);
  CK_STORE8(2);
  CK_STORE8(3);
  CK_STORE8(4);
  CK_STORE8(5);
}
#endif

// A tile at (row0, col0) of `rows` × `cols` (≤ MR × NR): full tiles go straight to C,
// edge tiles through a scratch tile so the kernel never reads or writes past C.
static void tile(kernel_fn kernel, kernel_fn narrow, long kc, const float *a, const float *b, float *c, long ldc,
                 long row0, long col0, long rows, long cols, int accumulate,
                 const ck_epilogue *ep) {
  ck_epilogue local;
  if (ep) {
    local = *ep;
    if (ep->bias) local.bias = ep->bias + row0;
    if (ep->residual) local.residual = ep->residual + row0 * ep->residual_ld + col0;
  }
  float *ct = c + row0 * ldc + col0;
  if (rows == MR && cols == NR) {
    kernel(kc, a, b, ct, ldc, accumulate, ep ? &local : NULL);
    return;
  }
  if (narrow && cols <= NR / 2) kernel = narrow;
  float scratch[MR * NR] = {0}, residual[MR * NR] = {0}, bias[MR] = {0};
  for (long r = 0; r < rows; r++) {
    if (accumulate) memcpy(scratch + r * NR, ct + r * ldc, (size_t)cols * sizeof(float));
    if (ep && ep->residual) {
      memcpy(residual + r * NR, local.residual + r * ep->residual_ld, (size_t)cols * sizeof(float));
    }
    if (ep && ep->bias) bias[r] = local.bias[r];
  }
  if (ep) {
    if (ep->residual) {
      local.residual = residual;
      local.residual_ld = NR;
    }
    if (ep->bias) local.bias = bias;
  }
  kernel(kc, a, b, scratch, NR, accumulate, ep ? &local : NULL);
  for (long r = 0; r < rows; r++) memcpy(ct + r * ldc, scratch + r * NR, (size_t)cols * sizeof(float));
}

// Each pool thread keeps its B panel buffer between calls.
static _Thread_local float *panel_buffer = NULL;
static _Thread_local long panel_capacity = 0;

static float *panels(long count) {
  if (count > panel_capacity) {
    free(panel_buffer);
    size_t bytes = ((size_t)count * sizeof(float) + 63) / 64 * 64;
    panel_buffer = aligned_alloc(64, bytes);
    panel_capacity = panel_buffer ? count : 0;
  }
  return panel_buffer;
}

static void gemm_task(void *context, long task) {
  const gemm_job *j = context;
  long r0 = task % j->row_tiles * j->tile_rows, c0 = task / j->row_tiles * j->tile_cols;
  long r1 = r0 + j->tile_rows < j->m ? r0 + j->tile_rows : j->m;
  long c1 = c0 + j->tile_cols < j->n ? c0 + j->tile_cols : j->n;
  long padded = (c1 - c0 + NR - 1) / NR * NR;
  float *bp = panels(j->kc * padded + NR);
  if (!bp) {
    atomic_store(j->failed, 1);
    return;
  }
  for (long pc = 0; pc < j->k; pc += j->kc) {
    long kc = j->k - pc < j->kc ? j->k - pc : j->kc;
    if (j->source) ck__pack_conv(kc, pc, c0, c1 - c0, j->source, bp);
    else pack_b(kc, c1 - c0, j->b + pc * j->ldb + c0, j->ldb, bp);
    const ck_epilogue *ep = pc + kc >= j->k ? j->ep : NULL;
    for (long jr = c0; jr < c1; jr += NR) {
      const float *panel = bp + (jr - c0) / NR * kc * NR;
      long cols = c1 - jr < NR ? c1 - jr : NR;
      for (long ir = r0; ir < r1; ir += MR) {
        long rows = r1 - ir < MR ? r1 - ir : MR;
        tile(j->kernel, j->narrow, kc, j->packed_a + ir * j->k + pc * MR, panel, j->c, j->ldc, ir, jr, rows,
             cols, pc > 0, ep);
      }
    }
  }
}

// Packs K block `block` of the whole (narrow) B into the shared buffer.
static void pack_shared_task(void *context, long block) {
  const gemm_job *j = context;
  long pc = block * j->kc, kc = j->k - pc < j->kc ? j->k - pc : j->kc;
  float *dst = j->shared + block * j->kc * j->tile_cols;
  if (j->source) ck__pack_conv(kc, pc, 0, j->n, j->source, dst);
  else pack_b(kc, j->n, j->b + pc * j->ldb, j->ldb, dst);
}

// A row tile against the shared B: each 6-row A panel stays in L1 across B's few column
// panels, which stay in L2.
static void shared_task(void *context, long task) {
  const gemm_job *j = context;
  long r0 = task * j->tile_rows, r1 = r0 + j->tile_rows < j->m ? r0 + j->tile_rows : j->m;
  for (long pc = 0; pc < j->k; pc += j->kc) {
    long kc = j->k - pc < j->kc ? j->k - pc : j->kc;
    const float *bp = j->shared + pc / j->kc * j->kc * j->tile_cols;
    const ck_epilogue *ep = pc + kc >= j->k ? j->ep : NULL;
    for (long ir = r0; ir < r1; ir += MR) {
      long rows = r1 - ir < MR ? r1 - ir : MR;
      for (long jr = 0; jr < j->n; jr += NR) {
        long cols = j->n - jr < NR ? j->n - jr : NR;
        tile(j->kernel, j->narrow, kc, j->packed_a + ir * j->k + pc * MR, bp + jr / NR * kc * NR, j->c, j->ldc, ir,
             jr, rows, cols, pc > 0, ep);
      }
    }
  }
}

// For a B of at most 4 column panels (7×7 feature maps) with many rows of A: B is packed
// once, in parallel by K block, and the tasks split only the rows, so no task repacks it.
static int run_narrow(gemm_job job, long mp, long np) {
  long blocks = (job.k + job.kc - 1) / job.kc;
  job.tile_cols = np * NR;
  job.shared = aligned_alloc(64, ((size_t)blocks * job.kc * job.tile_cols + 2 * NR) * sizeof(float) / 64 * 64 + 64);
  if (!job.shared) return -1;
  ck_parallel_for(blocks, pack_shared_task, &job);
  long threads = ck_threads(), mb = mp < 16 ? mp : 16;
  while (threads > 1 && (mp + mb - 1) / mb < 3 * threads && mb >= 2) mb = (mb + 1) / 2;
  job.tile_rows = mb * MR;
  ck_parallel_for((mp + mb - 1) / mb, shared_task, &job);
  free(job.shared);
  return 0;
}

static const ck_epilogue no_epilogue = {0};


int ck_gemm(long m, long n, long k, const float *packed_a, const float *b, long ldb, float *c,
             long ldc, const ck_epilogue *epilogue) {
  return ck__run_gemm((gemm_job){.m = m, .n = n, .k = k, .ldb = ldb, .ldc = ldc, .packed_a = packed_a, .b = b,
                      .c = c, .ep = epilogue});
}

int ck__run_gemm(gemm_job job) {
  long m = job.m, n = job.n, k = job.k, ldc = job.ldc;
  float *c = job.c;
  const ck_epilogue *epilogue = job.ep;
  if (m <= 0 || n <= 0) return 0;
  if (k <= 0) {
    // Nothing to multiply: C is the epilogue applied to zeros.
    const ck_epilogue *ep = epilogue ? epilogue : &no_epilogue;
    for (long r = 0; r < m; r++)
      for (long t = 0; t < n; t++) {
        ck_epilogue local = *ep;
        if (ep->bias) local.bias = ep->bias + r;
        if (ep->residual) local.residual = ep->residual + r * ep->residual_ld + t;
        c[r * ldc + t] = finish(0, 0, 0, &local);
      }
    return 0;
  }
  job.kernel = kernel_portable;
  job.narrow = NULL;
#if defined(__x86_64__)
  if (ck_gemm_uses_avx2()) {
    job.kernel = kernel_avx2;
    job.narrow = kernel8_avx2;
  }
#endif
  long blocks = (k + KC_MAX - 1) / KC_MAX;
  job.kc = (k + blocks - 1) / blocks;
  // Tiles of at most 32 row panels (192 rows: their A block stays in L2) by 16 column
  // panels (256 columns), halved until every thread has about three to take.
  long mp = (m + MR - 1) / MR, np = (n + NR - 1) / NR;
  if (np <= 4 && mp >= 16) return run_narrow(job, mp, np);
  long mb = mp < 32 ? mp : 32, nb = np < 16 ? np : 16;
  long threads = ck_threads();
  while (threads > 1 && ((mp + mb - 1) / mb) * ((np + nb - 1) / nb) < 3 * threads) {
    if (nb >= 4 && nb * NR >= mb * MR) nb = (nb + 1) / 2;
    else if (mb >= 4) mb = (mb + 1) / 2;
    else if (nb >= 2) nb = (nb + 1) / 2;
    else if (mb >= 2) mb = (mb + 1) / 2;
    else break;
  }
  job.tile_rows = mb * MR;
  job.tile_cols = nb * NR;
  job.row_tiles = (mp + mb - 1) / mb;
  atomic_int failed = 0;
  job.failed = &failed;
  ck_parallel_for(job.row_tiles * ((np + nb - 1) / nb), gemm_task, &job);
  return atomic_load(&failed) ? -1 : 0;
}
