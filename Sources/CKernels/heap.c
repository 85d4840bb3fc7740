// The calling thread's malloc arena, trimmed at its top. glibc's malloc_trim hands back the
// free pages inside every arena's free chunks, but of the top chunk (the free end of a heap)
// only the main arena's: a thread arena's top shrinks only when a free of at least 64 KiB
// finds it over the trim threshold, which inference raises to tens of MiB (ModelIO's
// malloc tuning) so that runs reuse their freed activations. So the memory a model loader
// or a batch worker freed last stays resident. Lowering the threshold for one such free
// on the thread itself trims its arena's top to the pad.
#include "ck_heap.h"

#include <malloc.h>
#include <stdlib.h>

void ck_heap_trim_thread_arena(long restore_trim_threshold) {
  // Below the mmap threshold, so it comes from (and returns to) this thread's arena.
  enum { PROBE = 256 << 10 };
  mallopt(M_TRIM_THRESHOLD, 0);
  void *probe = malloc(PROBE);
  // Keeps the compiler from pairing the malloc with the free and removing both.
  __asm__ volatile("" : : "r"(probe) : "memory");
  free(probe);
  mallopt(M_TRIM_THRESHOLD, (int)restore_trim_threshold);
}
