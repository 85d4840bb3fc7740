// Direct depthwise convolution of any kernel size, one plane at a time.
//
// Each block of output columns keeps its sums in vector registers for all kh·kw taps (one
// load and one FMA per vector and tap), instead of adding every tap into the output row in
// memory (a load, an FMA and a store). The input plane is first copied, zero-padded, into
// scratch so no tap needs a bounds check; for stride 2 the copy goes straight into the
// plane's even and odd columns, so tap kx reads half-plane kx % 2 at offset kx / 2,
// contiguously.
#include "ck_dwdirect.h"
#include "ck_gemm.h"

#include <stdatomic.h>
#include <string.h>

// A plane as the kernels read it: column tap kx starts at plane[kx % step] + kx / step.
typedef struct {
  const float *plane[2];
  long row_stride;  // floats between rows
  long step;        // 1 (one plane) or 2 (even and odd columns)
} source;

// step is 1 or 2: shifts and masks, not a division per tap.
static inline const float *tap_row(const source *s, long row, long kx) {
  long odd = kx & (s->step - 1);
  return s->plane[odd] + row * s->row_stride + (kx >> (s->step - 1));
}

// cs: the source's column stride, 1 for a split or stride-1 plane, stride_w for a wider
// column stride (read from the unsplit plane).
static void plane_portable(const source *s, const float *w, long kh, long kw, long sh, long cs, float bias,
                           float *y, long oh, long ow) {
  for (long oy = 0; oy < oh; oy++) {
    float *out = y + oy * ow;
    for (long ox = 0; ox < ow; ox++) out[ox] = bias;
    for (long ky = 0; ky < kh; ky++) {
      for (long kx = 0; kx < kw; kx++) {
        const float *in = tap_row(s, oy * sh + ky, kx);
        float v = w[ky * kw + kx];
        for (long ox = 0; ox < ow; ox++) out[ox] += v * in[ox * cs];
      }
    }
  }
}

#if defined(__x86_64__)
#include <immintrin.h>

// Two output rows × nv vectors of columns (nv ≤ 4, a constant in each specialisation):
// up to eight independent sums, enough to keep both FMA units busy through the latency.
__attribute__((target("avx512f"), always_inline)) static inline void block_avx512(
    const source *s, const float *w, long kh, long kw, long sh, float bias, float *y, long ow, long oy, int two,
    long x0, const int nv) {
  __mmask16 m[4];
  for (int j = 0; j < nv; j++) {
    long left = ow - x0 - 16 * j;
    m[j] = left >= 16 ? 0xFFFF : (__mmask16)((1u << left) - 1);
  }
  __m512 a[2][4];
  for (int j = 0; j < nv; j++) a[0][j] = a[1][j] = _mm512_set1_ps(bias);
  long next = two ? sh * s->row_stride : 0;
  for (long ky = 0; ky < kh; ky++) {
    for (long kx = 0; kx < kw; kx++) {
      __m512 v = _mm512_set1_ps(w[ky * kw + kx]);
      const float *in0 = tap_row(s, oy * sh + ky, kx) + x0;
      for (int j = 0; j < nv; j++) {
        a[0][j] = _mm512_fmadd_ps(v, _mm512_maskz_loadu_ps(m[j], in0 + 16 * j), a[0][j]);
        a[1][j] = _mm512_fmadd_ps(v, _mm512_maskz_loadu_ps(m[j], in0 + next + 16 * j), a[1][j]);
      }
    }
  }
  for (int j = 0; j < nv; j++) {
    _mm512_mask_storeu_ps(y + oy * ow + x0 + 16 * j, m[j], a[0][j]);
    if (two) _mm512_mask_storeu_ps(y + (oy + 1) * ow + x0 + 16 * j, m[j], a[1][j]);
  }
}

__attribute__((target("avx512f"))) static void plane_avx512(const source *s, const float *w, long kh, long kw,
                                                             long sh, float bias, float *y, long oh, long ow) {
  for (long oy = 0; oy < oh; oy += 2) {
    int two = oy + 1 < oh;
    for (long x0 = 0; x0 < ow; x0 += 64) {
      switch ((ow - x0 + 15) / 16) {
      case 1: block_avx512(s, w, kh, kw, sh, bias, y, ow, oy, two, x0, 1); break;
      case 2: block_avx512(s, w, kh, kw, sh, bias, y, ow, oy, two, x0, 2); break;
      case 3: block_avx512(s, w, kh, kw, sh, bias, y, ow, oy, two, x0, 3); break;
      default: block_avx512(s, w, kh, kw, sh, bias, y, ow, oy, two, x0, 4); break;
      }
    }
  }
}

