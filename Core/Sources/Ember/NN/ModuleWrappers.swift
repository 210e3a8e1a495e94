/// The property wrappers that declare a module's state: `@Parameter`, `@Buffer`, `@Child`.
///
/// They are final classes, not structs, because `Module` finds them by reflection (`Mirror`
/// hands out copies of stored values): a class copy is the same object, so `to(_:)` and state
/// loading can replace the tensor inside the wrapper that the property reads.
///
/// A wrapped property with no initial value can be assigned in the module's initialiser before
/// `super.init()`, which initialises the wrapper. A wrapper declared with arguments
/// (`@Parameter(key: "in_proj_weight") var inProjWeight: Tensor`) is created empty at its
/// declaration, so that property is assigned after `super.init()`.

/// A value a tensor wrapper can hold: `Tensor` or `Tensor?`. Implementation detail of the
/// wrappers; the underscored names keep it out of everyday completion.
public protocol _TensorSlotValue {
    /// The wrapped value for a slot holding `tensor` (nil when unset or set to nil).
    static func _fromSlot(_ tensor: Tensor?, wrapper: String) -> Self
    /// The tensor this value puts in the slot.
    var _slotTensor: Tensor? { get }
}

extension Tensor: _TensorSlotValue {
    public static func _fromSlot(_ tensor: Tensor?, wrapper: String) -> Tensor {
        guard let tensor else {
            preconditionFailure("a non-optional @\(wrapper) tensor was read before it was assigned")
        }
        return tensor
    }

    public var _slotTensor: Tensor? { self }
}

extension Optional: _TensorSlotValue where Wrapped == Tensor {
    public static func _fromSlot(_ tensor: Tensor?, wrapper: String) -> Tensor? { tensor }
    public var _slotTensor: Tensor? { self }
}

/// What reflection sees of a tensor wrapper, whatever its generic argument.
protocol TensorSlot: AnyObject {
    var key: String? { get }
    /// The tensor as stored, read and written without the wrapper's assignment rules.
    var storedTensor: Tensor? { get set }
}

/// Declares a learnable tensor of a module (`nn.Parameter`): `@Parameter var weight: Tensor`,
/// or `@Parameter var bias: Tensor?` for one that may be absent (`bias=False` stores nil and
/// the key is left out of the state dict, as PyTorch's `None` parameters are).
///
/// Assigning a floating tensor marks it `requiresGrad` (a computed tensor is detached first,
/// so the parameter is always a leaf, as `nn.Parameter(t)` is). The key is the property name
/// in snake_case unless `key` is given.
@propertyWrapper
public final class Parameter<Value: _TensorSlotValue>: TensorSlot {
    /// The state-dict key, or nil to derive it from the property name.
    public let key: String?
    /// Whether assigned floating tensors are marked as requiring grad.
    public let requiresGrad: Bool
    var storedTensor: Tensor?

    public init(wrappedValue: Value, key: String? = nil, requiresGrad: Bool = true) {
        self.key = key
        self.requiresGrad = requiresGrad
        storedTensor = Self.prepare(wrappedValue._slotTensor, requiresGrad: requiresGrad)
    }

    /// An empty wrapper, assigned later (after `super.init()`).
    public init(key: String? = nil, requiresGrad: Bool = true) {
        self.key = key
        self.requiresGrad = requiresGrad
    }

    public var wrappedValue: Value {
        get { Value._fromSlot(storedTensor, wrapper: "Parameter") }
        set { storedTensor = Self.prepare(newValue._slotTensor, requiresGrad: requiresGrad) }
    }

    /// A parameter is a leaf: detached when computed, marked as requiring grad when floating.
    static func prepare(_ tensor: Tensor?, requiresGrad: Bool) -> Tensor? {
        guard let tensor else { return nil }
        let leaf = tensor.isLeaf ? tensor : tensor.detach()
        if leaf.dtype.isFloatingPoint && leaf.requiresGrad != requiresGrad { leaf.requiresGrad_(requiresGrad) }
        return leaf
    }
}

/// What reflection sees of a `@Buffer`.
protocol BufferSlot: TensorSlot {
    var persistent: Bool { get }
}

/// Declares a tensor of a module's state that is not learned (`register_buffer`): running
/// statistics, masks, position tables. `persistent: false` keeps it out of the state dict.
@propertyWrapper
public final class Buffer<Value: _TensorSlotValue>: BufferSlot {
    public let key: String?
    /// Whether the buffer is part of the state dict.
    public let persistent: Bool
    var storedTensor: Tensor?

    public init(wrappedValue: Value, key: String? = nil, persistent: Bool = true) {
        self.key = key
        self.persistent = persistent
        storedTensor = wrappedValue._slotTensor
    }

    /// An empty wrapper, assigned later (after `super.init()`).
    public init(key: String? = nil, persistent: Bool = true) {
        self.key = key
        self.persistent = persistent
    }

    public var wrappedValue: Value {
        get { Value._fromSlot(storedTensor, wrapper: "Buffer") }
        set { storedTensor = newValue._slotTensor }
    }
}

/// What reflection sees of a `@Child`.
protocol ChildSlot: AnyObject {
    var key: String? { get }
    var anyValue: Any? { get }
}

/// Declares a submodule under an explicit key: `@Child(key: "self") var attention: BertSelfAttention`.
/// Plain stored properties holding a `Module`, `Module?` or `[Module]` are children without it;
/// the wrapper is only needed when the key is not the property name in snake_case.
@propertyWrapper
public final class Child<Value>: ChildSlot {
    public let key: String?
    var value: Value?

    public init(wrappedValue: Value, key: String? = nil) {
        self.key = key
        value = wrappedValue
    }

    /// An empty wrapper, assigned later (after `super.init()`).
    public init(key: String? = nil) {
        self.key = key
    }

    public var wrappedValue: Value {
        get {
            guard let value else { preconditionFailure("a @Child module was read before it was assigned") }
            return value
        }
        set { value = newValue }
    }

    var anyValue: Any? { value.map { $0 as Any } }
}
