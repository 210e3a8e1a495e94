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

/// The part of `@Parameter` and `@Buffer` that `Module` reads: a class base, so that the
/// module's reflection reaches every wrapper through one cheap cast. Implementation detail.
public class _TensorSlot {
    /// The state-dict key, or nil to derive it from the property name.
    public let key: String?
    let isBuffer: Bool
    /// Whether a buffer is part of the state dict (always true for parameters).
    let persistent: Bool
    /// The tensor as stored, read and written without the wrapper's assignment rules.
    var storedTensor: Tensor?

    init(key: String?, isBuffer: Bool, persistent: Bool, tensor: Tensor?) {
        self.key = key
        self.isBuffer = isBuffer
        self.persistent = persistent
        storedTensor = tensor
    }
}

/// Declares a learnable tensor of a module (`nn.Parameter`): `@Parameter var weight: Tensor`,
/// or `@Parameter var bias: Tensor?` for one that may be absent (`bias=False` stores nil and
/// the key is left out of the state dict, as PyTorch's `None` parameters are).
///
/// Assigning a floating tensor marks it `requiresGrad` (a computed tensor is detached first,
/// so the parameter is always a leaf, as `nn.Parameter(t)` is). The key is the property name
/// in snake_case unless `key` is given.
@propertyWrapper
public final class Parameter<Value: _TensorSlotValue>: _TensorSlot {
    /// Whether assigned floating tensors are marked as requiring grad.
    public let requiresGrad: Bool

    public init(wrappedValue: Value, key: String? = nil, requiresGrad: Bool = true) {
        self.requiresGrad = requiresGrad
        super.init(
            key: key, isBuffer: false, persistent: true,
            tensor: Self.prepare(wrappedValue._slotTensor, requiresGrad: requiresGrad))
    }

    /// An empty wrapper, assigned later (after `super.init()`).
    public init(key: String? = nil, requiresGrad: Bool = true) {
        self.requiresGrad = requiresGrad
        super.init(key: key, isBuffer: false, persistent: true, tensor: nil)
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

/// Declares a tensor of a module's state that is not learned (`register_buffer`): running
/// statistics, masks, position tables. `persistent: false` keeps it out of the state dict.
@propertyWrapper
public final class Buffer<Value: _TensorSlotValue>: _TensorSlot {
    public init(wrappedValue: Value, key: String? = nil, persistent: Bool = true) {
        super.init(key: key, isBuffer: true, persistent: persistent, tensor: wrappedValue._slotTensor)
    }

    /// An empty wrapper, assigned later (after `super.init()`).
    public init(key: String? = nil, persistent: Bool = true) {
        super.init(key: key, isBuffer: true, persistent: persistent, tensor: nil)
    }

    public var wrappedValue: Value {
        get { Value._fromSlot(storedTensor, wrapper: "Buffer") }
        set { storedTensor = newValue._slotTensor }
    }
}

/// The part of `@Child` that `Module` reads. Implementation detail.
public class _ChildSlot {
    /// The state-dict key, or nil to derive it from the property name.
    public let key: String?

    init(key: String?) { self.key = key }

    /// The wrapped value (a module, an optional module or an array of modules), if assigned.
    var anyValue: Any? { nil }
}

/// Declares a submodule under an explicit key: `@Child(key: "self") var attention: BertSelfAttention`.
/// Plain stored properties holding a `Module`, `Module?` or `[Module]` are children without it;
/// the wrapper is only needed when the key is not the property name in snake_case.
@propertyWrapper
public final class Child<Value>: _ChildSlot {
    var value: Value?

    public init(wrappedValue: Value, key: String? = nil) {
        value = wrappedValue
        super.init(key: key)
    }

    /// An empty wrapper, assigned later (after `super.init()`).
    public override init(key: String? = nil) {
        super.init(key: key)
    }

    public var wrappedValue: Value {
        get {
            guard let value else { preconditionFailure("a @Child module was read before it was assigned") }
            return value
        }
        set { value = newValue }
    }

    override var anyValue: Any? { value.map { $0 as Any } }
}
