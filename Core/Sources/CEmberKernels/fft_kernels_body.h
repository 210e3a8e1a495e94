// The FFT kernels for one element type; fft_kernels.c includes this file twice, with
// REAL = float / SUF = f32 and REAL = double / SUF = f64. See include/ember_fft.h.
//
// Layout of a pass (FFTPACK's autosort form): with l1 the product of the factors already done,
// p the current factor and ido = n / (l1·p), the input is read as cc[i + ido·(j + p·k)] and the
// output written as ch[i + ido·(k + l1·m)] for i < ido, j, m < p, k < l1:
//     ch(i, k, m) = w^(i·m·l1) · Σ_j cc(i, j, k)·ω_p^(j·m),   w = exp(∓2πi/n), ω_p = exp(∓2πi/p).
// After the last pass the output is in natural order, so no bit reversal is needed. The inner
// loop runs over i (contiguous); the ido == 1 passes run over k.

#define EMBER_CAT_(a, b) a##b
#define EMBER_CAT(a, b) EMBER_CAT_(a, b)
#define FN(name) EMBER_CAT(name, SUF)
#define cpx FN(ember_fft_cpx_)
#define plan_t FN(ember_fft_plan_)
#define rplan_t FN(ember_fft_rplan_)

typedef struct {
    REAL r, i;
} cpx;

struct plan_t {
    int64_t n;
    int npass;
    int64_t factor[EMBER_FFT_MAX_PASSES];
    cpx *twiddle[EMBER_FFT_MAX_PASSES]; // (p - 1)·ido per pass: w^(i·m·l1) for m >= 1
    cpx *roots[EMBER_FFT_MAX_PASSES];   // generic radix only: ω_p^q, q < p
    // Bluestein (bluestein_m > 0): chirp[k] = exp(-iπk²/n), kernel = FFT_m(conj chirp, circular) / m.
    int64_t bluestein_m;
    struct plan_t *sub;
    cpx *chirp;
    cpx *kernel;
    // Four-step (n1 > 0): n = n1·n2; n2 transforms of n1 down the columns of x read as n1×n2,
    // twiddles w^(j2·k1) = lo[j2 % J][k1]·hi[j2 / J][k1], then n1 transforms of n2 along rows.
    int64_t n1, n2, split;
    struct plan_t *p1, *p2;
    cpx *tw_lo, *tw_hi;
};

struct rplan_t {
    int64_t n;
    struct plan_t *cplan;  // n/2 for even n, n for odd n
    cpx *twiddle;          // even n: exp(-2πik/n), k < n/2
};

// (a + ib)·(c + s·id) for a sign s = ±1: the twiddle of the forward direction, conjugated for
// the inverse one.
#define CMUL_TW(out, x, w, s)                          \
    do {                                               \
        REAL wr_ = (w).r, wi_ = (s) * (w).i;           \
        REAL xr_ = (x).r, xi_ = (x).i;                 \
        (out).r = xr_ * wr_ - xi_ * wi_;               \
        (out).i = xr_ * wi_ + xi_ * wr_;               \
    } while (0)

// s = -1 for the forward transform (the sign of the exponent), +1 for the inverse.

static void FN(pass2_)(int64_t ido, int64_t l1, const cpx *restrict cc, cpx *restrict ch, const cpx *restrict tw,
                       REAL s) {
    for (int64_t k = 0; k < l1; k++) {
        const cpx *c0 = cc + ido * (2 * k), *c1 = c0 + ido;
        cpx *h0 = ch + ido * k, *h1 = h0 + ido * l1;
        if (ido == 1) {
            h0[0].r = c0[0].r + c1[0].r;
            h0[0].i = c0[0].i + c1[0].i;
            h1[0].r = c0[0].r - c1[0].r;
            h1[0].i = c0[0].i - c1[0].i;
            continue;
        }
        for (int64_t i = 0; i < ido; i++) {
            cpx a = c0[i], b = c1[i], t;
            h0[i].r = a.r + b.r;
            h0[i].i = a.i + b.i;
            t.r = a.r - b.r;
            t.i = a.i - b.i;
            CMUL_TW(h1[i], t, tw[i], -s);
        }
    }
}