__attribute__((target("avx2,fma"))) static __m256i lanes_below(long n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n < 0 ? 0 : n > 8 ? 8 : n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

__attribute__((target("avx2,fma"))) static void plane_avx2(const source *s, const float *w, long kh, long kw,
                                                            long sh, float bias, float *y, long oh, long ow) {
  for (long oy = 0; oy < oh; oy++) {
    for (long x0 = 0; x0 < ow; x0 += 32) {
      __m256i m[4];
      int live[4];
      for (int j = 0; j < 4; j++) {
        m[j] = lanes_below(ow - x0 - 8 * j);
        live[j] = ow - x0 - 8 * j > 0;
      }
      __m256 a0 = _mm256_set1_ps(bias), a1 = a0, a2 = a0, a3 = a0;
      for (long ky = 0; ky < kh; ky++) {
        for (long kx = 0; kx < kw; kx++) {
          const float *in = tap_row(s, oy * sh + ky, kx) + x0;
          __m256 v = _mm256_set1_ps(w[ky * kw + kx]);
          a0 = _mm256_fmadd_ps(v, _mm256_maskload_ps(in, m[0]), a0);
          if (live[1]) a1 = _mm256_fmadd_ps(v, _mm256_maskload_ps(in + 8, m[1]), a1);
          if (live[2]) a2 = _mm256_fmadd_ps(v, _mm256_maskload_ps(in + 16, m[2]), a2);
          if (live[3]) a3 = _mm256_fmadd_ps(v, _mm256_maskload_ps(in + 24, m[3]), a3);
        }
      }
      float *out = y + oy * ow + x0;
      _mm256_maskstore_ps(out, m[0], a0);
      _mm256_maskstore_ps(out + 8, m[1], a1);
      _mm256_maskstore_ps(out + 16, m[2], a2);
      _mm256_maskstore_ps(out + 24, m[3], a3);
    }
  }
}

#endif

static atomic_int forced = -1;

int ck_dw_direct_force_level(int level) {
  atomic_store(&forced, level);
  return ck_level_capped(level);
}

static long padded_size(long out, long stride, long k) { return (out - 1) * stride + k; }

#if defined(__x86_64__)
// Sixteen channels at once, for planes too narrow to fill a vector (EfficientNet's and
// ConvNeXt's 7×7 maps: a row of 7 outputs used 7 of a vector's 16 lanes). The block's padded
// planes are interleaved into scratch as [row][column][channel], so one vector holds a pixel
// of all sixteen channels and each tap is one FMA per output pixel with every lane in use;
// sums are kept for four output pixels at a time. The FMAs run in plane_avx512's order
// (bias, then the taps in kernel order), so the outputs are its bits.
__attribute__((target("avx512f"))) static void channels16(const float *x, long nc, long height, long width,
                                                           long pad_top, long pad_left, const float *w, long kh,
                                                           long kw, long sh, long sw, const float *bias, float *y,
                                                           long oh, long ow, float *scratch) {
  long ph = padded_size(oh, sh, kh), pw = padded_size(ow, sw, kw), taps = kh * kw, outputs = oh * ow;
  float *in = scratch, *wt = in + ph * pw * 16, *out = wt + taps * 16;
  memset(in, 0, sizeof(float) * ph * pw * 16);
  memset(wt, 0, sizeof(float) * taps * 16);
  long rows = height < ph - pad_top ? height : ph - pad_top;
  long cols = width < pw - pad_left ? width : pw - pad_left;
  // The interleaving loops stay scalar: clang's vectorised versions (gathers and scatters)
  // made the whole kernel 20–30 % slower on Zen 4.
  for (long c = 0; c < nc; c++) {
    const float *plane = x + c * height * width;
    for (long r = 0; r < rows; r++) {
      float *row = in + ((r + pad_top) * pw + pad_left) * 16 + c;
#pragma clang loop vectorize(disable)
      for (long q = 0; q < cols; q++) row[q * 16] = plane[r * width + q];
    }
#pragma clang loop vectorize(disable)
    for (long t = 0; t < taps; t++) wt[t * 16 + c] = w[c * taps + t];
  }
  __mmask16 live = nc >= 16 ? 0xFFFF : (__mmask16)((1u << nc) - 1);
  __m512 b = _mm512_maskz_loadu_ps(live, bias);
  for (long p0 = 0; p0 < outputs; p0 += 4) {
    const float *at[4];
    for (int i = 0; i < 4; i++) {
      long p = p0 + i < outputs ? p0 + i : outputs - 1;  // a short last group repeats its last pixel
      at[i] = in + ((p / ow) * sh * pw + (p % ow) * sw) * 16;
    }
    __m512 a0 = b, a1 = b, a2 = b, a3 = b;
    for (long ky = 0; ky < kh; ky++) {
      for (long kx = 0; kx < kw; kx++) {
        __m512 v = _mm512_loadu_ps(wt + (ky * kw + kx) * 16);
        long off = (ky * pw + kx) * 16;
        a0 = _mm512_fmadd_ps(v, _mm512_loadu_ps(at[0] + off), a0);
        a1 = _mm512_fmadd_ps(v, _mm512_loadu_ps(at[1] + off), a1);
        a2 = _mm512_fmadd_ps(v, _mm512_loadu_ps(at[2] + off), a2);
        a3 = _mm512_fmadd_ps(v, _mm512_loadu_ps(at[3] + off), a3);
      }
    }
    __m512 a[4] = {a0, a1, a2, a3};
    for (int i = 0; i < 4 && p0 + i < outputs; i++) _mm512_storeu_ps(out + (p0 + i) * 16, a[i]);
  }
  for (long c = 0; c < nc; c++) {
#pragma clang loop vectorize(disable)
    for (long p = 0; p < outputs; p++) y[c * outputs + p] = out[p * 16 + c];
  }
}

#endif

long ck_dw_direct_scratch_count(long kh, long kw, long stride_h, long stride_w, long out_h, long out_w) {
  return padded_size(out_h, stride_h, kh) * (padded_size(out_w, stride_w, kw) + 1);
}

// Copies the plane into scratch with its zero padding: as one padded plane, or for stride 2
// as its even columns then its odd ones (each half-plane with the even half's row stride).
static source pad_plane(const float *x, long height, long width, long pad_top, long pad_left, long ph, long pw,
                        long stride_w, float *restrict scratch) {
  // Input rows and columns that land inside the padded plane.
  long rows = height < ph - pad_top ? height : ph - pad_top;
  long cols = width < pw - pad_left ? width : pw - pad_left;
  if (rows < 0) rows = 0;
  if (cols < 0) cols = 0;
  if (stride_w != 2) {
    memset(scratch, 0, sizeof(float) * ph * pw);
    for (long r = 0; r < rows; r++) memcpy(scratch + (r + pad_top) * pw + pad_left, x + r * width, sizeof(float) * cols);
    return (source){{scratch, scratch}, pw, 1};
  }
  long half = (pw + 1) / 2;
  float *even = scratch, *odd = scratch + ph * half;
  memset(scratch, 0, sizeof(float) * 2 * ph * half);
  // Input column c lands in padded column pad_left + c: pairs of input columns go one to
  // each half, so the loop has two plain stores and no select (it becomes vector shuffles).
  float *first = (pad_left & 1 ? odd : even) + (pad_left >> 1);
  float *second = ((pad_left + 1) & 1 ? odd : even) + ((pad_left + 1) >> 1);
  long pairs = cols / 2;
  for (long r = 0; r < rows; r++) {
    const float *restrict in = x + r * width;
    float *restrict f = first + (r + pad_top) * half;
    float *restrict g = second + (r + pad_top) * half;
    for (long j = 0; j < pairs; j++) {
      f[j] = in[2 * j];
      g[j] = in[2 * j + 1];
    }
    if (cols & 1) f[pairs] = in[cols - 1];
  }
  return (source){{even, odd}, half, 2};
}

void ck_dw_direct_plane(const float *x, long height, long width, long pad_top, long pad_left, const float *w,
                        long kh, long kw, long stride_h, long stride_w, float bias, float *y, long out_h, long out_w,
                        float *scratch) {
  long ph = padded_size(out_h, stride_h, kh), pw = padded_size(out_w, stride_w, kw);
  source s = pad_plane(x, height, width, pad_top, pad_left, ph, pw, stride_w, scratch);
  // Column strides above 2 read the unsplit plane every stride_w columns: the portable loop.
  if (stride_w > 2) return plane_portable(&s, w, kh, kw, stride_h, stride_w, bias, y, out_h, out_w);
  int level = ck_level_capped(atomic_load(&forced));
#if defined(__x86_64__)
  if (level == CK_LEVEL_AVX512) return plane_avx512(&s, w, kh, kw, stride_h, bias, y, out_h, out_w);
  if (level == CK_LEVEL_AVX2) return plane_avx2(&s, w, kh, kw, stride_h, bias, y, out_h, out_w);
#endif
  plane_portable(&s, w, kh, kw, stride_h, 1, bias, y, out_h, out_w);
}

// Below this many output columns sharing vectors between channels wins (16 channels, one
// thread, against the plane kernel: 7 columns 2.0–2.7×, 11 1.7×, 13 1.5×; 14 0.6–1.5×, the
// slow end stride 2 from a 28-column plane).
enum { NARROW = 14 };

int ck_dw_direct_channels16_usable(long out_w) {
  return ck_level_capped(atomic_load(&forced)) == CK_LEVEL_AVX512 && out_w < NARROW;
}

long ck_dw_direct_channels16_scratch_count(long kh, long kw, long stride_h, long stride_w, long out_h, long out_w) {
  return (padded_size(out_h, stride_h, kh) * padded_size(out_w, stride_w, kw) + kh * kw + out_h * out_w) * 16;
}

void ck_dw_direct_channels16(const float *x, long channels, long height, long width, long pad_top, long pad_left,
                             const float *w, long kh, long kw, long stride_h, long stride_w, const float *bias,
                             float *y, long out_h, long out_w, float *scratch) {
#if defined(__x86_64__)
  if (ck_dw_direct_channels16_usable(out_w)) {
    channels16(x, channels, height, width, pad_top, pad_left, w, kh, kw, stride_h, stride_w, bias, y, out_h, out_w,
               scratch);
    return;
  }
#endif
  for (long c = 0; c < channels; c++)
    ck_dw_direct_plane(x + c * height * width, height, width, pad_top, pad_left, w + c * kh * kw, kh, kw, stride_h,
                       stride_w, bias[c], y + c * out_h * out_w, out_h, out_w, scratch);
}
