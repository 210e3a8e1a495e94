// Tile staging for mixed-layout elementwise loops: a strided operand's tile becomes a
// row-major scratch tile that the vectorised loop then reads contiguously.
//
// A transposed operand is contiguous down the tile's columns and each column lies in another
// page. Reading it column by column touches each cache line once; without prefetching, each
// column waits for its own miss (and page walk), which made the copy latency-bound. Prefetching
// a few columns ahead keeps several misses in flight. Swift has no prefetch intrinsic, hence C.
//
// Moving the elements one by one then cost as much as the memory traffic (a load and a store
// per element, the stores scattered over the tile's rows): 4- and 8-byte elements move as
// 4×4 and 2×2 register transposes instead (SSE2, part of every x86-64 CPU).
#include "include/ember_stage.h"

#include <string.h>

#if defined(__x86_64__)
#include <emmintrin.h>
#endif

enum { kPrefetchColumns = 8, kLine = 64 };

typedef struct { uint64_t lo, hi; } ember_16_bytes;

static inline void prefetch_column(const char *column, int64_t bytes) {
    for (int64_t b = 0; b < bytes; b += kLine) __builtin_prefetch(column + b);
}

// Interleaved channels (an HWC image made planar): a constant channel count lets the
// compiler unroll the gather instead of looping over a handful of rows per element.
#define EMBER_DEINTERLEAVE(T, CHANNELS)                                                               \
    for (int64_t c = 0; c < cols; c++)                                                                \
        for (int64_t r = 0; r < CHANNELS; r++) dst[r * ld + c] = src[c * cs + r];

// Element by element, in the source's memory order, from column `first_col` on.
#define EMBER_DEFINE_STAGE(NAME, T)                                                                   \
    static void NAME(const T *src, T *dst, int64_t rows, int64_t cols, int64_t rs, int64_t cs,        \
                     int64_t ld, int64_t first_col) {                                                 \
        if (rs == 1 && cs == rows && rows >= 2 && rows <= 4 && first_col == 0) {                     \
            if (rows == 2) { EMBER_DEINTERLEAVE(T, 2) }                                               \
            else if (rows == 3) { EMBER_DEINTERLEAVE(T, 3) }                                          \
            else { EMBER_DEINTERLEAVE(T, 4) }                                                         \
            return;                                                                                   \
        }                                                                                             \
        if ((rs < 0 ? -rs : rs) < (cs < 0 ? -cs : cs)) {                                              \
            int64_t run = rs == 1 ? rows * (int64_t)sizeof(T) : 0;                                    \
            for (int64_t c = first_col; c < cols; c++) {                                              \
                if (run > 0 && c + kPrefetchColumns < cols)                                           \
                    prefetch_column((const char *)(src + (c + kPrefetchColumns) * cs), run);          \
                const T *column = src + c * cs;                                                       \
                for (int64_t r = 0; r < rows; r++) dst[r * ld + c] = column[r * rs];                  \
            }                                                                                         \
        } else {                                                                                      \
            for (int64_t r = 0; r < rows; r++) {                                                      \
                const T *row = src + r * rs;                                                          \
                T *out = dst + r * ld;                                                                \
                for (int64_t c = first_col; c < cols; c++) out[c] = row[c * cs];                      \
            }                                                                                         \
        }                                                                                             \
    }

EMBER_DEFINE_STAGE(stage_1, uint8_t)
EMBER_DEFINE_STAGE(stage_2, uint16_t)
EMBER_DEFINE_STAGE(stage_4, uint32_t)
EMBER_DEFINE_STAGE(stage_8, uint64_t)
EMBER_DEFINE_STAGE(stage_16, ember_16_bytes)

#if defined(__x86_64__)
// Columns contiguous in the source (row stride 1): blocks of 4 columns × 4 rows are loaded as
// four column vectors and transposed in registers into four row vectors. Shuffles move bits
// only, so any 4-byte element (integers, NaN payloads) comes through unchanged. Returns the
// first column left for the element loop.
static int64_t stage_4_transposed(const float *src, float *dst, int64_t rows, int64_t cols, int64_t cs, int64_t ld) {
    int64_t run = rows * 4, full_rows = rows & ~(int64_t)3, c = 0;
    for (; c + 4 <= cols; c += 4) {
        for (int64_t k = 0; k < 4 && c + kPrefetchColumns + k < cols; k++)
            prefetch_column((const char *)(src + (c + kPrefetchColumns + k) * cs), run);
        const float *c0 = src + c * cs, *c1 = c0 + cs, *c2 = c1 + cs, *c3 = c2 + cs;
        int64_t r = 0;
        for (; r < full_rows; r += 4) {
            __m128 v0 = _mm_loadu_ps(c0 + r), v1 = _mm_loadu_ps(c1 + r), v2 = _mm_loadu_ps(c2 + r), v3 = _mm_loadu_ps(c3 + r);
            _MM_TRANSPOSE4_PS(v0, v1, v2, v3);
            float *out = dst + r * ld + c;
            _mm_storeu_ps(out, v0);
            _mm_storeu_ps(out + ld, v1);
            _mm_storeu_ps(out + 2 * ld, v2);
            _mm_storeu_ps(out + 3 * ld, v3);
        }
        for (; r < rows; r++) {
            float *out = dst + r * ld + c;
            out[0] = c0[r], out[1] = c1[r], out[2] = c2[r], out[3] = c3[r];
        }
    }
    return c;
}

