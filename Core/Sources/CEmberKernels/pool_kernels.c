// Max pooling for float32 2-D windows: the scalar definition, and an AVX2 variant that runs 8
// outputs of a row at once where their windows lie inside the row (the interior), with
// branch-free compare-and-blend. On random data the running maximum of a window moves
// unpredictably, so the scalar loop spends most of its time in mispredicted branches.
#include "CEmberKernels.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

// First and one-past-last tap t of a window starting at s with step d and k taps such that
// 0 <= s + t*d < n.
static inline void ember_window_taps(int64_t s, int64_t d, int64_t k, int64_t n, int64_t *first, int64_t *end) {
    int64_t f = s >= 0 ? 0 : (-s + d - 1) / d;
    int64_t last = n - 1 - s < 0 ? -1 : (n - 1 - s) / d;
    if (last > k - 1) last = k - 1;
    *first = f;
    *end = last + 1 > f ? last + 1 : f;
}

// One output: the scalar definition.
static inline void ember_max_window(const float *src, int64_t W, int64_t h0, int64_t dh, int64_t j0, int64_t j1,
                                    int64_t w0, int64_t dw, int64_t k0, int64_t k1, float *value, int64_t *index) {
    float best = -INFINITY;
    int64_t best_index = (h0 + j0 * dh) * W + w0 + k0 * dw;
    for (int64_t j = j0; j < j1; j++) {
        int64_t row = (h0 + j * dh) * W + w0;
        for (int64_t k = k0; k < k1; k++) {
            int64_t at = row + k * dw;
            float v = src[at];
            if (v > best || v != v) {
                best = v;
                best_index = at;
            }
        }
    }
    *value = best;
    *index = best_index;
}

