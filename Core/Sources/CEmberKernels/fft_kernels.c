// Fast Fourier transforms on interleaved complex buffers; see include/ember_fft.h. The kernels
// are written once in fft_kernels_body.h and instantiated for float and double here.
#include "ember_fft.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define EMBER_FFT_MAX_PASSES 64
// Odd prime factors up to this bound run as a generic O(p²) pass; a length with a larger prime
// factor runs Bluestein's algorithm, whose cost is two transforms of about 2n.
#define EMBER_FFT_MAX_GENERIC 41

// When a transform runs as n1 × n2 with blocked transposes: the mixed-radix passes stream the
// whole array through memory once per factor, and with power-of-two strides their streams
// collide in the same cache sets (2^21 points took 3x longer than 2,025,000). From 2^18
// points on, the four-step form is used for every length, since its column and row blocks
// also spread over threads. EMBER_FFT_BLOCK columns or rows move per block.
#define EMBER_FFT_FOUR_STEP 16384
#define EMBER_FFT_FOUR_STEP_ANY 262144
#define EMBER_FFT_BLOCK 16
static int ember_fft_use_four_step(int64_t n) {
    return n >= EMBER_FFT_FOUR_STEP_ANY || (n >= EMBER_FFT_FOUR_STEP && n % 1024 == 0);
}

static ember_fft_parallel_fn ember_fft_parallel_hook = NULL;

void ember_fft_set_parallel(ember_fft_parallel_fn fn) { ember_fft_parallel_hook = fn; }

// Runs task over [0, count), on the installed pool when `parallel` is set.
static void ember_fft_run(int64_t count, void *ctx, ember_fft_task_fn task, int parallel) {
    if (parallel && ember_fft_parallel_hook && count > 1) {
        ember_fft_parallel_hook(count, ctx, task);
    } else {
        task(ctx, 0, count);
    }
}

// The divisor of n nearest below √n, or 0 when it is below 16 (then the passes are better).
static int64_t ember_fft_split(int64_t n) {
    int64_t d = 1;
    while ((d + 1) * (d + 1) <= n) d++;
    for (; d >= 16; d--)
        if (n % d == 0) return d;
    return 0;
}

// cos(2πk/n) and sin(2πk/n) with k reduced to (−n/2, n/2] first, so the angle is small and its
// rounding error too.
static void ember_fft_sincos_2pi(int64_t k, int64_t n, double *c, double *s) {
    k %= n;
    if (k < 0) k += n;
    if (2 * k > n) k -= n;
    if (4 * k == n) { *c = 0; *s = 1; return; }
    if (4 * k == -n) { *c = 0; *s = -1; return; }
    if (2 * k == n) { *c = -1; *s = 0; return; }
    double a = 6.283185307179586476925286766559 * ((double)k / (double)n);
    *c = cos(a);
    *s = sin(a);
}

// Factors of n in pass order (8s, 4s, a 2 moved first, then odd primes), their count, or −1 when
// n has a prime factor above EMBER_FFT_MAX_GENERIC.
static int ember_fft_factorize(int64_t n, int64_t *factors) {
    int count = 0;
    while (n % 8 == 0) { factors[count++] = 8; n /= 8; }
    while (n % 4 == 0) { factors[count++] = 4; n /= 4; }
    if (n % 2 == 0) {
        n /= 2;
        factors[count++] = 2;
        int64_t t = factors[0]; factors[0] = factors[count - 1]; factors[count - 1] = t;
    }
    for (int64_t p = 3; p * p <= n; p += 2) {
        while (n % p == 0) {
            if (p > EMBER_FFT_MAX_GENERIC) return -1;
            factors[count++] = p;
            n /= p;
        }
    }
    if (n > 1) {
        if (n > EMBER_FFT_MAX_GENERIC) return -1;
        factors[count++] = n;
    }
    return count;
}

// The smallest 2^a·3^b·5^c >= n.
static int64_t ember_fft_good_size(int64_t n) {
    if (n <= 1) return 1;
    int64_t best = 1;
    while (best < n) best *= 2;
    for (int64_t f5 = 1; f5 < best; f5 *= 5)
        for (int64_t f35 = f5; f35 < best; f35 *= 3) {
            int64_t x = f35;
            while (x < n) x *= 2;
            if (x < best) best = x;
        }
    return best;
}

#define REAL float
#define SUF f32
#include "fft_kernels_body.h"
#undef REAL
#undef SUF

#define REAL double
#define SUF f64
#include "fft_kernels_body.h"
#undef REAL
#undef SUF
