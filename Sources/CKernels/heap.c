// The heap's free pages handed back: glibc's malloc_trim, then arena tops. malloc_trim hands
// back the free pages inside every arena's free chunks, but of the top chunk (the free end of a
// heap) only the main arena's:
// a thread arena's top shrinks only when a free of at least 64 KiB into that arena finds it
// over the trim threshold, which inference raises to tens of MiB (ModelIO's malloc tuning)
// so that runs reuse their freed activations. So what a model loader, a batch worker or a
// request's thread freed last stays resident. Such a free, under a threshold lowered for
// the moment, trims the arena: the calling thread's own (a block allocated and freed here)
// and those of the threads that marked themselves (a block each left here, freed now; free
// returns a block to the arena it came from, whichever thread frees it).
#include "ck_heap.h"

#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

// Big enough that freeing it runs glibc's trim (64 KiB and over), below any mmap threshold
// so that it comes from the arena.
enum { PROBE = 256 << 10, TOKEN = 64 << 10, MAX_TOKENS = 64 };

static pthread_mutex_t token_lock = PTHREAD_MUTEX_INITIALIZER;
static void *tokens[MAX_TOKENS];
static int token_count;
// Bumped by each trim: a thread marks itself again once per trim.
static atomic_long generation = 1;
static _Thread_local long marked_generation;

void ck_heap_tune(long mmap_threshold, long trim_threshold, int arena_max) {
  mallopt(M_MMAP_THRESHOLD, (int)mmap_threshold);
  mallopt(M_TRIM_THRESHOLD, (int)trim_threshold);
  if (arena_max > 0) mallopt(M_ARENA_MAX, arena_max);
}

void ck_heap_mark_thread_arena(void) {
  long now = atomic_load_explicit(&generation, memory_order_acquire);
  if (marked_generation == now) return;
  marked_generation = now;
  void *token = malloc(TOKEN);
  pthread_mutex_lock(&token_lock);
  if (token != NULL && token_count < MAX_TOKENS) tokens[token_count++] = token, token = NULL;
  pthread_mutex_unlock(&token_lock);
  free(token);
}

void ck_heap_return_free_pages(long restore_trim_threshold) {
  malloc_trim(0);
  pthread_mutex_lock(&token_lock);
  mallopt(M_TRIM_THRESHOLD, 0);
  void *probe = malloc(PROBE);
  // Keeps the compiler from pairing the malloc with the free and removing both.
  __asm__ volatile("" : : "r"(probe) : "memory");
  free(probe);
  for (int i = 0; i < token_count; i++) free(tokens[i]);
  token_count = 0;
  atomic_fetch_add_explicit(&generation, 1, memory_order_release);
  mallopt(M_TRIM_THRESHOLD, (int)restore_trim_threshold);
  pthread_mutex_unlock(&token_lock);
}
