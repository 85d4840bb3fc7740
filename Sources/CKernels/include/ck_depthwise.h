#ifndef CK_DEPTHWISE_H
#define CK_DEPTHWISE_H

#ifdef __cplusplus
extern "C" {
#endif

/// What a depthwise convolution applies to each output after the bias.
typedef enum {
  CK_ACTIVATION_NONE = 0,
  CK_ACTIVATION_RELU = 1,
  /// min(max(v, act_min), act_max), NaN going to act_min.
  CK_ACTIVATION_CLIP = 2,
} ck_activation;

/// A 3×3 depthwise convolution over NCHW planes (one filter per channel, dilation 1), with
/// the bias, activation and fake quantization fused. Every output is
///   v = bias[c]; v = fma(w[c][k], x_k, v) for the nine taps k in row-major order,
/// padding taps reading 0, then the activation, then, if fake_quant is set,
///   v = (clamp(roundHalfEven(v / fq_scale) + fq_zero, fq_lo, fq_hi) - fq_zero) * fq_scale.
typedef struct {
  long channels, height, width;
  long out_height, out_width;
  /// Any stride >= 1 (the AVX2 path covers 1 and 2; others run the portable code).
  int stride;
  /// Padding before the first row and column (>= 0); the end padding follows from the sizes.
  int pad_top, pad_left;
  /// [channels][9] filters and [channels] biases (bias may be NULL: zero).
  const float *weights;
  const float *bias;
  ck_activation activation;
  float act_min, act_max;
  int fake_quant;
  float fq_scale, fq_zero, fq_lo, fq_hi;
  /// Non-zero: use the portable C code even where AVX2 and FMA are available (tests).
  int force_portable;
  /// Non-zero (the int8 path: exact integer sums of centred codes): instead of the activation
  /// and fake quantization, onnxruntime's requantization
  ///   q = roundHalfEven(clamp(v · requant_scale[c], requant_lo − requant_zero, requant_hi − requant_zero)),
  /// stored as q + requant_zero, or as q · requant_out_scale when requant_dequantize is set.
  int requant;
  const float *requant_scale;
  float requant_zero, requant_lo, requant_hi, requant_out_scale;
  int requant_dequantize;
} ck_depthwise_params;

/// Computes output planes [plane_begin, plane_end) of x (batch × channels planes of
/// height × width) into y (planes of out_height × out_width). Different plane ranges may run
/// on different threads at once.
void ck_depthwise3x3(const ck_depthwise_params *p, const float *x, float *y, long plane_begin,
                     long plane_end);

/// Whether ck_depthwise3x3 uses its AVX2/FMA code on this CPU (when not forced portable).
int ck_depthwise_has_avx2(void);

#ifdef __cplusplus
}
#endif
#endif
