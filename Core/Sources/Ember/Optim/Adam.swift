import CEmberKernels
import Foundation

/// Adam (`torch.optim.Adam`, its single-tensor algorithm), with AMSGrad, maximisation, and
/// L2 or decoupled weight decay:
///
///     g = ∇ (−∇ when maximize) [+ weightDecay·θ]        θ = θ·(1 − lr·weightDecay) when decoupled
///     m = lerp(m, g, 1 − β₁)        v = β₂·v + (1 − β₂)·g²        v̂ = max(v̂, v) with amsgrad
///     θ = θ − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + eps)
public final class Adam: OptimizerBase<Adam.Options, Adam.State> {
    /// Adam's and AdamW's options; AdamW is Adam with `decoupledWeightDecay` (as in PyTorch).
    public struct Options: OptimizerOptions {
        public var lr: Double
        public var betas: (Double, Double)
        public var eps: Double
        public var weightDecay: Double
        public var amsgrad: Bool
        public var maximize: Bool
        /// Decays the parameters directly (AdamW) instead of adding weightDecay·θ to the gradient.
        public var decoupledWeightDecay: Bool

        public init(
            lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8, weightDecay: Double = 0,
            amsgrad: Bool = false, maximize: Bool = false, decoupledWeightDecay: Bool = false
        ) {
            self.lr = lr
            self.betas = betas
            self.eps = eps
            self.weightDecay = weightDecay
            self.amsgrad = amsgrad
            self.maximize = maximize
            self.decoupledWeightDecay = decoupledWeightDecay
        }

        public var cyclicMomentum: Double? {
            get { betas.0 }
            set { if let newValue { betas.0 = newValue } }
        }

        public func validate() {
            precondition(lr >= 0, "Invalid learning rate: \(lr)")
            precondition(eps >= 0, "Invalid epsilon value: \(eps)")
            precondition(betas.0 >= 0 && betas.0 < 1, "Invalid beta parameter at index 0: \(betas.0)")
            precondition(betas.1 >= 0 && betas.1 < 1, "Invalid beta parameter at index 1: \(betas.1)")
            precondition(weightDecay >= 0, "Invalid weight_decay value: \(weightDecay)")
        }

        public func stateDictEntries() -> [(String, PickleValue)] {
            [
                ("lr", .float(lr)), ("betas", .tuple([.float(betas.0), .float(betas.1)])), ("eps", .float(eps)),
                ("weight_decay", .float(weightDecay)), ("amsgrad", .bool(amsgrad)), ("maximize", .bool(maximize)),
                ("foreach", .none), ("capturable", .bool(false)), ("differentiable", .bool(false)), ("fused", .none),
                ("decoupled_weight_decay", .bool(decoupledWeightDecay)),
            ]
        }

        public mutating func load(_ entries: [String: PickleValue]) throws {
            lr = try entries.optimDouble("lr") ?? lr
            betas = try entries.optimPair("betas") ?? betas
            eps = try entries.optimDouble("eps") ?? eps
            weightDecay = try entries.optimDouble("weight_decay") ?? weightDecay
            amsgrad = try entries.optimBool("amsgrad") ?? amsgrad
            maximize = try entries.optimBool("maximize") ?? maximize
            decoupledWeightDecay = try entries.optimBool("decoupled_weight_decay") ?? decoupledWeightDecay
        }
    }

    /// The step count and the moment estimates (`step`, `exp_avg`, `exp_avg_sq`, and
    /// `max_exp_avg_sq` with AMSGrad).
    public struct State: OptimizerParameterState {
        public internal(set) var step: Double
        public internal(set) var expAvg: Tensor
        public internal(set) var expAvgSq: Tensor
        public internal(set) var maxExpAvgSq: Tensor?

        public init(for param: Tensor, options: Options) {
            step = 0
            expAvg = Tensor.zeros(param.shape, dtype: param.dtype)
            expAvgSq = Tensor.zeros(param.shape, dtype: param.dtype)
            maxExpAvgSq = options.amsgrad ? Tensor.zeros(param.shape, dtype: param.dtype) : nil
        }

