// A direct convolution for small feature maps with output channels in the vector lanes.
//
// On a 13×13 map (SqueezeNet's last four Fire modules) the im2col gemm's 32-column blocks
// cover 169 outputs in six blocks, the last one 9/32 full, and its B panels are repacked for
// every tile. Here a task takes 32 output channels (two zmm) of one output row: its columns
// (at most 14) stay in 28 accumulators while the depth runs, each step loading the two
// weight vectors once and adding them times every column's broadcast input. No panel is
// packed per call: the weights are packed at load time, [block][k][32], and the input is
// copied once, zero-padded, so every tap of every column reads inside the buffer.
//
// The arithmetic is ck_conv_gemm's, bit for bit: the same depth order (channel, ky, kx),
// the depth split into the same K blocks (each a product then fused multiply-adds, the
// blocks' sums added in turn) and the same epilogue (bias, then ReLU or Clip).
#include "ck_conv_blocked.h"
#include "ck_parallel.h"
#include "gemm_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

enum { CB = CK_CONV_BLOCK, MAX_COLS = 14 };

typedef struct {
  const ck_conv_source *s;
  const ck_epilogue *ep;
  const float *packed;  // [blocks][k][CB]
  const float *padded;  // [images][channels][padded_h][pitch]
  const long *offsets;  // [k]: where depth step p of output (0, 0) reads in an image's padded input
  float *c;
  long m, k, kc, ldc, blocks, images;
  long segments, segment_w;            // a row's column segments (at most MAX_COLS wide each)
  long pitch, padded_h, image_floats;  // the padded input's row pitch, rows, floats per image
  long x_stride, c_stride, residual_stride;  // between images: inputs, outputs, residuals
} blocked_job;

enum { PAD_PLANES = 8 };  // planes a padding task copies

// The offsets and the padded input: the calling thread's buffer (the pool's workers fill and
// read it during the call), grown when a larger layer comes and never shrunk. A fresh
// allocation per call measured slower on whole nets: large ones are mapped and unmapped
// each time, and every unmap interrupts the other CPU to flush its TLB.
static _Thread_local float *scratch_buffer;
static _Thread_local size_t scratch_floats;

void ck__release_conv_blocked_scratch(void) { ck__scratch_free(&scratch_buffer, &scratch_floats); }

long ck_conv_blocked_packed_count(long m, long k) { return (m + CB - 1) / CB * CB * k; }

void ck_conv_blocked_pack(long m, long k, const float *weights, float *packed) {
  for (long b0 = 0; b0 < m; b0 += CB) {
    float *dst = packed + b0 * k;
    for (long p = 0; p < k; p++) {
      for (long r = 0; r < CB; r++) dst[p * CB + r] = b0 + r < m ? weights[(b0 + r) * k + p] : 0.0f;
    }
  }
}

int ck_conv_blocked_usable(long m, const ck_conv_source *s, const ck_epilogue *ep) {
  if (ep && ep->residual && ep->residual_ld * CB > 0x7FFFFFFFL) return 0;  // 32-bit gather offsets
  if (m <= 0 || s->channels <= 0 || s->out_w < 1 || s->out_h < 1) return 0;
  if (s->kernel_h < 1 || s->kernel_w < 1 || s->dilation_h < 1 || s->dilation_w < 1) return 0;
  if (s->stride_w < 1 || s->stride_w > 2 || s->stride_h < 1 || s->pad_top < 0 || s->pad_left < 0) return 0;
  if (ep && ep->fake_quant) return 0;
  if (ep && ep->activation == CK_ACT_CLIP && !(ep->clip_lo <= ep->clip_hi)) return 0;
  return ck_gemm_cpu_level() >= CK_LEVEL_AVX512;
}

// Planes [t·PAD_PLANES, …) of all the images' inputs (plane q: image q / channels), each
// copied into its zero-padded place, as ck_conv_gemm pads its input.
static void pad_task(void *context, long t) {
  blocked_job *j = context;
  long planes = j->images * j->s->channels, end = (t + 1) * PAD_PLANES < planes ? (t + 1) * PAD_PLANES : planes;
  for (long q = t * PAD_PLANES; q < end; q++) {
    ck__pad_plane(j->s, j->x_stride, (float *)j->padded, j->padded_h, j->pitch, q);
  }
}

#if defined(__x86_64__)
#define AVX512 __attribute__((target("avx512f")))

