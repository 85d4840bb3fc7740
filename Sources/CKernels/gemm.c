// A packed single-precision gemm for inference (the BLIS scheme): A (the weights) is packed
// once at load time into panels of 6 rows; B is packed per task into 16-column panels of at
// most 256 rows that stay in L1 while a micro-kernel sweeps the task's rows. The epilogue
// (bias, residual, activation, fake quantization) runs on the accumulators before the one
// store, so a convolution's output is written once instead of once per pass. The micro-
// kernels (gemm_kernels.c, gemm_avx512.c) are picked by the CPU check; all of them read the
// same panels, so weights packed once serve whichever runs.
#include "ck_gemm.h"
#include "ck_parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "gemm_internal.h"
#include "transpose_internal.h"

// Atomic: tests set it while the pool's workers may read it.
static atomic_int forced_level = -1;

void ck_gemm_force_level(int level) { atomic_store(&forced_level, level); }

void ck_gemm_force_portable(int portable) { ck_gemm_force_level(portable ? CK_LEVEL_PORTABLE : -1); }

int ck_gemm_cpu_level(void) {
#if defined(__x86_64__)
  static int supported = -1;
  if (supported < 0) {
    __builtin_cpu_init();
    int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    supported = avx2 && __builtin_cpu_supports("avx512f") ? CK_LEVEL_AVX512 : avx2 ? CK_LEVEL_AVX2 : 0;
    // A cap for measurements and for ruling a family out on a machine where it misbehaves.
    const char *cap = getenv("TABBY_GEMM_LEVEL");
    if (cap && *cap >= '0' && *cap <= '2' && *cap - '0' < supported) supported = *cap - '0';
  }
  return supported;
#else
  return CK_LEVEL_PORTABLE;
#endif
}

int ck_gemm_level(void) {
  return ck_level_capped(atomic_load_explicit(&forced_level, memory_order_relaxed));
}

int ck_level_capped(int level) {
  int cpu = ck_gemm_cpu_level();
  return level >= 0 && level < cpu ? level : cpu;
}

int ck_gemm_uses_avx2(void) { return ck_gemm_level() >= CK_LEVEL_AVX2; }

long ck_gemm_packed_a_count(long m, long k) { return (m + MR - 1) / MR * MR * k; }

// Depth [p0, p1) of the panel of rows [i0, i0 + MR), element by element (zeros below m).
static void pack_a_columns(long m, long k, const float *a, long lda, long i0, long p0, long p1, float *packed) {
  float *dst = packed + i0 * k;
  for (long p = p0; p < p1; p++) {
    for (int r = 0; r < MR; r++) dst[p * MR + r] = i0 + r < m ? a[(i0 + r) * lda + p] : 0.0f;
  }
}

#if defined(__x86_64__)
// A whole panel (MR = 6 rows) eight depths at a time: the six rows and two zero rows are
// transposed as an 8×8 block in registers, and each depth's eight lanes are stored at its
// place in the panel; the last two lanes spill into the next depth's place, which the next
// store overwrites, so the last block of a panel (whose spill would land in the next panel)
// is left to the element loop. A pure copy: the same panels as the element loop.
_Static_assert(MR == 6, "the AVX2 packing transposes six rows");
__attribute__((target("avx2"))) static long pack_a_panel_avx2(long k, const float *a, long lda, float *dst) {
  const __m256 zero = _mm256_setzero_ps();
  long p = 0;
  for (; p + 8 < k; p += 8) {
    __m256 v[8] = {zero, zero, zero, zero, zero, zero, zero, zero};
    for (int i = 0; i < MR; i++) v[i] = _mm256_loadu_ps(a + i * lda + p);
    ck__transpose8x8(v);
    for (int i = 0; i < 8; i++) _mm256_storeu_ps(dst + (p + i) * MR, v[i]);
  }
  return p;
}
#endif

typedef struct {
  long m, k, lda, panels_per_task;
  const float *a;
  float *packed;
  int vector;
} pack_a_job;

