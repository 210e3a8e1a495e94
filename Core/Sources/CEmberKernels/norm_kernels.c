// Layer normalisation over contiguous float32 rows: statistics and the affine output in two
// passes over each row instead of the five tensor ops (and four temporaries) of the
// composite formula. Written once as loops the compiler vectorises, compiled per SIMD level.
#include "CEmberKernels.h"
#include <math.h>
#include <stdint.h>

#define EMBER_NORM_LANES 16

// Row mean and biased variance in two passes: the mean first, then the squared deviations
// (no cancellation, unlike E[x²] − E[x]²). Lane accumulators keep the loops vectorisable.
#define EMBER_NORM_MOMENTS_BODY                                                                  \
    float lanes[EMBER_NORM_LANES] = {0};                                                         \
    int64_t i = 0;                                                                               \
    for (; i + EMBER_NORM_LANES <= n; i += EMBER_NORM_LANES)                                     \
        for (int j = 0; j < EMBER_NORM_LANES; j++) lanes[j] += x[i + j];                         \
    float total = 0;                                                                             \
    for (; i < n; i++) total += x[i];                                                            \
    for (int j = 0; j < EMBER_NORM_LANES; j++) total += lanes[j];                                \
    const float m = total / (float)n;                                                            \
    float squares[EMBER_NORM_LANES] = {0};                                                       \
    i = 0;                                                                                       \
    for (; i + EMBER_NORM_LANES <= n; i += EMBER_NORM_LANES)                                     \
        for (int j = 0; j < EMBER_NORM_LANES; j++) {                                             \
            const float d = x[i + j] - m;                                                        \
            squares[j] += d * d;                                                                 \
        }                                                                                        \
    float deviation = 0;                                                                         \
    for (; i < n; i++) deviation += (x[i] - m) * (x[i] - m);                                     \
    for (int j = 0; j < EMBER_NORM_LANES; j++) deviation += squares[j];                          \
    *mean_out = m;                                                                               \
    *var_out = deviation / (float)n;

#define EMBER_DEFINE_LAYER_NORM(SUFFIX, TARGET)                                                  \
    TARGET static void ember_moments_##SUFFIX(const float *x, int64_t n, float *mean_out,        \
                                              float *var_out) {                                  \
        EMBER_NORM_MOMENTS_BODY                                                                  \
    }                                                                                            \
    TARGET static void ember_layer_norm_##SUFFIX(const float *x, const float *w, const float *b, \
                                                 float *y, float *mean, float *rstd,             \
                                                 int64_t rows, int64_t n, float eps) {           \
        for (int64_t r = 0; r < rows; r++) {                                                     \
            const float *xr = x + r * n;                                                         \
            float *yr = y + r * n;                                                               \
            float m, v;                                                                          \
            ember_moments_##SUFFIX(xr, n, &m, &v);                                               \
            const float s = 1.0f / sqrtf((v > 0 ? v : 0) + eps);                                 \
            const float shift = -m * s;                                                          \
            mean[r] = m;                                                                         \
            rstd[r] = s;                                                                         \
            if (w && b)                                                                          \
                for (int64_t i = 0; i < n; i++) yr[i] = (xr[i] * s + shift) * w[i] + b[i];       \
            else if (w)                                                                          \
                for (int64_t i = 0; i < n; i++) yr[i] = (xr[i] * s + shift) * w[i];              \
            else if (b)                                                                          \
                for (int64_t i = 0; i < n; i++) yr[i] = (xr[i] * s + shift) + b[i];              \
            else                                                                                 \
                for (int64_t i = 0; i < n; i++) yr[i] = xr[i] * s + shift;                       \
        }                                                                                        \
    }

#if defined(__x86_64__) || defined(__i386__)
EMBER_DEFINE_LAYER_NORM(avx512, __attribute__((target("avx512f"))))
EMBER_DEFINE_LAYER_NORM(avx2, __attribute__((target("avx2,fma"))))
#endif
EMBER_DEFINE_LAYER_NORM(base, )

void ember_layer_norm_f32(const float *x, const float *weight, const float *bias, float *y,
                          float *mean, float *rstd, int64_t rows, int64_t n, float eps) {
#if defined(__x86_64__) || defined(__i386__)
    switch (ember_simd_level()) {
    case 2: ember_layer_norm_avx512(x, weight, bias, y, mean, rstd, rows, n, eps); return;
    case 1: ember_layer_norm_avx2(x, weight, bias, y, mean, rstd, rows, n, eps); return;
    default: break;
    }
#endif
    ember_layer_norm_base(x, weight, bias, y, mean, rstd, rows, n, eps);
}
