#ifndef CK_HEAP_H
#define CK_HEAP_H

#ifdef __cplusplus
extern "C" {
#endif

/// glibc's malloc tuning (mallopt, which Swift's Glibc module does not declare): blocks of
/// `mmap_threshold` bytes and more are mapped, the others come from the heap; a heap's free top
/// stays resident up to `trim_threshold` bytes; `arena_max` > 0 caps the number of arenas.
void ck_heap_tune(long mmap_threshold, long trim_threshold, int arena_max);

/// Marks the calling thread's malloc arena for the next ck_heap_return_free_pages (once
/// per trim; later calls return at once): for threads a caller does not own, such as an
/// async runtime's, that allocate and free large buffers (a server's request handling).
void ck_heap_mark_thread_arena(void);

/// Hands the heap's free pages back to the system: glibc's malloc_trim, then the free top of
/// the calling thread's malloc arena and of every marked one (all but glibc's pad), which
/// malloc_trim leaves resident in every arena but the main one; then sets the trim threshold
/// to `restore_trim_threshold` bytes again. Between runs; beyond malloc_trim it costs a
/// mallopt pair, one 256 KiB malloc and free, and a free per marked thread.
void ck_heap_return_free_pages(long restore_trim_threshold);

#ifdef __cplusplus
}
#endif
#endif