static void FN(pass3_)(int64_t ido, int64_t l1, const cpx *restrict cc, cpx *restrict ch, const cpx *restrict tw,
                       REAL s) {
    const REAL c = (REAL)-0.5, d = s * (REAL)0.86602540378443864676372317075294;
    for (int64_t k = 0; k < l1; k++) {
        const cpx *c0 = cc + ido * (3 * k), *c1 = c0 + ido, *c2 = c1 + ido;
        cpx *h0 = ch + ido * k, *h1 = h0 + ido * l1, *h2 = h1 + ido * l1;
        for (int64_t i = 0; i < ido; i++) {
            cpx a0 = c0[i], a1 = c1[i], a2 = c2[i];
            REAL tr = a1.r + a2.r, ti = a1.i + a2.i;
            REAL ur = a0.r + c * tr, ui = a0.i + c * ti;
            REAL vr = -d * (a1.i - a2.i), vi = d * (a1.r - a2.r);
            cpx y1 = {ur + vr, ui + vi}, y2 = {ur - vr, ui - vi};
            h0[i].r = a0.r + tr;
            h0[i].i = a0.i + ti;
            if (ido == 1) {
                h1[i] = y1;
                h2[i] = y2;
            } else {
                CMUL_TW(h1[i], y1, tw[i], -s);
                CMUL_TW(h2[i], y2, tw[ido + i], -s);
            }
        }
    }
}

// The length-4 DFT with exponent sign s.
#define DFT4(y0, y1, y2, y3, a0, a1, a2, a3, s)                     \
    do {                                                            \
        REAL t0r_ = (a0).r + (a2).r, t0i_ = (a0).i + (a2).i;        \
        REAL t1r_ = (a0).r - (a2).r, t1i_ = (a0).i - (a2).i;        \
        REAL t2r_ = (a1).r + (a3).r, t2i_ = (a1).i + (a3).i;        \
        REAL t3r_ = (a1).r - (a3).r, t3i_ = (a1).i - (a3).i;        \
        /* (s·i)·t3 */                                              \
        REAL rr_ = -(s) * t3i_, ri_ = (s) * t3r_;                   \
        (y0).r = t0r_ + t2r_;                                       \
        (y0).i = t0i_ + t2i_;                                       \
        (y2).r = t0r_ - t2r_;                                       \
        (y2).i = t0i_ - t2i_;                                       \
        (y1).r = t1r_ + rr_;                                        \
        (y1).i = t1i_ + ri_;                                        \
        (y3).r = t1r_ - rr_;                                        \
        (y3).i = t1i_ - ri_;                                        \
    } while (0)

static void FN(pass4_)(int64_t ido, int64_t l1, const cpx *restrict cc, cpx *restrict ch, const cpx *restrict tw,
                       REAL s) {
    for (int64_t k = 0; k < l1; k++) {
        const cpx *c0 = cc + ido * (4 * k), *c1 = c0 + ido, *c2 = c1 + ido, *c3 = c2 + ido;
        cpx *h0 = ch + ido * k, *h1 = h0 + ido * l1, *h2 = h1 + ido * l1, *h3 = h2 + ido * l1;
        if (ido == 1) {
            DFT4(h0[0], h1[0], h2[0], h3[0], c0[0], c1[0], c2[0], c3[0], s);
            continue;
        }
        for (int64_t i = 0; i < ido; i++) {
            cpx y0, y1, y2, y3;
            DFT4(y0, y1, y2, y3, c0[i], c1[i], c2[i], c3[i], s);
            h0[i] = y0;
            CMUL_TW(h1[i], y1, tw[i], -s);
            CMUL_TW(h2[i], y2, tw[ido + i], -s);
            CMUL_TW(h3[i], y3, tw[2 * ido + i], -s);
        }
    }
}