static void pack_a_task(void *context, long t) {
  const pack_a_job *j = context;
  long panels = (j->m + MR - 1) / MR, first = t * j->panels_per_task;
  long last = first + j->panels_per_task < panels ? first + j->panels_per_task : panels;
  for (long panel = first; panel < last; panel++) {
    long i0 = panel * MR, p0 = 0;
#if defined(__x86_64__)
    if (j->vector && i0 + MR <= j->m) p0 = pack_a_panel_avx2(j->k, j->a + i0 * j->lda, j->lda, j->packed + i0 * j->k);
#endif
    pack_a_columns(j->m, j->k, j->a, j->lda, i0, p0, j->k, j->packed);
  }
}

// Packing runs once per call where A changes every call (activations times constant weights,
// training's products): ConvNeXt's 3136×384 inputs took 340 µs on one thread element by
// element. Runs of panels of about 16 K floats each go to the pool's threads.
void ck_gemm_pack_a(long m, long k, const float *a, long lda, float *packed) {
  if (m <= 0 || k <= 0) return;
  long panels = (m + MR - 1) / MR, per = (16384 / (MR * k)) + 1;
  pack_a_job j = {m, k, lda, per, a, packed, ck_gemm_level() >= CK_LEVEL_AVX2};
  ck_parallel_for((panels + per - 1) / per, pack_a_task, &j);
}

void ck_gemm_pack_a_transposed(long m, long k, const float *at, long ldat, float *packed) {
  for (long i0 = 0; i0 < m; i0 += MR) {
    float *dst = packed + i0 * k;
    long rows = m - i0 < MR ? m - i0 : MR;
    for (long p = 0; p < k; p++) {
      const float *src = at + p * ldat + i0;
      for (int r = 0; r < MR; r++) dst[p * MR + r] = r < rows ? src[r] : 0.0f;
    }
  }
}

// For ck_gemv_s8: one finished element of row `row`.
float ck_finish_element(float y, long row, const ck_epilogue *ep) {
  ck_epilogue local = *ep;
  if (ep->bias) local.bias = ep->bias + row;
  if (ep->residual) local.residual = ep->residual + row;
  return ck__finish(y, 0, 0, &local);
}

// Columns [c0, c0 + cols) of B's rows [pc, pc + kc) into panels of NR columns, zero-padded
// on the right; with stacked images a panel's columns may come from two images.
static void pack_b(const gemm_job *j, long kc, long pc, long c0, long cols, float *dst) {
  if (j->source) {
    ck__pack_conv(kc, pc, c0, cols, j->image_cols, j->source, dst);
    return;
  }
  for (long q = 0; q * NR < cols; q++) {
    long w = cols - q * NR < NR ? cols - q * NR : NR;
    float *d = dst + q * kc * NR;
    for (long t = 0; t < w;) {
      long col = c0 + q * NR + t, img = j->image_cols ? col / j->image_cols : 0;
      long pos = col - img * j->image_cols, len = w - t;
      if (j->image_cols && j->image_cols - pos < len) len = j->image_cols - pos;
      const float *src = j->b + img * j->b_image + pc * j->ldb + pos;
      if (len == NR) {
        // A whole panel from one image: fixed-size copies the compiler inlines.
        for (long p = 0; p < kc; p++) memcpy(d + p * NR, src + p * j->ldb, NR * sizeof(float));
      } else {
        for (long p = 0; p < kc; p++) memcpy(d + p * NR + t, src + p * j->ldb, (size_t)len * sizeof(float));
      }
      t += len;
    }
    if (w < NR) {
      for (long p = 0; p < kc; p++) memset(d + p * NR + w, 0, (size_t)(NR - w) * sizeof(float));
    }
  }
}

// Where column `col` of row `row` of C (and of the residual) lives.
static long c_offset(const gemm_job *j, long row, long col, long ld, long image) {
  if (!j->image_cols) return row * ld + col;
  long img = col / j->image_cols;
  return img * image + row * ld + (col - img * j->image_cols);
}

