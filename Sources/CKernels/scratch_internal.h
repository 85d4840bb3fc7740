// Per-thread scratch buffers of the kernels (gemm.c, conv_direct.c, conv_blocked.c,
// depthwise.c, winograd.c): each file keeps its buffers in _Thread_local pointers, grows them
// through ck__scratch_grow and frees them in its ck__release_*_scratch, which scratch.c calls
// for ck_release_thread_scratch and when the thread exits.
#ifndef CK_SCRATCH_INTERNAL_H
#define CK_SCRATCH_INTERNAL_H

#include <stddef.h>

/// `*buffer` (of `*have` floats) if it holds `floats`, else a new 64-byte-aligned one in its
/// place (NULL when out of memory): a thread's scratch, grown when a larger layer comes and
/// kept between calls (a fresh allocation each call would fault in new pages every time).
float *ck__scratch_grow(float **buffer, size_t *have, size_t floats);

/// Frees a buffer ck__scratch_grow made and empties its slot.
void ck__scratch_free(float **buffer, size_t *have);

void ck__release_gemm_scratch(void);
void ck__release_conv_direct_scratch(void);
void ck__release_conv_blocked_scratch(void);
void ck__release_depthwise_scratch(void);
void ck__release_winograd_scratch(void);

#endif
