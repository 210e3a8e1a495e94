// Winograd F(2×2, 3×3) transforms for float32 3×3 stride-1 convolutions (Lavin & Gray, 2015).
//
// Each 2×2 block of outputs ("tile") comes from a 4×4 input patch d: Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A.
// The 16 elementwise products over input channels become 16 matrix products (done with BLAS by
// the caller), which need 2.25 times fewer multiplications than the direct convolution.
//
// Layouts: the input is first copied into zero-padded planes split into even and odd columns,
// so that the patch element (i, j) of consecutive tiles in a row is contiguous in memory and
// every transform below is a unit-stride loop the compiler vectorises. Transformed inputs are
// V[ξ][c][t] and products M[ξ][m][t] for ξ = 4i + j and tile t of the chunk.
#include "CEmberKernels.h"
#include <stdint.h>

// MARK: Weights: U[ξ][m][c] = (G g Gᵀ)[ξ] with G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1].

void ember_winograd_f23_weights(const float *w, int64_t M, int64_t C, float *U) {
    for (int64_t m = 0; m < M; m++) {
        for (int64_t c = 0; c < C; c++) {
            const float *g = w + (m * C + c) * 9;
            float t[4][3];  // G g
            for (int j = 0; j < 3; j++) {
                t[0][j] = g[j];
                t[1][j] = 0.5f * (g[j] + g[3 + j] + g[6 + j]);
                t[2][j] = 0.5f * (g[j] - g[3 + j] + g[6 + j]);
                t[3][j] = g[6 + j];
            }
            for (int i = 0; i < 4; i++) {
                float u[4] = {t[i][0], 0.5f * (t[i][0] + t[i][1] + t[i][2]), 0.5f * (t[i][0] - t[i][1] + t[i][2]), t[i][2]};
                for (int j = 0; j < 4; j++) U[((int64_t)(4 * i + j) * M + m) * C + c] = u[j];
            }
        }
    }
}

// MARK: Input: zero-padded even/odd column planes, then V = Bᵀ d B.

