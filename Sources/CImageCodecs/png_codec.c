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
  png_structp png;
  png_infop info;
  uint8_t *pixels;
  png_bytepp rows;
};

// On the heap: C leaves non-volatile locals changed after setjmp indeterminate once
// longjmp returns; the pointer to this is set before setjmp and never changed.
static struct tabby_png_context *new_context(char *message, size_t message_size) {
  tabby_set_message(message, message_size, "");
  struct tabby_png_context *context = calloc(1, sizeof *context);
  if (context == NULL) tabby_set_message(message, message_size, "PNG: out of memory");
  else {
    context->message = message;
    context->message_size = message_size;
  }
  return context;
}

static void context_fail(struct tabby_png_context *context, int status, const char *text) {
  tabby_set_message(context->message, context->message_size, "%s", text);
  context->status = status;
  longjmp(context->jump, 1);
}

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

// Reads the header, refuses images above the pixel cap, and sets up RGB8 output.
static void read_png_header(struct tabby_png_context *context, uint64_t max_pixels,
                            tabby_decoded *out) {
  png_structp png = context->png;
  png_infop info = context->info;
  png_set_read_fn(png, context, png_read_memory);
  png_read_info(png, info);
  uint32_t width = png_get_image_width(png, info), height = png_get_image_height(png, info);
  out->width = width;
  out->height = height;
  if ((uint64_t)width * height > max_pixels) {
    tabby_set_message(context->message, context->message_size,
                      "PNG: %u x %u pixels is above the limit of %llu", width, height,
                      (unsigned long long)max_pixels);
    fail_with(context, TABBY_CODEC_TOO_LARGE);
  }
  out->orientation = find_orientation(png, info);
  request_rgb8(png, info);
  if (png_get_channels(png, info) != 3 || png_get_rowbytes(png, info) != (size_t)width * 3)
    context_fail(context, TABBY_CODEC_UNSUPPORTED, "PNG: unexpected row layout after conversion");
}

static void read_png_pixels(struct tabby_png_context *context, tabby_decoded *out) {
  uint32_t width = out->width, height = out->height;
  context->pixels = malloc((size_t)width * height * 3);
  context->rows = malloc(sizeof(png_bytep) * (height ? height : 1));
  if (context->pixels == NULL || context->rows == NULL)
    context_fail(context, TABBY_CODEC_NO_MEMORY, "PNG: out of memory for the pixels");
  for (uint32_t y = 0; y < height; y++) context->rows[y] = context->pixels + (size_t)y * width * 3;
  png_read_image(context->png, context->rows);
  // An eXIf chunk may follow the image data; damage after the pixels costs nothing.
  context->image_complete = 1;
  png_read_end(context->png, context->info);
  int late_orientation = find_orientation(context->png, context->info);
  if (late_orientation != 1) out->orientation = late_orientation;
}

int tabby_png_decode(const uint8_t *data, size_t size, uint64_t max_pixels,
                     tabby_decoded *out, char *message, size_t message_size) {
  memset(out, 0, sizeof *out);
  out->orientation = 1;
  struct tabby_png_context *context = new_context(message, message_size);
  if (context == NULL) return TABBY_CODEC_NO_MEMORY;
  context->input = data;
  context->input_size = size;
  int status = TABBY_CODEC_OK;
  if (setjmp(context->jump)) {
    status = context->image_complete ? TABBY_CODEC_OK : context->status;
  } else {
    context->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, context, png_error_handler,
                                          png_warning_handler);
    if (context->png != NULL) context->info = png_create_info_struct(context->png);
    if (context->png == NULL || context->info == NULL)
      context_fail(context, TABBY_CODEC_NO_MEMORY, "PNG: out of memory");
    read_png_header(context, max_pixels, out);
    read_png_pixels(context, out);
  }
  png_destroy_read_struct(&context->png, &context->info, NULL);
  free(context->rows);
  if (status == TABBY_CODEC_OK) out->pixels = context->pixels;
  else free(context->pixels);
  free(context);
  return status;
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

static void write_png(struct tabby_png_context *context, uint32_t width, uint32_t height,
                      int color_type, int compression_level) {
  png_structp png = context->png;
  png_set_write_fn(png, context, png_write_memory, png_flush_memory);
  int level = compression_level < 0 ? 6 : compression_level > 9 ? 9 : compression_level;
  png_set_compression_level(png, level);
  png_set_IHDR(png, context->info, width, height, 8, color_type, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, context->info);
  png_write_image(png, context->rows);
  png_write_end(png, NULL);
}

int tabby_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height,
                     uint32_t channels, int compression_level, uint8_t **out,
                     size_t *out_size, char *message, size_t message_size) {
  *out = NULL;
  *out_size = 0;
  int color_type = color_type_for(channels);
  if (color_type < 0 || width == 0 || height == 0 || width > PNG_USER_WIDTH_MAX ||
      height > PNG_USER_HEIGHT_MAX) {
    tabby_set_message(message, message_size, "PNG: cannot encode %u x %u with %u channels",
                      width, height, channels);
    return TABBY_CODEC_BAD_ARGUMENT;
  }
  struct tabby_png_context *context = new_context(message, message_size);
  if (context == NULL) return TABBY_CODEC_NO_MEMORY;
  int status = TABBY_CODEC_OK;
  if (setjmp(context->jump)) {
    status = context->status;
  } else {
    context->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, context, png_error_handler,
                                           png_warning_handler);
    if (context->png != NULL) context->info = png_create_info_struct(context->png);
    context->rows = malloc(sizeof(png_bytep) * height);
    if (context->png == NULL || context->info == NULL || context->rows == NULL)
      context_fail(context, TABBY_CODEC_NO_MEMORY, "PNG: out of memory");
    for (uint32_t y = 0; y < height; y++)
      context->rows[y] = (png_bytep)(pixels + (size_t)y * width * channels);
    write_png(context, width, height, color_type, compression_level);
  }
  png_destroy_write_struct(&context->png, &context->info);
  free(context->rows);
  if (status == TABBY_CODEC_OK) {
    *out = context->output;
    *out_size = context->output_size;
  } else {
    free(context->output);
  }
  free(context);
  return status;
}
