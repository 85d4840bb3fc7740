// Per-thread kernel scratch: growth, accounting, and release on request or at thread exit.
// C11's _Thread_local has no destructor, so a thread that ran kernels and exited (a model
// loader, a finished cell's worker) would leak its buffers; a pthread key's destructor,
// armed on a thread's first allocation, frees them instead.
#include "ck_scratch.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "scratch_internal.h"

static atomic_size_t live_bytes, freed_at_exit;
static _Thread_local size_t thread_bytes;
static pthread_key_t exit_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static _Thread_local int armed;

static size_t bytes_for(size_t floats) { return (floats * sizeof(float) + 63) / 64 * 64; }

static void at_thread_exit(void *unused) {
  (void)unused;
  armed = 0;
  atomic_fetch_add_explicit(&freed_at_exit, thread_bytes, memory_order_relaxed);
  ck_release_thread_scratch();
}

static void make_key(void) { (void)pthread_key_create(&exit_key, at_thread_exit); }

static void arm_exit_release(void) {
  if (armed) return;
  pthread_once(&key_once, make_key);
  armed = pthread_setspecific(exit_key, (void *)1) == 0;
}

float *ck__scratch_grow(float **buffer, size_t *have, size_t floats) {
  if (floats <= *have && *buffer) return *buffer;
  ck__scratch_free(buffer, have);
  arm_exit_release();
  float *fresh = aligned_alloc(64, bytes_for(floats ? floats : 1));
  if (!fresh) return NULL;
  *buffer = fresh;
  *have = floats;
  thread_bytes += bytes_for(floats);
  atomic_fetch_add_explicit(&live_bytes, bytes_for(floats), memory_order_relaxed);
  return fresh;
}

void ck__scratch_free(float **buffer, size_t *have) {
  if (*buffer) {
    free(*buffer);
    thread_bytes -= bytes_for(*have);
    atomic_fetch_sub_explicit(&live_bytes, bytes_for(*have), memory_order_relaxed);
  }
  *buffer = NULL;
  *have = 0;
}

void ck_release_thread_scratch(void) {
  ck__release_gemm_scratch();
  ck__release_conv_direct_scratch();
  ck__release_conv_blocked_scratch();
  ck__release_depthwise_scratch();
  ck__release_winograd_scratch();
}

size_t ck_scratch_live_bytes(void) { return atomic_load_explicit(&live_bytes, memory_order_relaxed); }

size_t ck_thread_scratch_bytes(void) { return thread_bytes; }

size_t ck_scratch_freed_at_exit_bytes(void) { return atomic_load_explicit(&freed_at_exit, memory_order_relaxed); }
