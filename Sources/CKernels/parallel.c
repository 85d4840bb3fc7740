// The inference thread pool. Workers spin briefly between jobs (a network runs dozens of
// parallel loops well under a millisecond apart, and waking a sleeping thread costs tens of
// microseconds on a VM), then sleep on a condition variable so an idle kernel uses no CPU
// and, having freed their kernel scratch first, holds no memory for them either.
// Each worker has its own mailbox, so a job is only ever read by the workers that joined
// it, and the submitter waits for exactly those before the job (on its stack) goes away.
#include "ck_parallel.h"
#include "ck_scratch.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#define CK_MAX_WORKERS 63
// How long an idle worker polls for the next job before sleeping.
#define CK_SPIN_NS 3000000L

// A loop's tasks are cut into one contiguous part per thread, and each thread starts on
// its own part: task t goes to the same thread in every call, so a layer's thread finds the
// rows or channels it wrote in the layer before in its own cache instead of fetching them
// from the other core (which costs microseconds per cache line when the VM's CPUs are far
// apart). A thread that finishes early takes runs of tasks from the end of another's part.
// Each part's range is one word, front in the high half and end in the low half, claimed
// from the front by its owner and from the end by the others with one compare-and-swap.
typedef struct {
  _Alignas(64) _Atomic(uint64_t) range;
} part_t;

typedef struct {
  ck_task_fn fn;
  void *context;
  long chunk;  // tasks claimed at a time
  int parts;
  part_t part[CK_MAX_WORKERS + 1];
} job_t;

// A mailbox's slot holds NULL (idle), a posted job, or BUSY (its worker has joined that
// job). A worker joins by swapping the job for BUSY and leaves by setting NULL; the
// submitter, once every task is claimed, takes back a job nobody joined by swapping it for
// NULL. So a worker the OS has not run yet (a busy machine, a shared core) never holds up
// the loop: the submitter waits only for workers that are inside it.
#define BUSY ((job_t *)1)

typedef struct {
  _Alignas(64) _Atomic(job_t *) slot;
} mailbox_t;

static mailbox_t mailboxes[CK_MAX_WORKERS];
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static atomic_int sleeping;
static pthread_mutex_t submit = PTHREAD_MUTEX_INITIALIZER;
static atomic_int wanted_threads = 1;
static int started_workers = 0;
static _Thread_local int inside_task = 0;
// Set by ck_set_serial: this thread runs its loops itself (a server's batch workers, one
// per core, each whole batch on its own thread).
static _Thread_local int serial_here = 0;

