// JPEG decoding with libjpeg(-turbo). stdio.h must precede jpeglib.h (it uses FILE).
#include <stdio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

#include "CImageCodecs.h"
#include "codecs_internal.h"

// Progressive files can hold thousands of tiny scans that cost time without adding
// pixels (a known libjpeg denial of service); real encoders write about ten.
#define TABBY_JPEG_MAX_SCANS 1000

struct tabby_jpeg_error {
  struct jpeg_error_mgr pub;  // first, so libjpeg's err pointer is also ours
  jmp_buf jump;
  char *message;
  size_t message_size;
  int status;
};

struct tabby_jpeg_progress {
  struct jpeg_progress_mgr pub;
  struct tabby_jpeg_error *error;
};

static void fail_with(struct tabby_jpeg_error *error, int status) {
  error->status = status;
  longjmp(error->jump, 1);
}

// Replaces libjpeg's error_exit, which would call exit(): keep the text, jump back.
static void jpeg_error_exit(j_common_ptr cinfo) {
  struct tabby_jpeg_error *error = (struct tabby_jpeg_error *)cinfo->err;
  char text[JMSG_LENGTH_MAX];
  (*cinfo->err->format_message)(cinfo, text);
  tabby_set_message(error->message, error->message_size, "JPEG: %s", text);
  fail_with(error, error->pub.msg_code == JERR_OUT_OF_MEMORY ? TABBY_CODEC_NO_MEMORY
                                                             : TABBY_CODEC_CORRUPT);
}

// Warnings (level -1) are tolerated like most viewers do, except a truncated file:
// libjpeg would pad it with gray and the caller would get a silently wrong image.
static void jpeg_emit_message(j_common_ptr cinfo, int level) {
  if (level >= 0) return;
  if (cinfo->err->msg_code == JWRN_JPEG_EOF) jpeg_error_exit(cinfo);
  cinfo->err->num_warnings++;
}

static void jpeg_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void jpeg_progress(j_common_ptr cinfo) {
  struct tabby_jpeg_progress *progress = (struct tabby_jpeg_progress *)cinfo->progress;
  j_decompress_ptr dinfo = (j_decompress_ptr)cinfo;
  if (dinfo->input_scan_number > TABBY_JPEG_MAX_SCANS) {
    tabby_set_message(progress->error->message, progress->error->message_size,
                      "JPEG: more than %d scans", TABBY_JPEG_MAX_SCANS);
    fail_with(progress->error, TABBY_CODEC_CORRUPT);
  }
}

static int find_orientation(j_decompress_ptr cinfo) {
  for (jpeg_saved_marker_ptr m = cinfo->marker_list; m != NULL; m = m->next) {
    if (m->marker == JPEG_APP0 + 1 && m->data_length > 6 &&
        memcmp(m->data, "Exif\0\0", 6) == 0)
      return tabby_exif_orientation(m->data + 6, m->data_length - 6);
  }
  return 1;
}

static int choose_color_space(j_decompress_ptr cinfo) {
  switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE: cinfo->out_color_space = JCS_GRAYSCALE; return 1;
    case JCS_CMYK:
    case JCS_YCCK: cinfo->out_color_space = JCS_CMYK; return 4;
    default: cinfo->out_color_space = JCS_RGB; return 3;
  }
}

static inline uint8_t muldiv255(int a, int b) {
  int t = a * b + 128;
  return (uint8_t)(((t >> 8) + t) >> 8);
}

