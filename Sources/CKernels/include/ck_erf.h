#ifndef CK_ERF_H
#define CK_ERF_H

// erf and the exact GELU, x·½(1 + erf(x/√2)), over arrays (in place allowed: y == x).
// A rational approximation on [-4, 4] (±1 beyond, as in float): within 4e-7 of the exact erf,
// vectorised for AVX-512 or AVX2 when the CPU has them. ConvNeXt runs GELU on every
// element of its widest layers, and libm's erff one element at a time took 30 % of it.
void ck_erf(const float *x, float *y, long n);
void ck_gelu(const float *x, float *y, long n);

#endif