// Copies `rows` rows of a block's columns [col0, col0 + cols) between the stacked images'
// matrix at `base` (row stride ld, images `image` apart) and a dense scratch block (row
// stride w), one run of columns per image: to the scratch when `gather`, else back.
static void copy_block(const gemm_job *j, float *base, long ld, long image, float *scratch, long w, long rows, long col0,
                       long cols, int gather) {
  for (long t = 0; t < cols;) {
    long img = (col0 + t) / j->image_cols, pos = col0 + t - img * j->image_cols;
    long len = j->image_cols - pos < cols - t ? j->image_cols - pos : cols - t;
    for (long r = 0; r < rows; r++) {
      float *m = base + img * image + r * ld + pos, *s = scratch + r * w + t;
      memcpy(gather ? s : m, gather ? m : s, (size_t)len * sizeof(float));
    }
    t += len;
  }
}

// A block whose columns span two images: computed in a scratch block, then scattered.
static void straddling_block(const gemm_job *j, long kc, const float *a, const float *b, long row0, long col0,
                             long rows, long cols, int accumulate, const ck_epilogue *ep) {
  enum { W = 2 * NR };
  float scratch[2 * MR * W], residual[2 * MR * W];
  ck_epilogue local;
  if (ep) {
    local = *ep;
    if (ep->bias) local.bias = ep->bias + row0;
    if (ep->residual) {
      copy_block(j, (float *)ep->residual + row0 * ep->residual_ld, ep->residual_ld, j->residual_image, residual, W,
                 rows, col0, cols, 1);
      local.residual = residual;
      local.residual_ld = W;
    }
  }
  float *c = j->c + row0 * j->ldc;
  if (accumulate) copy_block(j, c, j->ldc, j->c_image, scratch, W, rows, col0, cols, 1);
  j->kern.block(kc, a, MR * j->k, b, kc * NR, scratch, W, rows, cols, accumulate, ep ? &local : NULL);
  copy_block(j, c, j->ldc, j->c_image, scratch, W, rows, col0, cols, 0);
}

// `ep` (or NULL) as the block at (row0, col0) sees it: bias and residual offset to the block.
static const ck_epilogue *block_epilogue(const gemm_job *j, const ck_epilogue *ep, long row0, long col0,
                                         ck_epilogue *local) {
  if (!ep) return NULL;
  *local = *ep;
  if (ep->bias) local->bias = ep->bias + row0;
  if (ep->residual) local->residual = ep->residual + c_offset(j, row0, col0, ep->residual_ld, j->residual_image);
  return local;
}

// The block of C at (row0, col0): `a` and `b` are its first A and B panels.
static void run_block(const gemm_job *j, long kc, const float *a, const float *b, long row0, long col0, long rows,
                      long cols, int accumulate, const ck_epilogue *ep) {
  long img = j->image_cols ? col0 / j->image_cols : 0;
  if (j->image_cols && col0 + cols > (img + 1) * j->image_cols) {
    straddling_block(j, kc, a, b, row0, col0, rows, cols, accumulate, ep);
    return;
  }
  ck_epilogue local;
  float *c = j->c + c_offset(j, row0, col0, j->ldc, j->c_image);
  j->kern.block(kc, a, MR * j->k, b, kc * NR, c, j->ldc, rows, cols, accumulate,
                block_epilogue(j, ep, row0, col0, &local));
}

// Each pool thread keeps its B panel buffer between calls.
static _Thread_local float *panel_buffer = NULL;
static _Thread_local size_t panel_capacity = 0;

static float *panels(long count) { return ck__scratch_grow(&panel_buffer, &panel_capacity, (size_t)count); }

void ck__release_gemm_scratch(void) { ck__scratch_free(&panel_buffer, &panel_capacity); }

