import CEmberKernels

/// RMSprop (`torch.optim.RMSprop`, its single-tensor algorithm), optionally centered and with
/// momentum:
///
///     g = ∇ (−∇ when maximize) + weightDecay·θ
///     v = α·v + (1 − α)·g²        avg = √v + eps, or √(v − ḡ²) + eps with ḡ = lerp(ḡ, g, 1 − α) when centered
///     b = momentum·b + g/avg, θ = θ − lr·b      (momentum > 0)
///     θ = θ − lr·g/avg                          (otherwise)
public final class RMSprop: OptimizerBase<RMSprop.Options, RMSprop.State> {
    public struct Options: OptimizerOptions {
        public var lr: Double
        public var alpha: Double
        public var eps: Double
        public var weightDecay: Double
        public var momentum: Double
        public var centered: Bool
        public var maximize: Bool

        public init(
            lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8, weightDecay: Double = 0, momentum: Double = 0,
            centered: Bool = false, maximize: Bool = false
        ) {
            self.lr = lr
            self.alpha = alpha
            self.eps = eps
            self.weightDecay = weightDecay
            self.momentum = momentum
            self.centered = centered
            self.maximize = maximize
        }

        public var cyclicMomentum: Double? {
            get { momentum }
            set { if let newValue { momentum = newValue } }
        }

        public func validate() {
            precondition(lr >= 0, "Invalid learning rate: \(lr)")
            precondition(eps >= 0, "Invalid epsilon value: \(eps)")
            precondition(momentum >= 0, "Invalid momentum value: \(momentum)")
            precondition(weightDecay >= 0, "Invalid weight_decay value: \(weightDecay)")
            precondition(alpha >= 0, "Invalid alpha value: \(alpha)")
        }

        public func stateDictEntries() -> [(String, PickleValue)] {
            [
                ("lr", .float(lr)), ("momentum", .float(momentum)), ("alpha", .float(alpha)), ("eps", .float(eps)),
                ("centered", .bool(centered)), ("weight_decay", .float(weightDecay)), ("capturable", .bool(false)),
                ("foreach", .none), ("maximize", .bool(maximize)), ("differentiable", .bool(false)),
            ]
        }

        public mutating func load(_ entries: [String: PickleValue]) throws {
            lr = try entries.optimDouble("lr") ?? lr
            momentum = try entries.optimDouble("momentum") ?? momentum
            alpha = try entries.optimDouble("alpha") ?? alpha
            eps = try entries.optimDouble("eps") ?? eps
            centered = try entries.optimBool("centered") ?? centered
            weightDecay = try entries.optimDouble("weight_decay") ?? weightDecay
            maximize = try entries.optimBool("maximize") ?? maximize
        }
    }

    /// `step`, `square_avg`, and `momentum_buffer` (momentum > 0) and `grad_avg` (centered).
    public struct State: OptimizerParameterState {
        public internal(set) var step: Double
        public internal(set) var squareAvg: Tensor
        public internal(set) var momentumBuffer: Tensor?
        public internal(set) var gradAvg: Tensor?

        public init(for param: Tensor, options: Options) {
            step = 0
            squareAvg = Tensor.zeros(param.shape, dtype: param.dtype)
            momentumBuffer = options.momentum > 0 ? Tensor.zeros(param.shape, dtype: param.dtype) : nil
            gradAvg = options.centered ? Tensor.zeros(param.shape, dtype: param.dtype) : nil
        }

        public mutating func update(_ param: Tensor, grad: Tensor, options o: Options) {
            step = incrementedStep(step)
            // Options switched on after the first step start their buffers from zero.
            if o.momentum > 0 && momentumBuffer == nil { momentumBuffer = Tensor.zeros(param.shape, dtype: param.dtype) }
            if o.centered && gradAvg == nil { gradAvg = Tensor.zeros(param.shape, dtype: param.dtype) }
            let args = EmberRMSpropArgs(
                weight_decay: o.weightDecay, alpha: o.alpha, alpha_complement: 1 - o.alpha, eps: o.eps,
                momentum: o.momentum, neg_lr: -o.lr, centered: o.centered ? 1 : 0, maximize: o.maximize ? 1 : 0)
            FusedStep.run(
                "RMSprop", param: param, grad: grad, states: squareAvg, o.centered ? gradAvg : nil,
                o.momentum > 0 ? momentumBuffer : nil,
                f32: { p, g, sa, ga, b, n in ember_rmsprop_f32(p, g, sa, ga, b, n, args) },
                f64: { p, g, sa, ga, b, n in ember_rmsprop_f64(p, g, sa, ga, b, n, args) })
        }

        public var stateDictEntries: [(String, Tensor)] {
            var entries = [("step", stepTensor(step)), ("square_avg", squareAvg)]
            if let momentumBuffer { entries.append(("momentum_buffer", momentumBuffer)) }
            if let gradAvg { entries.append(("grad_avg", gradAvg)) }
            return entries
        }

        public init(stateDictEntries entries: [String: Tensor], for param: Tensor, options: Options) throws {
            step = try Self.loadedStep(entries, context: "RMSprop state")
            squareAvg = try Self.loaded("square_avg", entries, context: "RMSprop state")
            momentumBuffer = entries["momentum_buffer"]
            gradAvg = entries["grad_avg"]
            if options.momentum > 0 && momentumBuffer == nil {
                throw OptimizerStateError.missingKey("momentum_buffer", context: "RMSprop state (momentum > 0)")
            }
            if options.centered && gradAvg == nil {
                throw OptimizerStateError.missingKey("grad_avg", context: "RMSprop state (centered)")
            }
        }
    }

    /// `torch.optim.RMSprop(params, lr, alpha, eps, weight_decay, momentum, centered, maximize=)`.
    public convenience init(
        _ params: [Tensor], lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8, weightDecay: Double = 0,
        momentum: Double = 0, centered: Bool = false, maximize: Bool = false
    ) {
        let options = Options(
            lr: lr, alpha: alpha, eps: eps, weightDecay: weightDecay, momentum: momentum, centered: centered,
            maximize: maximize)
        self.init(groups: [ParamGroup(params, options: options)], defaults: options)
    }

    /// An optimizer over several groups, each with its own options.
    public convenience init(groups: [ParamGroup<Options>]) {
        self.init(groups: groups, defaults: Options())
    }
}
