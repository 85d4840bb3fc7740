// Pillow's 8-bit resampling: the horizontal pass on RGB, the vertical pass on any rows. The
// horizontal SSE4.1 and AVX2 paths load each input pixel as four bytes (its RGB and the next
// pixel's red, weighted but never stored), so one multiply-add serves all three channels;
// every path sums integers, so all give the same bytes. The clip to 0...255 is the
// saturating packs, which agree with Pillow's clip8 on every int32 (values at or above 2^30
// saturate, values at or below zero shift to at most zero).
#include "tabby_resample.h"

#include <stdlib.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

enum { PRECISION_BITS = 22 };

static inline uint8_t clip8(int32_t v) {
  if (v >= 1 << (PRECISION_BITS + 8)) return 255;
  if (v <= 0) return 0;
  return (uint8_t)(v >> PRECISION_BITS);
}

static void pixel_scalar(const uint8_t *first, const int32_t *w, long taps, uint8_t *out) {
  int32_t r = 1 << (PRECISION_BITS - 1), g = r, b = r;
  for (long i = 0; i < taps; i++) {
    r += (int32_t)first[3 * i] * w[i];
    g += (int32_t)first[3 * i + 1] * w[i];
    b += (int32_t)first[3 * i + 2] * w[i];
  }
  out[0] = clip8(r);
  out[1] = clip8(g);
  out[2] = clip8(b);
}

static void rows_scalar(const uint8_t *src, long in_width, long rows, uint8_t *dst, long out_width,
                        const long *start, const long *count, const int32_t *weights, long size) {
  for (long y = 0; y < rows; y++) {
    const uint8_t *in = src + y * in_width * 3;
    uint8_t *out = dst + y * out_width * 3;
    for (long x = 0; x < out_width; x++) pixel_scalar(in + start[x] * 3, weights + x * size, count[x], out + x * 3);
  }
}

#if defined(__x86_64__)
__attribute__((target("sse4.1"))) static void rows_sse41(const uint8_t *src, const uint8_t *src_end, long in_width,
                                                         long rows, uint8_t *dst, long out_width, const long *start,
                                                         const long *count, const int32_t *weights, long size) {
  const __m128i half = _mm_set1_epi32(1 << (PRECISION_BITS - 1));
  for (long y = 0; y < rows; y++) {
    const uint8_t *in = src + y * in_width * 3;
    uint8_t *out = dst + y * out_width * 3;
    for (long x = 0; x < out_width; x++) {
      const uint8_t *first = in + start[x] * 3;
      const int32_t *w = weights + x * size;
      long taps = count[x];
      // The four-byte load of the window's last pixel reads one byte past it.
      if (first + taps * 3 + 1 > src_end) {
        pixel_scalar(first, w, taps, out + x * 3);
        continue;
      }
      __m128i acc = half;
      for (long i = 0; i < taps; i++) {
        int32_t four;
        __builtin_memcpy(&four, first + 3 * i, 4);
        __m128i p = _mm_cvtepu8_epi32(_mm_cvtsi32_si128(four));
        acc = _mm_add_epi32(acc, _mm_mullo_epi32(p, _mm_set1_epi32(w[i])));
      }
      __m128i packed = _mm_packus_epi16(_mm_packs_epi32(_mm_srai_epi32(acc, PRECISION_BITS), acc), acc);
      int32_t rgbx = _mm_cvtsi128_si32(packed);
      uint8_t bytes[4];
      __builtin_memcpy(bytes, &rgbx, 4);
      out[x * 3] = bytes[0];
      out[x * 3 + 1] = bytes[1];
      out[x * 3 + 2] = bytes[2];
    }
  }
}
#endif

static void columns_scalar(const uint8_t *src, long row_length, uint8_t *dst, long out_rows, const long *start,
                           const long *count, const int32_t *weights, long size, long i0) {
  for (long yy = 0; yy < out_rows; yy++) {
    const uint8_t *first = src + start[yy] * row_length;
    const int32_t *w = weights + yy * size;
    for (long i = i0; i < row_length; i++) {
      int32_t sum = 1 << (PRECISION_BITS - 1);
      for (long j = 0; j < count[yy]; j++) sum += (int32_t)first[j * row_length + i] * w[j];
      dst[yy * row_length + i] = clip8(sum);
    }
  }
}

#if defined(__x86_64__)
// 16 samples of a row at a time, all taps summed in two registers before the store; the
// clip is the saturating packs (see the top of the file).
__attribute__((target("avx2"))) static long columns_avx2(const uint8_t *src, long row_length, uint8_t *dst,
                                                         long out_rows, const long *start, const long *count,
                                                         const int32_t *weights, long size) {
  const __m256i half = _mm256_set1_epi32(1 << (PRECISION_BITS - 1));
  const long blocks = row_length / 16 * 16;
  for (long yy = 0; yy < out_rows; yy++) {
    const uint8_t *first = src + start[yy] * row_length;
    const int32_t *w = weights + yy * size;
    for (long i = 0; i < blocks; i += 16) {
      __m256i lo = half, hi = half;
      for (long j = 0; j < count[yy]; j++) {
        __m128i bytes = _mm_loadu_si128((const __m128i *)(first + j * row_length + i));
        __m256i wj = _mm256_set1_epi32(w[j]);
        lo = _mm256_add_epi32(lo, _mm256_mullo_epi32(_mm256_cvtepu8_epi32(bytes), wj));
        hi = _mm256_add_epi32(hi, _mm256_mullo_epi32(_mm256_cvtepu8_epi32(_mm_srli_si128(bytes, 8)), wj));
      }
      __m256i words = _mm256_packs_epi32(_mm256_srai_epi32(lo, PRECISION_BITS), _mm256_srai_epi32(hi, PRECISION_BITS));
      words = _mm256_permute4x64_epi64(words, 0xD8);  // the packs interleave 128-bit halves
      __m128i out = _mm_packus_epi16(_mm256_castsi256_si128(words), _mm256_extracti128_si256(words, 1));
      _mm_storeu_si128((__m128i *)(dst + yy * row_length + i), out);
    }
  }
  return blocks;
}
#endif