// sweep for a direct job: the blocks read B's rows [pc, pc + kc) where they lie.
static void sweep_direct(const gemm_job *j, long pc, long kc, long r0, long r1, long c0, long c1,
                         const ck_epilogue *ep) {
  long sr = j->kern.row_panels * MR, sc = j->kern.col_panels * NR;
  for (long jr = c0; jr < c1; jr += sc) {
    long cols = c1 - jr < sc ? c1 - jr : sc;
    for (long ir = r0; ir < r1; ir += sr) {
      long rows = r1 - ir < sr ? r1 - ir : sr;
      ck_epilogue local;
      j->kern.direct(kc, j->packed_a + ir * j->k + pc * MR, MR * j->k, j->b + pc * j->ldb + jr, j->ldb,
                     j->c + ir * j->ldc + jr, j->ldc, rows, cols, pc > 0, block_epilogue(j, ep, ir, jr, &local));
    }
  }
}

// The rows [r0, r1) of C against `cols` columns at c0 of one packed K block.
static void sweep(const gemm_job *j, long pc, long kc, const float *bp, long r0, long r1, long c0, long c1,
                  int columns_outer) {
  const ck_epilogue *ep = pc + kc >= j->k ? j->ep : NULL;
  long sr = j->kern.row_panels * MR, sc = j->kern.col_panels * NR;
  if (j->direct) {
    sweep_direct(j, pc, kc, r0, r1, c0, c1, ep);
    return;
  }
  // Columns outer: each B block stays in L1 while the rows sweep past it (a task's own
  // panels); rows outer: each A block stays in L1 across B's few shared panels.
  long outer_n = columns_outer ? (c1 - c0 + sc - 1) / sc : (r1 - r0 + sr - 1) / sr;
  long inner_n = columns_outer ? (r1 - r0 + sr - 1) / sr : (c1 - c0 + sc - 1) / sc;
  for (long o = 0; o < outer_n; o++) {
    for (long i = 0; i < inner_n; i++) {
      long ir = r0 + (columns_outer ? i : o) * sr, jr = c0 + (columns_outer ? o : i) * sc;
      long rows = r1 - ir < sr ? r1 - ir : sr, cols = c1 - jr < sc ? c1 - jr : sc;
      run_block(j, kc, j->packed_a + ir * j->k + pc * MR, bp + (jr - c0) / NR * kc * NR, ir, jr, rows, cols, pc > 0,
                ep);
    }
  }
}

static void gemm_task(void *context, long task) {
  const gemm_job *j = context;
  long r0 = task % j->row_tiles * j->tile_rows, c0 = task / j->row_tiles * j->tile_cols;
  long r1 = r0 + j->tile_rows < j->m ? r0 + j->tile_rows : j->m;
  long c1 = c0 + j->tile_cols < j->n ? c0 + j->tile_cols : j->n;
  if (j->direct) {
    for (long pc = 0; pc < j->k; pc += j->kc) {
      sweep(j, pc, j->k - pc < j->kc ? j->k - pc : j->kc, NULL, r0, r1, c0, c1, 1);
    }
    return;
  }
  long padded = (c1 - c0 + NR - 1) / NR * NR;
  float *bp = panels(j->kc * padded + NR);
  if (!bp) {
    atomic_store(j->failed, 1);
    return;
  }
  for (long pc = 0; pc < j->k; pc += j->kc) {
    long kc = j->k - pc < j->kc ? j->k - pc : j->kc;
    pack_b(j, kc, pc, c0, c1 - c0, bp);
    sweep(j, pc, kc, bp, r0, r1, c0, c1, 1);
  }
}

// Packs K block `block` of the whole (narrow) B into the shared buffer.
static void pack_shared_task(void *context, long block) {
  const gemm_job *j = context;
  long pc = block * j->kc, kc = j->k - pc < j->kc ? j->k - pc : j->kc;
  pack_b(j, kc, pc, 0, j->n, j->shared + block * j->kc * j->tile_cols);
}

