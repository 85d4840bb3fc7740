// The AVX2/FMA half of the depthwise convolution (x86-64 only, chosen at run time).
//
// Loads, not arithmetic, limit a direct 3×3 depthwise loop: nine FMAs per vector of outputs
// need nine (mostly unaligned, often line-crossing) loads. So output rows are computed in
// pairs, each input row loaded once for both. Each output still adds its taps in kernel
// order, so results equal the portable code's.
//
// The epilogue folds the activation into the fake quantization's clamp. With
// g(v) = roundHalfEven(v / scale), which never decreases as v grows (scale > 0), the
// reference computes clamp(g(clamp(v, a, b)) + zero, lo, hi) - zero; for integral bounds
// within ±2^21 that equals clamp(g(v), L, H) with L = max(g(a), lo - zero) and
// H = min(g(b), hi - zero) (both g(a) when the ranges miss each other on that side), and
// the ±2^22 clamp of the reference's rounding cannot change a result inside [L, H].
#include "depthwise_internal.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include <math.h>
#include <string.h>

#define AVX2 __attribute__((target("avx2,fma")))

int ck_depthwise_has_avx2(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

static int integral_small(float v) { return v == rintf(v) && fabsf(v) <= 2097152.0f; }

int ck_dw_avx2_usable(const ck_depthwise_params *p) {
  if (p->stride != 1 && p->stride != 2) return 0;
  if (p->activation == CK_ACTIVATION_CLIP && !(p->act_min <= p->act_max)) return 0;
  if (p->fake_quant) {
    if (!(p->fq_scale > 0) || !isfinite(p->fq_scale) || !(p->fq_lo <= p->fq_hi)) return 0;
    if (!integral_small(p->fq_lo) || !integral_small(p->fq_hi) || !integral_small(p->fq_zero)) return 0;
  }
  return ck_depthwise_has_avx2();
}

enum { EPILOGUE_NONE, EPILOGUE_MAX, EPILOGUE_CLAMP, EPILOGUE_QUANTIZE, EPILOGUE_REQUANT };

typedef struct {
  __m256 lo, hi, scale;
  // EPILOGUE_REQUANT: what the rounded value is then multiplied by and added to.
  __m256 out_mul, out_add;
  int mode;
} epilogue_t;

AVX2 static epilogue_t epilogue_for(const ck_depthwise_params *p) {
  float a = p->activation == CK_ACTIVATION_CLIP ? p->act_min : 0.0f;
  float b = p->activation == CK_ACTIVATION_CLIP ? p->act_max : INFINITY;
  epilogue_t e = {.lo = _mm256_set1_ps(a), .hi = _mm256_set1_ps(b), .scale = _mm256_set1_ps(1), .mode = EPILOGUE_NONE};
  if (p->activation != CK_ACTIVATION_NONE) e.mode = p->activation == CK_ACTIVATION_RELU ? EPILOGUE_MAX : EPILOGUE_CLAMP;
  if (p->requant) {
    // The scale is set per channel (ck_dw_avx2_planes).
    e.lo = _mm256_set1_ps(p->requant_lo - p->requant_zero);
    e.hi = _mm256_set1_ps(p->requant_hi - p->requant_zero);
    e.out_mul = _mm256_set1_ps(p->requant_dequantize ? p->requant_out_scale : 1.0f);
    e.out_add = _mm256_set1_ps(p->requant_dequantize ? 0.0f : p->requant_zero);
    e.mode = EPILOGUE_REQUANT;
    return e;
  }
  if (!p->fake_quant) return e;
  float s = p->fq_scale, lo = p->fq_lo - p->fq_zero, hi = p->fq_hi - p->fq_zero;
  if (p->activation != CK_ACTIVATION_NONE) {
    float ga = rintf(a / s), gb = rintf(b / s);
    if (gb < lo) {
      hi = lo;
    } else if (ga > hi) {
      lo = hi;
    } else {
      lo = ga > lo ? ga : lo;
      hi = gb < hi ? gb : hi;
    }
  }
  // + 0 turns a bound of -0 into +0, as the reference's rounding does.
  e.lo = _mm256_set1_ps(lo + 0.0f);
  e.hi = _mm256_set1_ps(hi + 0.0f);
  e.scale = _mm256_set1_ps(s);
  e.mode = EPILOGUE_QUANTIZE;
  return e;
}

// max_ps(v, lo) is v > lo ? v : lo and min_ps(v, hi) is v < hi ? v : hi, the reference's
// selects (NaN goes to the lower bound).
AVX2 static inline __m256 epilogue(__m256 v, const epilogue_t *e) {
  switch (e->mode) {
  case EPILOGUE_MAX: return _mm256_max_ps(v, e->lo);
  case EPILOGUE_CLAMP: return _mm256_min_ps(_mm256_max_ps(v, e->lo), e->hi);
  case EPILOGUE_QUANTIZE: {
    __m256 q = _mm256_round_ps(_mm256_div_ps(v, e->scale), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    // Rounding -0.3 gives -0 here but +0 in the reference: adding +0 makes it +0.
    q = _mm256_add_ps(q, _mm256_setzero_ps());
    q = _mm256_min_ps(_mm256_max_ps(q, e->lo), e->hi);
    return _mm256_mul_ps(q, e->scale);
  }
  case EPILOGUE_REQUANT: {
    __m256 f = _mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(v, e->scale), e->lo), e->hi);
    f = _mm256_round_ps(f, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    return _mm256_add_ps(_mm256_mul_ps(f, e->out_mul), e->out_add);
  }
  default: return v;
  }
}

// Lane i of a partial store is written when i < n: the mask is 8 - n entries into this table.
static const int lane_masks[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

AVX2 static inline __m256i first_lanes(long n) {
  return _mm256_loadu_si256((const __m256i *)(lane_masks + 8 - n));
}

// Stores the first n (1…8) lanes; a masked store is slow on some CPUs, so only when needed.
AVX2 static inline void put(float *out, __m256 v, long n) {
  if (n >= 8) {
    _mm256_storeu_ps(out, v);
  } else {
    _mm256_maskstore_ps(out, first_lanes(n), v);
  }
}

// Copies n floats and then zeros up to the next multiple of 8 (the row's padding slack).
AVX2 static void copy_row(float *dst, const float *src, long n) {
  long j = 0;
  for (; j + 8 <= n; j += 8) _mm256_storeu_ps(dst + j, _mm256_loadu_ps(src + j));
  if (j < n) _mm256_storeu_ps(dst + j, _mm256_maskload_ps(src + j, first_lanes(n - j)));
}

AVX2 static void fill_rows(const ck_dw_layout *l, const ck_depthwise_params *p, const float *x, float *pad) {
  if (l->columns <= 0) return;
  for (long r = 0; r < p->height && r + p->pad_top < l->rows; r++) {
    copy_row(pad + (r + p->pad_top) * l->pitch + p->pad_left, x + r * p->width, l->columns);
  }
}

// Padded column q lands at q/2 of a row's even half or (q-1)/2 of its odd half. Sixteen
// input columns at a time (the last ones read masked, zeros past the row) split into two
// vectors; the zeros land in the row's padding slack.
AVX2 static void fill_split(const ck_dw_layout *l, const ck_depthwise_params *p, const float *x, float *pad) {
  long n = l->columns, left = p->pad_left;
  if (n <= 0) return;
  // Input columns 2j and 2j+1 go to these halves at these offsets.
  long first = (left & 1) ? l->half : 0, second = (left & 1) ? 0 : l->half;
  first += left / 2;
  second += (left + 1) / 2;
  for (long r = 0; r < p->height && r + p->pad_top < l->rows; r++) {
    const float *src = x + r * p->width;
    float *row = pad + (r + p->pad_top) * l->pitch, *a = row + first, *b = row + second;
    for (long j = 0; 2 * j < n; j += 8) {
      long rest = n - 2 * j;
      __m256 lo, hi;
      if (rest >= 16) {
        lo = _mm256_loadu_ps(src + 2 * j);
        hi = _mm256_loadu_ps(src + 2 * j + 8);
      } else {
        lo = rest >= 8 ? _mm256_loadu_ps(src + 2 * j) : _mm256_maskload_ps(src + 2 * j, first_lanes(rest));
        hi = rest > 8 ? _mm256_maskload_ps(src + 2 * j + 8, first_lanes(rest - 8)) : _mm256_setzero_ps();
      }
      __m256 even = _mm256_shuffle_ps(lo, hi, 0x88), odd = _mm256_shuffle_ps(lo, hi, 0xDD);
      _mm256_storeu_ps(a + j, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(even), 0xD8)));
      _mm256_storeu_ps(b + j, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(odd), 0xD8)));
    }
  }
}

