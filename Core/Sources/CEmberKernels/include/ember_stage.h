#ifndef EMBER_STAGE_H
#define EMBER_STAGE_H
// Tile staging for mixed-layout elementwise loops (stage_kernels.c).
#include <stdint.h>

/// Copies a rows×cols tile of `size`-byte elements (size 1, 2, 4, 8 or 16) into `dst`, row-major.
/// Element (r, c) is read at `src + (r * row_stride + c * col_stride) * size`. The tile is read
/// in the source's own order: down each column when `|row_stride| < |col_stride|` (a transposed
/// operand), with software prefetches of the columns a few steps ahead, so that each source line
/// is read once and the next columns' lines are already on their way; along rows otherwise.
void ember_stage_tile(const void *src, void *dst, int64_t size, int64_t rows, int64_t cols, int64_t row_stride,
                      int64_t col_stride);
#endif
