// Vectorised float32 transcendental kernels for Ember's contiguous fast paths.
//
// Swift's auto-vectoriser gives up on libm calls and on int<->float SIMD conversions, so
// these loops are written in C, branch-free, and compiled three times: for AVX-512, for
// AVX2+FMA and for the baseline x86-64 (or whatever the host is). The variant is chosen once
// at run time from CPUID.
//
// Accuracy: each float32 input is widened to double and the function is evaluated in double
// with polynomial errors far below float32's ulp, then rounded once to float32. The results
// are within 1 ulp of the correctly rounded value (usually exact), except gelu, whose erfc
// uses a Chebyshev fit with relative error below 1.2e-7 (about 2 ulp).
#include "CEmberKernels.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

// exp(x) for x in double, |x| clamped to 708 by the callers' ranges. Range reduction
// x = n ln2 + r with |r| <= ln2/2, then a degree-10 Taylor polynomial (error < 1e-16 * e^r), and
// 2^n assembled in the exponent bits. The rounding to an integer uses the 1.5 * 2^52 trick so
// that no float->int conversion instruction is needed (AVX2 has none for 64-bit lanes).
static inline __attribute__((always_inline)) double ember_exp_core(double x) {
    const double log2e = 1.4426950408889634;
    const double ln2_hi = 6.93147180369123816490e-01;
    const double ln2_lo = 1.90821492927058770002e-10;
    const double shifter = 6755399441055744.0;  // 1.5 * 2^52
    x = x < -745.0 ? -745.0 : x;
    x = x > 709.0 ? 709.0 : x;
    double t = x * log2e + shifter;
    double n = t - shifter;
    double r = (x - n * ln2_hi) - n * ln2_lo;
    double p = 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    int64_t bits;
    memcpy(&bits, &t, sizeof bits);
    // The low mantissa bits of t hold n (two's complement inside the 1.5*2^52 offset). Split
    // 2^n in two factors so that n down to -1075 still yields subnormals instead of garbage.
    int64_t k = (int64_t)((uint64_t)bits << 13) >> 13;  // sign-extend the low 51 bits: n
    int64_t k1 = k >> 1, k2 = k - k1;
    int64_t b1 = (k1 + 1023) << 52, b2 = (k2 + 1023) << 52;
    double s1, s2;
    memcpy(&s1, &b1, sizeof s1);
    memcpy(&s2, &b2, sizeof s2);
    return p * s1 * s2;
}

// erfc(z) for z >= 0 (Chebyshev fit, relative error < 1.2e-7 for all z >= 0).
static inline __attribute__((always_inline)) double ember_erfc_pos(double z) {
    double t = 1.0 / (1.0 + 0.5 * z);
    double poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
                  t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
    return t * ember_exp_core(-z * z + poly);
}

// exp(x) in float32 for the memory-bound exp/sigmoid/silu loops (twice the lanes of double):
// x = n ln2 + r with ln2 split in two so that n ln2 is exact, a degree-6 polynomial for e^r
// (relative error below 1 ulp), and 2^n built in two halves so that subnormal results come out
// right. Inputs beyond the float range saturate to 0 and inf; NaN propagates.
static inline __attribute__((always_inline)) float ember_expf_core2(float x, float lo) {
    const float log2e = 1.44269504088896341f;
    const float ln2_hi = 0.693359375f;
    const float ln2_lo = -2.12194440e-4f;
    const float shifter = 12582912.0f;  // 1.5 * 2^23
    x = x < -104.0f ? -104.0f : x;
    x = x > 89.0f ? 89.0f : x;
    float t = x * log2e + shifter;
    float n = t - shifter;
    float r = ((x - n * ln2_hi) - n * ln2_lo) + lo;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    int32_t bits;
    memcpy(&bits, &t, sizeof bits);
    int32_t k = (int32_t)((uint32_t)bits << 10) >> 10;  // the low 22 bits of t hold n
    int32_t k1 = k >> 1, k2 = k - k1;
    int32_t b1 = (int32_t)((uint32_t)(k1 + 127) << 23), b2 = (int32_t)((uint32_t)(k2 + 127) << 23);
    float s1, s2;
    memcpy(&s1, &b1, sizeof s1);
    memcpy(&s2, &b2, sizeof s2);
    return p * s1 * s2;
}

/// e^x; `ember_expf_core2(hi, lo)` is e^(hi+lo) for a two-part argument (|lo| small), which keeps
/// the bits of hi + lo that a float32 sum would round away.
static inline __attribute__((always_inline)) float ember_expf_core(float x) { return ember_expf_core2(x, 0.0f); }

static inline __attribute__((always_inline)) float exp_one(float x) { return ember_expf_core(x); }

static inline __attribute__((always_inline)) float sigmoid_one(float x) {
    return 1.0f / (1.0f + ember_expf_core(-x));
}

static inline __attribute__((always_inline)) float silu_one(float x) {
    return x / (1.0f + ember_expf_core(-x));
}