// The same with 8-byte elements in 2×2 blocks.
static int64_t stage_8_transposed(const double *src, double *dst, int64_t rows, int64_t cols, int64_t cs, int64_t ld) {
    int64_t run = rows * 8, full_rows = rows & ~(int64_t)1, c = 0;
    for (; c + 2 <= cols; c += 2) {
        for (int64_t k = 0; k < 2 && c + kPrefetchColumns + k < cols; k++)
            prefetch_column((const char *)(src + (c + kPrefetchColumns + k) * cs), run);
        const double *c0 = src + c * cs, *c1 = c0 + cs;
        int64_t r = 0;
        for (; r < full_rows; r += 2) {
            __m128d v0 = _mm_loadu_pd(c0 + r), v1 = _mm_loadu_pd(c1 + r);
            double *out = dst + r * ld + c;
            _mm_storeu_pd(out, _mm_unpacklo_pd(v0, v1));
            _mm_storeu_pd(out + ld, _mm_unpackhi_pd(v0, v1));
        }
        if (r < rows) {
            double *out = dst + r * ld + c;
            out[0] = c0[r], out[1] = c1[r];
        }
    }
    return c;
}
#endif

void ember_stage_tile(const void *src, void *dst, int64_t size, int64_t rows, int64_t cols, int64_t row_stride,
                      int64_t col_stride, int64_t dst_row_stride) {
    int64_t first_col = 0;
#if defined(__x86_64__)
    // A transposed operand: its columns are runs, and the tile is not an interleaved image.
    if (row_stride == 1 && (col_stride < 0 ? -col_stride : col_stride) >= rows && rows >= 4) {
        if (size == 4) first_col = stage_4_transposed(src, dst, rows, cols, col_stride, dst_row_stride);
        else if (size == 8) first_col = stage_8_transposed(src, dst, rows, cols, col_stride, dst_row_stride);
    }
#endif
    switch (size) {
    case 1: stage_1(src, dst, rows, cols, row_stride, col_stride, dst_row_stride, first_col); break;
    case 2: stage_2(src, dst, rows, cols, row_stride, col_stride, dst_row_stride, first_col); break;
    case 4: stage_4(src, dst, rows, cols, row_stride, col_stride, dst_row_stride, first_col); break;
    case 8: stage_8(src, dst, rows, cols, row_stride, col_stride, dst_row_stride, first_col); break;
    default: stage_16(src, dst, rows, cols, row_stride, col_stride, dst_row_stride, first_col); break;
    }
}

void ember_prefetch_range(const void *start, int64_t bytes) { prefetch_column(start, bytes); }

void ember_stream_copy(void *dst, const void *src, int64_t bytes) {
    char *d = dst;
    const char *s = src;
#if defined(__x86_64__)
    int64_t head = (int64_t)((16 - ((uintptr_t)d & 15)) & 15);
    if (head > bytes) head = bytes;
    memcpy(d, s, (size_t)head);
    d += head, s += head, bytes -= head;
    for (; bytes >= 64; d += 64, s += 64, bytes -= 64) {
        __m128i v0 = _mm_loadu_si128((const __m128i *)s), v1 = _mm_loadu_si128((const __m128i *)(s + 16));
        __m128i v2 = _mm_loadu_si128((const __m128i *)(s + 32)), v3 = _mm_loadu_si128((const __m128i *)(s + 48));
        _mm_stream_si128((__m128i *)d, v0);
        _mm_stream_si128((__m128i *)(d + 16), v1);
        _mm_stream_si128((__m128i *)(d + 32), v2);
        _mm_stream_si128((__m128i *)(d + 48), v3);
    }
    for (; bytes >= 16; d += 16, s += 16, bytes -= 16) _mm_stream_si128((__m128i *)d, _mm_loadu_si128((const __m128i *)s));
#endif
    memcpy(d, s, (size_t)bytes);
}

void ember_stream_fence(void) {
#if defined(__x86_64__)
    _mm_sfence();
#endif
}
