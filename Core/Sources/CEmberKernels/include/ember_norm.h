#ifndef EMBER_NORM_H
#define EMBER_NORM_H
#include <stdint.h>

/// Layer norm of `rows` contiguous rows of n floats, as PyTorch's CPU kernel computes it:
/// rstd = 1 / sqrt(var + eps) (biased variance), y = (x·rstd − mean·rstd)·weight + bias.
/// `weight` and `bias` (n floats each) may be NULL; `mean` and `rstd` (rows floats) receive
/// the statistics the backward pass needs.
void ember_layer_norm_f32(const float *x, const float *weight, const float *bias, float *y,
                          float *mean, float *rstd, int64_t rows, int64_t n, float eps);

#endif
