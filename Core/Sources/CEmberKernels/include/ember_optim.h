#ifndef EMBER_OPTIM_H
#define EMBER_OPTIM_H
// Fused optimizer steps (optim_kernels.c) over contiguous float32/float64 buffers of n
// elements. Each kernel performs PyTorch's single-tensor (foreach=False) update op by op, in
// the same order and with the same roundings: an op PyTorch's CPU kernels compute with a fused
// multiply-add (add with alpha, addcmul, lerp) uses one here, the others (mul, div, addcdiv,
// sqrt) round after each operation. Scalars arrive as the doubles Python computes
// (1 - beta1, lr / bias_correction1, ...) and are rounded to the element type once, as
// PyTorch's scalar arguments are.
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// torch.optim.SGD. `momentum_buffer` may be NULL when momentum is 0. `init_buffer`: the
/// buffer does not exist yet and is set to the (decayed) gradient (PyTorch's first step).
typedef struct {
    double weight_decay;
    double momentum;
    /// 1 - dampening.
    double dampening_complement;
    /// -lr.
    double neg_lr;
    int32_t nesterov;
    int32_t maximize;
    int32_t init_buffer;
} EmberSGDArgs;

/// torch.optim.Adam / AdamW (decoupled weight decay). `max_exp_avg_sq` is used when amsgrad.
typedef struct {
    double weight_decay;
    int32_t decoupled_weight_decay;
    /// 1 - lr * weight_decay (the decoupled decay factor).
    double decay_factor;
    /// 1 - beta1 (lerp weight of exp_avg).
    double beta1_complement;
    double beta2;
    /// 1 - beta2.
    double beta2_complement;
    /// (1 - beta2^step)^0.5.
    double bias_correction2_sqrt;
    double eps;
    /// -lr / (1 - beta1^step).
    double neg_step_size;
    int32_t amsgrad;
    int32_t maximize;
} EmberAdamArgs;

/// torch.optim.RMSprop. `grad_avg` is used when centered, `momentum_buffer` when momentum > 0.
typedef struct {
    double weight_decay;
    double alpha;
    /// 1 - alpha.
    double alpha_complement;
    double eps;
    double momentum;
    /// -lr.
    double neg_lr;
    int32_t centered;
    int32_t maximize;
} EmberRMSpropArgs;

/// torch.optim.Adagrad.
typedef struct {
    double weight_decay;
    double eps;
    /// -lr / (1 + (step - 1) * lr_decay).
    double neg_clr;
    int32_t maximize;
} EmberAdagradArgs;

void ember_sgd_f32(float *param, const float *grad, float *momentum_buffer, int64_t n, EmberSGDArgs args);
void ember_sgd_f64(double *param, const double *grad, double *momentum_buffer, int64_t n, EmberSGDArgs args);
void ember_adam_f32(float *param, const float *grad, float *exp_avg, float *exp_avg_sq, float *max_exp_avg_sq,
                    int64_t n, EmberAdamArgs args);
void ember_adam_f64(double *param, const double *grad, double *exp_avg, double *exp_avg_sq,
                    double *max_exp_avg_sq, int64_t n, EmberAdamArgs args);
void ember_rmsprop_f32(float *param, const float *grad, float *square_avg, float *grad_avg, float *momentum_buffer,
                       int64_t n, EmberRMSpropArgs args);
void ember_rmsprop_f64(double *param, const double *grad, double *square_avg, double *grad_avg,
                       double *momentum_buffer, int64_t n, EmberRMSpropArgs args);
void ember_adagrad_f32(float *param, const float *grad, float *sum, int64_t n, EmberAdagradArgs args);
void ember_adagrad_f64(double *param, const double *grad, double *sum, int64_t n, EmberAdagradArgs args);

/// Partial vector norms of n contiguous elements, accumulated in double in a fixed order (the
/// same result for any thread count when callers split at fixed offsets): kind 0 gives the sum
/// of squares, 1 the sum of magnitudes, 2 the largest magnitude (NaN when an element is NaN).
double ember_norm_partial_f32(const float *x, int64_t n, int32_t kind);
double ember_norm_partial_f64(const double *x, int64_t n, int32_t kind);

/// x[i] *= c for n contiguous elements (gradient clipping's scale).
void ember_scale_f32(float *x, int64_t n, float c);
void ember_scale_f64(double *x, int64_t n, double c);

#ifdef __cplusplus
}
#endif
#endif