static void ember_max_pool2d_scalar(const float *x, int64_t planes, int64_t H, int64_t W, int64_t OH, int64_t OW,
                                    int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t ph, int64_t pw,
                                    int64_t dh, int64_t dw, float *values, int64_t *indices) {
    for (int64_t p = 0; p < planes; p++) {
        const float *src = x + p * H * W;
        float *vals = values + p * OH * OW;
        int64_t *idx = indices + p * OH * OW;
        for (int64_t oh = 0; oh < OH; oh++) {
            int64_t h0 = oh * sh - ph, j0, j1;
            ember_window_taps(h0, dh, kh, H, &j0, &j1);
            for (int64_t ow = 0; ow < OW; ow++) {
                int64_t w0 = ow * sw - pw, k0, k1;
                ember_window_taps(w0, dw, kw, W, &k0, &k1);
                ember_max_window(src, W, h0, dh, j0, j1, w0, dw, k0, k1, &vals[oh * OW + ow], &idx[oh * OW + ow]);
            }
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2,fma"))) static void ember_max_pool2d_avx2(
    const float *x, int64_t planes, int64_t H, int64_t W, int64_t OH, int64_t OW, int64_t kh, int64_t kw,
    int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t dh, int64_t dw, float *values, int64_t *indices) {
    // Interior outputs: the whole width window inside the row.
    int64_t lo = pw <= 0 ? 0 : (pw + sw - 1) / sw;
    int64_t span = (kw - 1) * dw;
    int64_t hi = W - 1 - span + pw < 0 ? 0 : (W - 1 - span + pw) / sw + 1;
    if (hi > OW) hi = OW;
    if (lo > hi) lo = hi;
    const __m256i lanes = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32((int)sw));
    // When every window is whole (no padding or ceil-mode overhang reaches a window), the
    // outputs are independent of their row: gather 8 consecutive outputs of the flattened
    // plane at once, so narrow planes (14×14 and less) vectorise too.
    int64_t first_h, end_h, first_w, end_w, last_first_h, last_end_h, last_first_w, last_end_w;
    ember_window_taps(-ph, dh, kh, H, &first_h, &end_h);
    ember_window_taps((OH - 1) * sh - ph, dh, kh, H, &last_first_h, &last_end_h);
    ember_window_taps(-pw, dw, kw, W, &first_w, &end_w);
    ember_window_taps((OW - 1) * sw - pw, dw, kw, W, &last_first_w, &last_end_w);
    int whole = OH > 0 && OW > 0 && first_h == 0 && last_end_h == kh && first_w == 0 && last_end_w == kw &&
                ph == 0 && pw == 0 && (OH - 1) * sh + (kh - 1) * dh < H && (OW - 1) * sw + (kw - 1) * dw < W;
    if (whole && OH * OW >= 8) {
        int64_t n = OH * OW;
        int32_t *base = (int32_t *)malloc((size_t)n * sizeof(int32_t));
        if (base == NULL) goto rows;
        for (int64_t oh = 0; oh < OH; oh++)
            for (int64_t ow = 0; ow < OW; ow++) base[oh * OW + ow] = (int32_t)(oh * sh * W + ow * sw);
        for (int64_t p = 0; p < planes; p++) {
            const float *src = x + p * H * W;
            float *vals = values + p * n;
            int64_t *idx = indices + p * n;
            int64_t o = 0;
            for (; o + 8 <= n; o += 8) {
                __m256i b = _mm256_loadu_si256((const __m256i *)(base + o));
                __m256 best = _mm256_set1_ps(-INFINITY);
                __m256i best_index = b;
                for (int64_t j = 0; j < kh; j++) {
                    for (int64_t k = 0; k < kw; k++) {
                        __m256i at = _mm256_add_epi32(b, _mm256_set1_epi32((int)(j * dh * W + k * dw)));
                        __m256 v = _mm256_i32gather_ps(src, at, 4);
                        __m256 take = _mm256_or_ps(_mm256_cmp_ps(v, best, _CMP_GT_OQ), _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
                        best = _mm256_blendv_ps(best, v, take);
                        best_index = _mm256_castps_si256(
                            _mm256_blendv_ps(_mm256_castsi256_ps(best_index), _mm256_castsi256_ps(at), take));
                    }
                }
                _mm256_storeu_ps(vals + o, best);
                _mm256_storeu_si256((__m256i *)(idx + o), _mm256_cvtepi32_epi64(_mm256_castsi256_si128(best_index)));
                _mm256_storeu_si256((__m256i *)(idx + o + 4), _mm256_cvtepi32_epi64(_mm256_extracti128_si256(best_index, 1)));
            }
            for (; o < n; o++) {
                int64_t oh = o / OW, ow = o % OW;
                ember_max_window(src, W, oh * sh, dh, 0, kh, ow * sw, dw, 0, kw, &vals[o], &idx[o]);
            }
        }
        free(base);
        return;
    }
rows:
    for (int64_t p = 0; p < planes; p++) {
        const float *src = x + p * H * W;
        float *vals = values + p * OH * OW;
        int64_t *idx = indices + p * OH * OW;
        for (int64_t oh = 0; oh < OH; oh++) {
            int64_t h0 = oh * sh - ph, j0, j1;
            ember_window_taps(h0, dh, kh, H, &j0, &j1);
            int64_t ow = 0;
            for (; ow < lo; ow++) {
                int64_t w0 = ow * sw - pw, k0, k1;
                ember_window_taps(w0, dw, kw, W, &k0, &k1);
                ember_max_window(src, W, h0, dh, j0, j1, w0, dw, k0, k1, &vals[oh * OW + ow], &idx[oh * OW + ow]);
            }
            for (; ow + 8 <= hi; ow += 8) {
                int64_t w0 = ow * sw - pw;
                // The last element a stride-2 load touches must lie inside the plane.
                int64_t last_row = (h0 + (j1 - 1) * dh) * W + w0 + span;
                if (j1 <= j0 || (sw == 2 && last_row + 16 > H * W)) break;
                __m256 best = _mm256_set1_ps(-INFINITY);
                __m256i best_index = _mm256_add_epi32(_mm256_set1_epi32((int)((h0 + j0 * dh) * W + w0)), lanes);
                for (int64_t j = j0; j < j1; j++) {
                    int64_t row = (h0 + j * dh) * W + w0;
                    for (int64_t k = 0; k < kw; k++) {
                        int64_t at = row + k * dw;
                        __m256 v;
                        if (sw == 1) {
                            v = _mm256_loadu_ps(src + at);
                        } else if (sw == 2) {
                            __m256 a = _mm256_loadu_ps(src + at), b = _mm256_loadu_ps(src + at + 8);
                            __m256 even = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
                            v = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(even), _MM_SHUFFLE(3, 1, 2, 0)));
                        } else {
                            v = _mm256_i32gather_ps(src + at, lanes, 4);
                        }
                        __m256i at_v = _mm256_add_epi32(_mm256_set1_epi32((int)at), lanes);
                        __m256 take = _mm256_or_ps(_mm256_cmp_ps(v, best, _CMP_GT_OQ), _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
                        best = _mm256_blendv_ps(best, v, take);
                        best_index = _mm256_castps_si256(
                            _mm256_blendv_ps(_mm256_castsi256_ps(best_index), _mm256_castsi256_ps(at_v), take));
                    }
                }
                _mm256_storeu_ps(vals + oh * OW + ow, best);
                _mm256_storeu_si256((__m256i *)(idx + oh * OW + ow), _mm256_cvtepi32_epi64(_mm256_castsi256_si128(best_index)));
                _mm256_storeu_si256((__m256i *)(idx + oh * OW + ow + 4),
                                    _mm256_cvtepi32_epi64(_mm256_extracti128_si256(best_index, 1)));
            }
            for (; ow < OW; ow++) {
                int64_t w0 = ow * sw - pw, k0, k1;
                ember_window_taps(w0, dw, kw, W, &k0, &k1);
                ember_max_window(src, W, h0, dh, j0, j1, w0, dw, k0, k1, &vals[oh * OW + ow], &idx[oh * OW + ow]);
            }
        }
    }
}
#endif

void ember_max_pool2d_f32(const float *x, int64_t planes, int64_t H, int64_t W, int64_t OH, int64_t OW,
                          int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t ph, int64_t pw,
                          int64_t dh, int64_t dw, float *values, int64_t *indices) {
#if defined(__x86_64__)
    if (ember_simd_level() >= 1) {
        ember_max_pool2d_avx2(x, planes, H, W, OH, OW, kh, kw, sh, sw, ph, pw, dh, dw, values, indices);
        return;
    }
#endif
    ember_max_pool2d_scalar(x, planes, H, W, OH, OW, kh, kw, sh, sw, ph, pw, dh, dw, values, indices);
}