static inline __attribute__((always_inline)) float tanh_one(float x) {
    double d = (double)x;
    // tanh = sign(x) (1 - 2 / (e^{2|x|} + 1)); below 2^-12 the cancellation would cost bits and
    // tanh(x) rounds to x - x^3/3 anyway.
    double a = d < 0 ? -d : d;
    double v = 1.0 - 2.0 / (ember_exp_core(2.0 * a) + 1.0);
    v = a < 2.44140625e-4 ? a - a * a * a / 3.0 : v;
    v = d < 0 ? -v : v;
    return d != d ? x : (float)v;
}

static inline __attribute__((always_inline)) float gelu_one(float x) {
    // gelu(x) = x * Phi(x) = x/2 * erfc(-x / sqrt 2), with erfc of a negative argument as
    // 2 - erfc(|.|). erfc(z) = t exp(-z^2 + P(t)), t = 1 / (1 + z/2): z^2 is split exactly into
    // hi + lo with an FMA, so the exponent keeps its low bits (it reaches -17 in gelu's range).
    float z = x * -0.707106781186547524f;
    float a = z < 0 ? -z : z;
    a = a > 10.0f ? 10.0f : a;  // erfc(10) underflows float32's gelu anyway; keeps exp in range
    float t = 1.0f / (1.0f + 0.5f * a);
    float poly = -1.26551223f + t * (1.00002368f + t * (0.37409196f + t * (0.09678418f + t * (-0.18628806f +
                 t * (0.27886807f + t * (-1.13520398f + t * (1.48851587f + t * (-0.82215223f + t * 0.17087277f))))))));
    // z itself is x / sqrt 2 rounded: carry its rounding error (zl) too, since an error of
    // 1e-7 relative in z moves z^2 = 40 by 5e-6.
    float zl = fmaf(x, -0.707106781186547524f, -z) + x * -1.21016175e-08f;
    zl = z < 0 ? -zl : zl;
    zl = a == 10.0f ? 0.0f : zl;
    float hi = a * a;
    float lo = fmaf(a, a, -hi) + 2.0f * a * zl;
    // TwoSum: -hi + poly = s + err exactly, so the exponent is s + (err - lo) with a small tail.
    float sum = -hi + poly;
    float bb = sum + hi;
    float err = (-hi - (sum - bb)) + (poly - bb);
    float e = t * ember_expf_core2(sum, err - lo);
    float c = z < 0 ? 2.0f - e : e;
    float g = 0.5f * x * c;
    // PyTorch's values at the infinities: gelu(inf) = inf, gelu(-inf) = -inf * 0 = NaN.
    g = x == INFINITY ? x : g;
    return x == -INFINITY ? NAN : g;
}

static inline __attribute__((always_inline)) float gelu_tanh_one(float x) {
    // 0.5 x (1 + tanh(u)) = x * sigmoid(2u), which avoids the cancellation of 1 + tanh.
    double d = (double)x;
    double u = 0.79788456080286535588 * (d + 0.044715 * d * d * d);
    return (float)(d / (1.0 + ember_exp_core(-2.0 * u)));
}

#define EMBER_DEFINE_VARIANTS(NAME, BODY)                                                        \
    __attribute__((target("avx512f"))) static void NAME##_avx512(const float *x, float *y, int64_t n) { \
        for (int64_t i = 0; i < n; i++) y[i] = BODY(x[i]);                                         \
    }                                                                                              \
    __attribute__((target("avx2,fma"))) static void NAME##_avx2(const float *x, float *y, int64_t n) { \
        for (int64_t i = 0; i < n; i++) y[i] = BODY(x[i]);                                         \
    }                                                                                              \
    static void NAME##_base(const float *x, float *y, int64_t n) {                                 \
        for (int64_t i = 0; i < n; i++) y[i] = BODY(x[i]);                                         \
    }                                                                                              \
    void NAME(const float *x, float *y, int64_t n) {                                               \
        switch (ember_simd_level()) {                                                              \
        case 2: NAME##_avx512(x, y, n); break;                                                     \
        case 1: NAME##_avx2(x, y, n); break;                                                       \
        default: NAME##_base(x, y, n); break;                                                      \
        }                                                                                          \
    }

int ember_simd_level(void) {
    static int level = -1;
    if (level < 0) {
        int detected = 0;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f")) detected = 2;
        else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) detected = 1;
#endif
        level = detected;  // benign race: every thread computes the same value
    }
    return level;
}

#if !(defined(__x86_64__) || defined(__i386__))
#undef EMBER_DEFINE_VARIANTS
#define EMBER_DEFINE_VARIANTS(NAME, BODY)                                                        \
    void NAME(const float *x, float *y, int64_t n) {                                               \
        for (int64_t i = 0; i < n; i++) y[i] = BODY(x[i]);                                         \
    }
#endif

EMBER_DEFINE_VARIANTS(ember_exp_f32, exp_one)
EMBER_DEFINE_VARIANTS(ember_sigmoid_f32, sigmoid_one)
EMBER_DEFINE_VARIANTS(ember_silu_f32, silu_one)
EMBER_DEFINE_VARIANTS(ember_tanh_f32, tanh_one)
EMBER_DEFINE_VARIANTS(ember_gelu_f32, gelu_one)
EMBER_DEFINE_VARIANTS(ember_gelu_tanh_f32, gelu_tanh_one)