        public mutating func update(_ param: Tensor, grad: Tensor, options o: Options) {
            step = incrementedStep(step)
            // AMSGrad switched on after the first step: start its maximum from zero.
            if o.amsgrad && maxExpAvgSq == nil { maxExpAvgSq = Tensor.zeros(param.shape, dtype: param.dtype) }
            let biasCorrection1 = 1 - pow(o.betas.0, step)
            let biasCorrection2 = 1 - pow(o.betas.1, step)
            let stepSize = o.lr / biasCorrection1
            let args = EmberAdamArgs(
                weight_decay: o.weightDecay, decoupled_weight_decay: o.decoupledWeightDecay ? 1 : 0,
                decay_factor: 1 - o.lr * o.weightDecay, beta1_complement: 1 - o.betas.0, beta2: o.betas.1,
                beta2_complement: 1 - o.betas.1, bias_correction2_sqrt: pow(biasCorrection2, 0.5), eps: o.eps,
                neg_step_size: -stepSize, amsgrad: o.amsgrad ? 1 : 0, maximize: o.maximize ? 1 : 0)
            FusedStep.run(
                o.decoupledWeightDecay ? "AdamW" : "Adam", param: param, grad: grad, states: expAvg, expAvgSq,
                o.amsgrad ? maxExpAvgSq : nil,
                f32: { p, g, m, v, vmax, n in ember_adam_f32(p, g, m, v, vmax, n, args) },
                f64: { p, g, m, v, vmax, n in ember_adam_f64(p, g, m, v, vmax, n, args) })
        }

        public var stateDictEntries: [(String, Tensor)] {
            var entries = [("step", stepTensor(step)), ("exp_avg", expAvg), ("exp_avg_sq", expAvgSq)]
            if let maxExpAvgSq { entries.append(("max_exp_avg_sq", maxExpAvgSq)) }
            return entries
        }

        public init(stateDictEntries entries: [String: Tensor], for param: Tensor, options: Options) throws {
            step = try Self.loadedStep(entries, context: "Adam state")
            expAvg = try Self.loaded("exp_avg", entries, context: "Adam state")
            expAvgSq = try Self.loaded("exp_avg_sq", entries, context: "Adam state")
            maxExpAvgSq = entries["max_exp_avg_sq"]
            if options.amsgrad && maxExpAvgSq == nil { throw OptimizerStateError.missingKey("max_exp_avg_sq", context: "Adam state (amsgrad)") }
        }
    }

    /// `torch.optim.Adam(params, lr, betas, eps, weight_decay, amsgrad, maximize=, decoupled_weight_decay=)`.
    public convenience init(
        _ params: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
        weightDecay: Double = 0, amsgrad: Bool = false, maximize: Bool = false, decoupledWeightDecay: Bool = false
    ) {
        let options = Options(
            lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad, maximize: maximize,
            decoupledWeightDecay: decoupledWeightDecay)
        self.init(groups: [ParamGroup(params, options: options)], defaults: options)
    }

    /// An optimizer over several groups, each with its own options.
    public convenience init(groups: [ParamGroup<Options>]) {
        self.init(groups: groups, defaults: Options())
    }
}

/// AdamW: Adam with decoupled weight decay (`torch.optim.AdamW`): the parameters shrink by
/// lr·weightDecay each step instead of the decay entering the moment estimates. Its groups
/// use `Adam.Options` with `decoupledWeightDecay` set; the default weight decay is 1e-2.
public final class AdamW: OptimizerBase<Adam.Options, Adam.State> {
    /// `torch.optim.AdamW(params, lr, betas, eps, weight_decay, amsgrad, maximize=)`.
    public convenience init(
        _ params: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
        weightDecay: Double = 1e-2, amsgrad: Bool = false, maximize: Bool = false
    ) {
        let options = Adam.Options(
            lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad, maximize: maximize,
            decoupledWeightDecay: true)
        self.init(groups: [ParamGroup(params, options: options)], defaults: options)
    }

    /// An optimizer over several groups; each group's `decoupledWeightDecay` is set.
    public convenience init(groups: [ParamGroup<Adam.Options>]) {
        let decoupled = groups.map { group -> ParamGroup<Adam.Options> in
            var group = group
            group.options.decoupledWeightDecay = true
            return group
        }
        self.init(groups: decoupled, defaults: Adam.Options(weightDecay: 1e-2, decoupledWeightDecay: true))
    }

    /// Loads as Adam does, then keeps every group decoupled (PyTorch's AdamW does the same).
    public override func loadStateDict(_ stateDict: OptimizerStateDict) throws {
        try super.loadStateDict(stateDict)
        for i in paramGroups.indices { paramGroups[i].options.decoupledWeightDecay = true }
    }
}
