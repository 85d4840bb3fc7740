// Winograd F(m×m, 3×3) convolutions (m = 2 or 4) on the packed gemm. Three passes, each on
// ck_parallel_for's pool: every (image, channel) plane is padded and its tiles transformed
// into V[ξ] (cin × tiles); one packed gemm per ξ, M[ξ] = U[ξ] · V[ξ] (the gemms share the
// pool: each task runs one whole gemm); every (image, output channel) row of M is
// transformed back, the epilogue applied, and written once to C. The tile transforms
// (winograd_tiles.h) are compiled for AVX-512, AVX2 and plain C and picked by the same
// level as the gemm kernels, so ck_gemm_force_level covers them too.
#include "ck_winograd.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "ck_parallel.h"
#include "gemm_internal.h"
#include "winograd_tiles.h"

long ck_winograd_packed_count(int m, long cout, long cin) {
  long a = m + 2;
  return a * a * ck_gemm_packed_a_count(cout, cin);
}

typedef struct {
  int m;
  long cout, cin, block;  // block: floats of one packed U[ξ]
  const float *w;
  float *packed;
} pack_job;

// u = G g Gᵀ for one 3×3 kernel g (row-major), α×α row-major.
WINO_INLINE void transform_kernel(const int m, const float *g, float *u) {
  const float sixth = 1.0f / 6, f12 = 1.0f / 12, f24 = 1.0f / 24;
  int a = m + 2;
  float t[6][3];  // G g: α rows of 3
  for (int j = 0; j < 3; j++) {
    float g0 = g[j], g1 = g[3 + j], g2 = g[6 + j];
    if (m == 2) {
      t[0][j] = g0, t[1][j] = 0.5f * (g0 + g1 + g2), t[2][j] = 0.5f * (g0 - g1 + g2), t[3][j] = g2;
    } else {
      t[0][j] = g0 * 0.25f, t[1][j] = (g0 + g1 + g2) * -sixth, t[2][j] = (g0 - g1 + g2) * -sixth;
      t[3][j] = g0 * f24 + g1 * f12 + g2 * sixth, t[4][j] = g0 * f24 - g1 * f12 + g2 * sixth, t[5][j] = g2;
    }
  }
  for (int i = 0; i < a; i++) {
    float g0 = t[i][0], g1 = t[i][1], g2 = t[i][2], *r = u + i * a;
    if (m == 2) {
      r[0] = g0, r[1] = 0.5f * (g0 + g1 + g2), r[2] = 0.5f * (g0 - g1 + g2), r[3] = g2;
    } else {
      r[0] = g0 * 0.25f, r[1] = (g0 + g1 + g2) * -sixth, r[2] = (g0 - g1 + g2) * -sixth;
      r[3] = g0 * f24 + g1 * f12 + g2 * sixth, r[4] = g0 * f24 - g1 * f12 + g2 * sixth, r[5] = g2;
    }
  }
}

// One panel of MR output channels: their kernels transformed, CI input channels at a time,
// into a local block, then copied as one run per U[ξ] (storing each value straight to its
// U[ξ] would hit (m + 2)² addresses a power of two apart: one cache set).
enum { CI = 32 };
WINO_INLINE void pack_panel_tile(const pack_job *j, long panel, const int m) {
  const int a = m + 2;
  float u[36], local[36 * CI * MR];
  for (long c0 = 0; c0 < j->cin; c0 += CI) {
    long cn = j->cin - c0 < CI ? j->cin - c0 : CI;
    for (long ci = 0; ci < cn; ci++) {
      for (int r = 0; r < MR; r++) {
        long co = panel * MR + r;
        if (co < j->cout) transform_kernel(m, j->w + (co * j->cin + c0 + ci) * 9, u);
        else memset(u, 0, sizeof u);
        for (int x = 0; x < a * a; x++) local[(x * CI + ci) * MR + r] = u[x];
      }
    }
    for (int x = 0; x < a * a; x++) {
      memcpy(j->packed + x * j->block + (panel * j->cin + c0) * MR, local + x * CI * MR, (size_t)cn * MR * sizeof(float));
    }
  }
}