static void FN(pass5_)(int64_t ido, int64_t l1, const cpx *restrict cc, cpx *restrict ch, const cpx *restrict tw,
                       REAL s) {
    const REAL c1 = (REAL)0.30901699437494742410229341718282, c2 = (REAL)-0.80901699437494742410229341718282;
    const REAL s1 = s * (REAL)0.95105651629515357211643933337938, s2 = s * (REAL)0.58778525229247312916870595463907;
    for (int64_t k = 0; k < l1; k++) {
        const cpx *c0 = cc + ido * (5 * k);
        cpx *h0 = ch + ido * k;
        const int64_t hs = ido * l1;
        for (int64_t i = 0; i < ido; i++) {
            cpx a0 = c0[i], a1 = c0[ido + i], a2 = c0[2 * ido + i], a3 = c0[3 * ido + i], a4 = c0[4 * ido + i];
            REAL t1r = a1.r + a4.r, t1i = a1.i + a4.i, t2r = a2.r + a3.r, t2i = a2.i + a3.i;
            REAL t3r = a1.r - a4.r, t3i = a1.i - a4.i, t4r = a2.r - a3.r, t4i = a2.i - a3.i;
            REAL e1r = a0.r + c1 * t1r + c2 * t2r, e1i = a0.i + c1 * t1i + c2 * t2i;
            REAL e2r = a0.r + c2 * t1r + c1 * t2r, e2i = a0.i + c2 * t1i + c1 * t2i;
            // i·(s1·t3 + s2·t4) and i·(s2·t3 − s1·t4)
            REAL f1r = -(s1 * t3i + s2 * t4i), f1i = s1 * t3r + s2 * t4r;
            REAL f2r = -(s2 * t3i - s1 * t4i), f2i = s2 * t3r - s1 * t4r;
            cpx y1 = {e1r + f1r, e1i + f1i}, y4 = {e1r - f1r, e1i - f1i};
            cpx y2 = {e2r + f2r, e2i + f2i}, y3 = {e2r - f2r, e2i - f2i};
            h0[i].r = a0.r + t1r + t2r;
            h0[i].i = a0.i + t1i + t2i;
            if (ido == 1) {
                h0[hs] = y1;
                h0[2 * hs] = y2;
                h0[3 * hs] = y3;
                h0[4 * hs] = y4;
            } else {
                CMUL_TW(h0[hs + i], y1, tw[i], -s);
                CMUL_TW(h0[2 * hs + i], y2, tw[ido + i], -s);
                CMUL_TW(h0[3 * hs + i], y3, tw[2 * ido + i], -s);
                CMUL_TW(h0[4 * hs + i], y4, tw[3 * ido + i], -s);
            }
        }
    }
}

static void FN(pass8_)(int64_t ido, int64_t l1, const cpx *restrict cc, cpx *restrict ch, const cpx *restrict tw,
                       REAL s) {
    const REAL h = (REAL)0.70710678118654752440084436210485;
    const int64_t hs = ido * l1;
    for (int64_t k = 0; k < l1; k++) {
        const cpx *c0 = cc + ido * (8 * k);
        cpx *h0 = ch + ido * k;
        for (int64_t i = 0; i < ido; i++) {
            cpx e0, e1, e2, e3, o0, o1, o2, o3;
            DFT4(e0, e1, e2, e3, c0[i], c0[2 * ido + i], c0[4 * ido + i], c0[6 * ido + i], s);
            DFT4(o0, o1, o2, o3, c0[ido + i], c0[3 * ido + i], c0[5 * ido + i], c0[7 * ido + i], s);
            // o_q·ω8^(s·q): ω8^s = h(1 + s·i), ω8^(2s) = s·i, ω8^(3s) = h(−1 + s·i)
            cpx r1 = {h * (o1.r - s * o1.i), h * (s * o1.r + o1.i)};
            cpx r2 = {-s * o2.i, s * o2.r};
            cpx r3 = {-h * (o3.r + s * o3.i), h * (s * o3.r - o3.i)};
            cpx y[8] = {
                {e0.r + o0.r, e0.i + o0.i}, {e1.r + r1.r, e1.i + r1.i}, {e2.r + r2.r, e2.i + r2.i},
                {e3.r + r3.r, e3.i + r3.i}, {e0.r - o0.r, e0.i - o0.i}, {e1.r - r1.r, e1.i - r1.i},
                {e2.r - r2.r, e2.i - r2.i}, {e3.r - r3.r, e3.i - r3.i},
            };
            h0[i] = y[0];
            if (ido == 1) {
                for (int m = 1; m < 8; m++) h0[m * hs] = y[m];
            } else {
                for (int m = 1; m < 8; m++) CMUL_TW(h0[m * hs + i], y[m], tw[(m - 1) * ido + i], -s);
            }
        }
    }
}