// A row tile against the shared B: each A block stays in L1 across B's few column
// panels, which stay in L2.
static void shared_task(void *context, long task) {
  const gemm_job *j = context;
  long r0 = task * j->tile_rows, r1 = r0 + j->tile_rows < j->m ? r0 + j->tile_rows : j->m;
  for (long pc = 0; pc < j->k; pc += j->kc) {
    long kc = j->k - pc < j->kc ? j->k - pc : j->kc;
    sweep(j, pc, kc, j->shared + pc / j->kc * j->kc * j->tile_cols, r0, r1, 0, j->n, 0);
  }
}

// The largest per-thread share of a tiling with `mb` row panels per tile, in panels: tiles
// go out one at a time, a tile that ends in half a kernel block costs half a panel more,
// and each task a quarter panel for its hand-off and packing.
static double tiling_cost(long mp, long mb, long col_tiles, long threads, long rp) {
  long tasks = (mp + mb - 1) / mb * col_tiles, per_thread = (tasks + threads - 1) / threads;
  return (double)per_thread * ((double)mb + (mb % rp ? 0.5 : 0.0) + 0.25);
}

// The row panels per tile, near `mb`, that share best among the threads: a partial last
// tile otherwise leaves a thread idle at the end (SqueezeNet's classifier: 5 tiles of 32
// panels and one of 7, three for one thread and 2.2 for the other; ResNet's 7×7 layers:
// 5 of 16 and one of 6). Tries equal tiles of a few counts, in whole kernel blocks or not.
static long balanced_row_panels(long mp, long mb, long col_tiles, long threads, long rp) {
  long best = (mb + rp - 1) / rp * rp;
  if (threads <= 1) return best;
  double best_cost = tiling_cost(mp, best, col_tiles, threads, rp);
  long first = (mp + mb - 1) / mb;
  for (long tiles = first; tiles <= first + 2 * threads && tiles <= mp; tiles++) {
    long even = (mp + tiles - 1) / tiles;
    long candidates[2] = {even, (even + rp - 1) / rp * rp};
    for (int c = 0; c < 2; c++) {
      double cost = tiling_cost(mp, candidates[c], col_tiles, threads, rp);
      if (cost < best_cost - 1e-9) {
        best_cost = cost;
        best = candidates[c];
      }
    }
  }
  return best;
}

// The tilings chosen so far, by shape: a few dozen per network, in a small hash table
// (a shape whose slots are all taken replaces the first of them).
typedef struct {
  long mp, np, k, threads, direct, rp, cp;
} tiling_key;
typedef struct {
  tiling_key key;
  long mb, nb;
  int used;
} tiling_entry;
#define TILINGS 256
#define TILING_PROBES 8
#define CK_MAX_THREADS 64  // ck_set_threads' cap
static tiling_entry tilings[TILINGS];
static pthread_mutex_t tilings_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned long tiling_slot(const tiling_key *key) {
  unsigned long h = 1469598103934665603ul;
  const long *words = (const long *)key;
  for (size_t i = 0; i < sizeof *key / sizeof(long); i++) h = (h ^ (unsigned long)words[i]) * 1099511628211ul;
  return h % TILINGS;
}

static int tiling_lookup(const tiling_key *key, long *mb, long *nb) {
  unsigned long slot = tiling_slot(key);
  int found = 0;
  pthread_mutex_lock(&tilings_lock);
  for (int i = 0; i < TILING_PROBES && !found; i++) {
    const tiling_entry *e = &tilings[(slot + i) % TILINGS];
    if (e->used && memcmp(&e->key, key, sizeof *key) == 0) {
      *mb = e->mb;
      *nb = e->nb;
      found = 1;
    }
  }
  pthread_mutex_unlock(&tilings_lock);
  return found;
}

