#ifndef CK_DWDIRECT_H
#define CK_DWDIRECT_H

#ifdef __cplusplus
extern "C" {
#endif

/// One channel plane of a depthwise convolution of any kernel size (EfficientNet's 5×5,
/// ConvNeXt's 7×7), read from a zero-padded copy of the input plane:
///   y[oy][ox] = bias + Σ_ky Σ_kx w[ky·kw + kx] · padded[(oy·stride_h + ky)·padded_width + ox·stride_w + kx]
/// with the taps added in row-major order. `padded` holds every row and column any output
/// reads. stride_w is 1 or 2; `scratch` (padded_height × padded_width floats) is used for
/// stride 2 only (the plane's even and odd columns, so each tap reads a contiguous run).
void ck_dw_direct_plane(const float *padded, long padded_height, long padded_width, const float *w, long kh,
                        long kw, long stride_h, long stride_w, float bias, float *y, long out_h, long out_w,
                        float *scratch);

/// Forces the code path for tests: 0 portable, 1 AVX2, 2 AVX-512, -1 the best the CPU has.
/// Returns the level that will run (a forced level the CPU lacks falls back).
int ck_dw_direct_force_level(int level);

#ifdef __cplusplus
}
#endif
#endif