// Any odd radix p <= EMBER_FFT_MAX_GENERIC: the DFT of length p by definition (p² work).
static void FN(passg_)(int64_t ido, int64_t l1, int64_t p, const cpx *restrict cc, cpx *restrict ch,
                       const cpx *restrict tw, const cpx *restrict roots, REAL s) {
    cpx a[EMBER_FFT_MAX_GENERIC];
    const int64_t hs = ido * l1;
    for (int64_t k = 0; k < l1; k++) {
        const cpx *c0 = cc + ido * (p * k);
        cpx *h0 = ch + ido * k;
        for (int64_t i = 0; i < ido; i++) {
            for (int64_t j = 0; j < p; j++) a[j] = c0[j * ido + i];
            for (int64_t m = 0; m < p; m++) {
                REAL yr = 0, yi = 0;
                int64_t q = 0;
                for (int64_t j = 0; j < p; j++) {
                    REAL wr = roots[q].r, wi = -s * roots[q].i;
                    yr += a[j].r * wr - a[j].i * wi;
                    yi += a[j].r * wi + a[j].i * wr;
                    q += m;
                    if (q >= p) q -= p;
                }
                cpx y = {yr, yi};
                if (m == 0 || ido == 1) {
                    h0[m * hs + i] = y;
                } else {
                    CMUL_TW(h0[m * hs + i], y, tw[(m - 1) * ido + i], -s);
                }
            }
        }
    }
}

// exp(-2πi·k/n) for 0 <= k < n, in double, folded to the first octant for accuracy.
static void FN(unit_root_)(int64_t k, int64_t n, cpx *out) {
    double c, sn;
    ember_fft_sincos_2pi(k, n, &c, &sn);
    out->r = (REAL)c;
    out->i = (REAL)-sn;
}

static void FN(plan_free_)(struct plan_t *p) {
    if (!p) return;
    for (int s = 0; s < p->npass; s++) {
        free(p->twiddle[s]);
        free(p->roots[s]);
    }
    if (p->sub) FN(plan_free_)(p->sub);
    if (p->p1) FN(plan_free_)(p->p1);
    if (p->p2) FN(plan_free_)(p->p2);
    free(p->tw_lo);
    free(p->tw_hi);
    free(p->chirp);
    free(p->kernel);
    free(p);
}

static int FN(cfft_exec_)(const struct plan_t *p, const cpx *in, cpx *out, cpx *scratch, REAL s, REAL scale,
                         int par);

