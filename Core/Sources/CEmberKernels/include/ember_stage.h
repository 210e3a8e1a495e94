#ifndef EMBER_STAGE_H
#define EMBER_STAGE_H
// Tile staging for mixed-layout elementwise loops (stage_kernels.c).
#include <stdint.h>

/// Copies a rows×cols tile of `size`-byte elements (size 1, 2, 4, 8 or 16) into `dst`, row-major
/// with `dst_row_stride` elements between rows. Element (r, c) is read at
/// `src + (r * row_stride + c * col_stride) * size`. The tile is read
/// in the source's own order: down each column when `|row_stride| < |col_stride|` (a transposed
/// operand), with software prefetches of the columns a few steps ahead, so that each source line
/// is read once and the next columns' lines are already on their way; along rows otherwise.
void ember_stage_tile(const void *src, void *dst, int64_t size, int64_t rows, int64_t cols, int64_t row_stride,
                      int64_t col_stride, int64_t dst_row_stride);

/// Prefetches the cache lines of `bytes` bytes from `start` (the next row of an operand that a
/// tiled loop reads in place).
void ember_prefetch_range(const void *start, int64_t bytes);

/// Copies `bytes` bytes with non-temporal stores where the CPU has them: rows of a result too
/// large to stay in cache, whose destination lines then need not be read before they are
/// overwritten. The stores are ordered with later ones only after `ember_stream_fence`.
void ember_stream_copy(void *dst, const void *src, int64_t bytes);

/// Orders the non-temporal stores made so far before any later store (x86 `sfence`).
void ember_stream_fence(void);
#endif
