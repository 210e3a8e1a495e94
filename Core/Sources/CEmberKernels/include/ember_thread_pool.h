#ifndef EMBER_THREAD_POOL_H
#define EMBER_THREAD_POOL_H
// Ember's intra-op thread pool (thread_pool.c).
#include <stdint.h>

/// Runs `task(context, i)` for every i in [0, tasks) on the calling thread and up to
/// `threads - 1` pool workers, and returns 0 once all have finished. Workers spin briefly
/// after each job before they sleep, so the next op's tasks start within a microsecond
/// instead of waiting for a sleeping thread to be woken (tens of microseconds), which is what
/// split small ops (a 0.3 ms product or sum) lose against OpenMP's spinning threads.
/// Returns -1 without running anything when the pool is busy with another caller's job or
/// when called from a pool worker (a nested parallel region): the caller then runs the tasks
/// some other way.
int32_t ember_pool_run(int64_t tasks, int32_t threads, void (*task)(void *context, int64_t index), void *context);
#endif