static struct plan_t *FN(plan_new_)(int64_t n) {
    struct plan_t *p = calloc(1, sizeof(struct plan_t));
    if (!p) return NULL;
    p->n = n;
    int64_t factors[EMBER_FFT_MAX_PASSES];
    int count = ember_fft_factorize(n, factors);
    if (count < 0) {
        // Bluestein: the length-n DFT as a circular convolution of length m >= 2n − 1.
        int64_t m = ember_fft_good_size(2 * n - 1);
        p->bluestein_m = m;
        p->sub = FN(plan_new_)(m);
        p->chirp = malloc(sizeof(cpx) * n);
        p->kernel = malloc(sizeof(cpx) * m);
        cpx *tmp = malloc(sizeof(cpx) * m);
        cpx *scratch = malloc(sizeof(cpx) * 2 * m);
        if (!p->sub || !p->chirp || !p->kernel || !tmp || !scratch) {
            free(tmp);
            free(scratch);
            FN(plan_free_)(p);
            return NULL;
        }
        for (int64_t k = 0; k < n; k++) {
            // exp(-iπk²/n) = exp(-2πi·(k² mod 2n) / 2n)
            int64_t q = (int64_t)(((unsigned __int128)k * (unsigned __int128)k) % (unsigned __int128)(2 * n));
            FN(unit_root_)(q, 2 * n, &p->chirp[k]);
        }
        for (int64_t k = 0; k < m; k++) tmp[k].r = tmp[k].i = 0;
        for (int64_t k = 0; k < n; k++) {
            cpx c = {p->chirp[k].r, -p->chirp[k].i};
            tmp[k] = c;
            if (k > 0) tmp[m - k] = c;
        }
        FN(cfft_exec_)(p->sub, tmp, p->kernel, scratch, -1, (REAL)(1.0 / (double)m), 1);
        free(tmp);
        free(scratch);
        return p;
    }
    int64_t n1 = ember_fft_use_four_step(n) ? ember_fft_split(n) : 0;
    if (n1 > 0) {
        int64_t n2 = n / n1, J = 1;
        while (J * J < n2) J++;
        int64_t hi_rows = (n2 + J - 1) / J;
        p->n1 = n1;
        p->n2 = n2;
        p->split = J;
        p->p1 = FN(plan_new_)(n1);
        p->p2 = FN(plan_new_)(n2);
        p->tw_lo = malloc(sizeof(cpx) * (size_t)(J * n1));
        p->tw_hi = malloc(sizeof(cpx) * (size_t)(hi_rows * n1));
        if (!p->p1 || !p->p2 || !p->tw_lo || !p->tw_hi) {
            FN(plan_free_)(p);
            return NULL;
        }
        for (int64_t a = 0; a < J; a++)
            for (int64_t k = 0; k < n1; k++) FN(unit_root_)((a * k) % n, n, &p->tw_lo[a * n1 + k]);
        for (int64_t b = 0; b < hi_rows; b++)
            for (int64_t k = 0; k < n1; k++) FN(unit_root_)(((J * b) % n) * k % n, n, &p->tw_hi[b * n1 + k]);
        return p;
    }
    p->npass = count;
    int64_t l1 = 1;
    for (int s = 0; s < count; s++) {
        int64_t f = factors[s], ido = n / (l1 * f);
        p->factor[s] = f;
        if (ido > 1) {
            p->twiddle[s] = malloc(sizeof(cpx) * (size_t)((f - 1) * ido));
            if (!p->twiddle[s]) {
                FN(plan_free_)(p);
                return NULL;
            }
            for (int64_t m = 1; m < f; m++)
                for (int64_t i = 0; i < ido; i++)
                    FN(unit_root_)((i * m * l1) % n, n, &p->twiddle[s][(m - 1) * ido + i]);
        }
        if (f != 2 && f != 3 && f != 4 && f != 5 && f != 8) {
            p->roots[s] = malloc(sizeof(cpx) * (size_t)f);
            if (!p->roots[s]) {
                FN(plan_free_)(p);
                return NULL;
            }
            for (int64_t q = 0; q < f; q++) FN(unit_root_)(q, f, &p->roots[s][q]);
        }
        l1 *= f;
    }
    return p;
}

// Complex numbers of scratch that cfft_exec_ needs.
static int64_t FN(scratch_size_)(const struct plan_t *p) {
    if (p->bluestein_m > 0) return p->bluestein_m + FN(scratch_size_)(p->sub);
    if (p->n1 > 0) return p->n;  // the n1×n2 intermediate; tasks allocate their own buffers
    return 2 * p->n;
}

// MARK: Four-step transforms

typedef struct {
    const struct plan_t *p;
    const cpx *in;
    cpx *out, *mid;
    REAL s, scale;
} FN(four_step_ctx_);

// Column blocks [begin, end) of EMBER_FFT_BLOCK columns: gather, transform, twiddle, store in mid.
static void FN(four_step_columns_)(void *context, int64_t begin, int64_t end) {
    const FN(four_step_ctx_) *c = context;
    const struct plan_t *p = c->p;
    const int64_t n1 = p->n1, n2 = p->n2, B = EMBER_FFT_BLOCK;
    const int64_t sub = FN(scratch_size_)(p->p1);
    cpx *buf = malloc(sizeof(cpx) * (size_t)(B * n1 + sub));
    if (!buf) abort();
    cpx *work = buf + B * n1;
    for (int64_t blk = begin; blk < end; blk++) {
        int64_t c0 = blk * B, w = n2 - c0 < B ? n2 - c0 : B;
        for (int64_t j1 = 0; j1 < n1; j1++) {
            const cpx *row = c->in + n2 * j1 + c0;
            for (int64_t b = 0; b < w; b++) buf[b * n1 + j1] = row[b];
        }
        for (int64_t b = 0; b < w; b++) FN(cfft_exec_)(p->p1, buf + b * n1, buf + b * n1, work, c->s, 1, 0);
        for (int64_t b = 0; b < w; b++) {
            int64_t j2 = c0 + b;
            const cpx *lo = p->tw_lo + (j2 % p->split) * n1, *hi = p->tw_hi + (j2 / p->split) * n1;
            cpx *col = buf + b * n1;
            for (int64_t k1 = 0; k1 < n1; k1++) {
                cpx t = {lo[k1].r * hi[k1].r - lo[k1].i * hi[k1].i, lo[k1].r * hi[k1].i + lo[k1].i * hi[k1].r};
                cpx y = col[k1];
                CMUL_TW(col[k1], y, t, -c->s);
            }
        }
        for (int64_t k1 = 0; k1 < n1; k1++) {
            cpx *dst = c->mid + k1 * n2 + c0;
            for (int64_t b = 0; b < w; b++) dst[b] = buf[b * n1 + k1];
        }
    }
    free(buf);
}