static void tiling_remember(const tiling_key *key, long mb, long nb) {
  unsigned long slot = tiling_slot(key), at = slot;
  pthread_mutex_lock(&tilings_lock);
  for (int i = 0; i < TILING_PROBES; i++) {
    if (!tilings[(slot + i) % TILINGS].used) {
      at = (slot + i) % TILINGS;
      break;
    }
  }
  tilings[at] = (tiling_entry){*key, mb, nb, 1};
  pthread_mutex_unlock(&tilings_lock);
}

// When a thread finishes a tiling's tasks, in units of one 6-row panel of A against one
// 16-column panel of B over all of K: tasks are handed out as ck_parallel_for does (one
// contiguous part per thread, a thread that has run its own taking tasks from the end of
// the next part). A task costs its rows × columns, its hand-off (about 600 cycles, where a
// unit is 6·k), and the fetching of its operands: 0.2 per row panel (A from L3, at about 20
// bytes a cycle) and `per_column` per column panel (B read in place, or packed). So a split
// that makes two tasks read the same A or B costs what the extra reads cost (MobileNetV2's
// 1280×49×320 gemm ran 10 % slower on two column tiles than on one). At most 256 tasks.
static double tiling_makespan(long mp, long np, long mb, long nb, long k, long threads, double per_column) {
  long rt = (mp + mb - 1) / mb, tasks = rt * ((np + nb - 1) / nb);
  double work[256], clock[CK_MAX_THREADS] = {0};
  long front[CK_MAX_THREADS], back[CK_MAX_THREADS];
  for (long t = 0; t < tasks; t++) {
    long r = t % rt, c = t / rt;
    long rows = mp - r * mb < mb ? mp - r * mb : mb, cols = np - c * nb < nb ? np - c * nb : nb;
    work[t] = (double)rows * (double)cols + 100.0 / (double)k + 0.2 * (double)rows + per_column * (double)cols;
  }
  for (long p = 0; p < threads; p++) {
    front[p] = tasks * p / threads;
    back[p] = tasks * (p + 1) / threads;
  }
  for (long left = tasks; left > 0; left--) {
    long p = 0;  // the thread free first takes the next task
    for (long q = 1; q < threads; q++)
      if (clock[q] < clock[p]) p = q;
    long from = p;
    for (long step = 1; front[from] >= back[from] && step < threads; step++) from = (p + step) % threads;
    clock[p] += work[from == p ? front[p]++ : --back[from]];
  }
  double makespan = 0;
  for (long p = 0; p < threads; p++) makespan = clock[p] > makespan ? clock[p] : makespan;
  return makespan;
}

// The tile size in row panels (at most 32: 192 rows of A stay in L2) and column panels (at
// most 16, in whole kernel blocks). The rule: the largest tiles, halved until every thread
// has about three, then row tiles of equal size. Where that leaves the threads clearly
// unequal shares (by the model above), the tiling the model finishes first replaces it:
// splitting MobileNetV2's 196 columns made tiles of 128 and 68 columns and one thread ran
// a third longer than the other, where splitting only the rows gives equal tasks (its
// 576×196×96 gemm: 131 → 110 µs). Only clear gains: where the model sees under 5 %, the rule
// measured as well or better (192×784×32: 57 µs against 61). A shape's choice is remembered,
// as a network asks for the same few on every run.
static void choose_tiles(const gemm_job *j, long mp, long np, long threads, long *mb_out, long *nb_out) {
  long rp = j->kern.row_panels, cp = j->kern.col_panels;
  long mb = mp < 32 ? mp : 32, nb = np < 16 ? np : 16;
  while (threads > 1 && ((mp + mb - 1) / mb) * ((np + nb - 1) / nb) < 3 * threads) {
    if (nb >= 4 * cp && nb * NR >= mb * MR) nb = (nb + 1) / 2;
    else if (mb >= 4 * rp) mb = (mb + 1) / 2;
    else if (nb >= 2 * cp) nb = (nb + 1) / 2;
    else if (mb >= 2 * rp) mb = (mb + 1) / 2;
    else break;
  }
  nb = (nb + cp - 1) / cp * cp;
  mb = balanced_row_panels(mp, mb, (np + nb - 1) / nb, threads, rp);
  *mb_out = mb;
  *nb_out = nb;
  long tasks = ((mp + mb - 1) / mb) * ((np + nb - 1) / nb);
  if (threads <= 1 || threads > CK_MAX_THREADS || tasks >= 8 * threads) return;
  tiling_key key = {mp, np, j->k, threads, j->direct, rp, cp};
  if (tiling_lookup(&key, mb_out, nb_out)) return;
  double per_column = j->direct ? 0.3 : 0.6;
  double best = 0.95 * tiling_makespan(mp, np, mb, nb, j->k, threads, per_column);
  long first_r = (mp + 31) / 32, first_c = (np + 15) / 16;
  for (long r = first_r; r <= first_r + 4 * threads && r <= mp; r++) {
    long even = (mp + r - 1) / r, rows[2] = {even, (even + rp - 1) / rp * rp};
    for (long c = first_c; c <= first_c + 2 * threads; c++) {
      long cols = ((np + c - 1) / c + cp - 1) / cp * cp;
      for (int v = 0; v < 2; v++) {
        if (rows[v] > 32 || cols > 16 || ((mp + rows[v] - 1) / rows[v]) * ((np + cols - 1) / cols) > 256)
          continue;
        double t = tiling_makespan(mp, np, rows[v], cols, j->k, threads, per_column);
        if (t < best - 1e-9) {
          best = t;
          *mb_out = rows[v];
          *nb_out = cols;
        }
      }
    }
  }
  tiling_remember(&key, *mb_out, *nb_out);
}

