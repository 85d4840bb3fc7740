#include "CImageCodecs.h"

#include <stdlib.h>

static uint32_t read16(const uint8_t *p, int little) {
  return little ? (uint32_t)p[0] | (uint32_t)p[1] << 8 : (uint32_t)p[0] << 8 | (uint32_t)p[1];
}

static uint32_t read32(const uint8_t *p, int little) {
  return little ? read16(p, 1) | read16(p + 2, 1) << 16 : read16(p, 0) << 16 | read16(p + 2, 0);
}

int tabby_exif_orientation(const uint8_t *tiff, size_t size) {
  if (tiff == NULL || size < 8) return 1;
  int little;
  if (tiff[0] == 'I' && tiff[1] == 'I') little = 1;
  else if (tiff[0] == 'M' && tiff[1] == 'M') little = 0;
  else return 1;
  if (read16(tiff + 2, little) != 42) return 1;
  size_t ifd = read32(tiff + 4, little);
  if (ifd > size || size - ifd < 2) return 1;
  size_t count = read16(tiff + ifd, little);
  for (size_t i = 0; i < count; i++) {
    size_t entry = ifd + 2 + i * 12;
    if (entry > size || size - entry < 12) break;
    if (read16(tiff + entry, little) != 0x0112) continue;
    uint32_t type = read16(tiff + entry + 2, little);
    uint32_t value = type == 3 ? read16(tiff + entry + 8, little)
                     : type == 4 ? read32(tiff + entry + 8, little) : 0;
    return value >= 1 && value <= 8 ? (int)value : 1;
  }
  return 1;
}

void tabby_codec_free(void *pointer) { free(pointer); }
