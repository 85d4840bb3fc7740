// The image codecs under AddressSanitizer and UBSan (Tests/integration/test_codecs_asan.py
// builds this with Sources/CImageCodecs). For each file: the file and seeded mutants of it
// (truncated, or a few bits flipped) are decoded whole, and for JPEGs random windows are
// decoded into buffers of exactly their size and compared with the whole decode's pixels;
// a window must fail exactly when the whole decode fails. A stray read or write anywhere
// aborts with the sanitizer's report. Prints one summary line; exits 1 on a mismatch.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "CImageCodecs.h"

static uint64_t state = 88172645463325252ull;
static uint32_t next(void) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return (uint32_t)state;
}

static uint8_t *read_file(const char *path, long *size) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  *size = ftell(f);
  rewind(f);
  uint8_t *data = malloc(*size > 0 ? *size : 1);
  if (data == NULL || fread(data, 1, *size, f) != (size_t)*size) *size = -1;
  fclose(f);
  return data;
}

int main(int argc, char **argv) {
  const int mutants = 30, windows = 40;
  const uint64_t cap = 1u << 24;
  long decoded = 0, compared = 0, mismatches = 0, disagreements = 0;
  for (int a = 1; a < argc; a++) {
    long size = 0;
    uint8_t *original = read_file(argv[a], &size);
    if (original == NULL || size <= 0) {
      fprintf(stderr, "cannot read %s\n", argv[a]);
      return 2;
    }
    int jpeg = size > 2 && original[0] == 0xFF && original[1] == 0xD8;
    for (int m = 0; m <= mutants; m++) {
      long length = size;
      // An exact-size copy each time, so the sanitizer sees any read past the end.
      uint8_t *data = malloc(length);
      memcpy(data, original, length);
      if (m > 0 && m % 2) length = 1 + next() % size;
      else if (m > 0) for (int k = 0; k < 3; k++) data[next() % size] ^= (uint8_t)(1u << (next() % 8));
      uint8_t *input = malloc(length);
      memcpy(input, data, length);
      free(data);
      tabby_decoded whole;
      char message[256];
      int status = jpeg ? tabby_jpeg_decode(input, length, cap, &whole, message, sizeof message)
                        : tabby_png_decode(input, length, cap, &whole, message, sizeof message);
      decoded++;
      for (int t = 0; jpeg && t < windows; t++) {
        uint32_t width = status == 0 ? whole.width : 64, height = status == 0 ? whole.height : 64;
        uint32_t w = 1 + next() % width, h = 1 + next() % height;
        if (t % 4 == 0) w = 1 + next() % (width < 24 ? width : 24);  // narrow windows too
        uint32_t x = next() % (width - w + 1), y = next() % (height - h + 1);
        tabby_region region = {x, y, w, h};
        size_t bytes = (size_t)w * h * 3;
        uint8_t *pixels = malloc(bytes);
        tabby_decoded part;
        char part_message[256];
        int part_status =
            tabby_jpeg_decode_region(input, length, cap, region, pixels, bytes, &part, part_message, sizeof part_message);
        if (status == 0 && part_status == 0) {
          for (uint32_t r = 0; r < h; r++) {
            const uint8_t *expected = whole.pixels + ((size_t)(y + r) * whole.width + x) * 3;
            if (memcmp(pixels + (size_t)r * w * 3, expected, (size_t)w * 3) != 0) {
              mismatches++;
              break;
            }
          }
          compared++;
        } else if ((status == 0) != (part_status == 0)) {
          disagreements++;
        }
        free(pixels);
      }
      if (status == 0) tabby_codec_free(whole.pixels);
      free(input);
    }
    free(original);
  }
  printf("decoded %ld files and mutants, compared %ld windows: %ld mismatches, %ld disagreements\n", decoded,
         compared, mismatches, disagreements);
  return mismatches || disagreements ? 1 : 0;
}
