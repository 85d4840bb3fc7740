#ifndef CK_DWDIRECT_H
#define CK_DWDIRECT_H

#ifdef __cplusplus
extern "C" {
#endif

/// One channel plane of a depthwise convolution of any kernel size and stride (dilation 1;
/// EfficientNet's 5×5, ConvNeXt's 7×7) of the input plane x (height × width), zero-padded by
/// pad_top rows above and pad_left columns to the left (and below and to the right as far as
/// outputs read):
///   y[oy][ox] = bias + Σ_ky Σ_kx w[ky·kw + kx] · xpad[oy·stride_h + ky][ox·stride_w + kx]
/// with the taps added in row-major order. `scratch` holds ck_dw_direct_scratch_count floats
/// (the padded copy; for stride 2 its even and odd columns, so each tap reads a contiguous run).
void ck_dw_direct_plane(const float *x, long height, long width, long pad_top, long pad_left, const float *w,
                        long kh, long kw, long stride_h, long stride_w, float bias, float *y, long out_h, long out_w,
                        float *scratch);

/// Floats of scratch ck_dw_direct_plane needs for these kernel, stride and output sizes.
long ck_dw_direct_scratch_count(long kh, long kw, long stride_h, long stride_w, long out_h, long out_w);

/// Up to sixteen consecutive channels (planes contiguous in x, y, weights [channels][kh·kw],
/// bias[channels]) of the same convolution, each as ck_dw_direct_plane computes it: with
/// AVX-512 on narrow outputs (ck_dw_direct_channels16_usable) the channels share the
/// vectors, the same bits as the AVX-512 plane kernel; otherwise plane by plane. `scratch`
/// holds ck_dw_direct_channels16_scratch_count floats (at least ck_dw_direct_scratch_count).
void ck_dw_direct_channels16(const float *x, long channels, long height, long width, long pad_top, long pad_left,
                             const float *w, long kh, long kw, long stride_h, long stride_w, const float *bias,
                             float *y, long out_h, long out_w, float *scratch);

/// Whether ck_dw_direct_channels16 shares vectors between channels for this output width.
int ck_dw_direct_channels16_usable(long out_w);

/// Floats of scratch ck_dw_direct_channels16 needs.
long ck_dw_direct_channels16_scratch_count(long kh, long kw, long stride_h, long stride_w, long out_h, long out_w);

/// Forces the code path for tests: 0 portable, 1 AVX2, 2 AVX-512, -1 the best the CPU has.
/// Returns the level that will run (a forced level the CPU lacks falls back).
int ck_dw_direct_force_level(int level);

#ifdef __cplusplus
}
#endif
#endif
