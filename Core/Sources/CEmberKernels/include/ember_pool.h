#ifndef EMBER_POOL_H
#define EMBER_POOL_H
// Pooling kernels (pool_kernels.c).
#include <stdint.h>

/// Max pooling of `planes` contiguous float32 planes of H×W over 2-D windows (kernel kh×kw,
/// stride sh×sw, padding ph×pw, dilation dh×dw; output OH×OW): each window's maximum and its
/// flat index h·W + w. NaN wins and a later NaN replaces an earlier one; a window of -inf
/// reports its first element (PyTorch's rules). Requires H·W < 2^31. The AVX2 variant
/// vectorises across 8 outputs of a row with compare-and-blend, which gives the same results
/// as the scalar loop.
void ember_max_pool2d_f32(const float *x, int64_t planes, int64_t H, int64_t W, int64_t OH, int64_t OW,
                          int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t ph, int64_t pw,
                          int64_t dh, int64_t dw, float *values, int64_t *indices);
#endif
