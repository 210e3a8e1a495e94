// The optimizer step bodies, included by optim_kernels.c once per element type with T (float
// or double), SFX (f32 or f64) and FMA (fmaf or fma) defined. Each body walks the tensor in
// blocks of EMBER_OPTIM_BLOCK elements and runs PyTorch's ops one after another on a block,
// so that temporaries stay in L1 and each simple loop vectorises.
#define EMBER_CAT2(a, b) a##_##b
#define EMBER_CAT(a, b) EMBER_CAT2(a, b)

// t = maximize ? -g : g, then t = t + weight_decay * p (grad.add(param, alpha=wd)).
// Returns the gradient to use: g itself when neither applies.
static inline __attribute__((always_inline)) const T *EMBER_CAT(optim_grad, SFX)(
    const T *g, const T *p, T *t, int64_t m, int maximize, double weight_decay) {
    const T *gr = g;
    if (maximize) {
        for (int64_t i = 0; i < m; i++) t[i] = -g[i];
        gr = t;
    }
    if (weight_decay != 0) {
        const T wd = (T)weight_decay;
        for (int64_t i = 0; i < m; i++) t[i] = FMA(wd, p[i], gr[i]);
        gr = t;
    }
    return gr;
}

// start.lerp_(end, weight) with PyTorch's two-sided form (exact at both ends).
static inline __attribute__((always_inline)) void EMBER_CAT(optim_lerp, SFX)(
    T *start, const T *end, int64_t m, double weight) {
    const T w = (T)weight;
    if ((w < 0 ? -w : w) < (T)0.5) {
        for (int64_t i = 0; i < m; i++) start[i] = FMA(w, end[i] - start[i], start[i]);
    } else {
        const T c = w - (T)1;
        for (int64_t i = 0; i < m; i++) start[i] = FMA(c, end[i] - start[i], end[i]);
    }
}

static inline __attribute__((always_inline)) void EMBER_CAT(sgd_body, SFX)(
    T *param, const T *grad, T *buf, int64_t n, EmberSGDArgs a) {
    const T momentum = (T)a.momentum, damp = (T)a.dampening_complement, neg_lr = (T)a.neg_lr;
    T t[EMBER_OPTIM_BLOCK];
    for (int64_t s = 0; s < n; s += EMBER_OPTIM_BLOCK) {
        const int64_t m = n - s < EMBER_OPTIM_BLOCK ? n - s : EMBER_OPTIM_BLOCK;
        T *p = param + s;
        const T *gr = EMBER_CAT(optim_grad, SFX)(grad + s, p, t, m, a.maximize, a.weight_decay);
        if (a.momentum != 0) {
            T *b = buf + s;
            if (a.init_buffer) {
                for (int64_t i = 0; i < m; i++) b[i] = gr[i];
            } else {
                // buf.mul_(momentum).add_(grad, alpha=1 - dampening)
                for (int64_t i = 0; i < m; i++) b[i] = FMA(damp, gr[i], b[i] * momentum);
            }
            if (a.nesterov) {
                for (int64_t i = 0; i < m; i++) t[i] = FMA(momentum, b[i], gr[i]);
                gr = t;
            } else {
                gr = b;
            }
        }
        for (int64_t i = 0; i < m; i++) p[i] = FMA(neg_lr, gr[i], p[i]);
    }
}

static inline __attribute__((always_inline)) void EMBER_CAT(adam_body, SFX)(
    T *param, const T *grad, T *exp_avg, T *exp_avg_sq, T *max_exp_avg_sq, int64_t n, EmberAdamArgs a) {
    const T beta2 = (T)a.beta2, c2 = (T)a.beta2_complement, bc2 = (T)a.bias_correction2_sqrt;
    const T eps = (T)a.eps, neg_step = (T)a.neg_step_size, decay = (T)a.decay_factor;
    T t[EMBER_OPTIM_BLOCK], d[EMBER_OPTIM_BLOCK];
    for (int64_t s = 0; s < n; s += EMBER_OPTIM_BLOCK) {
        const int64_t m = n - s < EMBER_OPTIM_BLOCK ? n - s : EMBER_OPTIM_BLOCK;
        T *p = param + s, *ea = exp_avg + s, *es = exp_avg_sq + s;
        const T *gr;
        if (a.decoupled_weight_decay) {
            gr = EMBER_CAT(optim_grad, SFX)(grad + s, p, t, m, a.maximize, 0);
            if (a.weight_decay != 0) {
                for (int64_t i = 0; i < m; i++) p[i] = p[i] * decay;
            }
        } else {
            gr = EMBER_CAT(optim_grad, SFX)(grad + s, p, t, m, a.maximize, a.weight_decay);
        }
        EMBER_CAT(optim_lerp, SFX)(ea, gr, m, a.beta1_complement);
        // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        for (int64_t i = 0; i < m; i++) es[i] = FMA(c2 * gr[i], gr[i], es[i] * beta2);
        const T *second = es;
        if (a.amsgrad) {
            T *mx = max_exp_avg_sq + s;
            // torch.maximum: NaN wins.
            for (int64_t i = 0; i < m; i++) {
                const T x = mx[i], y = es[i];
                mx[i] = (x != x) ? x : ((y != y) ? y : (x > y ? x : y));
            }
            second = mx;
        }
        // denom = (second.sqrt() / bias_correction2_sqrt).add_(eps)
        for (int64_t i = 0; i < m; i++) d[i] = __builtin_elementwise_sqrt(second[i]) / bc2 + eps;
        // param.addcdiv_(exp_avg, denom, value=-step_size)
        for (int64_t i = 0; i < m; i++) p[i] = p[i] + (neg_step * ea[i]) / d[i];
    }
}

