import CEmberKernels

/// Adagrad (`torch.optim.Adagrad`, its single-tensor algorithm, dense gradients):
///
///     g = ∇ (−∇ when maximize) + weightDecay·θ
///     clr = lr / (1 + (t − 1)·lrDecay)        s = s + g²        θ = θ − clr·g / (√s + eps)
///
/// As in PyTorch, the state of every parameter is created with the optimizer (the sum starts
/// at `initialAccumulatorValue`).
public final class Adagrad: OptimizerBase<Adagrad.Options, Adagrad.State> {
    public struct Options: OptimizerOptions {
        public var lr: Double
        public var lrDecay: Double
        public var weightDecay: Double
        public var initialAccumulatorValue: Double
        public var eps: Double
        public var maximize: Bool

        public init(
            lr: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0, initialAccumulatorValue: Double = 0,
            eps: Double = 1e-10, maximize: Bool = false
        ) {
            self.lr = lr
            self.lrDecay = lrDecay
            self.weightDecay = weightDecay
            self.initialAccumulatorValue = initialAccumulatorValue
            self.eps = eps
            self.maximize = maximize
        }

        /// Adagrad has no momentum.
        public var cyclicMomentum: Double? {
            get { nil }
            set {}
        }

        public func validate() {
            precondition(lr >= 0, "Invalid learning rate: \(lr)")
            precondition(lrDecay >= 0, "Invalid lr_decay value: \(lrDecay)")
            precondition(weightDecay >= 0, "Invalid weight_decay value: \(weightDecay)")
            precondition(initialAccumulatorValue >= 0, "Invalid initial_accumulator_value value: \(initialAccumulatorValue)")
            precondition(eps >= 0, "Invalid epsilon value: \(eps)")
        }

        public func stateDictEntries() -> [(String, PickleValue)] {
            [
                ("lr", .float(lr)), ("lr_decay", .float(lrDecay)), ("eps", .float(eps)),
                ("weight_decay", .float(weightDecay)), ("initial_accumulator_value", .float(initialAccumulatorValue)),
                ("foreach", .none), ("maximize", .bool(maximize)), ("differentiable", .bool(false)), ("fused", .none),
            ]
        }

        public mutating func load(_ entries: [String: PickleValue]) throws {
            lr = try entries.optimDouble("lr") ?? lr
            lrDecay = try entries.optimDouble("lr_decay") ?? lrDecay
            eps = try entries.optimDouble("eps") ?? eps
            weightDecay = try entries.optimDouble("weight_decay") ?? weightDecay
            initialAccumulatorValue = try entries.optimDouble("initial_accumulator_value") ?? initialAccumulatorValue
            maximize = try entries.optimBool("maximize") ?? maximize
        }
    }

    /// `step` and the running sum of squared gradients (`sum`).
    public struct State: OptimizerParameterState {
        public internal(set) var step: Double
        public internal(set) var sum: Tensor

        public static var initializesEagerly: Bool { true }

        public init(for param: Tensor, options: Options) {
            step = 0
            sum = Tensor.full(param.shape, .double(options.initialAccumulatorValue), dtype: param.dtype)
        }

        public mutating func update(_ param: Tensor, grad: Tensor, options o: Options) {
            step = incrementedStep(step)
            let clr = o.lr / (1 + (step - 1) * o.lrDecay)
            let args = EmberAdagradArgs(
                weight_decay: o.weightDecay, eps: o.eps, neg_clr: -clr, maximize: o.maximize ? 1 : 0)
            FusedStep.run(
                "Adagrad", param: param, grad: grad, states: sum,
                f32: { p, g, s, _, _, n in ember_adagrad_f32(p, g, s, n, args) },
                f64: { p, g, s, _, _, n in ember_adagrad_f64(p, g, s, n, args) })
        }

        public var stateDictEntries: [(String, Tensor)] { [("step", stepTensor(step)), ("sum", sum)] }

        public init(stateDictEntries entries: [String: Tensor], for param: Tensor, options: Options) throws {
            step = try Self.loadedStep(entries, context: "Adagrad state")
            sum = try Self.loaded("sum", entries, context: "Adagrad state")
        }
    }

    /// `torch.optim.Adagrad(params, lr, lr_decay, weight_decay, initial_accumulator_value, eps, maximize=)`.
    public convenience init(
        _ params: [Tensor], lr: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0,
        initialAccumulatorValue: Double = 0, eps: Double = 1e-10, maximize: Bool = false
    ) {
        let options = Options(
            lr: lr, lrDecay: lrDecay, weightDecay: weightDecay, initialAccumulatorValue: initialAccumulatorValue,
            eps: eps, maximize: maximize)
        self.init(groups: [ParamGroup(params, options: options)], defaults: options)
    }

    /// An optimizer over several groups, each with its own options.
    public convenience init(groups: [ParamGroup<Options>]) {
        self.init(groups: groups, defaults: Options())
    }
}