// One output row's W columns (input column step SW) of one channel block into total[W][CB]:
// per K block a product then fused multiply-adds in depth order, the sums added in turn.
// W and SW are constants at each instantiation, so the column loops unroll and the 2·W
// accumulators stay in registers.
AVX512 static inline __attribute__((always_inline)) void row_block(const int W, const int SW, const blocked_job *j,
                                                                    const float *in, const float *w, float *total) {
  const long *off = j->offsets;
  for (long pc = 0; pc < j->k; pc += j->kc) {
    long pe = pc + j->kc < j->k ? pc + j->kc : j->k;
    __m512 acc[MAX_COLS][2];
    {
      const float *ip = in + off[pc], *wp = w + pc * CB;
      __m512 w0 = _mm512_loadu_ps(wp), w1 = _mm512_loadu_ps(wp + 16);
      for (int x = 0; x < W; x++) {
        __m512 b = _mm512_set1_ps(ip[x * SW]);
        acc[x][0] = _mm512_mul_ps(w0, b);
        acc[x][1] = _mm512_mul_ps(w1, b);
      }
    }
    for (long p = pc + 1; p < pe; p++) {
      const float *ip = in + off[p], *wp = w + p * CB;
      __m512 w0 = _mm512_loadu_ps(wp), w1 = _mm512_loadu_ps(wp + 16);
      for (int x = 0; x < W; x++) {
        __m512 b = _mm512_set1_ps(ip[x * SW]);
        acc[x][0] = _mm512_fmadd_ps(w0, b, acc[x][0]);
        acc[x][1] = _mm512_fmadd_ps(w1, b, acc[x][1]);
      }
    }
    for (int x = 0; x < W; x++) {
      for (int h = 0; h < 2; h++) {
        float *t = total + x * CB + h * 16;
        _mm512_storeu_ps(t, pc ? _mm512_add_ps(acc[x][h], _mm512_loadu_ps(t)) : acc[x][h]);
      }
    }
  }
}

typedef void (*row_fn)(const blocked_job *j, const float *in, const float *w, float *total);

#define ROW_FN(W)                                                                                               \
  AVX512 static void row_##W##_1(const blocked_job *j, const float *in, const float *w, float *total) {       \
    row_block(W, 1, j, in, w, total);                                                                           \
  }                                                                                                             \
  AVX512 static void row_##W##_2(const blocked_job *j, const float *in, const float *w, float *total) {       \
    row_block(W, 2, j, in, w, total);                                                                           \
  }
ROW_FN(1)
ROW_FN(2)
ROW_FN(3)
ROW_FN(4)
ROW_FN(5)
ROW_FN(6)
ROW_FN(7)
ROW_FN(8)
ROW_FN(9)
ROW_FN(10)
ROW_FN(11)
ROW_FN(12)
ROW_FN(13)
ROW_FN(14)

static const row_fn rows_by_width[2][MAX_COLS + 1] = {
    {NULL, row_1_1, row_2_1, row_3_1, row_4_1, row_5_1, row_6_1, row_7_1, row_8_1, row_9_1, row_10_1, row_11_1,
     row_12_1, row_13_1, row_14_1},
    {NULL, row_1_2, row_2_2, row_3_2, row_4_2, row_5_2, row_6_2, row_7_2, row_8_2, row_9_2, row_10_2, row_11_2,
     row_12_2, row_13_2, row_14_2},
};

// The epilogue on total[W][CB] (finish16's operations in its order: bias, residual, then
// ReLU or Clip; the residual's channels gathered across its planes), then each live
// channel's W outputs to its plane.
AVX512 static void store_row(const blocked_job *j, float *total, long n, long b, long y, long x0, long w) {
  const ck_conv_source *s = j->s;
  const ck_epilogue *ep = j->ep;
  long co0 = b * CB, live = j->m - co0 < CB ? j->m - co0 : CB;
  if (ep) {
    for (int h = 0; h < 2; h++) {
      long lanes = live - h * 16;
      if (lanes <= 0) break;
      __mmask16 mask = (__mmask16)(lanes >= 16 ? 0xFFFF : (1u << lanes) - 1);
      __m512 bias = ep->bias ? _mm512_maskz_loadu_ps(mask, ep->bias + co0 + h * 16) : _mm512_setzero_ps();
      const float *res = NULL;
      if (ep->residual) {
        res = ep->residual + n * j->residual_stride + (co0 + h * 16) * ep->residual_ld + y * s->out_w + x0;
      }
      __m512i planes = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                          _mm512_set1_epi32((int)ep->residual_ld));
      for (long x = 0; x < w; x++) {
        float *t = total + x * CB + h * 16;
        __m512 v = _mm512_loadu_ps(t);
        if (ep->bias) v = _mm512_add_ps(v, bias);
        if (res) v = _mm512_add_ps(v, _mm512_mask_i32gather_ps(_mm512_setzero_ps(), mask, planes, res + x, 4));
        if (ep->activation == CK_ACT_RELU) v = _mm512_max_ps(v, _mm512_setzero_ps());
        if (ep->activation == CK_ACT_CLIP) {
          v = _mm512_min_ps(_mm512_max_ps(v, _mm512_set1_ps(ep->clip_lo)), _mm512_set1_ps(ep->clip_hi));
        }
        _mm512_storeu_ps(t, v);
      }
    }
  }
  float *out = j->c + n * j->c_stride + co0 * j->ldc + y * s->out_w + x0;
  for (long ch = 0; ch < live; ch++) {
    for (long x = 0; x < w; x++) out[ch * j->ldc + x] = total[x * CB + ch];
  }
}