// The tile size a constant in each copy, so the transform's loops unroll.
static void pack_panel(void *context, long panel) {
  const pack_job *j = context;
  if (j->m == 2) pack_panel_tile(j, panel, 2);
  else pack_panel_tile(j, panel, 4);
}

void ck_winograd_pack_weights(int m, long cout, long cin, const float *weights, float *packed) {
  pack_job j = {m, cout, cin, ck_gemm_packed_a_count(cout, cin), weights, packed};
  ck_parallel_for((cout + MR - 1) / MR, pack_panel, &j);
}

typedef struct {
  int m, level;
  long cout, cin, images;     // images in this run
  long th, tw, tiles, cols;   // tile rows and columns per image, tiles per image, all images' tiles
  long hp, wp;                // the padded plane each input task builds
  const ck_conv_source *s;
  long x_image, c_image, r_image, ldc;
  const float *packed;
  long block;
  float *v, *mm;              // V[ξ] (cin × cols) and M[ξ] (cout × cols)
  float *c;
  const ck_epilogue *ep;
  atomic_int *failed;
} wino_job;

// Each pool thread keeps its padded plane between calls.
static _Thread_local float *plane_buffer = NULL;
static _Thread_local size_t plane_capacity = 0;

static float *plane_scratch(long count) { return ck__scratch_grow(&plane_buffer, &plane_capacity, (size_t)count); }

// Input plane `ch` of image `img` with its padding (zeros) written out, hp × wp.
static void pad_plane(const wino_job *j, long img, long ch, float *pad) {
  const ck_conv_source *s = j->s;
  const float *src = s->x + img * j->x_image + ch * s->height * s->width;
  long lo = s->pad_left < j->wp ? s->pad_left : j->wp;
  long hi = s->pad_left + s->width < j->wp ? s->pad_left + s->width : j->wp;
  for (long y = 0; y < j->hp; y++) {
    long iy = y - s->pad_top;
    float *row = pad + y * j->wp;
    if (iy < 0 || iy >= s->height || hi <= lo) {
      memset(row, 0, (size_t)j->wp * sizeof(float));
      continue;
    }
    memset(row, 0, (size_t)lo * sizeof(float));
    memcpy(row + lo, src + iy * s->width + (lo - s->pad_left), (size_t)(hi - lo) * sizeof(float));
    memset(row + hi, 0, (size_t)(j->wp - hi) * sizeof(float));
  }
}

// Stores the first `n` lanes of each t[ξ] at dst + ξ·stride; all 16 when `whole` (the
// excess lands where this task writes next, so it costs no variable-length copy).
WINO_INLINE void store_lanes(const vf *t, int count, float *dst, long stride, long n, int whole) {
  if (whole) {
    for (int x = 0; x < count; x++) memcpy(dst + x * stride, &t[x], sizeof(vf));
  } else {
    for (int x = 0; x < count; x++) memcpy(dst + x * stride, &t[x], (size_t)n * sizeof(float));
  }
}

#define INPUT_BODY(M, A, GATHER, TRANSFORM)                                                  \
  float *base = j->v + ch * j->cols + img * j->tiles;                                        \
  long stride = j->cin * j->cols;                                                            \
  for (long ty = 0; ty < j->th; ty++)                                                        \
    for (long tx = 0; tx < j->tw; tx += WL) {                                                \
      vf d[A * A], t[A * A];                                                                 \
      for (int i = 0; i < A; i++) GATHER(pad + (ty * M + i) * j->wp + tx * M, d + i * A);    \
      TRANSFORM(d, t);                                                                       \
      long n = j->tw - tx < WL ? j->tw - tx : WL;                                            \
      /* A short group's excess lands on the next tile rows', written after it. */          \
      store_lanes(t, A * A, base + ty * j->tw + tx, stride, n, ty * j->tw + tx + WL <= j->tiles); \
    }

WINO_INLINE void input_plane2(const wino_job *j, const float *pad, long img, long ch) {
  INPUT_BODY(2, 4, gather2, input_tile2)
}
WINO_INLINE void input_plane4(const wino_job *j, const float *pad, long img, long ch) {
  INPUT_BODY(4, 6, gather4, input_tile4)
}

