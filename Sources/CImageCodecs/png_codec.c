// PNG decoding and encoding with libpng, from and to memory.
#include <stdio.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "CImageCodecs.h"
#include "codecs_internal.h"

struct tabby_png_context {
  jmp_buf jump;
  char *message;
  size_t message_size;
  int status;
  int image_complete;  // every row is decoded; errors after this point are ignored
  const uint8_t *input;
  size_t input_size;
  size_t input_offset;
  uint8_t *output;  // encoder's growing buffer
  size_t output_size;
  size_t output_capacity;
};

static void fail_with(struct tabby_png_context *context, int status) {
  context->status = status;
  longjmp(context->jump, 1);
}

// libpng aborts if its error function returns, so this one always jumps.
static void png_error_handler(png_structp png, png_const_charp text) {
  struct tabby_png_context *context = png_get_error_ptr(png);
  if (!context->image_complete)
    tabby_set_message(context->message, context->message_size, "PNG: %s", text);
  fail_with(context, TABBY_CODEC_CORRUPT);
}

static void png_warning_handler(png_structp png, png_const_charp text) {
  (void)png;
  (void)text;
}

static void png_read_memory(png_structp png, png_bytep target, size_t length) {
  struct tabby_png_context *context = png_get_io_ptr(png);
  if (length > context->input_size - context->input_offset)
    png_error(png, "file is truncated");
  memcpy(target, context->input + context->input_offset, length);
  context->input_offset += length;
}

static int find_orientation(png_structp png, png_infop info) {
  png_uint_32 length = 0;
  png_bytep exif = NULL;
  if (png_get_eXIf_1(png, info, &length, &exif) && exif != NULL)
    return tabby_exif_orientation(exif, length);
  return 1;
}

// Every PNG colour type becomes 8-bit RGB; alpha is dropped, as Pillow's
// convert("RGB") does, so tRNS transparency is never expanded.
static void request_rgb8(png_structp png, png_infop info) {
  int color_type = png_get_color_type(png, info);
  int bit_depth = png_get_bit_depth(png, info);
  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (bit_depth == 16) png_set_strip_16(png);
  // Palette expansion also turns tRNS into alpha, so strip in that case too.
  if ((color_type & PNG_COLOR_MASK_ALPHA) || png_get_valid(png, info, PNG_INFO_tRNS))
    png_set_strip_alpha(png);
  if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA)
    png_set_gray_to_rgb(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
}

int tabby_png_decode(const uint8_t *data, size_t size, uint64_t max_pixels,
                     tabby_decoded *out, char *message, size_t message_size) {
  struct tabby_png_context context;
  png_structp volatile png = NULL;
  png_infop volatile info = NULL;
  uint8_t *volatile pixels = NULL;
  png_bytepp volatile rows = NULL;

  memset(out, 0, sizeof *out);
  out->orientation = 1;
  memset(&context, 0, sizeof context);
  tabby_set_message(message, message_size, "");
  context.message = message;
  context.message_size = message_size;
  context.input = data;
  context.input_size = size;
  if (setjmp(context.jump)) {
    png_structp p = png;
    png_infop i = info;
    png_destroy_read_struct(&p, &i, NULL);
    free(rows);
    if (context.image_complete) {
      out->pixels = pixels;
      return TABBY_CODEC_OK;
    }
    free(pixels);
    return context.status;
  }
  png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &context, png_error_handler,
                               png_warning_handler);
  if (png != NULL) info = png_create_info_struct(png);
  if (png == NULL || info == NULL) {
    tabby_set_message(message, message_size, "PNG: out of memory");
    fail_with(&context, TABBY_CODEC_NO_MEMORY);
  }
  png_set_read_fn(png, &context, png_read_memory);
  png_read_info(png, info);

  uint32_t width = png_get_image_width(png, info), height = png_get_image_height(png, info);
  out->width = width;
  out->height = height;
  if ((uint64_t)width * height > max_pixels) {
    tabby_set_message(message, message_size, "PNG: %u x %u pixels is above the limit of %llu",
                      width, height, (unsigned long long)max_pixels);
    fail_with(&context, TABBY_CODEC_TOO_LARGE);
  }
  out->orientation = find_orientation(png, info);
  request_rgb8(png, info);
  if (png_get_channels(png, info) != 3 || png_get_rowbytes(png, info) != (size_t)width * 3) {
    tabby_set_message(message, message_size, "PNG: unexpected row layout after conversion");
    fail_with(&context, TABBY_CODEC_UNSUPPORTED);
  }
  pixels = malloc((size_t)width * height * 3);
  rows = malloc(sizeof(png_bytep) * (height ? height : 1));
  if (pixels == NULL || rows == NULL) {
    tabby_set_message(message, message_size, "PNG: out of memory for %u x %u", width, height);
    fail_with(&context, TABBY_CODEC_NO_MEMORY);
  }
  for (uint32_t y = 0; y < height; y++) rows[y] = pixels + (size_t)y * width * 3;
  png_read_image(png, rows);
  // An eXIf chunk may follow the image data; damage after the pixels costs nothing.
  context.image_complete = 1;
  png_read_end(png, info);
  int late_orientation = find_orientation(png, info);
  if (late_orientation != 1) out->orientation = late_orientation;
  png_structp p = png;
  png_infop i = info;
  png_destroy_read_struct(&p, &i, NULL);
  free(rows);
  out->pixels = pixels;
  return TABBY_CODEC_OK;
}