static void compute_task(void *context, long t) {
  blocked_job *j = context;
  const ck_conv_source *s = j->s;
  long rows = s->out_h * j->segments, per_image = j->blocks * rows;
  long n = t / per_image, r = t % per_image, b = r / rows, y = r % rows / j->segments;
  long x0 = r % j->segments * j->segment_w, w = s->out_w - x0 < j->segment_w ? s->out_w - x0 : j->segment_w;
  float total[MAX_COLS * CB] __attribute__((aligned(64)));
  const float *in = j->padded + n * j->image_floats + y * s->stride_h * j->pitch + x0 * s->stride_w;
  rows_by_width[s->stride_w - 1][w](j, in, j->packed + b * CB * j->k, total);
  store_row(j, total, n, b, y, x0, w);
}
#endif

int ck_conv_blocked(long m, const float *packed, const ck_conv_source *s, const ck_batch *batch, float *c, long ldc,
                    const ck_epilogue *ep) {
#if defined(__x86_64__)
  if (!ck_conv_blocked_usable(m, s, ep)) return -1;
  long images = batch ? batch->count : 1;
  if (images <= 0) return 0;
  long taps = s->kernel_h * s->kernel_w, k = s->channels * taps;
  long pitch = (s->out_w - 1) * s->stride_w + (s->kernel_w - 1) * s->dilation_w + 1;
  long padded_h = (s->out_h - 1) * s->stride_h + (s->kernel_h - 1) * s->dilation_h + 1;
  long image_floats = s->channels * padded_h * pitch;
  // The same K blocks as the gemm's, so the sums match it bit for bit.
  blocked_job j = {.s = s, .ep = ep, .packed = packed, .c = c, .m = m, .k = k, .kc = ck__gemm_kc(k),
                   .ldc = ldc, .blocks = (m + CB - 1) / CB, .images = images, .pitch = pitch, .padded_h = padded_h,
                   .image_floats = image_floats, .x_stride = batch ? batch->x_stride : 0,
                   .c_stride = batch ? batch->c_stride : 0, .residual_stride = batch ? batch->residual_stride : 0};
  // An input that needs no padding (a 1×1 convolution's) is read where it lies.
  int in_place = s->pad_top == 0 && s->pad_left == 0 && pitch == s->width && padded_h == s->height &&
                 (images == 1 || j.x_stride == image_floats);
  size_t offset_floats = ((size_t)k * sizeof(long) + 63) / 64 * 16;
  float *buffer =
      ck__grown(&scratch_buffer, &scratch_floats, offset_floats + (in_place ? 0 : (size_t)(images * image_floats)));
  if (!buffer) return -1;
  long *offsets = (long *)buffer;
  j.padded = in_place ? s->x : buffer + offset_floats;
  for (long ci = 0, p = 0; ci < s->channels; ci++) {
    for (long ky = 0; ky < s->kernel_h; ky++) {
      for (long kx = 0; kx < s->kernel_w; kx++, p++) {
        offsets[p] = (ci * padded_h + ky * s->dilation_h) * pitch + kx * s->dilation_w;
      }
    }
  }
  j.offsets = offsets;
  long planes = images * s->channels;
  if (!in_place) ck_parallel_for((planes + PAD_PLANES - 1) / PAD_PLANES, pad_task, &j);
  j.segments = (s->out_w + MAX_COLS - 1) / MAX_COLS;
  j.segment_w = (s->out_w + j.segments - 1) / j.segments;
  ck_parallel_for(images * j.blocks * s->out_h * j.segments, compute_task, &j);
  return 0;
#else
  (void)m, (void)packed, (void)s, (void)batch, (void)c, (void)ldc, (void)ep;
  return -1;
#endif
}
