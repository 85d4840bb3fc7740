#ifndef CK_SCRATCH_H
#define CK_SCRATCH_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Frees the calling thread's kernel scratch (packing panels, padded inputs, Winograd's V and
/// M): the buffers a thread keeps between calls so that a network's next run reuses them.
/// Call it only between runs on this thread (never from inside a kernel or a pool task);
/// the next kernel on the thread allocates again. Outputs do not change. Pool workers do
/// this themselves before they sleep, and every thread does it when it exits.
void ck_release_thread_scratch(void);

/// Bytes of kernel scratch held by all threads now (a measure for tests and memory reports).
size_t ck_scratch_live_bytes(void);

/// Bytes of kernel scratch the calling thread holds now.
size_t ck_thread_scratch_bytes(void);

/// Bytes of kernel scratch freed so far by threads as they exited.
size_t ck_scratch_freed_at_exit_bytes(void);

#ifdef __cplusplus
}
#endif
#endif
