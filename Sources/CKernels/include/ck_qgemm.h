#ifndef CK_QGEMM_H
#define CK_QGEMM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The int8 kernels' code paths: chosen from the CPU at run time (AUTO), or forced by tests.
enum { CK_Q_AUTO = 0, CK_Q_PORTABLE = 1, CK_Q_AVX2 = 2, CK_Q_VNNI = 3 };

/// Whether this CPU runs `path` (AUTO and PORTABLE always).
int ck_q_supported(int path);

/// The path AUTO resolves to on this CPU.
int ck_q_best(void);

/// Requantization of 32-bit accumulators, as onnxruntime's MlasRequantizeOutput:
///   code = roundHalfEven(clamp(float(acc + bias[o]) · scale[o], lo − zero, hi − zero)) + zero,
/// written as the code itself, or (dequantize = 1) as (code − zero) · out_scale.
typedef struct {
  const int32_t *bias;  ///< per output channel, the weights' zero-point terms folded in
  const float *scale;   ///< per output channel: input scale · weight scale / output scale
  float zero, lo, hi;   ///< the output's zero point and code range
  float out_scale;      ///< the output's scale (used when dequantize is set)
  int dequantize;
} ck_requant;

/// Int8 weights, packed at load: n output channels of k codes (kq = k rounded up to 4).
typedef struct {
  long n, k, kq;
  const int8_t *w;        ///< [n][kq] signed codes (uint8 codes − 128), zero-padded: every path
  const int16_t *w16;     ///< [n][kq] the same widened (the AVX2 path; may be NULL)
  const int8_t *wt;       ///< [kq/4][nq][4] with nq = n rounded up to 16 (VNNI, few pixels; may be NULL)
  const int32_t *wzero;   ///< per channel, the weights' zero point in the same signed terms
} ck_qweights;

/// Rounds pixel counts up to this for the packed activations (zero-filled).
#define CK_Q_PIXEL_ALIGN 32

/// Packs `k` rows of `pixels` activations (row i at x + i·ldx) into a[kq/4][pp][4] uint8 codes
/// and asum[p] = Σ codes. in_scale = 0: x holds codes; otherwise x holds dequantized values
/// and the code is roundHalfEven(x / in_scale) + zero. Rows past k and pixels past `pixels`
/// (up to pp) are zero.
void ck_qpack_rows(const float *x, long ldx, long k, long pixels, long pp, float in_scale, float zero,
                   uint8_t *a, int32_t *asum);

/// Like ck_qpack_rows for a convolution's im2col matrix of a c×h×w image: row (ci·kh + i)·kw + j
/// holds the pixel under tap (i, j) of channel ci for each output pixel (oy·ow + ox), `zero`
/// where it falls in the padding. pads: top, left.
void ck_qpack_im2col(const float *x, long c, long h, long w, long kh, long kw, long sh, long sw, long pt,
                     long pl, long dh, long dw, long oh, long ow, long pp, float in_scale, float zero,
                     uint8_t *a, int32_t *asum);

/// y[o·ldy + p] = requant(Σₖ (a[k][p] − xzero)(w[o][k] − wzero[o])) for o < n, p < pixels, with
/// rq->bias holding bias[o] − xzero·Σₖ w[o][k] + k·xzero·wzero[o]. Runs on the pool.
void ck_qgemm(const ck_qweights *w, const uint8_t *a, const int32_t *asum, long pixels, long pp, float *y,
              long ldy, const ck_requant *rq, int path);

/// Depthwise convolution of c planes on codes: y[ch] = requant(Σ (x − xzero)(w[ch] − wzero[ch]))
/// over the taps inside the image (padding holds the zero point, which adds nothing).
/// wd[ch·kh·kw + t] = w − wzero (exact small integers); kh·kw ≤ 256 keeps float sums exact.
/// in_scale as in ck_qpack_rows. Runs on the pool.
void ck_qdepthwise(const float *x, long c, long h, long w, const float *wd, long kh, long kw, long sh,
                   long sw, long pt, long pl, long dh, long dw, long oh, long ow, float in_scale, float zero,
                   float *y, const ck_requant *rq);

/// y[i] = code(x[i]) − zero: centred codes (in_scale as in ck_qpack_rows), which a float
/// depthwise kernel sums exactly (small integers). Runs on the pool.
void ck_qcentre(const float *x, long n, float in_scale, float zero, float *y);

/// Requantizes a depthwise convolution's float sums acc = Σ x·wd over the taps inside the
/// image (a float kernel's zero padding), x the codes: the zero point's share xz·Σ wd over
/// those taps comes off, then y = requant(acc − that + bias[c mod channels]). Sums must be
/// exact (integers below 2^24); kw ≤ 16. Runs on the pool.
void ck_qrequant_depthwise(const float *acc, long planes, long channels, long oh, long ow, long h, long w,
                           const float *wd, long kh, long kw, long sh, long sw, long pt, long pl, float xz,
                           const ck_requant *rq, float *y);

/// onnxruntime's QLinearAdd: c = clamp(roundHalfEven(a·(sa/sc) + (b·(sb/sc) + fixed)), lo, hi)
/// with fixed = zc − ((sa/sc)·za + (sb/sc)·zb), each step rounded to float (fused multiply-adds
/// as MLAS's AVX2 kernel). a_scale / b_scale = 0: codes; otherwise dequantized values.
/// dequantize: write (c − zc)·sc.
void ck_qadd(const float *a, const float *b, long count, float sa, float za, float a_scale, float sb, float zb,
             float b_scale, float sc, float zc, float lo, float hi, int dequantize, float *y);

/// onnxruntime's QLinearAveragePool (2-D, NCHW planes): dequantize, sum in row-major order,
/// divide by the count, y = clamp(roundHalfEven(avg / ys + yz), lo, hi).
void ck_qavgpool(const float *x, long planes, long h, long w, long kh, long kw, long sh, long sw, long pt,
                 long pl, long oh, long ow, int count_include_pad, float xs, float xz, float in_scale,
                 float ys, float yz, float lo, float hi, int dequantize, float *y);

/// onnxruntime's uint8 QLinearSoftmax over rows of d codes (its exp lookup table and rounding).
void ck_qsoftmax(const float *x, long rows, long d, float xs, float xz, float in_scale, float ys, float yz,
                 float *y);

#ifdef __cplusplus
}
#endif
#endif