// For a B of at most 4 column panels (7×7 feature maps) with many rows of A: B is packed
// once, in parallel by K block, and the tasks split only the rows, so no task repacks it.
static int run_narrow(gemm_job job, long mp, long np) {
  long blocks = (job.k + job.kc - 1) / job.kc, rp = job.kern.row_panels;
  job.tile_cols = np * NR;
  job.shared = aligned_alloc(64, ((size_t)blocks * job.kc * job.tile_cols + 2 * NR) * sizeof(float) / 64 * 64 + 64);
  if (!job.shared) return -1;
  ck_parallel_for(blocks, pack_shared_task, &job);
  long threads = ck_threads(), mb = mp < 16 ? mp : 16;
  while (threads > 1 && (mp + mb - 1) / mb < 3 * threads && mb >= 2 * rp) mb = (mb + 1) / 2;
  mb = balanced_row_panels(mp, mb, 1, threads, rp);
  job.tile_rows = mb * MR;
  ck_parallel_for((mp + mb - 1) / mb, shared_task, &job);
  free(job.shared);
  return 0;
}

typedef struct {
  const gemm_job *j;
  long chunk;  // panels per task
} gemv_job;

static void gemv_task(void *context, long t) {
  const gemv_job *g = context;
  long p0 = t * g->chunk, mp = (g->j->m + MR - 1) / MR;
  g->j->kern.gemv(g->j, p0, p0 + g->chunk < mp ? p0 + g->chunk : mp);
}

// A one-column gemm: the panels shared among the threads in runs of whole 4-panel groups,
// about four runs a thread.
static int run_gemv(const gemm_job *job, long mp) {
  long threads = job->serial ? 1 : ck_threads();
  long chunk = (mp + 4 * threads - 1) / (4 * threads);
  chunk = (chunk + 3) / 4 * 4;
  gemv_job g = {job, chunk < 4 ? 4 : chunk};
  ck_parallel_for((mp + g.chunk - 1) / g.chunk, gemv_task, &g);
  return 0;
}

// C = the epilogue applied to zeros (k = 0: nothing to multiply).
static void finish_zeros(const gemm_job *j) {
  static const ck_epilogue none = {0};
  const ck_epilogue *ep = j->ep ? j->ep : &none;
  for (long r = 0; r < j->m; r++)
    for (long t = 0; t < j->n; t++) {
      ck_epilogue local = *ep;
      if (ep->bias) local.bias = ep->bias + r;
      if (ep->residual) local.residual = ep->residual + c_offset(j, r, t, ep->residual_ld, j->residual_image);
      j->c[c_offset(j, r, t, j->ldc, j->c_image)] = ck__finish(0, 0, 0, &local);
    }
}