// Each tile row's outputs go to `rows` (M rows of whole 16-tile groups), then each output
// row is copied to C and finished there.
#define OUTPUT_BODY(M, A, TRANSFORM, SCATTER)                                                      \
  const ck_conv_source *s = j->s;                                                                  \
  const float *src = j->mm + co * j->cols + img * j->tiles;                                        \
  long stride = j->cout * j->cols, wrow = (j->tw + WL - 1) / WL * WL * M;                          \
  long plane = s->out_h * s->out_w, whole = (s->out_w + WL - 1) / WL * WL;                         \
  float *c = j->c + img * j->c_image + co * j->ldc;                                                \
  const ck_epilogue *ep = j->ep;                                                                   \
  const float *bias = ep && ep->bias ? ep->bias + co : NULL;                                       \
  const float *res = ep && ep->residual ? ep->residual + img * j->r_image + co * ep->residual_ld : NULL; \
  for (long ty = 0; ty < j->th; ty++) {                                                            \
    for (long tx = 0; tx < j->tw; tx += WL) {                                                      \
      vf mv[A * A], o[M * M];                                                                      \
      for (int x = 0; x < A * A; x++) wload(&mv[x], src + x * stride + ty * j->tw + tx);           \
      TRANSFORM(mv, o);                                                                            \
      for (int i = 0; i < M; i++) SCATTER(o, i, rows + i * wrow + tx * M);                         \
    }                                                                                              \
    for (int i = 0; i < M && ty * M + i < s->out_h; i++) {                                         \
      long at = (ty * M + i) * s->out_w;                                                           \
      /* Whole vectors where they stay in this plane: the columns past the row's end land on  */  \
      /* the rows after it, which this task writes next (no residual: it could be C itself).  */  \
      long len = !res && at + whole <= plane ? whole : s->out_w;                                   \
      finish_row(c + at, rows + i * wrow, len, bias, res ? res + at : NULL, ep);                   \
    }                                                                                              \
  }

WINO_INLINE void output_plane2(const wino_job *j, float *rows, long img, long co) { OUTPUT_BODY(2, 4, output_tile2, scatter_row2) }
WINO_INLINE void output_plane4(const wino_job *j, float *rows, long img, long co) { OUTPUT_BODY(4, 6, output_tile4, scatter_row4) }

// The passes for one instruction set: the generic bodies inlined into functions built for it.
#define PASSES(SUFFIX, TARGET)                                                                        \
  TARGET static void input_##SUFFIX(const wino_job *j, const float *pad, long img, long ch) {         \
    if (j->m == 2) input_plane2(j, pad, img, ch);                                                     \
    else input_plane4(j, pad, img, ch);                                                               \
  }                                                                                                   \
  TARGET static void output_##SUFFIX(const wino_job *j, float *rows, long img, long co) {             \
    if (j->m == 2) output_plane2(j, rows, img, co);                                                   \
    else output_plane4(j, rows, img, co);                                                             \
  }

PASSES(portable, )
#if defined(__x86_64__)
PASSES(avx2, __attribute__((target("avx2,fma"))))
PASSES(avx512, __attribute__((target("avx512f"))))
#endif

static void input_task(void *context, long task) {
  const wino_job *j = context;
  long img = task / j->cin, ch = task % j->cin;
  float *pad = plane_scratch(j->hp * j->wp);
  if (!pad) {
    atomic_store(j->failed, 1);
    return;
  }
  pad_plane(j, img, ch, pad);
#if defined(__x86_64__)
  if (j->level == CK_LEVEL_AVX512) input_avx512(j, pad, img, ch);
  else if (j->level == CK_LEVEL_AVX2) input_avx2(j, pad, img, ch);
  else
#endif
    input_portable(j, pad, img, ch);
}

static void gemm_task(void *context, long x) {
  const wino_job *j = context;
  // Inside a pool task the gemm runs on this thread alone: one tile where it fits (the
  // threads share the ξ, not each gemm).
  int status = ck__run_gemm((gemm_job){.m = j->cout, .n = j->cols, .k = j->cin, .ldb = j->cols, .ldc = j->cols,
                                       .packed_a = j->packed + x * j->block, .b = j->v + x * j->cin * j->cols,
                                       .c = j->mm + x * j->cout * j->cols, .serial = 1});
  if (status) atomic_store(j->failed, 1);
}