static inline void cpu_relax(void) {
#if defined(__x86_64__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

static long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/// Claims up to `chunk` tasks from the front (owner) or the end (another thread) of a part.
static int claim(part_t *part, long chunk, int from_front, long *begin, long *end) {
  uint64_t range = atomic_load_explicit(&part->range, memory_order_relaxed);
  for (;;) {
    uint64_t front = range >> 32, back = range & 0xffffffffu;
    if (front >= back) return 0;
    uint64_t n = back - front < (uint64_t)chunk ? back - front : (uint64_t)chunk;
    uint64_t next = from_front ? (front + n) << 32 | back : front << 32 | (back - n);
    if (atomic_compare_exchange_weak_explicit(&part->range, &range, next, memory_order_relaxed,
                                              memory_order_relaxed)) {
      *begin = (long)(from_front ? front : back - n);
      *end = *begin + (long)n;
      return 1;
    }
  }
}

/// Runs the job's tasks as thread `me` (0 the submitter, i + 1 the worker of mailbox i):
/// its own part first, then what is left of the others'.
static void run_tasks(job_t *job, int me) {
  int was = inside_task;
  inside_task = 1;
  for (int k = 0; k < job->parts; k++) {
    int p = (me + k) % job->parts;
    long begin, end;
    while (claim(&job->part[p], job->chunk, k == 0, &begin, &end))
      for (long t = begin; t < end; t++) job->fn(job->context, t);
  }
  inside_task = was;
}

static inline job_t *posted(mailbox_t *box) {
  job_t *job = atomic_load_explicit(&box->slot, memory_order_acquire);
  return job == BUSY ? NULL : job;
}

/// Waits until a job is posted in the mailbox: spinning for a while, then asleep.
static job_t *wait_for_job(mailbox_t *box) {
  long start = now_ns();
  for (int spins = 0;; spins++) {
    job_t *job = posted(box);
    if (job) return job;
    cpu_relax();
    if ((spins & 255) == 255) {
      if (now_ns() - start > CK_SPIN_NS) break;
      sched_yield();
    }
  }
  // Not inside a task here, so this thread's scratch is free to go; the next job after a
  // sleep allocates it again (from the heap's free lists unless the process trimmed them).
  ck_release_thread_scratch();
  pthread_mutex_lock(&sleep_lock);
  atomic_fetch_add(&sleeping, 1);
  job_t *job;
  while (!(job = posted(box))) pthread_cond_wait(&wake, &sleep_lock);
  atomic_fetch_sub(&sleeping, 1);
  pthread_mutex_unlock(&sleep_lock);
  return job;
}

static void *worker(void *arg) {
  mailbox_t *box = arg;
  for (;;) {
    job_t *job = wait_for_job(box);
    // The submitter may have taken the job back meanwhile; then the swap fails and the
    // worker waits for the next one. A job it does join stays alive until it sets NULL.
    if (!atomic_compare_exchange_strong(&box->slot, &job, BUSY)) continue;
    run_tasks(job, (int)(box - mailboxes) + 1);
    atomic_store_explicit(&box->slot, NULL, memory_order_release);
  }
  return NULL;
}

void ck_set_threads(int threads) {
  if (threads < 1) threads = 1;
  if (threads > CK_MAX_WORKERS + 1) threads = CK_MAX_WORKERS + 1;
  atomic_store(&wanted_threads, threads);
}

int ck_threads(void) { return atomic_load(&wanted_threads); }

int ck_set_serial(int on) {
  int was = serial_here;
  serial_here = on != 0;
  return was;
}

static void start_workers(int count) {
  while (started_workers < count) {
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int failed = pthread_create(&t, &attr, worker, &mailboxes[started_workers]);
    pthread_attr_destroy(&attr);
    if (failed) break;
    started_workers++;
  }
}

int ck_pool_wait_asleep(long timeout_ms) {
  long deadline = now_ns() + timeout_ms * 1000000L;
  for (;;) {
    pthread_mutex_lock(&submit);
    int workers = started_workers;
    pthread_mutex_unlock(&submit);
    if (atomic_load(&sleeping) >= workers) return 1;
    if (now_ns() >= deadline) return 0;
    struct timespec pause = {0, 500000};  // 0.5 ms: workers go to sleep 3 ms after their last job
    nanosleep(&pause, NULL);
  }
}

void ck_parallel_for(long tasks, ck_task_fn fn, void *context) {
  if (tasks <= 0) return;
  int threads = atomic_load(&wanted_threads);
  // (Parts hold 32-bit task numbers; no kernel comes near 2^32 tasks.)
  if (tasks == 1 || tasks > 0xffffffffL || threads <= 1 || inside_task || serial_here || pthread_mutex_trylock(&submit) != 0) {
    for (long t = 0; t < tasks; t++) fn(context, t);
    return;
  }
  start_workers(threads - 1);
  int workers = threads - 1 < started_workers ? threads - 1 : started_workers;
  if (workers > tasks - 1) workers = (int)(tasks - 1);

  // Runs of about an eighth of a part (one task when there are few) keep the threads level
  // when one of them is held up.
  int parts = workers + 1;
  long chunk = tasks / ((long)parts * 8);
  job_t job;
  job.fn = fn;
  job.context = context;
  job.chunk = chunk > 1 ? chunk : 1;
  job.parts = parts;
  for (int p = 0; p < parts; p++) {
    uint64_t front = (uint64_t)(tasks * p / parts), back = (uint64_t)(tasks * (p + 1) / parts);
    atomic_init(&job.part[p].range, front << 32 | back);
  }
  for (int i = 0; i < workers; i++) atomic_store_explicit(&mailboxes[i].slot, &job, memory_order_seq_cst);
  if (atomic_load(&sleeping) > 0) {
    pthread_mutex_lock(&sleep_lock);
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&sleep_lock);
  }
  run_tasks(&job, 0);
  for (int i = 0; i < workers; i++) {
    job_t *expected = &job;
    if (atomic_compare_exchange_strong(&mailboxes[i].slot, &expected, NULL)) continue;
    // Yield now and then: on a busy machine the worker we wait for may need our CPU.
    for (int spins = 1; atomic_load_explicit(&mailboxes[i].slot, memory_order_acquire) != NULL; spins++) {
      if (spins % 64 == 0) sched_yield(); else cpu_relax();
    }
  }
  pthread_mutex_unlock(&submit);
}
