#ifndef TABBY_CIMAGECODECS_H
#define TABBY_CIMAGECODECS_H
// JPEG and PNG codecs over memory buffers. libjpeg and libpng report errors by
// longjmp, which Swift cannot catch, so every library call made here runs under a
// jmp_buf set in C before the first call; failures come back as a status and a
// message copied into the caller's buffer. Nothing here exits or aborts.

#include <stddef.h>
#include <stdint.h>

#include "tabby_resample.h"

/// Outcome of a codec call.
typedef enum {
  TABBY_CODEC_OK = 0,
  TABBY_CODEC_CORRUPT = 1,      // the library rejected the data
  TABBY_CODEC_TOO_LARGE = 2,    // the header's pixel count is above the caller's cap
  TABBY_CODEC_NO_MEMORY = 3,    // an allocation failed
  TABBY_CODEC_UNSUPPORTED = 4,  // a well-formed file using a feature not decoded here
  TABBY_CODEC_BAD_ARGUMENT = 5  // the caller passed impossible dimensions or channels
} tabby_codec_status;

/// A decoded image: RGB uint8, height × width × 3, rows packed.
typedef struct {
  uint8_t *pixels;      // malloc'd; release with tabby_codec_free
  uint32_t width;       // set from the header even when the cap refuses the image
  uint32_t height;
  int orientation;      // EXIF orientation 1–8 (1 when absent or unreadable)
} tabby_decoded;

/// Decodes a JPEG (any libjpeg colour space, converted to RGB). Refuses images with
/// more than max_pixels pixels after reading only the header.
int tabby_jpeg_decode(const uint8_t *data, size_t size, uint64_t max_pixels,
                      tabby_decoded *out, char *message, size_t message_size);

/// A window of an image: columns [x, x + width), rows [y, y + height).
typedef struct {
  uint32_t x, y, width, height;
} tabby_region;

/// tabby_jpeg_decode's pixels of `region` only, bit for bit, written as packed RGB rows into
/// the caller's `dest` (at least region.width × region.height × 3 bytes; out->pixels stays
/// NULL, out->width and height are the region's): for a caller that will read only that
/// part, e.g. a resize and centre crop. Rows outside it are only entropy-decoded and columns
/// outside it never transformed; a file fails exactly when tabby_jpeg_decode fails on it. A
/// region not inside the image, or a buffer too small, is TABBY_CODEC_BAD_ARGUMENT.
int tabby_jpeg_decode_region(const uint8_t *data, size_t size, uint64_t max_pixels, tabby_region region,
                             uint8_t *dest, size_t dest_size, tabby_decoded *out, char *message,
                             size_t message_size);

/// Reads a JPEG's header only: out's width, height and orientation (pixels stay NULL); the
/// same checks and cap as tabby_jpeg_decode.
int tabby_jpeg_header(const uint8_t *data, size_t size, uint64_t max_pixels, tabby_decoded *out, char *message,
                      size_t message_size);

/// Decodes a PNG to RGB: palette and gray expanded, 16-bit reduced to the high byte,
/// alpha (and tRNS transparency) dropped without compositing.
int tabby_png_decode(const uint8_t *data, size_t size, uint64_t max_pixels,
                     tabby_decoded *out, char *message, size_t message_size);

/// Encodes packed uint8 pixels with 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA)
/// channels as PNG; *out is malloc'd (release with tabby_codec_free).
int tabby_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height,
                     uint32_t channels, int compression_level, uint8_t **out,
                     size_t *out_size, char *message, size_t message_size);

/// Reads the orientation tag (0x0112) from an EXIF TIFF block (starting at "II"/"MM");
/// returns 1–8, or 1 when absent or malformed.
int tabby_exif_orientation(const uint8_t *tiff, size_t size);

/// Frees memory returned by the functions above.
void tabby_codec_free(void *pointer);

#endif
