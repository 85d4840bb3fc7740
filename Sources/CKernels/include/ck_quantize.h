#ifndef CK_QUANTIZE_H
#define CK_QUANTIZE_H

#ifdef __cplusplus
extern "C" {
#endif

/// y[i] = fakeQuantize(a[i] + b[i]) (b may be NULL: fakeQuantize(a[i])), where
///   fakeQuantize(v) = (clamp(roundHalfEven(v / scale) + zero, lo, hi) - zero) * scale,
/// the clamp's selects sending NaN to lo, exactly as ModelIO's Swift fakeQuantize. y may be a
/// or b. AVX2 where the CPU has it and scale > 0 with integral lo <= hi and zero within
/// ±2^21; portable C otherwise (or when force_portable is set, for tests).
void ck_add_fake_quantize(const float *a, const float *b, float *y, long count, float scale, float zero, float lo,
                          float hi, int force_portable);

#ifdef __cplusplus
}
#endif
#endif
