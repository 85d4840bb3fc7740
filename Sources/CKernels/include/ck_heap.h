#ifndef CK_HEAP_H
#define CK_HEAP_H

#ifdef __cplusplus
extern "C" {
#endif

/// Hands back the free top of the calling thread's malloc arena (all but glibc's pad), which
/// malloc_trim leaves resident in every arena but the main one, then sets the trim threshold
/// to `restore_trim_threshold` bytes again. For a thread that ran inference or loaded a
/// model, between runs; it costs a mallopt pair and one 256 KiB malloc and free.
void ck_heap_trim_thread_arena(long restore_trim_threshold);

#ifdef __cplusplus
}
#endif
#endif