// Row blocks [begin, end): transform rows of mid, write them out transposed (k1 + n1·k2), scaled.
static void FN(four_step_rows_)(void *context, int64_t begin, int64_t end) {
    const FN(four_step_ctx_) *c = context;
    const struct plan_t *p = c->p;
    const int64_t n1 = p->n1, n2 = p->n2, B = EMBER_FFT_BLOCK;
    const int64_t sub = FN(scratch_size_)(p->p2);
    cpx *buf = malloc(sizeof(cpx) * (size_t)(B * n2 + sub));
    if (!buf) abort();
    cpx *work = buf + B * n2;
    const REAL scale = c->scale;
    for (int64_t blk = begin; blk < end; blk++) {
        int64_t r0 = blk * B, w = n1 - r0 < B ? n1 - r0 : B;
        for (int64_t b = 0; b < w; b++) FN(cfft_exec_)(p->p2, c->mid + (r0 + b) * n2, buf + b * n2, work, c->s, 1, 0);
        for (int64_t k2 = 0; k2 < n2; k2++) {
            cpx *dst = c->out + r0 + n1 * k2;
            for (int64_t b = 0; b < w; b++) {
                dst[b].r = scale * buf[b * n2 + k2].r;
                dst[b].i = scale * buf[b * n2 + k2].i;
            }
        }
    }
    free(buf);
}

static void FN(run_pass_)(const struct plan_t *p, int s, int64_t l1, const cpx *src, cpx *dst, REAL sign) {
    int64_t f = p->factor[s], ido = p->n / (l1 * f);
    const cpx *tw = p->twiddle[s];
    switch (f) {
    case 2: FN(pass2_)(ido, l1, src, dst, tw, sign); break;
    case 3: FN(pass3_)(ido, l1, src, dst, tw, sign); break;
    case 4: FN(pass4_)(ido, l1, src, dst, tw, sign); break;
    case 5: FN(pass5_)(ido, l1, src, dst, tw, sign); break;
    case 8: FN(pass8_)(ido, l1, src, dst, tw, sign); break;
    default: FN(passg_)(ido, l1, f, src, dst, tw, p->roots[s], sign); break;
    }
}

// One transform of p->n numbers; `in` may equal `out`; scratch holds scratch_size_ numbers.
static int FN(cfft_exec_)(const struct plan_t *p, const cpx *in, cpx *out, cpx *scratch, REAL s, REAL scale,
                         int par) {
    const int64_t n = p->n;
    if (p->n1 > 0) {
        FN(four_step_ctx_) c = {p, in, out, scratch, s, scale};
        const int64_t B = EMBER_FFT_BLOCK;
        ember_fft_run((p->n2 + B - 1) / B, &c, FN(four_step_columns_), par);
        ember_fft_run((p->n1 + B - 1) / B, &c, FN(four_step_rows_), par);
        return 0;
    }
    if (p->bluestein_m > 0) {
        const int64_t m = p->bluestein_m;
        cpx *a = scratch, *sub_scratch = scratch + m;
        // The inverse transform is conj(F(conj x)): conjugate on the way in and out.
        for (int64_t k = 0; k < n; k++) {
            cpx x = {in[k].r, (s > 0) ? -in[k].i : in[k].i};
            CMUL_TW(a[k], x, p->chirp[k], (REAL)1);
        }
        for (int64_t k = n; k < m; k++) a[k].r = a[k].i = 0;
        FN(cfft_exec_)(p->sub, a, a, sub_scratch, -1, 1, par);
        for (int64_t k = 0; k < m; k++) {
            cpx t = a[k];
            CMUL_TW(a[k], t, p->kernel[k], (REAL)1);
        }
        FN(cfft_exec_)(p->sub, a, a, sub_scratch, 1, 1, par);
        for (int64_t k = 0; k < n; k++) {
            cpx y;
            CMUL_TW(y, a[k], p->chirp[k], (REAL)1);
            out[k].r = scale * y.r;
            out[k].i = (s > 0) ? -scale * y.i : scale * y.i;
        }
        return 0;
    }
    if (p->npass == 0) {
        out[0].r = scale * in[0].r;
        out[0].i = scale * in[0].i;
        return 0;
    }
    cpx *tmp[2] = {scratch, scratch + n};
    const cpx *src = in;
    int64_t l1 = 1;
    for (int st = 0; st < p->npass; st++) {
        cpx *dst = (st == p->npass - 1 && src != out) ? out : tmp[st & 1];
        if (dst == src) dst = tmp[(st + 1) & 1];
        FN(run_pass_)(p, st, l1, src, dst, s);
        l1 *= p->factor[st];
        src = dst;
    }
    if (src != out) {
        for (int64_t k = 0; k < n; k++) {
            out[k].r = scale * src[k].r;
            out[k].i = scale * src[k].i;
        }
    } else if (scale != 1) {
        for (int64_t k = 0; k < n; k++) {
            out[k].r *= scale;
            out[k].i *= scale;
        }
    }
    return 0;
}