typedef struct {
  __m256 w[9], bias;
  epilogue_t e;
} filter_t;

#define TAPS(acc, k, x0, x1, x2)                   \
  do {                                             \
    acc = _mm256_fmadd_ps(w##k, x0, acc);          \
    acc = _mm256_fmadd_ps(w##k##b, x1, acc);       \
    acc = _mm256_fmadd_ps(w##k##c, x2, acc);       \
  } while (0)

// The loops below keep the nine weights in registers: w0, w0b, w0c are the top kernel row.
#define WEIGHTS(f)                                                              \
  const __m256 w0 = (f)->w[0], w0b = (f)->w[1], w0c = (f)->w[2];               \
  const __m256 w3 = (f)->w[3], w3b = (f)->w[4], w3c = (f)->w[5];               \
  const __m256 w6 = (f)->w[6], w6b = (f)->w[7], w6c = (f)->w[8]

// Loads padded row k at column ox as the three tap vectors: at stride 1 the row at ox, ox+1
// and ox+2; at stride 2 (split rows) the even half at ox, the odd half at ox, the even at ox+1.
#define ROW(k)                                                                     \
  const float *row##k = r + (k) * pitch;                                           \
  x0 = _mm256_loadu_ps(row##k);                                                    \
  x1 = _mm256_loadu_ps(row##k + (stride == 1 ? 1 : half));                        \
  x2 = _mm256_loadu_ps(row##k + (stride == 1 ? 2 : 1))

// Two output rows at a time share the input rows between them (six loads a vector at
// stride 1 instead of nine) and give the CPU two independent chains; more rows would not
// fit the sixteen vector registers beside the weights. `mode` and `stride` are constants
// in each specialised copy (see plane_for).
__attribute__((target("avx2,fma"), always_inline)) static inline void plane_rows(
    const ck_dw_layout *l, const ck_depthwise_params *p, const float *pad, const filter_t *f, float *y,
    const int mode, const int stride) {
  WEIGHTS(f);
  const __m256 bias = f->bias;
  epilogue_t e = f->e;
  e.mode = mode;
  const long width = p->out_width, height = p->out_height, pitch = l->pitch, half = l->half;
  // Rows of at least half a vector are stored whole, spilling into the next row, which is
  // stored afterwards; only the plane's last row must stop at its end.
  const long lanes = width >= 4 ? 8 : width;
  for (long oy0 = 0; oy0 < height; oy0 += 2) {
    // A last single row pairs with the one above it (recomputed to the same values).
    const long oy = oy0 + 2 <= height || height < 2 ? oy0 : height - 2;
    const int pair = oy + 1 < height;
    const long last = width >= 8 || (lanes == 8 && oy + 2 < height) ? 8 : width;
    for (long ox0 = 0; ox0 < width; ox0 += 8) {
      // The last vector of a row ends on its last output when the row holds one.
      const long ox = width < 8 ? 0 : (ox0 + 8 <= width ? ox0 : width - 8);
      const float *r = pad + oy * stride * pitch + ox;
      float *out = y + oy * width + ox;
      __m256 a0 = bias, a1 = bias, x0, x1, x2;
      if (stride == 1) {
        ROW(0);
        TAPS(a0, 0, x0, x1, x2);
        ROW(1);
        TAPS(a0, 3, x0, x1, x2);
        TAPS(a1, 0, x0, x1, x2);
        ROW(2);
        TAPS(a0, 6, x0, x1, x2);
        TAPS(a1, 3, x0, x1, x2);
        if (pair) {
          ROW(3);
          TAPS(a1, 6, x0, x1, x2);
        }
      } else {
        ROW(0);
        TAPS(a0, 0, x0, x1, x2);
        ROW(1);
        TAPS(a0, 3, x0, x1, x2);
        ROW(2);
        TAPS(a0, 6, x0, x1, x2);
        if (pair) {
          TAPS(a1, 0, x0, x1, x2);
          ROW(3);
          TAPS(a1, 3, x0, x1, x2);
          ROW(4);
          TAPS(a1, 6, x0, x1, x2);
        }
      }
      if (pair) {
        put(out, epilogue(a0, &e), lanes);
        put(out + width, epilogue(a1, &e), last);
      } else {
        put(out, epilogue(a0, &e), width < 8 ? width : 8);
      }
    }
  }
}

#define PLANE(mode, stride)                                            \
  __attribute__((target("avx2,fma"))) static void plane_##mode##_##stride( \
      const ck_dw_layout *l, const ck_depthwise_params *p, const float *pad, const filter_t *f, float *y) { \
    plane_rows(l, p, pad, f, y, mode, stride);                         \
  }
PLANE(0, 1)
PLANE(1, 1)
PLANE(2, 1)
PLANE(3, 1)
PLANE(4, 1)
PLANE(0, 2)
PLANE(1, 2)
PLANE(2, 2)
PLANE(3, 2)
PLANE(4, 2)

typedef void (*plane_fn)(const ck_dw_layout *, const ck_depthwise_params *, const float *, const filter_t *, float *);

static plane_fn plane_for(int mode, int stride) {
  static const plane_fn table[2][5] = {{plane_0_1, plane_1_1, plane_2_1, plane_3_1, plane_4_1},
                                       {plane_0_2, plane_1_2, plane_2_2, plane_3_2, plane_4_2}};
  return table[stride - 1][mode];
}

AVX2 void ck_dw_avx2_planes(const ck_dw_layout *l, const ck_depthwise_params *p, const float *x, float *y,
                            float *pad, long begin, long end) {
  filter_t f;
  f.e = epilogue_for(p);
  plane_fn plane = plane_for(f.e.mode, p->stride);
  long in_plane = p->height * p->width, out_plane = p->out_height * p->out_width;
  for (long index = begin; index < end; index++) {
    long c = index % p->channels;
    for (int k = 0; k < 9; k++) f.w[k] = _mm256_set1_ps(p->weights[c * 9 + k]);
    f.bias = _mm256_set1_ps(p->bias ? p->bias[c] : 0.0f);
    if (p->requant) f.e.scale = _mm256_set1_ps(p->requant_scale[c]);
    if (p->stride == 1) {
      fill_rows(l, p, x + index * in_plane, pad);
    } else {
      fill_split(l, p, x + index * in_plane, pad);
    }
    plane(l, p, pad, &f, y + index * out_plane);
  }
}

#else

int ck_depthwise_has_avx2(void) { return 0; }

int ck_dw_avx2_usable(const ck_depthwise_params *p) {
  (void)p;
  return 0;
}

void ck_dw_avx2_planes(const ck_dw_layout *l, const ck_depthwise_params *p, const float *x, float *y, float *pad,
                       long begin, long end) {
  (void)l, (void)p, (void)x, (void)y, (void)pad, (void)begin, (void)end;
}

#endif
