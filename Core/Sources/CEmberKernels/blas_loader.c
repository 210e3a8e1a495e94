// Loads OpenBLAS at run time. Linking it would load it before main, and OpenBLAS reads
// OPENBLAS_CORETYPE only while it loads: too early for us to pick the right kernels.
#define _GNU_SOURCE
#include "CEmberKernels.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { kRowMajor = 101, kNoTrans = 111, kTrans = 112 };

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int,
                         float, float *, int);
typedef void (*dgemm_fn)(int, int, int, int, int, int, double, const double *, int, const double *,
                         int, double, double *, int);
typedef void (*set_threads_fn)(int);
typedef char *(*corename_fn)(void);

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_status = -1;
static char load_error[512];
static char chosen_core[32];
static sgemm_fn p_sgemm;
static dgemm_fn p_dgemm;
static set_threads_fn p_set_threads;
static corename_fn p_corename;

static const char *core_type_for_this_cpu(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
        return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
    if (__builtin_cpu_supports("avx")) return "Sandybridge";
    return NULL;
}

static void load_openblas(void) {
    if (getenv("OPENBLAS_CORETYPE") == NULL) {
        const char *core = core_type_for_this_cpu();
        if (core != NULL) {
            strncpy(chosen_core, core, sizeof chosen_core - 1);
            setenv("OPENBLAS_CORETYPE", core, 0);
        }
    }
    // Ember's pool runs BLAS calls in parallel over row blocks (so results do not depend on
    // the thread count); OpenBLAS itself stays single-threaded and starts no pool of its own.
    setenv("OPENBLAS_NUM_THREADS", "1", 0);
    static const char *names[] = {"libopenblas.so.0", "libopenblas.so", "libopenblas.dylib"};
    void *handle = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && handle == NULL; i++)
        handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *err = dlerror();
        strncpy(load_error, err ? err : "libopenblas not found", sizeof load_error - 1);
        return;
    }
    p_sgemm = (sgemm_fn)dlsym(handle, "cblas_sgemm");
    p_dgemm = (dgemm_fn)dlsym(handle, "cblas_dgemm");
    p_set_threads = (set_threads_fn)dlsym(handle, "openblas_set_num_threads");
    p_corename = (corename_fn)dlsym(handle, "openblas_get_corename");
    if (p_sgemm == NULL || p_dgemm == NULL) {
        strncpy(load_error, "libopenblas lacks cblas_sgemm/cblas_dgemm", sizeof load_error - 1);
        return;
    }
    load_status = 0;
}

int ember_blas_load(void) {
    pthread_once(&load_once, load_openblas);
    return load_status;
}

const char *ember_blas_error(void) { return load_error; }
const char *ember_blas_chosen_coretype(void) { return chosen_core; }

const char *ember_blas_corename(void) {
    if (ember_blas_load() != 0 || p_corename == NULL) return "";
    return p_corename();
}

// OpenBLAS is kept at one thread whatever Ember's count because Ember's pool splits
// each product into single-threaded calls (see Gemm.swift), and nesting both would
// oversubscribe the cores.
void ember_blas_set_num_threads(int n) {
    (void)n;
    if (ember_blas_load() == 0 && p_set_threads != NULL) p_set_threads(1);
}

void ember_sgemm(int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
                 const float *b, int ldb, float beta, float *c, int ldc) {
    p_sgemm(kRowMajor, transA ? kTrans : kNoTrans, transB ? kTrans : kNoTrans, m, n, k, alpha, a, lda,
            b, ldb, beta, c, ldc);
}

void ember_dgemm(int transA, int transB, int m, int n, int k, double alpha, const double *a, int lda,
                 const double *b, int ldb, double beta, double *c, int ldc) {
    p_dgemm(kRowMajor, transA ? kTrans : kNoTrans, transB ? kTrans : kNoTrans, m, n, k, alpha, a, lda,
            b, ldb, beta, c, ldc);
}
