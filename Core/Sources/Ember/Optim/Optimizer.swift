/// Optimizers (`torch.optim`): the protocol schedulers and training loops use, the option and
/// per-parameter state protocols each algorithm implements, and parameter groups.
///
/// ```swift
/// let optimizer = AdamW(model.parameters(), lr: 1e-3)
/// optimizer.zeroGrad()
/// loss.backward()
/// optimizer.step()
/// ```

/// What every optimizer offers, whatever its hyperparameters (`torch.optim.Optimizer`).
///
/// Learning-rate schedulers hold an `any Optimizer` and read and write its groups' learning
/// rates (and momenta, for `OneCycleLR`) through this protocol.
public protocol Optimizer: AnyObject {
    /// Updates every parameter that has a gradient, in place (`optimizer.step()`).
    func step()

    /// Clears the gradients of every parameter (`optimizer.zero_grad(set_to_none)`): sets them
    /// to nil, or fills them with zeros when `setToNone` is false.
    func zeroGrad(setToNone: Bool)

    /// The learning rate of each parameter group, in group order (`group["lr"]`).
    var learningRates: [Double] { get set }

    /// The momentum a cyclic schedule varies in each group: `momentum` for SGD and RMSprop,
    /// `betas.0` for Adam and AdamW; nil for optimizers that have neither (Adagrad).
    var momenta: [Double]? { get set }

    /// The values schedulers keep in each group under PyTorch's keys (`initial_lr`,
    /// `max_lr`, `min_lr`, `max_momentum`, `base_momentum`); they are part of the state dict.
    var schedulerValues: [[String: Double]] { get set }

    /// The per-parameter state and the group options (`optimizer.state_dict()`), as copies.
    func stateDict() -> OptimizerStateDict

    /// Restores state and group options saved by `stateDict()` (or by PyTorch); parameters are
    /// matched by position, as in PyTorch.
    func loadStateDict(_ stateDict: OptimizerStateDict) throws
}

extension Optimizer {
    /// Sets every gradient to nil (`optimizer.zero_grad()`).
    public func zeroGrad() { zeroGrad(setToNone: true) }

    /// Evaluates `closure` (which recomputes the loss and its gradients) with grad mode on, then
    /// steps (`optimizer.step(closure)`); returns the closure's loss.
    @discardableResult
    public func step(_ closure: () throws -> Tensor) rethrows -> Tensor {
        let loss = try withEnableGrad(closure)
        step()
        return loss
    }
}

/// The hyperparameters of one algorithm, as held by each parameter group.
public protocol OptimizerOptions: Sendable {
    /// The learning rate (`lr`).
    var lr: Double { get set }

    /// `momentum` or `betas.0`, whichever the algorithm has (what `OneCycleLR` cycles); nil
    /// when it has neither. Setting it on such options does nothing.
    var cyclicMomentum: Double? { get set }

    /// The options under PyTorch's group keys, in PyTorch's order (without `params`).
    func stateDictEntries() -> [(String, PickleValue)]

    /// Reads options back from a state dict's group; keys that are absent keep their value.
    mutating func load(_ entries: [String: PickleValue]) throws

    /// Stops with PyTorch's message when an option is out of range ("Invalid learning rate").
    func validate()
}

/// The state an algorithm keeps for one parameter (momentum buffers, moment estimates, the
/// step count), and the update itself.
public protocol OptimizerParameterState {
    associatedtype Options: OptimizerOptions

    /// True when the state is created for every parameter as the optimizer is built (Adagrad);
    /// otherwise it is created at the parameter's first step, as PyTorch does.
    static var initializesEagerly: Bool { get }

    /// Fresh state for `param`.
    init(for param: Tensor, options: Options)

    /// One step for `param` from `grad`, in place; runs with grad mode off.
    mutating func update(_ param: Tensor, grad: Tensor, options: Options)

    /// The state under PyTorch's keys, in PyTorch's order (`step` as a float32 0-d tensor).
    var stateDictEntries: [(String, Tensor)] { get }

    /// State read back from a state dict. Tensors other than `step` arrive with the parameter's
    /// dtype and shape, contiguous and owned.
    init(stateDictEntries: [String: Tensor], for param: Tensor, options: Options) throws
}

extension OptimizerParameterState {
    public static var initializesEagerly: Bool { false }
}

/// Parameters that share hyperparameters (a `param_groups` entry). The options' fields read
/// and write through the group: `optimizer.paramGroups[0].lr = 0.01`.
@dynamicMemberLookup
public struct ParamGroup<Options: OptimizerOptions>: @unchecked Sendable {
    public var params: [Tensor]
    public var options: Options
    /// Values learning-rate schedulers keep in the group under PyTorch's keys (`initial_lr`,
    /// `max_lr`, `min_lr`, `max_momentum`, `base_momentum`).
    public var schedulerValues: [String: Double] = [:]

    public init(_ params: [Tensor], options: Options) {
        self.params = params
        self.options = options
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<Options, Value>) -> Value {
        get { options[keyPath: keyPath] }
        set { options[keyPath: keyPath] = newValue }
    }
}

/// A state dict that does not fit the optimizer or scheduler it is loaded into.
public enum OptimizerStateError: Error, Equatable, CustomStringConvertible {
    /// The state dict has `saved` parameter groups, the optimizer `expected`.
    case groupCountMismatch(expected: Int, saved: Int)
    /// Group `group` has `saved` parameters in the state dict, `expected` in the optimizer.
    case groupSizeMismatch(group: Int, expected: Int, saved: Int)
    /// A required key is missing (`exp_avg` of parameter 3, `last_epoch`, ...).
    case missingKey(String, context: String)
    /// A value has the wrong type or range.
    case invalidValue(key: String, detail: String)
    /// A state tensor's shape is not its parameter's.
    case shapeMismatch(key: String, parameter: Int, expected: [Int], saved: [Int])
    /// The value is not an optimizer or scheduler state dict at all.
    case malformed(String)

    public var description: String {
        switch self {
        case .groupCountMismatch(let expected, let saved):
            return "loaded state dict has a different number of parameter groups (\(saved), the optimizer has \(expected))"
        case .groupSizeMismatch(let group, let expected, let saved):
            return "loaded state dict contains a parameter group that doesn't match the size of optimizer's group (group \(group): \(saved) parameters, expected \(expected))"
        case .missingKey(let key, let context): return "state dict: missing key '\(key)' in \(context)"
        case .invalidValue(let key, let detail): return "state dict: invalid value for '\(key)': \(detail)"
        case .shapeMismatch(let key, let parameter, let expected, let saved):
            return "state dict: '\(key)' of parameter \(parameter) has shape \(saved), the parameter has \(expected)"
        case .malformed(let detail): return "state dict: \(detail)"
        }
    }
}
