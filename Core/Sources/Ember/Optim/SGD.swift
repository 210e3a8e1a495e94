import CEmberKernels

/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum, weight
/// decay and maximisation (`torch.optim.SGD`, its single-tensor algorithm):
///
///     g = ∇ (−∇ when maximize) + weightDecay·θ
///     b = g at the first step, else momentum·b + (1 − dampening)·g
///     g = g + momentum·b (nesterov) or b
///     θ = θ − lr·g
public final class SGD: OptimizerBase<SGD.Options, SGD.State> {
    public struct Options: OptimizerOptions {
        public var lr: Double
        public var momentum: Double
        public var dampening: Double
        public var weightDecay: Double
        public var nesterov: Bool
        public var maximize: Bool

        public init(
            lr: Double = 1e-3, momentum: Double = 0, dampening: Double = 0, weightDecay: Double = 0,
            nesterov: Bool = false, maximize: Bool = false
        ) {
            self.lr = lr
            self.momentum = momentum
            self.dampening = dampening
            self.weightDecay = weightDecay
            self.nesterov = nesterov
            self.maximize = maximize
        }

        public var cyclicMomentum: Double? {
            get { momentum }
            set { if let newValue { momentum = newValue } }
        }

        public func validate() {
            precondition(lr >= 0, "Invalid learning rate: \(lr)")
            precondition(momentum >= 0, "Invalid momentum value: \(momentum)")
            precondition(weightDecay >= 0, "Invalid weight_decay value: \(weightDecay)")
            precondition(
                !nesterov || (momentum > 0 && dampening == 0), "Nesterov momentum requires a momentum and zero dampening")
        }

        public func stateDictEntries() -> [(String, PickleValue)] {
            [
                ("lr", .float(lr)), ("momentum", .float(momentum)), ("dampening", .float(dampening)),
                ("weight_decay", .float(weightDecay)), ("nesterov", .bool(nesterov)), ("maximize", .bool(maximize)),
                ("foreach", .none), ("differentiable", .bool(false)), ("fused", .none),
            ]
        }

        public mutating func load(_ entries: [String: PickleValue]) throws {
            lr = try entries.optimDouble("lr") ?? lr
            momentum = try entries.optimDouble("momentum") ?? momentum
            dampening = try entries.optimDouble("dampening") ?? dampening
            weightDecay = try entries.optimDouble("weight_decay") ?? weightDecay
            nesterov = try entries.optimBool("nesterov") ?? nesterov
            maximize = try entries.optimBool("maximize") ?? maximize
        }
    }

    /// The momentum buffer (`momentum_buffer`), created at the first step when momentum is on.
    public struct State: OptimizerParameterState {
        public internal(set) var momentumBuffer: Tensor?

        public init(for param: Tensor, options: Options) {}

        public mutating func update(_ param: Tensor, grad: Tensor, options: Options) {
            var initBuffer: Int32 = 0
            if options.momentum != 0 && momentumBuffer == nil {
                momentumBuffer = Tensor(empty: param.shape, dtype: param.dtype)
                initBuffer = 1
            }
            let args = EmberSGDArgs(
                weight_decay: options.weightDecay, momentum: options.momentum,
                dampening_complement: 1 - options.dampening, neg_lr: -options.lr,
                nesterov: options.nesterov ? 1 : 0, maximize: options.maximize ? 1 : 0, init_buffer: initBuffer)
            FusedStep.run(
                "SGD", param: param, grad: grad, states: options.momentum != 0 ? momentumBuffer : nil,
                f32: { p, g, b, _, _, n in ember_sgd_f32(p, g, b, n, args) },
                f64: { p, g, b, _, _, n in ember_sgd_f64(p, g, b, n, args) })
        }

        public var stateDictEntries: [(String, Tensor)] {
            momentumBuffer.map { [("momentum_buffer", $0)] } ?? []
        }

        public init(stateDictEntries entries: [String: Tensor], for param: Tensor, options: Options) throws {
            momentumBuffer = entries["momentum_buffer"]
        }
    }

    /// `torch.optim.SGD(params, lr, momentum, dampening, weight_decay, nesterov, maximize=)`.
    public convenience init(
        _ params: [Tensor], lr: Double = 1e-3, momentum: Double = 0, dampening: Double = 0, weightDecay: Double = 0,
        nesterov: Bool = false, maximize: Bool = false
    ) {
        let options = Options(
            lr: lr, momentum: momentum, dampening: dampening, weightDecay: weightDecay, nesterov: nesterov,
            maximize: maximize)
        self.init(groups: [ParamGroup(params, options: options)], defaults: options)
    }

    /// An optimizer over several groups, each with its own options.
    public convenience init(groups: [ParamGroup<Options>]) {
        self.init(groups: groups, defaults: Options())
    }
}