static inline __attribute__((always_inline)) void EMBER_CAT(rmsprop_body, SFX)(
    T *param, const T *grad, T *square_avg, T *grad_avg, T *buf, int64_t n, EmberRMSpropArgs a) {
    const T alpha = (T)a.alpha, c = (T)a.alpha_complement, eps = (T)a.eps;
    const T momentum = (T)a.momentum, neg_lr = (T)a.neg_lr;
    T t[EMBER_OPTIM_BLOCK], d[EMBER_OPTIM_BLOCK];
    for (int64_t s = 0; s < n; s += EMBER_OPTIM_BLOCK) {
        const int64_t m = n - s < EMBER_OPTIM_BLOCK ? n - s : EMBER_OPTIM_BLOCK;
        T *p = param + s, *sa = square_avg + s;
        const T *gr = EMBER_CAT(optim_grad, SFX)(grad + s, p, t, m, a.maximize, a.weight_decay);
        // square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
        for (int64_t i = 0; i < m; i++) sa[i] = FMA(c * gr[i], gr[i], sa[i] * alpha);
        if (a.centered) {
            T *ga = grad_avg + s;
            EMBER_CAT(optim_lerp, SFX)(ga, gr, m, a.alpha_complement);
            // square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
            for (int64_t i = 0; i < m; i++) d[i] = __builtin_elementwise_sqrt(FMA(-ga[i], ga[i], sa[i]));
        } else {
            for (int64_t i = 0; i < m; i++) d[i] = __builtin_elementwise_sqrt(sa[i]);
        }
        for (int64_t i = 0; i < m; i++) d[i] = d[i] + eps;
        if (a.momentum > 0) {
            T *b = buf + s;
            // buf.mul_(momentum).addcdiv_(grad, avg); param.add_(buf, alpha=-lr)
            for (int64_t i = 0; i < m; i++) b[i] = b[i] * momentum + gr[i] / d[i];
            for (int64_t i = 0; i < m; i++) p[i] = FMA(neg_lr, b[i], p[i]);
        } else {
            // param.addcdiv_(grad, avg, value=-lr)
            for (int64_t i = 0; i < m; i++) p[i] = p[i] + (neg_lr * gr[i]) / d[i];
        }
    }
}

static inline __attribute__((always_inline)) void EMBER_CAT(adagrad_body, SFX)(
    T *param, const T *grad, T *sum, int64_t n, EmberAdagradArgs a) {
    const T eps = (T)a.eps, neg_clr = (T)a.neg_clr;
    T t[EMBER_OPTIM_BLOCK], d[EMBER_OPTIM_BLOCK];
    for (int64_t s = 0; s < n; s += EMBER_OPTIM_BLOCK) {
        const int64_t m = n - s < EMBER_OPTIM_BLOCK ? n - s : EMBER_OPTIM_BLOCK;
        T *p = param + s, *sm = sum + s;
        const T *gr = EMBER_CAT(optim_grad, SFX)(grad + s, p, t, m, a.maximize, a.weight_decay);
        // state_sum.addcmul_(grad, grad, value=1); std = state_sum.sqrt().add_(eps)
        for (int64_t i = 0; i < m; i++) sm[i] = FMA(gr[i], gr[i], sm[i]);
        for (int64_t i = 0; i < m; i++) d[i] = __builtin_elementwise_sqrt(sm[i]) + eps;
        // param.addcdiv_(grad, std, value=-clr)
        for (int64_t i = 0; i < m; i++) p[i] = p[i] + (neg_clr * gr[i]) / d[i];
    }
}

// Eight double accumulators, combined pairwise: vectorises, and is far more accurate than a
// float sum; the order depends only on n.
static inline __attribute__((always_inline)) double EMBER_CAT(norm_partial_body, SFX)(
    const T *x, int64_t n, int32_t kind) {
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t i = 0;
    if (kind == 2) {
        int nan = 0;
        for (; i + 8 <= n; i += 8) {
            for (int j = 0; j < 8; j++) {
                const double v = fabs((double)x[i + j]);
                nan |= v != v;
                acc[j] = v > acc[j] ? v : acc[j];
            }
        }
        for (; i < n; i++) {
            const double v = fabs((double)x[i]);
            nan |= v != v;
            acc[0] = v > acc[0] ? v : acc[0];
        }
        if (nan) return NAN;
        double best = acc[0];
        for (int j = 1; j < 8; j++) best = acc[j] > best ? acc[j] : best;
        return best;
    }
    if (kind == 1) {
        for (; i + 8 <= n; i += 8)
            for (int j = 0; j < 8; j++) acc[j] += fabs((double)x[i + j]);
        for (; i < n; i++) acc[0] += fabs((double)x[i]);
    } else {
        for (; i + 8 <= n; i += 8) {
            for (int j = 0; j < 8; j++) {
                const double v = (double)x[i + j];
                acc[j] += v * v;
            }
        }
        for (; i < n; i++) {
            const double v = (double)x[i];
            acc[0] += v * v;
        }
    }
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

static inline __attribute__((always_inline)) void EMBER_CAT(scale_body, SFX)(T *x, int64_t n, T c) {
    for (int64_t i = 0; i < n; i++) x[i] = x[i] * c;
}

#undef EMBER_CAT
#undef EMBER_CAT2