static void png_write_memory(png_structp png, png_bytep source, size_t length) {
  struct tabby_png_context *context = png_get_io_ptr(png);
  if (length > context->output_capacity - context->output_size) {
    size_t capacity = context->output_capacity ? context->output_capacity : 4096;
    while (length > capacity - context->output_size) {
      if (capacity > SIZE_MAX / 2) png_error(png, "output too large");
      capacity *= 2;
    }
    uint8_t *grown = realloc(context->output, capacity);
    if (grown == NULL) png_error(png, "out of memory");
    context->output = grown;
    context->output_capacity = capacity;
  }
  memcpy(context->output + context->output_size, source, length);
  context->output_size += length;
}

static void png_flush_memory(png_structp png) { (void)png; }

static int color_type_for(uint32_t channels) {
  switch (channels) {
    case 1: return PNG_COLOR_TYPE_GRAY;
    case 2: return PNG_COLOR_TYPE_GRAY_ALPHA;
    case 3: return PNG_COLOR_TYPE_RGB;
    case 4: return PNG_COLOR_TYPE_RGB_ALPHA;
    default: return -1;
  }
}

int tabby_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height,
                     uint32_t channels, int compression_level, uint8_t **out,
                     size_t *out_size, char *message, size_t message_size) {
  struct tabby_png_context context;
  png_structp volatile png = NULL;
  png_infop volatile info = NULL;
  png_bytepp volatile rows = NULL;

  *out = NULL;
  *out_size = 0;
  memset(&context, 0, sizeof context);
  tabby_set_message(message, message_size, "");
  context.message = message;
  context.message_size = message_size;
  int color_type = color_type_for(channels);
  if (color_type < 0 || width == 0 || height == 0 || width > PNG_USER_WIDTH_MAX ||
      height > PNG_USER_HEIGHT_MAX) {
    tabby_set_message(message, message_size, "PNG: cannot encode %u x %u with %u channels",
                      width, height, channels);
    return TABBY_CODEC_BAD_ARGUMENT;
  }
  if (setjmp(context.jump)) {
    png_structp p = png;
    png_infop i = info;
    png_destroy_write_struct(&p, &i);
    free(rows);
    free(context.output);
    return context.status;
  }
  png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &context, png_error_handler,
                                png_warning_handler);
  if (png != NULL) info = png_create_info_struct(png);
  rows = malloc(sizeof(png_bytep) * height);
  if (png == NULL || info == NULL || rows == NULL) {
    tabby_set_message(message, message_size, "PNG: out of memory");
    fail_with(&context, TABBY_CODEC_NO_MEMORY);
  }
  png_set_write_fn(png, &context, png_write_memory, png_flush_memory);
  png_set_compression_level(png, compression_level < 0 ? 6 : compression_level > 9 ? 9
                                                                                  : compression_level);
  png_set_IHDR(png, info, width, height, 8, color_type, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  for (uint32_t y = 0; y < height; y++)
    rows[y] = (png_bytep)(pixels + (size_t)y * width * channels);
  png_write_info(png, info);
  png_write_image(png, rows);
  png_write_end(png, NULL);
  png_structp p = png;
  png_infop i = info;
  png_destroy_write_struct(&p, &i);
  free(rows);
  *out = context.output;
  *out_size = context.output_size;
  return TABBY_CODEC_OK;
}