// Whether the kernels may read B in place: TABBY_GEMM_DIRECT=0 turns it off, for A/B runs.
static int direct_enabled(void) {
  static int enabled = -1;
  if (enabled < 0) {
    const char *v = getenv("TABBY_GEMM_DIRECT");
    enabled = !(v && v[0] == '0');
  }
  return enabled;
}

static kernel_family family(void) {
  switch (ck_gemm_level()) {
  case CK_LEVEL_AVX512: return ck__family_avx512();
  case CK_LEVEL_AVX2: return ck__family_avx2();
  default: return ck__family_portable();
  }
}

int ck__run_gemm(gemm_job job) {
  long m = job.m, n = job.n, k = job.k;
  if (m <= 0 || n <= 0) return 0;
  if (k <= 0) {
    finish_zeros(&job);
    return 0;
  }
  job.kern = family();
  job.kc = ck__gemm_kc(k);
  long mp = (m + MR - 1) / MR, np = (n + NR - 1) / NR;
  // A plain B (a 1×1 convolution's input, a dense layer's) is read where it lies when the
  // family can: packing it cost more than it saved on every shape measured (bench/README.md),
  // most of all with few rows of A, where each packed panel served only a block or two.
  job.direct = job.kern.direct && !job.source && !job.image_cols && direct_enabled();
  if (job.direct && n == 1 && job.kern.gemv) return run_gemv(&job, mp);
  if (np <= 4 && mp >= 16 && !job.serial && !job.direct) return run_narrow(job, mp, np);
  long threads = job.serial ? 1 : ck_threads(), mb, nb;
  choose_tiles(&job, mp, np, threads, &mb, &nb);
  job.tile_rows = mb * MR;
  job.tile_cols = nb * NR;
  job.row_tiles = (mp + mb - 1) / mb;
  atomic_int failed = 0;
  job.failed = &failed;
  ck_parallel_for(job.row_tiles * ((np + nb - 1) / nb), gemm_task, &job);
  return atomic_load(&failed) ? -1 : 0;
}

void ck_gemm_tiles(long m, long n, long k, int threads, long *tile_rows, long *tile_cols) {
  *tile_rows = *tile_cols = 0;
  if (m <= 0 || n <= 0 || k <= 0) return;  // ck_gemm splits no such product
  gemm_job job = {.m = m, .n = n, .k = k, .kern = family()};
  job.direct = job.kern.direct && direct_enabled();
  long mb, nb;
  choose_tiles(&job, (m + MR - 1) / MR, (n + NR - 1) / NR, threads, &mb, &nb);
  *tile_rows = mb * MR;
  *tile_cols = nb * NR;
}

int ck_gemm(long m, long n, long k, const float *packed_a, const float *b, long ldb, float *c, long ldc,
            const ck_epilogue *epilogue) {
  return ck__run_gemm(
      (gemm_job){.m = m, .n = n, .k = k, .ldb = ldb, .ldc = ldc, .packed_a = packed_a, .b = b, .c = c, .ep = epilogue});
}

int ck_gemm_batched(long m, long n, long k, const float *packed_a, const ck_batch *batch, const float *b, long ldb,
                    float *c, long ldc, const ck_epilogue *epilogue) {
  if (batch->count <= 0) return 0;
  return ck__run_gemm((gemm_job){.m = m, .n = n * batch->count, .k = k, .ldb = ldb, .ldc = ldc, .packed_a = packed_a,
                                 .b = b, .c = c, .ep = epilogue, .image_cols = n, .b_image = batch->x_stride,
                                 .c_image = batch->c_stride, .residual_image = batch->residual_stride});
}
