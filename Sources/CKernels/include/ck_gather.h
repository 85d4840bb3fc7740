#ifndef CK_GATHER_H
#define CK_GATHER_H

#ifdef __cplusplus
extern "C" {
#endif

/// dst[r·length + j] = (float)src[rows[r]·length + j] · scale for r in 0..<count: a batch
/// of uint8 images picked by index, as scaled floats. One rounding (the product) per element
/// on every path, so every level gives the bits of the scalar loop; the rows `ahead` of the
/// one being converted are prefetched. `level` caps the path (CK_LEVEL_* of ck_gemm.h, -1:
/// the CPU's best).
void ck_gather_bytes(const unsigned char *src, long length, const long *rows, long count, float scale, float *dst,
                     int level);

#ifdef __cplusplus
}
#endif
#endif
