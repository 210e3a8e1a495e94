// Ember's intra-op thread pool: persistent workers that spin for a short while after a job
// and then sleep on a condition variable.
//
// Task claiming is race-free across jobs: the job's generation and its next task index share
// one 64-bit atomic word, and a task is claimed by a compare-and-swap on that word. A job's
// fields are written before its generation is published and read after it is observed; a
// finished job is closed (its index set past any task count) before the next job's fields
// are written, so a worker that read a mix of two jobs' fields can never claim a task.
#define _GNU_SOURCE
#include "include/ember_thread_pool.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

enum { kMaxWorkers = 255 };
static const uint64_t kClosed = 0xFFFFFFFFu;  // the task index of a finished job
static const int64_t kSpinNanoseconds = 100000;  // 0.1 ms of polling before a worker sleeps

typedef void (*task_fn)(void *, int64_t);

static pthread_mutex_t busy = PTHREAD_MUTEX_INITIALIZER;  // one job at a time
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static _Atomic uint64_t state;  // generation << 32 | next task index
static _Atomic int64_t finished;
static _Atomic int32_t workers_wanted;  // workers allowed to take part in the current job
static _Atomic(task_fn) job_task;
static _Atomic(void *) job_context;
static _Atomic int64_t job_tasks;
static _Atomic int32_t sleepers;
static int32_t started_workers;  // guarded by busy
static __thread int is_pool_worker;

// A forked child has none of the parent's workers and may have copied a lock mid-use.
static void reset_after_fork(void) {
    started_workers = 0;
    atomic_store(&sleepers, 0);
    pthread_mutex_init(&busy, NULL);
    pthread_mutex_init(&sleep_lock, NULL);
    pthread_cond_init(&wake, NULL);
}

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

// Claims and runs tasks of generation `generation` until none is left.
static void run_tasks(uint32_t generation, task_fn task, void *context, int64_t tasks) {
    uint64_t current = atomic_load_explicit(&state, memory_order_acquire);
    for (;;) {
        if ((uint32_t)(current >> 32) != generation) return;
        int64_t index = (int64_t)(current & 0xFFFFFFFFu);
        if (index >= tasks) return;
        if (atomic_compare_exchange_weak_explicit(&state, &current, current + 1, memory_order_acq_rel,
                                                  memory_order_acquire)) {
            task(context, index);
            atomic_fetch_add_explicit(&finished, 1, memory_order_release);
            current = atomic_load_explicit(&state, memory_order_acquire);
        }
    }
}

static void *worker_main(void *argument) {
    int32_t id = (int32_t)(intptr_t)argument;
    is_pool_worker = 1;
    uint32_t seen = (uint32_t)(atomic_load_explicit(&state, memory_order_acquire) >> 32);
    for (;;) {
        uint64_t current = atomic_load_explicit(&state, memory_order_acquire);
        if ((uint32_t)(current >> 32) == seen) {
            // Poll for a new job, then sleep until one is published.
            int64_t deadline = now_ns() + kSpinNanoseconds;
            int spins = 0;
            while ((uint32_t)(atomic_load_explicit(&state, memory_order_acquire) >> 32) == seen) {
                cpu_relax();
                if (++spins % 256 == 0 && now_ns() > deadline) {
                    pthread_mutex_lock(&sleep_lock);
                    atomic_fetch_add(&sleepers, 1);  // seq_cst: ordered before the state check below
                    while ((uint32_t)(atomic_load(&state) >> 32) == seen) pthread_cond_wait(&wake, &sleep_lock);
                    atomic_fetch_sub(&sleepers, 1);
                    pthread_mutex_unlock(&sleep_lock);
                }
            }
            continue;
        }
        seen = (uint32_t)(current >> 32);
        if (id >= atomic_load_explicit(&workers_wanted, memory_order_acquire)) continue;
        task_fn task = atomic_load_explicit(&job_task, memory_order_acquire);
        void *context = atomic_load_explicit(&job_context, memory_order_acquire);
        int64_t tasks = atomic_load_explicit(&job_tasks, memory_order_acquire);
        run_tasks(seen, task, context, tasks);
    }
    return NULL;
}

static void register_fork_handler(void) { pthread_atfork(NULL, NULL, reset_after_fork); }

int32_t ember_pool_run(int64_t tasks, int32_t threads, task_fn task, void *context) {
    if (is_pool_worker || tasks <= 0 || tasks >= kClosed || threads < 2) return -1;
    if (pthread_mutex_trylock(&busy) != 0) return -1;
    static pthread_once_t fork_handler = PTHREAD_ONCE_INIT;
    pthread_once(&fork_handler, register_fork_handler);
    int32_t helpers = threads - 1 > kMaxWorkers ? kMaxWorkers : threads - 1;
    while (started_workers < helpers) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&thread, &attributes, worker_main, (void *)(intptr_t)started_workers);
        pthread_attr_destroy(&attributes);
        if (failed) break;
        started_workers++;
    }
    if (started_workers == 0) {
        pthread_mutex_unlock(&busy);
        return -1;
    }
    atomic_store_explicit(&job_task, task, memory_order_relaxed);
    atomic_store_explicit(&job_context, context, memory_order_relaxed);
    atomic_store_explicit(&job_tasks, tasks, memory_order_relaxed);
    atomic_store_explicit(&workers_wanted, helpers, memory_order_relaxed);
    atomic_store_explicit(&finished, 0, memory_order_relaxed);
    uint32_t generation = (uint32_t)(atomic_load_explicit(&state, memory_order_relaxed) >> 32) + 1;
    // Publishing the generation makes the job's fields visible to the workers; a worker that
    // went to sleep before it (sleepers counted, seq_cst on both sides) is woken.
    atomic_store(&state, (uint64_t)generation << 32);
    if (atomic_load(&sleepers) > 0) {
        pthread_mutex_lock(&sleep_lock);
        pthread_cond_broadcast(&wake);
        pthread_mutex_unlock(&sleep_lock);
    }
    run_tasks(generation, task, context, tasks);
    for (int spins = 1; atomic_load_explicit(&finished, memory_order_acquire) < tasks; spins++) {
        cpu_relax();
        if (spins % 1024 == 0) sched_yield();  // a worker was descheduled mid-task
    }
    // Close the job before the next one's fields are written: a worker that saw this
    // generation but reads the next job's fields can then claim nothing.
    atomic_store(&state, ((uint64_t)generation << 32) | kClosed);
    pthread_mutex_unlock(&busy);
    return 0;
}