// MARK: Public complex API

struct plan_t *FN(ember_fft_plan_create_)(int64_t n) {
    if (n < 1) return NULL;
    return FN(plan_new_)(n);
}

void FN(ember_fft_plan_destroy_)(struct plan_t *plan) { FN(plan_free_)(plan); }

int FN(ember_fft_plan_is_bluestein_)(const struct plan_t *plan) { return plan->bluestein_m > 0; }

int FN(ember_fft_c2c_)(const struct plan_t *plan, const REAL *in, REAL *out, int64_t count, int inverse,
                       REAL scale, int parallel) {
    const int64_t n = plan->n;
    cpx *scratch = malloc(sizeof(cpx) * (size_t)FN(scratch_size_)(plan));
    if (!scratch) return -1;
    const REAL s = inverse ? 1 : -1;
    for (int64_t b = 0; b < count; b++)
        FN(cfft_exec_)(plan, (const cpx *)in + b * n, (cpx *)out + b * n, scratch, s, scale, parallel);
    free(scratch);
    return 0;
}

// MARK: Real transforms

struct rplan_t *FN(ember_fft_rplan_create_)(int64_t n) {
    if (n < 1) return NULL;
    struct rplan_t *p = calloc(1, sizeof(struct rplan_t));
    if (!p) return NULL;
    p->n = n;
    if (n % 2 == 0) {
        int64_t half = n / 2;
        p->cplan = FN(plan_new_)(half);
        p->twiddle = malloc(sizeof(cpx) * (size_t)half);
        if (!p->cplan || !p->twiddle) {
            FN(ember_fft_rplan_destroy_)(p);
            return NULL;
        }
        for (int64_t k = 0; k < half; k++) FN(unit_root_)(k, n, &p->twiddle[k]);
    } else {
        p->cplan = FN(plan_new_)(n);
        if (!p->cplan) {
            FN(ember_fft_rplan_destroy_)(p);
            return NULL;
        }
    }
    return p;
}

void FN(ember_fft_rplan_destroy_)(struct rplan_t *plan) {
    if (!plan) return;
    FN(plan_free_)(plan->cplan);
    free(plan->twiddle);
    free(plan);
}