static void output_task(void *context, long task) {
  const wino_job *j = context;
  long img = task / j->cout, co = task % j->cout;
  float *rows = plane_scratch(j->m * ((j->tw + WL - 1) / WL * WL * j->m));
  if (!rows) {
    atomic_store(j->failed, 1);
    return;
  }
#if defined(__x86_64__)
  if (j->level == CK_LEVEL_AVX512) output_avx512(j, rows, img, co);
  else if (j->level == CK_LEVEL_AVX2) output_avx2(j, rows, img, co);
  else
#endif
    output_portable(j, rows, img, co);
}

// The calling thread keeps V and M between calls (a layer's are megabytes: reusing them
// spares the page faults of fresh memory).
static _Thread_local float *work_buffer = NULL;
static _Thread_local size_t work_capacity = 0;

static float *work_scratch(long count) { return ck__scratch_grow(&work_buffer, &work_capacity, (size_t)count); }

void ck__release_winograd_scratch(void) {
  ck__scratch_free(&plane_buffer, &plane_capacity);
  ck__scratch_free(&work_buffer, &work_capacity);
}

// Images [0, job->images) of the job: the three passes.
static int run_images(wino_job *j) {
  int a = j->m + 2;
  j->cols = j->images * j->tiles;
  long vcount = (long)a * a * j->cin * j->cols, mcount = (long)a * a * j->cout * j->cols;
  // WL floats of slack: the output pass loads whole vectors past the last tile.
  float *work = work_scratch(vcount + mcount + WL);
  if (!work) return -1;
  j->v = work;
  j->mm = work + vcount;
  atomic_int failed = 0;
  j->failed = &failed;
  ck_parallel_for(j->images * j->cin, input_task, j);
  if (!atomic_load(&failed)) ck_parallel_for(a * a, gemm_task, j);
  if (!atomic_load(&failed)) ck_parallel_for(j->images * j->cout, output_task, j);
  return atomic_load(&failed) ? -1 : 0;
}

int ck_winograd_conv(int m, long cout, const float *packed, const ck_conv_source *s, const ck_batch *batch, float *c,
                     long ldc, const ck_epilogue *epilogue) {
  if ((m != 2 && m != 4) || s->kernel_h != 3 || s->kernel_w != 3 || s->stride_h != 1 || s->stride_w != 1 ||
      s->dilation_h != 1 || s->dilation_w != 1)
    return -2;
  long count = batch ? batch->count : 1;
  if (s->out_h <= 0 || s->out_w <= 0 || cout <= 0 || count <= 0) return 0;
  wino_job j = {.m = m, .level = ck_gemm_level(), .cout = cout, .cin = s->channels, .s = s, .ldc = ldc,
                .packed = packed, .block = ck_gemm_packed_a_count(cout, s->channels), .ep = epilogue};
  j.th = (s->out_h + m - 1) / m;
  j.tw = (s->out_w + m - 1) / m;
  j.tiles = j.th * j.tw;
  // Rows every tile reaches; columns every 16-tile group's vector loads reach (gather2
  // reads 34 floats from a group's start, gather4 68).
  j.hp = j.th * m + 2;
  j.wp = (j.tw + WL - 1) / WL * WL * m + 4;
  if (batch) (j.x_image = batch->x_stride, j.c_image = batch->c_stride, j.r_image = batch->residual_stride);
  // Images run together up to about 1024 tiles, which keeps V and M to a few megabytes.
  long per_run = 1024 / j.tiles > 1 ? 1024 / j.tiles : 1;
  for (long n0 = 0; n0 < count; n0 += per_run) {
    wino_job part = j;
    part.images = count - n0 < per_run ? count - n0 : per_run;
    part.c = c + n0 * j.c_image;
    ck_conv_source shifted = *s;
    shifted.x = s->x + n0 * j.x_image;
    part.s = &shifted;
    ck_epilogue ep;
    if (epilogue) {
      ep = *epilogue;
      if (ep.residual) ep.residual += n0 * j.r_image;
      part.ep = &ep;
    }
    if (run_images(&part)) return -1;
  }
  return 0;
}
