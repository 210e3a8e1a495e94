#ifndef CEMBER_KERNELS_H
#define CEMBER_KERNELS_H
// C kernels for what Swift cannot vectorise well, and the run-time loader for OpenBLAS.
// Every function here is plain C with <stdint.h>/<stddef.h> types so that the header imports
// cleanly into Swift.
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: BLAS (OpenBLAS, loaded on first use with dlopen)

/// Loads OpenBLAS once. When the user has not set OPENBLAS_CORETYPE, chooses the core type
/// from CPUID first (the Debian build falls back to its slowest kernels on CPUs it does not
/// know). Returns 0 on success, -1 when no OpenBLAS library can be found.
int ember_blas_load(void);
/// The last dlopen/dlsym error, or an empty string.
const char *ember_blas_error(void);
/// OpenBLAS's name for the kernels it runs ("SkylakeX", "Haswell", ...), or "" before loading.
const char *ember_blas_corename(void);
/// The core type that the loader chose (empty when the user set OPENBLAS_CORETYPE).
const char *ember_blas_chosen_coretype(void);
void ember_blas_set_num_threads(int n);

/// Row-major GEMM: C = alpha * op(A) op(B) + beta * C. trans flags: 0 = no transpose, 1 = transpose.
void ember_sgemm(int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
                 const float *b, int ldb, float beta, float *c, int ldc);
void ember_dgemm(int transA, int transB, int m, int n, int k, double alpha, const double *a, int lda,
                 const double *b, int ldb, double beta, double *c, int ldc);

// MARK: Elementwise math (elementwise_math.c): contiguous float32 in, float32 out, n elements.
// Results are within about 1 ulp of the correctly rounded value (gelu: about 2 ulp).

/// The SIMD variant the kernels run: 2 = AVX-512, 1 = AVX2+FMA, 0 = baseline.
int ember_simd_level(void);
void ember_exp_f32(const float *x, float *y, int64_t n);
void ember_sigmoid_f32(const float *x, float *y, int64_t n);
void ember_silu_f32(const float *x, float *y, int64_t n);
void ember_tanh_f32(const float *x, float *y, int64_t n);
/// gelu(x) = x * Phi(x) (PyTorch's approximate="none").
void ember_gelu_f32(const float *x, float *y, int64_t n);
/// PyTorch's approximate="tanh" gelu.
void ember_gelu_tanh_f32(const float *x, float *y, int64_t n);

// MARK: Large float32 binary arithmetic with streaming stores (elementwise_stream.c):
// c[i] = a[i] op b[i] for contiguous a, b, c; for results far larger than the caches.
void ember_stream_add_f32(const float *a, const float *b, float *c, int64_t n);
void ember_stream_sub_f32(const float *a, const float *b, float *c, int64_t n);
void ember_stream_mul_f32(const float *a, const float *b, float *c, int64_t n);
void ember_stream_div_f32(const float *a, const float *b, float *c, int64_t n);

// MARK: Reductions (reduce_kernels.c): contiguous float32.

/// Pairwise sum of n floats (blocks of 1024 summed in 32 lanes).
float ember_reduce_sum_f32(const float *x, int64_t n);
/// Softmax of `rows` contiguous rows of n floats: y = exp(x - max) / sum(exp(x - max)).
void ember_reduce_softmax_f32(const float *x, float *y, int64_t rows, int64_t n);

#ifdef __cplusplus
}
#endif

// Fused optimizer steps (optim_kernels.c).
#include "ember_optim.h"

// Pooling (pool_kernels.c).
#include "ember_pool.h"
// Winograd convolution transforms (winograd_kernels.c).
#include "ember_winograd.h"
// Fast Fourier transforms (fft_kernels.c).
#include "ember_fft.h"

// Layer normalisation (norm_kernels.c).
#include "ember_norm.h"

// Tile staging for mixed-layout elementwise loops (stage_kernels.c).
#include "ember_stage.h"

// The intra-op thread pool (thread_pool.c).
#include "ember_thread_pool.h"

#endif
