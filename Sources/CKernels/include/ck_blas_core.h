#ifndef CK_BLAS_CORE_H
#define CK_BLAS_CORE_H

#ifdef __cplusplus
extern "C" {
#endif

/// The widest x86 vector level this CPU has that OpenBLAS has kernels for: 3 AVX-512
/// (F, BW, VL, DQ, CD: SkylakeX's set), 2 AVX2 with FMA, 1 AVX, 0 otherwise or not x86.
int ck_cpu_vector_level(void);

/// The OpenBLAS core to use instead of `current` on a CPU of `level`, or NULL when
/// `current` is not one of the generic cores OpenBLAS falls back to for a CPU it does not know.
const char *ck_blas_replacement(const char *current, int level);

/// The core OpenBLAS runs now ("SkylakeX", "Haswell", …), or NULL without OpenBLAS.
const char *ck_blas_core(void);

#ifdef __cplusplus
}
#endif
#endif
