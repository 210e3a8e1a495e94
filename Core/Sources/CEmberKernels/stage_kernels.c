// Tile staging for mixed-layout elementwise loops: a strided operand's tile becomes a
// row-major scratch tile that the vectorised loop then reads contiguously.
//
// A transposed operand is contiguous down the tile's columns and each column lies in another
// page. Reading it column by column touches each cache line once; without prefetching, each
// column waits for its own miss (and page walk), which made the copy latency-bound. Prefetching
// a few columns ahead keeps several misses in flight. Swift has no prefetch intrinsic, hence C.
#include "include/ember_stage.h"

enum { kPrefetchColumns = 8, kLine = 64 };

typedef struct { uint64_t lo, hi; } ember_16_bytes;

// Interleaved channels (an HWC image made planar): a constant channel count lets the
// compiler unroll the gather instead of looping over a handful of rows per element.
#define EMBER_DEINTERLEAVE(T, CHANNELS)                                                               \
    for (int64_t c = 0; c < cols; c++)                                                                \
        for (int64_t r = 0; r < CHANNELS; r++) dst[r * cols + c] = src[c * cs + r];

#define EMBER_DEFINE_STAGE(NAME, T)                                                                   \
    static void NAME(const T *src, T *dst, int64_t rows, int64_t cols, int64_t rs, int64_t cs) {      \
        if (rs == 1 && cs == rows && rows >= 2 && rows <= 4) {                                        \
            if (rows == 2) { EMBER_DEINTERLEAVE(T, 2) }                                               \
            else if (rows == 3) { EMBER_DEINTERLEAVE(T, 3) }                                          \
            else { EMBER_DEINTERLEAVE(T, 4) }                                                         \
            return;                                                                                   \
        }                                                                                             \
        if ((rs < 0 ? -rs : rs) < (cs < 0 ? -cs : cs)) {                                              \
            /* Bytes of one column run when it is contiguous, for its prefetches. */                 \
            int64_t run = rs == 1 ? rows * (int64_t)sizeof(T) : 0;                                    \
            for (int64_t c = 0; c < cols; c++) {                                                      \
                if (run > 0 && c + kPrefetchColumns < cols) {                                         \
                    const char *ahead = (const char *)(src + (c + kPrefetchColumns) * cs);            \
                    for (int64_t b = 0; b < run; b += kLine) __builtin_prefetch(ahead + b);           \
                }                                                                                     \
                const T *column = src + c * cs;                                                       \
                for (int64_t r = 0; r < rows; r++) dst[r * cols + c] = column[r * rs];                \
            }                                                                                         \
        } else {                                                                                      \
            for (int64_t r = 0; r < rows; r++) {                                                      \
                const T *row = src + r * rs;                                                          \
                T *out = dst + r * cols;                                                              \
                for (int64_t c = 0; c < cols; c++) out[c] = row[c * cs];                              \
            }                                                                                         \
        }                                                                                             \
    }

EMBER_DEFINE_STAGE(stage_1, uint8_t)
EMBER_DEFINE_STAGE(stage_2, uint16_t)
EMBER_DEFINE_STAGE(stage_4, uint32_t)
EMBER_DEFINE_STAGE(stage_8, uint64_t)
EMBER_DEFINE_STAGE(stage_16, ember_16_bytes)

void ember_stage_tile(const void *src, void *dst, int64_t size, int64_t rows, int64_t cols, int64_t row_stride,
                      int64_t col_stride) {
    switch (size) {
    case 1: stage_1(src, dst, rows, cols, row_stride, col_stride); break;
    case 2: stage_2(src, dst, rows, cols, row_stride, col_stride); break;
    case 4: stage_4(src, dst, rows, cols, row_stride, col_stride); break;
    case 8: stage_8(src, dst, rows, cols, row_stride, col_stride); break;
    default: stage_16(src, dst, rows, cols, row_stride, col_stride); break;
    }
}
