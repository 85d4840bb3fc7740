#ifndef CK_PARALLEL_H
#define CK_PARALLEL_H

#ifdef __cplusplus
extern "C" {
#endif

/// One task of a parallel loop: `task` runs from 0 to tasks - 1.
typedef void (*ck_task_fn)(void *context, long task);

/// Sets how many threads parallel loops use (the caller counts as one). Workers are
/// started lazily and never more than 63.
void ck_set_threads(int threads);

/// How many threads parallel loops use.
int ck_threads(void);

/// Makes the calling thread run its own parallel loops serially (on != 0), as a pool task's
/// nested loops do, or on the pool again (0); returns the previous setting. Results do not
/// change: only who runs the tasks.
int ck_set_serial(int on);

/// Waits up to `timeout_ms` for every started pool worker to be asleep (having freed its
/// kernel scratch); returns 1 when they all are, 0 on timeout (the pool is busy elsewhere).
int ck_pool_wait_asleep(long timeout_ms);

/// Runs fn(context, t) for t in 0..<tasks on the pool and the calling thread, and returns
/// when all have finished. Each thread starts on its own contiguous part of 0..<tasks, the
/// same part in every call with the same count and threads (data stays in its cache from
/// one loop to the next), in runs of about an eighth of the part (one task when there are
/// few); a thread done early takes runs from the end of the others'. Nested calls (from
/// inside a task) and calls from a second thread while the pool is busy run serially.
void ck_parallel_for(long tasks, ck_task_fn fn, void *context);

#ifdef __cplusplus
}
#endif
#endif
