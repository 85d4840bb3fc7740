// Training's batches: uint8 images picked by shuffled index, converted to scaled floats.
//
// The images of a shuffled batch lie anywhere in a dataset too large for the caches
// (Fashion-MNIST's 60,000 are 47 MB), so the conversion waited on memory at the first
// lines of every image (81 % of its samples on the byte loads, 6 % of an MLP step).
// Prefetching a few images ahead overlaps those misses with the conversion.
#include "ck_gather.h"
#include "ck_gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

enum { AHEAD = 4, LINE = 64 };

static inline void prefetch_row(const unsigned char *src, long length, const long *rows, long r, long count) {
  if (r >= count) return;
  const unsigned char *p = src + rows[r] * length;
  for (long b = 0; b < length; b += LINE) __builtin_prefetch(p + b, 0, 3);
  __builtin_prefetch(p + length - 1, 0, 3);
}

static void portable_row(const unsigned char *s, long length, float scale, float *d) {
  for (long j = 0; j < length; j++) d[j] = (float)s[j] * scale;
}

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static void row512(const unsigned char *s, long length, float scale, float *d) {
  const __m512 k = _mm512_set1_ps(scale);
  long j = 0;
  for (; j + 16 <= length; j += 16) {
    __m512i v = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(s + j)));
    _mm512_storeu_ps(d + j, _mm512_mul_ps(_mm512_cvtepi32_ps(v), k));
  }
  portable_row(s + j, length - j, scale, d + j);
}

__attribute__((target("avx2"))) static void row256(const unsigned char *s, long length, float scale, float *d) {
  const __m256 k = _mm256_set1_ps(scale);
  long j = 0;
  for (; j + 8 <= length; j += 8) {
    __m256i v = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(s + j)));
    _mm256_storeu_ps(d + j, _mm256_mul_ps(_mm256_cvtepi32_ps(v), k));
  }
  portable_row(s + j, length - j, scale, d + j);
}
#endif

void ck_gather_bytes(const unsigned char *src, long length, const long *rows, long count, float scale, float *dst,
                     int level) {
  if (length <= 0 || count <= 0) return;
  level = ck_level_capped(level);
  void (*convert)(const unsigned char *, long, float, float *) = portable_row;
#if defined(__x86_64__)
  if (level == CK_LEVEL_AVX512) convert = row512;
  if (level == CK_LEVEL_AVX2) convert = row256;
#endif
  for (long r = 0; r < AHEAD; r++) prefetch_row(src, length, rows, r, count);
  for (long r = 0; r < count; r++) {
    prefetch_row(src, length, rows, r + AHEAD, count);
    convert(src + rows[r] * length, length, scale, dst + r * length);
  }
}
