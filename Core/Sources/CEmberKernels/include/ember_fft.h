#ifndef EMBER_FFT_H
#define EMBER_FFT_H
// Fast Fourier transforms on interleaved complex buffers (fft_kernels.c).
//
// A complex plan of length n holds the factorisation and twiddles: mixed-radix passes of
// 8, 4, 2, 3, 5 and a generic odd radix (Stockham autosort, no bit reversal), or Bluestein's
// chirp-z algorithm over a 2·3·5-smooth length when n has a prime factor above 41. A real
// plan of even length n runs a complex transform of n/2 on the input read as n/2 complex
// numbers, and untangles the two interleaved half-length spectra with one twiddle per bin;
// odd real lengths run a complex transform of length n. From 16384 points on, a transform runs
// as n1·n2 (the four-step algorithm): blocked column transforms, twiddles, row transforms,
// so the data crosses memory three times instead of once per radix pass.
//
// Plans are immutable after creation and may be used from several threads at once. Every
// transform here is unnormalised except for the `scale` factor applied to its output. Signs:
// `inverse == 0` computes X[k] = sum_j x[j]·exp(-2πi·jk/n), `inverse != 0` uses exp(+2πi·jk/n).
// Twiddles and chirps are computed in double precision for both element types.
#include <stdint.h>

typedef struct ember_fft_plan_f32 ember_fft_plan_f32;
typedef struct ember_fft_plan_f64 ember_fft_plan_f64;
typedef struct ember_fft_rplan_f32 ember_fft_rplan_f32;
typedef struct ember_fft_rplan_f64 ember_fft_rplan_f64;

/// A task over [begin, end) of some count, and a parallel-for that runs it over [0, count)
/// split into chunks on a thread pool. Ember installs its pool once; until then, and for calls
/// with `parallel == 0`, everything runs on the calling thread.
typedef void (*ember_fft_task_fn)(void *ctx, int64_t begin, int64_t end);
typedef void (*ember_fft_parallel_fn)(int64_t count, void *ctx, ember_fft_task_fn task);
void ember_fft_set_parallel(ember_fft_parallel_fn fn);

/// A complex plan of length n >= 1, or NULL when memory runs out.
ember_fft_plan_f32 *ember_fft_plan_create_f32(int64_t n);
ember_fft_plan_f64 *ember_fft_plan_create_f64(int64_t n);
void ember_fft_plan_destroy_f32(ember_fft_plan_f32 *plan);
void ember_fft_plan_destroy_f64(ember_fft_plan_f64 *plan);
/// 1 when the plan runs Bluestein's algorithm (for tests and diagnostics).
int ember_fft_plan_is_bluestein_f32(const ember_fft_plan_f32 *plan);
int ember_fft_plan_is_bluestein_f64(const ember_fft_plan_f64 *plan);

/// `count` transforms of n complex numbers: in[b·n ..< (b+1)·n] → out[...] (interleaved
/// re, im). `in` may equal `out`. With `parallel` set, one long transform spreads its work over
/// the installed pool. Returns 0, or -1 when scratch memory runs out.
int ember_fft_c2c_f32(const ember_fft_plan_f32 *plan, const float *in, float *out, int64_t count, int inverse,
                      float scale, int parallel);
int ember_fft_c2c_f64(const ember_fft_plan_f64 *plan, const double *in, double *out, int64_t count, int inverse,
                      double scale, int parallel);

/// A real plan of length n >= 1, or NULL when memory runs out.
ember_fft_rplan_f32 *ember_fft_rplan_create_f32(int64_t n);
ember_fft_rplan_f64 *ember_fft_rplan_create_f64(int64_t n);
void ember_fft_rplan_destroy_f32(ember_fft_rplan_f32 *plan);
void ember_fft_rplan_destroy_f64(ember_fft_rplan_f64 *plan);

/// `count` forward real transforms: n reals per transform in, n/2 + 1 complex bins out
/// (interleaved), each multiplied by `scale`.
int ember_fft_r2c_f32(const ember_fft_rplan_f32 *plan, const float *in, float *out, int64_t count, float scale,
                      int parallel);
int ember_fft_r2c_f64(const ember_fft_rplan_f64 *plan, const double *in, double *out, int64_t count,
                      double scale, int parallel);
/// `count` inverse transforms of Hermitian spectra: n/2 + 1 complex bins in, n reals out,
/// each multiplied by `scale`. As in pocketfft (and so `torch.fft.irfft`), the imaginary parts
/// of bin 0 and, for even n, of bin n/2 are ignored.
int ember_fft_c2r_f32(const ember_fft_rplan_f32 *plan, const float *in, float *out, int64_t count, float scale,
                      int parallel);
int ember_fft_c2r_f64(const ember_fft_rplan_f64 *plan, const double *in, double *out, int64_t count,
                      double scale, int parallel);
#endif
