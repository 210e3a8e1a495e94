// Vectorised float32 reduction kernels: sum and row-wise softmax over contiguous data.
//
// Each kernel body is written once as branch-free loops that the compiler vectorises, and
// compiled for AVX-512, AVX2+FMA and the baseline target; the variant is picked at run time
// through ember_simd_level() (elementwise_math.c).
#include "CEmberKernels.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#define EMBER_REDUCE_LANES 64
#define EMBER_REDUCE_BLOCK 4096

// Sum of n <= EMBER_REDUCE_BLOCK floats with 64 independent lanes (eight AVX2 or four
// AVX-512 accumulators: enough loads in flight to keep up with the caches), then a pairwise
// fold of the lanes: the error of a block stays a few ulps.
static inline __attribute__((always_inline)) float ember_block_sum(const float *x, int64_t n) {
    float lanes[EMBER_REDUCE_LANES] = {0};
    int64_t i = 0;
    for (; i + EMBER_REDUCE_LANES <= n; i += EMBER_REDUCE_LANES)
        for (int j = 0; j < EMBER_REDUCE_LANES; j++) lanes[j] += x[i + j];
    float tail = 0;
    for (; i < n; i++) tail += x[i];
    for (int width = EMBER_REDUCE_LANES / 2; width > 0; width /= 2)
        for (int j = 0; j < width; j++) lanes[j] += lanes[j + width];
    return lanes[0] + tail;
}

// Pairwise over blocks: rounding error grows with log(n / block), like PyTorch's cascade sum.
#define EMBER_DEFINE_SUM(SUFFIX, TARGET)                                                        \
    TARGET static float ember_sum_##SUFFIX(const float *x, int64_t n) {                        \
        if (n <= EMBER_REDUCE_BLOCK) return ember_block_sum(x, n);                             \
        int64_t half = ((n / 2) + 63) & ~(int64_t)63;                                          \
        return ember_sum_##SUFFIX(x, half) + ember_sum_##SUFFIX(x + half, n - half);           \
    }

// exp(x) in float for x <= 0 (softmax's shifted inputs; larger x also work up to 88).
// x = k ln2 + r with |r| <= ln2/2, degree-7 Taylor polynomial for e^r (truncation < 6e-9
// relative), 2^k built in the exponent bits. Below -87.3 the result underflows to 0.
static inline __attribute__((always_inline)) float ember_expf_core(float x) {
    const float log2e = 1.44269504088896341f;
    const float ln2_hi = 0.693145751953125f;
    const float ln2_lo = 1.428606765330187045e-06f;
    const float shifter = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
    float clamped = x < -87.3f ? -87.3f : (x > 88.0f ? 88.0f : x);
    float t = clamped * log2e + shifter;
    float k = t - shifter;
    float r = (clamped - k * ln2_hi) - k * ln2_lo;
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    int32_t bits;
    memcpy(&bits, &t, sizeof bits);
    int32_t exponent = ((bits - 0x4B400000) + 127) << 23;  // k from t's low mantissa bits
    float scale;
    memcpy(&scale, &exponent, sizeof scale);
    float y = p * scale;
    y = x < -87.3f ? 0.0f : y;
    return x != x ? x : y;
}

// Softmax of `rows` rows of n floats each: max, exp(x - max) into y, pairwise sum, scale.
// A NaN in a row makes its sum NaN and so every output of the row NaN, as in PyTorch.
#define EMBER_DEFINE_SOFTMAX(SUFFIX, TARGET)                                                    \
    TARGET static void ember_softmax_##SUFFIX(const float *x, float *y, int64_t rows, int64_t n) { \
        for (int64_t row = 0; row < rows; row++) {                                             \
            const float *in = x + row * n;                                                     \
            float *out = y + row * n;                                                          \
            float lanes[16];                                                                   \
            for (int j = 0; j < 16; j++) lanes[j] = -INFINITY;                                 \
            int64_t i = 0;                                                                     \
            for (; i + 16 <= n; i += 16)                                                       \
                for (int j = 0; j < 16; j++) lanes[j] = in[i + j] > lanes[j] ? in[i + j] : lanes[j]; \
            float m = -INFINITY;                                                               \
            for (int j = 0; j < 16; j++) m = lanes[j] > m ? lanes[j] : m;                      \
            for (; i < n; i++) m = in[i] > m ? in[i] : m;                                      \
            for (i = 0; i < n; i++) out[i] = ember_expf_core(in[i] - m);              \
            float inverse = 1.0f / ember_sum_##SUFFIX(out, n);                                 \
            for (i = 0; i < n; i++) out[i] *= inverse;                                 \
        }                                                                                      \
    }

#if defined(__x86_64__) || defined(__i386__)
EMBER_DEFINE_SUM(avx512, __attribute__((target("avx512f"))))
EMBER_DEFINE_SUM(avx2, __attribute__((target("avx2,fma"))))
EMBER_DEFINE_SOFTMAX(avx512, __attribute__((target("avx512f"))))
EMBER_DEFINE_SOFTMAX(avx2, __attribute__((target("avx2,fma"))))
#endif
EMBER_DEFINE_SUM(base, )
EMBER_DEFINE_SOFTMAX(base, )

float ember_reduce_sum_f32(const float *x, int64_t n) {
#if defined(__x86_64__) || defined(__i386__)
    switch (ember_simd_level()) {
    case 2: return ember_sum_avx512(x, n);
    case 1: return ember_sum_avx2(x, n);
    default: break;
    }
#endif
    return ember_sum_base(x, n);
}

void ember_reduce_softmax_f32(const float *x, float *y, int64_t rows, int64_t n) {
#if defined(__x86_64__) || defined(__i386__)
    switch (ember_simd_level()) {
    case 2: ember_softmax_avx512(x, y, rows, n); return;
    case 1: ember_softmax_avx2(x, y, rows, n); return;
    default: break;
    }
#endif
    ember_softmax_base(x, y, rows, n);
}