// CMYK to RGB as Pillow does (R = (255-K) - C·(255-K)/255). Adobe writers store the
// inks inverted; libjpeg hands them over as stored.
static void cmyk_row_to_rgb(const JSAMPLE *in, uint8_t *out, uint32_t width, int inverted) {
  for (uint32_t x = 0; x < width; x++, in += 4, out += 3) {
    int c = in[0], m = in[1], y = in[2], k = in[3];
    if (inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
    int nk = 255 - k;
    out[0] = (uint8_t)(nk - muldiv255(c, nk));
    out[1] = (uint8_t)(nk - muldiv255(m, nk));
    out[2] = (uint8_t)(nk - muldiv255(y, nk));
  }
}

static void gray_row_to_rgb(const JSAMPLE *in, uint8_t *out, uint32_t width) {
  for (uint32_t x = 0; x < width; x++, out += 3) out[0] = out[1] = out[2] = in[x];
}

// Everything one decode owns, so that the error path can release it from one place.
struct tabby_jpeg_job {
  struct jpeg_decompress_struct cinfo;
  struct tabby_jpeg_error error;
  struct tabby_jpeg_progress progress;
  uint8_t *pixels;
  JSAMPLE *row;
  // The caller's buffer for a region's pixels (tabby_jpeg_decode_region), else NULL.
  uint8_t *dest;
  size_t dest_size;
};

static void job_fail(struct tabby_jpeg_job *job, int status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  if (job->error.message != NULL && job->error.message_size > 0)
    vsnprintf(job->error.message, job->error.message_size, format, args);
  va_end(args);
  fail_with(&job->error, status);
}

// Reads the header and refuses images above the pixel cap before any pixel memory.
static void read_header(struct tabby_jpeg_job *job, const uint8_t *data, size_t size,
                        uint64_t max_pixels, tabby_decoded *out) {
  j_decompress_ptr cinfo = &job->cinfo;
  jpeg_create_decompress(cinfo);
  // Progressive and multi-scan files buffer every DCT coefficient (2 bytes per sample);
  // past this budget libjpeg stops with an error instead of growing without bound.
  cinfo->mem->max_memory_to_use = (long)(max_pixels > (1ull << 40) ? 1ull << 43 : max_pixels * 8) + (64L << 20);
  job->progress.pub.progress_monitor = jpeg_progress;
  job->progress.error = &job->error;
  cinfo->progress = &job->progress.pub;
  jpeg_mem_src(cinfo, data, (unsigned long)size);
  jpeg_save_markers(cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_read_header(cinfo, TRUE);
  out->width = cinfo->image_width;
  out->height = cinfo->image_height;
  if ((uint64_t)cinfo->image_width * cinfo->image_height > max_pixels)
    job_fail(job, TABBY_CODEC_TOO_LARGE, "JPEG: %u x %u pixels is above the limit of %llu",
             cinfo->image_width, cinfo->image_height, (unsigned long long)max_pixels);
  out->orientation = find_orientation(cinfo);
}

// One decoded row (libjpeg's components, `width` pixels from `row`) as RGB at `target`.
static void row_to_rgb(const JSAMPLE *row, int components, int inverted, uint32_t width, uint8_t *target) {
  if (components == 3) memcpy(target, row, (size_t)width * 3);
  else if (components == 1) gray_row_to_rgb(row, target, width);
  else cmyk_row_to_rgb(row, target, width, inverted);
}

// Decodes the window `r` (the whole image when r is NULL) into job->pixels as RGB. A window
// is decoded with a margin (MARGIN pixels each side, then widened by libjpeg to whole iMCU
// columns): chroma upsampling reads neighbouring samples, so the window's own pixels are
// those of a whole decode. Rows above and below it are skipped (entropy-decoded only, so
// errors there are still found), columns outside it neither transformed nor converted.
#define MARGIN 16
static void read_pixels(struct tabby_jpeg_job *job, const tabby_region *r) {
  j_decompress_ptr cinfo = &job->cinfo;
  int components = choose_color_space(cinfo);
  int inverted = cinfo->saw_Adobe_marker;
  jpeg_start_decompress(cinfo);
  uint32_t width = cinfo->output_width, height = cinfo->output_height;
  if (width != cinfo->image_width || height != cinfo->image_height ||
      cinfo->output_components != components)
    job_fail(job, TABBY_CODEC_UNSUPPORTED, "JPEG: unexpected output geometry");
  tabby_region whole = {0, 0, width, height};
  if (r == NULL) r = &whole;
  if (r->width == 0 || r->height == 0 || r->x > width || r->width > width - r->x || r->y > height ||
      r->height > height - r->y)
    job_fail(job, TABBY_CODEC_BAD_ARGUMENT, "JPEG: region %ux%u at (%u, %u) is not inside the %u x %u image",
             r->width, r->height, r->x, r->y, width, height);
  JDIMENSION left = 0, decoded = width;
  if (r != &whole && (r->x > MARGIN || r->x + r->width + MARGIN < width)) {
    left = r->x > MARGIN ? r->x - MARGIN : 0;
    decoded = (r->x + r->width + MARGIN < width ? r->x + r->width + MARGIN : width) - left;
    jpeg_crop_scanline(cinfo, &left, &decoded);
  }
  uint32_t top = r->y > MARGIN ? r->y - MARGIN : 0;
  if (top > 0 && jpeg_skip_scanlines(cinfo, top) != top)
    job_fail(job, TABBY_CODEC_CORRUPT, "JPEG: cannot skip to row %u", top);
  const size_t total = (size_t)r->width * r->height * 3;
  if (job->dest != NULL && job->dest_size < total)
    job_fail(job, TABBY_CODEC_BAD_ARGUMENT, "JPEG: a %zu-byte buffer for a %u x %u region", job->dest_size,
             r->width, r->height);
  uint8_t *pixels = job->dest != NULL ? job->dest : (job->pixels = malloc(total));
  job->row = malloc((size_t)decoded * components);
  if (pixels == NULL || job->row == NULL)
    job_fail(job, TABBY_CODEC_NO_MEMORY, "JPEG: out of memory for %u x %u", r->width, r->height);
  // RGB rows as wide as the window go straight to their place; others through job->row.
  const int direct = components == 3 && decoded == r->width;
  const size_t skip = (size_t)(r->x - left) * components;
  // A wider RGB row also goes to its place, shifted `skip` bytes left: it overwrites the
  // tail of the rows above (saved and put back) and spills into the rows below (written in
  // full when their turn comes); rows that would start before the buffer or end past it
  // (the first, and more in a narrow window) go through job->row. This saves copying rows.
  uint8_t saved[256];
  const int shifted = components == 3 && !direct && skip <= sizeof saved;
  while (cinfo->output_scanline < r->y + r->height) {
    uint32_t y = cinfo->output_scanline;
    uint8_t *target = y >= r->y ? pixels + (size_t)(y - r->y) * r->width * 3 : NULL;
    size_t at = target ? (size_t)(target - pixels) : 0;
    int in_place = shifted && target && at >= skip && at - skip + (size_t)decoded * 3 <= total;
    if (in_place) memcpy(saved, target - skip, skip);
    JSAMPROW rows[1] = {direct && target ? target : in_place ? target - skip : job->row};
    if (jpeg_read_scanlines(cinfo, rows, 1) != 1)
      job_fail(job, TABBY_CODEC_CORRUPT, "JPEG: no scanline at row %u", y);
    if (in_place) memcpy(target - skip, saved, skip);
    else if (target && !direct) row_to_rgb(job->row + skip, components, inverted, r->width, target);
  }
  // The rows below a window are entropy-decoded too: a file cut short or broken there fails
  // here as it fails a whole decode, so the two never disagree. All but the last are
  // skipped (a skip to the very end would read nothing), the last one read.
  if (cinfo->output_scanline < height) {
    JDIMENSION rest = height - cinfo->output_scanline;
    JSAMPROW rows[1] = {job->row};
    if ((rest > 1 && jpeg_skip_scanlines(cinfo, rest - 1) != rest - 1) || jpeg_read_scanlines(cinfo, rows, 1) != 1)
      job_fail(job, TABBY_CODEC_CORRUPT, "JPEG: cannot read past row %u", r->y + r->height);
  }
  // No jpeg_finish_decompress: every pixel is in, and a file missing only its EOI
  // marker is still a complete image.
}

// Header, then pixels (of `region`, or all) unless header_only; the one entry point's body.
static int decode(const uint8_t *data, size_t size, uint64_t max_pixels, const tabby_region *region,
                  uint8_t *dest, size_t dest_size, int header_only, tabby_decoded *out, char *message,
                  size_t message_size) {
  memset(out, 0, sizeof *out);
  out->orientation = 1;
  tabby_set_message(message, message_size, "");
  // On the heap: C leaves non-volatile locals changed after setjmp indeterminate once
  // longjmp returns; this pointer is set before setjmp and never changed.
  struct tabby_jpeg_job *job = calloc(1, sizeof *job);
  if (job == NULL) {
    tabby_set_message(message, message_size, "JPEG: out of memory");
    return TABBY_CODEC_NO_MEMORY;
  }
  job->cinfo.err = jpeg_std_error(&job->error.pub);
  job->error.pub.error_exit = jpeg_error_exit;
  job->error.pub.emit_message = jpeg_emit_message;
  job->error.pub.output_message = jpeg_output_message;
  job->error.message = message;
  job->error.message_size = message_size;
  job->error.status = TABBY_CODEC_CORRUPT;
  job->dest = dest;
  job->dest_size = dest_size;
  if (setjmp(job->error.jump)) {
    int status = job->error.status;
    jpeg_destroy_decompress(&job->cinfo);
    free(job->pixels);
    free(job->row);
    free(job);
    return status;
  }
  read_header(job, data, size, max_pixels, out);
  if (!header_only) {
    read_pixels(job, region);
    if (region) (out->width = region->width, out->height = region->height);
  }
  jpeg_destroy_decompress(&job->cinfo);
  out->pixels = job->pixels;
  free(job->row);
  free(job);
  return TABBY_CODEC_OK;
}

int tabby_jpeg_decode(const uint8_t *data, size_t size, uint64_t max_pixels, tabby_decoded *out, char *message,
                      size_t message_size) {
  return decode(data, size, max_pixels, NULL, NULL, 0, 0, out, message, message_size);
}

int tabby_jpeg_decode_region(const uint8_t *data, size_t size, uint64_t max_pixels, tabby_region region,
                             uint8_t *dest, size_t dest_size, tabby_decoded *out, char *message,
                             size_t message_size) {
  if (dest == NULL) {
    tabby_set_message(message, message_size, "JPEG: no buffer for the region");
    memset(out, 0, sizeof *out);
    return TABBY_CODEC_BAD_ARGUMENT;
  }
  return decode(data, size, max_pixels, &region, dest, dest_size, 0, out, message, message_size);
}

int tabby_jpeg_header(const uint8_t *data, size_t size, uint64_t max_pixels, tabby_decoded *out, char *message,
                      size_t message_size) {
  return decode(data, size, max_pixels, NULL, NULL, 0, 1, out, message, message_size);
}
