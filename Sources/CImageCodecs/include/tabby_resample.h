#ifndef TABBY_RESAMPLE_H
#define TABBY_RESAMPLE_H
// The inner loops of Imaging's Pillow-exact resize (the horizontal pass on RGB rows, the
// vertical pass on any rows), in C so they run on SSE4.1/AVX2 vectors. Imaging's own C
// target, beside its codecs.

#include <stdint.h>

/// Filters `rows` RGB rows of `in_width` pixels (packed, starting at `src`) into rows of
/// `out_width` pixels at `dst`: output pixel x sums `count[x]` input pixels from `start[x]`
/// with the 22-bit fixed-point `weights[x * size ...]`, rounds and clips to uint8 exactly as
/// Pillow's ImagingResampleHorizontal_8bpc. `src_end` bounds every read.
void tabby_resample_horizontal_rgb(const uint8_t *src, const uint8_t *src_end, long in_width, long rows,
                                   uint8_t *dst, long out_width, const long *start, const long *count,
                                   const int32_t *weights, long size);

/// The vertical pass: output row yy (of `out_rows`, each `row_length` samples) sums rows
/// `start[yy]`... of `src` (`count[yy]` of them) with `weights[yy * size ...]`, rounded and
/// clipped as Pillow's ImagingResampleVertical_8bpc; AVX2 where the CPU has it. Integer
/// sums, so every path gives the same bytes.
void tabby_resample_vertical(const uint8_t *src, long row_length, uint8_t *dst, long out_rows, const long *start,
                             const long *count, const int32_t *weights, long size);

#endif
