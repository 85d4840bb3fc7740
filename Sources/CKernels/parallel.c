// The inference thread pool. Workers spin briefly between jobs (a network runs dozens of
// parallel loops well under a millisecond apart, and waking a sleeping thread costs tens of
// microseconds on a VM), then sleep on a condition variable so an idle kernel uses no CPU.
// Each worker has its own mailbox, so a job is only ever read by the workers it was handed
// to, and the submitter waits for exactly those before the job (on its stack) goes away.
#include "ck_parallel.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

#define CK_MAX_WORKERS 63
// How long an idle worker polls for the next job before sleeping.
#define CK_SPIN_NS 3000000L

typedef struct {
  ck_task_fn fn;
  void *context;
  long tasks;
  atomic_long next;
} job_t;

typedef struct {
  _Alignas(64) atomic_ulong ticket;  // bumped by the submitter to hand over `job`
  atomic_ulong done;                 // set to the ticket by the worker when it has finished
  job_t *job;
} mailbox_t;

static mailbox_t mailboxes[CK_MAX_WORKERS];
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static atomic_int sleeping;
static pthread_mutex_t submit = PTHREAD_MUTEX_INITIALIZER;
static atomic_int wanted_threads = 1;
static int started_workers = 0;
static _Thread_local int inside_task = 0;

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

static void run_tasks(job_t *job) {
  int was = inside_task;
  inside_task = 1;
  for (;;) {
    long t = atomic_fetch_add_explicit(&job->next, 1, memory_order_relaxed);
    if (t >= job->tasks) break;
    job->fn(job->context, t);
  }
  inside_task = was;
}

static unsigned long wait_for_ticket(mailbox_t *box, unsigned long seen) {
  long start = now_ns();
  for (int spins = 0;; spins++) {
    unsigned long t = atomic_load_explicit(&box->ticket, memory_order_acquire);
    if (t != seen) return t;
    cpu_relax();
    if ((spins & 255) == 255) {
      if (now_ns() - start > CK_SPIN_NS) break;
      sched_yield();
    }
  }
  pthread_mutex_lock(&sleep_lock);
  atomic_fetch_add(&sleeping, 1);
  unsigned long t;
  while ((t = atomic_load(&box->ticket)) == seen) pthread_cond_wait(&wake, &sleep_lock);
  atomic_fetch_sub(&sleeping, 1);
  pthread_mutex_unlock(&sleep_lock);
  return t;
}

static void *worker(void *arg) {
  mailbox_t *box = arg;
  // Not a load of the ticket: a job may already be waiting when this thread first runs.
  // Mailboxes start at zero and each gets exactly one worker, before any hand-off.
  unsigned long seen = 0;
  for (;;) {
    seen = wait_for_ticket(box, seen);
    run_tasks(box->job);
    atomic_store_explicit(&box->done, seen, memory_order_release);
  }
  return NULL;
}

void ck_set_threads(int threads) {
  if (threads < 1) threads = 1;
  if (threads > CK_MAX_WORKERS + 1) threads = CK_MAX_WORKERS + 1;
  atomic_store(&wanted_threads, threads);
}

int ck_threads(void) { return atomic_load(&wanted_threads); }

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

void ck_parallel_for(long tasks, ck_task_fn fn, void *context) {
  if (tasks <= 0) return;
  int threads = atomic_load(&wanted_threads);
  if (tasks == 1 || threads <= 1 || inside_task || pthread_mutex_trylock(&submit) != 0) {
    for (long t = 0; t < tasks; t++) fn(context, t);
    return;
  }
  start_workers(threads - 1);
  int workers = threads - 1 < started_workers ? threads - 1 : started_workers;
  if (workers > tasks - 1) workers = (int)(tasks - 1);

  job_t job = {.fn = fn, .context = context, .tasks = tasks};
  atomic_init(&job.next, 0);
  unsigned long tickets[CK_MAX_WORKERS];
  for (int i = 0; i < workers; i++) {
    mailboxes[i].job = &job;
    tickets[i] = atomic_load(&mailboxes[i].ticket) + 1;
    atomic_store_explicit(&mailboxes[i].ticket, tickets[i], memory_order_seq_cst);
  }
  if (atomic_load(&sleeping) > 0) {
    pthread_mutex_lock(&sleep_lock);
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&sleep_lock);
  }
  run_tasks(&job);
  for (int i = 0; i < workers; i++) {
    // Yield now and then: on a busy machine the worker we wait for may need our CPU.
    for (int spins = 1; atomic_load_explicit(&mailboxes[i].done, memory_order_acquire) != tickets[i]; spins++) {
      if (spins % 64 == 0) sched_yield(); else cpu_relax();
    }
  }
  pthread_mutex_unlock(&submit);
}
