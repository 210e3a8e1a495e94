#ifndef EMBER_WINOGRAD_H
#define EMBER_WINOGRAD_H
// Winograd F(2×2, 3×3) transforms for float32 3×3 stride-1 convolutions (winograd_kernels.c).
// The caller runs the 16 matrix products M[ξ] = U[ξ]·V[ξ] in between.
#include <stdint.h>

/// U[ξ][m][c] = G g Gᵀ for weights w [M][C][3][3]; U holds 16·M·C floats.
void ember_winograd_f23_weights(const float *w, int64_t M, int64_t C, float *U);
/// Copies image x [C][H][W] into zero-padded planes of Hp rows split into even and odd columns
/// (each [C][Hp][Wk]): column 2k of the padded row goes to even[k], 2k + 1 to odd[k]; the
/// padded image starts `pt` rows above and `pl` columns left of x.
void ember_winograd_f23_split(const float *x, int64_t C, int64_t H, int64_t W, int64_t pt, int64_t pl, int64_t Hp,
                              int64_t Wk, float *even, float *odd);
/// V[ξ][c][t] = (Bᵀ d B)[ξ] for the tiles t of tile rows ty0 ..< ty0 + rows (tW tiles per row).
void ember_winograd_f23_input(const float *even, const float *odd, int64_t C, int64_t Hp, int64_t Wk, int64_t ty0,
                              int64_t rows, int64_t tW, float *V);
/// out[m][y][x] = (Aᵀ M A) + bias[m] for the output rows of those tiles (clipped to OH × OW);
/// `scratch` holds 4·tW floats; `bias` may be NULL.
void ember_winograd_f23_output(const float *Mx, int64_t M, int64_t ty0, int64_t rows, int64_t tW, int64_t OH, int64_t OW,
                               const float *bias, float *out, float *scratch);
#endif
