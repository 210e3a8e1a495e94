// Fused optimizer steps: see include/ember_optim.h. The bodies live in optim_kernels_body.h,
// instantiated here for float and double and compiled for AVX-512, AVX2+FMA and the baseline,
// chosen at run time like the other kernels.
#include "CEmberKernels.h"
#include "ember_optim.h"
#include <math.h>
#include <stdint.h>

// No implicit contraction: a * b + c must round twice unless written as FMA(), or results
// would differ from PyTorch's wherever its kernels do not fuse.
#pragma clang fp contract(off)

#define EMBER_OPTIM_BLOCK 256

#define T float
#define SFX f32
#define FMA fmaf
#include "optim_kernels_body.h"
#undef T
#undef SFX
#undef FMA

#define T double
#define SFX f64
#define FMA fma
#include "optim_kernels_body.h"
#undef T
#undef SFX
#undef FMA

#if defined(__x86_64__) || defined(__i386__)
#define EMBER_NORM_VARIANTS(NAME, BODY, T)                                                         \
    __attribute__((target("avx512f,fma"))) static double NAME##_avx512(const T *x, int64_t n, int32_t k) { \
        return BODY(x, n, k);                                                                      \
    }                                                                                              \
    __attribute__((target("avx2,fma"))) static double NAME##_avx2(const T *x, int64_t n, int32_t k) { \
        return BODY(x, n, k);                                                                      \
    }                                                                                              \
    double NAME(const T *x, int64_t n, int32_t k) {                                                \
        switch (ember_simd_level()) {                                                              \
        case 2: return NAME##_avx512(x, n, k);                                                     \
        case 1: return NAME##_avx2(x, n, k);                                                       \
        default: return BODY(x, n, k);                                                             \
        }                                                                                          \
    }
#define EMBER_OPTIM_VARIANTS(NAME, BODY, PARAMS, ARGS)                                               \
    __attribute__((target("avx512f,fma"))) static void NAME##_avx512 PARAMS { BODY ARGS; }         \
    __attribute__((target("avx2,fma"))) static void NAME##_avx2 PARAMS { BODY ARGS; }              \
    static void NAME##_base PARAMS { BODY ARGS; }                                                  \
    void NAME PARAMS {                                                                             \
        switch (ember_simd_level()) {                                                              \
        case 2: NAME##_avx512 ARGS; break;                                                         \
        case 1: NAME##_avx2 ARGS; break;                                                           \
        default: NAME##_base ARGS; break;                                                          \
        }                                                                                          \
    }
#else
#define EMBER_NORM_VARIANTS(NAME, BODY, T) \
    double NAME(const T *x, int64_t n, int32_t k) { return BODY(x, n, k); }
#define EMBER_OPTIM_VARIANTS(NAME, BODY, PARAMS, ARGS) \
    void NAME PARAMS { BODY ARGS; }
#endif

EMBER_NORM_VARIANTS(ember_norm_partial_f32, norm_partial_body_f32, float)
EMBER_NORM_VARIANTS(ember_norm_partial_f64, norm_partial_body_f64, double)

EMBER_OPTIM_VARIANTS(ember_sgd_f32, sgd_body_f32,
                     (float *param, const float *grad, float *buf, int64_t n, EmberSGDArgs args),
                     (param, grad, buf, n, args))
EMBER_OPTIM_VARIANTS(ember_sgd_f64, sgd_body_f64,
                     (double *param, const double *grad, double *buf, int64_t n, EmberSGDArgs args),
                     (param, grad, buf, n, args))
EMBER_OPTIM_VARIANTS(ember_adam_f32, adam_body_f32,
                     (float *param, const float *grad, float *exp_avg, float *exp_avg_sq, float *max_exp_avg_sq,
                      int64_t n, EmberAdamArgs args),
                     (param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, n, args))
EMBER_OPTIM_VARIANTS(ember_adam_f64, adam_body_f64,
                     (double *param, const double *grad, double *exp_avg, double *exp_avg_sq,
                      double *max_exp_avg_sq, int64_t n, EmberAdamArgs args),
                     (param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, n, args))
EMBER_OPTIM_VARIANTS(ember_rmsprop_f32, rmsprop_body_f32,
                     (float *param, const float *grad, float *square_avg, float *grad_avg, float *buf, int64_t n,
                      EmberRMSpropArgs args),
                     (param, grad, square_avg, grad_avg, buf, n, args))
EMBER_OPTIM_VARIANTS(ember_rmsprop_f64, rmsprop_body_f64,
                     (double *param, const double *grad, double *square_avg, double *grad_avg, double *buf,
                      int64_t n, EmberRMSpropArgs args),
                     (param, grad, square_avg, grad_avg, buf, n, args))
EMBER_OPTIM_VARIANTS(ember_adagrad_f32, adagrad_body_f32,
                     (float *param, const float *grad, float *sum, int64_t n, EmberAdagradArgs args),
                     (param, grad, sum, n, args))
EMBER_OPTIM_VARIANTS(ember_adagrad_f64, adagrad_body_f64,
                     (double *param, const double *grad, double *sum, int64_t n, EmberAdagradArgs args),
                     (param, grad, sum, n, args))

EMBER_OPTIM_VARIANTS(ember_scale_f32, scale_body_f32, (float *x, int64_t n, float c), (x, n, c))
EMBER_OPTIM_VARIANTS(ember_scale_f64, scale_body_f64, (double *x, int64_t n, double c), (x, n, c))