int FN(ember_fft_r2c_)(const struct rplan_t *plan, const REAL *in, REAL *out, int64_t count, REAL scale,
                       int parallel) {
    const int64_t n = plan->n, bins = n / 2 + 1;
    const struct plan_t *cp = plan->cplan;
    int64_t extra = n % 2 == 0 ? 0 : 2 * n;
    cpx *scratch = malloc(sizeof(cpx) * (size_t)(FN(scratch_size_)(cp) + extra));
    if (!scratch) return -1;
    cpx *work = scratch + extra;
    for (int64_t b = 0; b < count; b++) {
        const REAL *x = in + b * n;
        cpx *X = (cpx *)out + b * bins;
        if (n % 2 == 1) {
            cpx *z = scratch, *Z = scratch + n;
            for (int64_t j = 0; j < n; j++) {
                z[j].r = x[j];
                z[j].i = 0;
            }
            FN(cfft_exec_)(cp, z, Z, work, -1, 1, parallel);
            for (int64_t k = 0; k < bins; k++) {
                X[k].r = scale * Z[k].r;
                X[k].i = scale * Z[k].i;
            }
            continue;
        }
        // Z = FFT_half(x[2j] + i·x[2j+1]) lands in X[0 ..< half]; untangle pairs (k, half − k)
        // in place: E = (Z_k + conj Z_(half−k)) / 2, O = (Z_k − conj Z_(half−k)) / 2i,
        // X_k = E + w^k·O.
        const int64_t half = n / 2;
        FN(cfft_exec_)(cp, (const cpx *)x, X, work, -1, 1, parallel);
        const cpx *w = plan->twiddle;
        const REAL hs = scale * (REAL)0.5;
        REAL z0r = X[0].r, z0i = X[0].i;
        X[0].r = scale * (z0r + z0i);
        X[0].i = 0;
        X[half].r = scale * (z0r - z0i);
        X[half].i = 0;
        for (int64_t k = 1, j = half - 1; k <= j; k++, j--) {
            cpx zk = X[k], zj = X[j];
            // pair k
            REAL er = zk.r + zj.r, ei = zk.i - zj.i;   // 2E_k
            REAL or_ = zk.i + zj.i, oi = zj.r - zk.r;  // 2O_k = (Z_k − conj Z_j)/i
            REAL tr = w[k].r * or_ - w[k].i * oi, ti = w[k].r * oi + w[k].i * or_;
            // pair j: E_j = conj E_k, O_j = conj O_k
            REAL ur = w[j].r * or_ + w[j].i * oi, ui = w[j].i * or_ - w[j].r * oi;
            X[k].r = hs * (er + tr);
            X[k].i = hs * (ei + ti);
            X[j].r = hs * (er + ur);
            X[j].i = hs * (-ei + ui);
        }
    }
    free(scratch);
    return 0;
}

int FN(ember_fft_c2r_)(const struct rplan_t *plan, const REAL *in, REAL *out, int64_t count, REAL scale,
                       int parallel) {
    const int64_t n = plan->n, bins = n / 2 + 1;
    const struct plan_t *cp = plan->cplan;
    int64_t extra = n % 2 == 0 ? n / 2 : 2 * n;
    cpx *scratch = malloc(sizeof(cpx) * (size_t)(FN(scratch_size_)(cp) + extra));
    if (!scratch) return -1;
    cpx *work = scratch + extra;
    for (int64_t b = 0; b < count; b++) {
        const cpx *X = (const cpx *)in + b * bins;
        REAL *x = out + b * n;
        if (n % 2 == 1) {
            cpx *Z = scratch, *z = scratch + n;
            Z[0].r = X[0].r;
            Z[0].i = 0;
            for (int64_t k = 1; k < bins; k++) {
                Z[k] = X[k];
                Z[n - k].r = X[k].r;
                Z[n - k].i = -X[k].i;
            }
            FN(cfft_exec_)(cp, Z, z, work, 1, 1, parallel);
            for (int64_t j = 0; j < n; j++) x[j] = scale * z[j].r;
            continue;
        }
        // Z_k = E_k + i·O_k with E_k = X_k + conj X_(half−k), O_k = (X_k − conj X_(half−k))·conj w^k;
        // the unnormalised inverse of length half then gives n·x interleaved as (x[2j], x[2j+1]).
        const int64_t half = n / 2;
        cpx *Z = scratch;
        const cpx *w = plan->twiddle;
        {
            REAL a = X[0].r, c = X[half].r;
            Z[0].r = scale * (a + c);
            Z[0].i = scale * (a - c);
        }
        for (int64_t k = 1; k < half; k++) {
            cpx xk = X[k], xj = X[half - k];
            REAL er = xk.r + xj.r, ei = xk.i - xj.i;
            REAL dr = xk.r - xj.r, di = xk.i + xj.i;
            REAL or_ = dr * w[k].r + di * w[k].i, oi = di * w[k].r - dr * w[k].i;
            Z[k].r = scale * (er - oi);
            Z[k].i = scale * (ei + or_);
        }
        FN(cfft_exec_)(cp, Z, (cpx *)x, work, 1, 1, parallel);
    }
    free(scratch);
    return 0;
}

#undef CMUL_TW
#undef DFT4
#undef FN
#undef cpx
#undef plan_t
#undef rplan_t
#undef EMBER_CAT
#undef EMBER_CAT_