void tabby_resample_vertical(const uint8_t *src, long row_length, uint8_t *dst, long out_rows, const long *start,
                             const long *count, const int32_t *weights, long size) {
  long done = 0;
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx2"))
    done = columns_avx2(src, row_length, dst, out_rows, start, count, weights, size);
#endif
  if (done < row_length) columns_scalar(src, row_length, dst, out_rows, start, count, weights, size, done);
}

#if defined(__x86_64__)
// Two output pixels a vector, one per 128-bit lane (rows_sse41's four-byte loads, the
// pixels' weights side by side, prepared once for every row): the pair runs the longer of
// its two windows, the shorter one's extra taps weighing zero (the weights past a window
// are zeros). A pair whose loads would pass src_end goes to pixel_scalar.
__attribute__((target("avx2"))) static int rows_avx2(const uint8_t *src, const uint8_t *src_end, long in_width,
                                                     long rows, uint8_t *dst, long out_width, const long *start,
                                                     const long *count, const int32_t *weights, long size) {
  const long pairs = out_width / 2;
  // Aligned for the vector stores and loads (malloc promises 16 bytes).
  __m256i *paired = aligned_alloc(32, (size_t)(pairs > 0 ? pairs : 1) * (size > 0 ? size : 1) * sizeof(__m256i));
  if (paired == NULL) return 0;
  for (long q = 0; q < pairs; q++) {
    for (long i = 0; i < size; i++) {
      paired[q * size + i] = _mm256_set_m128i(_mm_set1_epi32(weights[(2 * q + 1) * size + i]),
                                              _mm_set1_epi32(weights[2 * q * size + i]));
    }
  }
  const __m256i half = _mm256_set1_epi32(1 << (PRECISION_BITS - 1));
  for (long y = 0; y < rows; y++) {
    const uint8_t *in = src + y * in_width * 3;
    uint8_t *out = dst + y * out_width * 3;
    for (long q = 0; q < pairs; q++) {
      const long x = 2 * q;
      const uint8_t *first0 = in + start[x] * 3, *first1 = in + start[x + 1] * 3;
      const long taps = count[x] > count[x + 1] ? count[x] : count[x + 1];
      if (first0 + taps * 3 + 1 > src_end || first1 + taps * 3 + 1 > src_end) {
        pixel_scalar(first0, weights + x * size, count[x], out + x * 3);
        pixel_scalar(first1, weights + (x + 1) * size, count[x + 1], out + x * 3 + 3);
        continue;
      }
      const __m256i *w = paired + q * size;
      __m256i acc = half;
      for (long i = 0; i < taps; i++) {
        int32_t a, b;
        __builtin_memcpy(&a, first0 + 3 * i, 4);
        __builtin_memcpy(&b, first1 + 3 * i, 4);
        __m256i p = _mm256_cvtepu8_epi32(_mm_unpacklo_epi32(_mm_cvtsi32_si128(a), _mm_cvtsi32_si128(b)));
        acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(p, w[i]));
      }
      __m256i shifted = _mm256_srai_epi32(acc, PRECISION_BITS);
      __m128i words = _mm_packs_epi32(_mm256_castsi256_si128(shifted), _mm256_extracti128_si256(shifted, 1));
      __m128i bytes = _mm_packus_epi16(words, words);
      uint8_t both[8];
      _mm_storel_epi64((__m128i *)both, bytes);
      __builtin_memcpy(out + x * 3, both, 3);
      __builtin_memcpy(out + x * 3 + 3, both + 4, 3);
    }
    if (out_width % 2)
      pixel_scalar(in + start[out_width - 1] * 3, weights + (out_width - 1) * size, count[out_width - 1],
                   out + (out_width - 1) * 3);
  }
  free(paired);
  return 1;
}
#endif

void tabby_resample_horizontal_rgb(const uint8_t *src, const uint8_t *src_end, long in_width, long rows,
                                   uint8_t *dst, long out_width, const long *start, const long *count,
                                   const int32_t *weights, long size) {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx2") &&
      rows_avx2(src, src_end, in_width, rows, dst, out_width, start, count, weights, size))
    return;
  if (__builtin_cpu_supports("sse4.1")) {
    rows_sse41(src, src_end, in_width, rows, dst, out_width, start, count, weights, size);
    return;
  }
#endif
  (void)src_end;
  rows_scalar(src, in_width, rows, dst, out_width, start, count, weights, size);
}