#define EMBER_WINOGRAD_BODIES(SUFFIX, TARGET)                                                          \
    TARGET static void ember_winograd_split_##SUFFIX(                                                   \
        const float *x, int64_t C, int64_t H, int64_t W, int64_t pt, int64_t pl, int64_t Hp, int64_t Wk, \
        float *restrict even, float *restrict odd) {                                                    \
        for (int64_t c = 0; c < C; c++) {                                                               \
            for (int64_t r = 0; r < Hp; r++) {                                                          \
                float *e = even + (c * Hp + r) * Wk, *o = odd + (c * Hp + r) * Wk;                      \
                int64_t h = r - pt;                                                                     \
                if (h < 0 || h >= H) {                                                                  \
                    for (int64_t k = 0; k < Wk; k++) e[k] = o[k] = 0;                                   \
                    continue;                                                                           \
                }                                                                                       \
                const float *row = x + (c * H + h) * W;                                                 \
                for (int64_t k = 0; k < Wk; k++) {                                                      \
                    int64_t w0 = 2 * k - pl, w1 = w0 + 1;                                               \
                    e[k] = w0 >= 0 && w0 < W ? row[w0] : 0;                                             \
                    o[k] = w1 >= 0 && w1 < W ? row[w1] : 0;                                             \
                }                                                                                       \
            }                                                                                           \
        }                                                                                               \
    }                                                                                                   \
                                                                                                        \
    TARGET static void ember_winograd_input_##SUFFIX(                                                   \
        const float *even, const float *odd, int64_t C, int64_t Hp, int64_t Wk, int64_t ty0, int64_t rows, \
        int64_t tW, float *restrict V) {                                                                \
        int64_t T = rows * tW;                                                                          \
        for (int64_t c = 0; c < C; c++) {                                                               \
            for (int64_t ty = 0; ty < rows; ty++) {                                                     \
                const float *e[4], *o[4];                                                               \
                for (int i = 0; i < 4; i++) {                                                           \
                    e[i] = even + (c * Hp + 2 * (ty0 + ty) + i) * Wk;                                   \
                    o[i] = odd + (c * Hp + 2 * (ty0 + ty) + i) * Wk;                                    \
                }                                                                                       \
                float *v = V + c * T + ty * tW;                                                         \
                for (int64_t k = 0; k < tW; k++) {                                                      \
                    float u[4][4];                                                                      \
                    for (int i = 0; i < 4; i++) {                                                       \
                        float d0 = e[i][k], d1 = o[i][k], d2 = e[i][k + 1], d3 = o[i][k + 1];           \
                        u[i][0] = d0 - d2;                                                              \
                        u[i][1] = d1 + d2;                                                              \
                        u[i][2] = d2 - d1;                                                              \
                        u[i][3] = d1 - d3;                                                              \
                    }                                                                                   \
                    for (int j = 0; j < 4; j++) {                                                       \
                        v[(0 + j) * C * T + k] = u[0][j] - u[2][j];                                     \
                        v[(4 + j) * C * T + k] = u[1][j] + u[2][j];                                     \
                        v[(8 + j) * C * T + k] = u[2][j] - u[1][j];                                     \
                        v[(12 + j) * C * T + k] = u[1][j] - u[3][j];                                    \
                    }                                                                                   \
                }                                                                                       \
            }                                                                                           \
        }                                                                                               \
    }                                                                                                   \
                                                                                                        \
    TARGET static void ember_winograd_output_##SUFFIX(                                                  \
        const float *Mx, int64_t M, int64_t ty0, int64_t rows, int64_t tW, int64_t OH, int64_t OW,      \
        const float *bias, float *restrict out, float *restrict r0, float *restrict r1) {               \
        int64_t T = rows * tW;                                                                          \
        for (int64_t m = 0; m < M; m++) {                                                               \
            float b = bias ? bias[m] : 0.0f;                                                            \
            for (int64_t ty = 0; ty < rows; ty++) {                                                     \
                const float *p = Mx + m * T + ty * tW;                                                  \
                for (int64_t k = 0; k < tW; k++) {                                                      \
                    float s[4][2];                                                                      \
                    for (int j = 0; j < 4; j++) {                                                       \
                        float m0 = p[(0 + j) * M * T + k], m1 = p[(4 + j) * M * T + k];                 \
                        float m2 = p[(8 + j) * M * T + k], m3 = p[(12 + j) * M * T + k];                \
                        s[j][0] = m0 + m1 + m2;                                                         \
                        s[j][1] = m1 - m2 - m3;                                                         \
                    }                                                                                   \
                    r0[2 * k] = s[0][0] + s[1][0] + s[2][0] + b;                                        \
                    r0[2 * k + 1] = s[1][0] - s[2][0] - s[3][0] + b;                                    \
                    r1[2 * k] = s[0][1] + s[1][1] + s[2][1] + b;                                        \
                    r1[2 * k + 1] = s[1][1] - s[2][1] - s[3][1] + b;                                    \
                }                                                                                       \
                int64_t y = 2 * (ty0 + ty);                                                             \
                float *o = out + (m * OH + y) * OW;                                                     \
                for (int64_t i = 0; i < OW; i++) o[i] = r0[i];                                          \
                if (y + 1 < OH)                                                                         \
                    for (int64_t i = 0; i < OW; i++) o[OW + i] = r1[i];                                 \
            }                                                                                           \
        }                                                                                               \
    }

EMBER_WINOGRAD_BODIES(base, )
#if defined(__x86_64__)
EMBER_WINOGRAD_BODIES(avx2, __attribute__((target("avx2,fma"))))
#define EMBER_WINOGRAD_PICK(NAME, ARGS) \
    do {                                \
        if (ember_simd_level() >= 1) {  \
            NAME##_avx2 ARGS;           \
            return;                     \
        }                               \
        NAME##_base ARGS;               \
    } while (0)
#else
#define EMBER_WINOGRAD_PICK(NAME, ARGS) NAME##_base ARGS
#endif

void ember_winograd_f23_split(const float *x, int64_t C, int64_t H, int64_t W, int64_t pt, int64_t pl, int64_t Hp,
                              int64_t Wk, float *even, float *odd) {
    EMBER_WINOGRAD_PICK(ember_winograd_split, (x, C, H, W, pt, pl, Hp, Wk, even, odd));
}

void ember_winograd_f23_input(const float *even, const float *odd, int64_t C, int64_t Hp, int64_t Wk, int64_t ty0,
                              int64_t rows, int64_t tW, float *V) {
    EMBER_WINOGRAD_PICK(ember_winograd_input, (even, odd, C, Hp, Wk, ty0, rows, tW, V));
}

void ember_winograd_f23_output(const float *Mx, int64_t M, int64_t ty0, int64_t rows, int64_t tW, int64_t OH, int64_t OW,
                               const float *bias, float *out, float *scratch) {
    EMBER_WINOGRAD_PICK(ember_winograd_output, (Mx, M, ty0, rows, tW, OH, OW, bias, out, scratch, scratch + 2 * tW));
}
