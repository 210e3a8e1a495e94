import Foundation

/// The base class of every layer and model (`torch.nn.Module`).
///
/// A module's parameters, buffers and submodules are its stored properties, found by
/// reflection in declaration order (superclass properties first):
///
/// ```swift
/// final class MLP: Module, UnaryLayer {
///     let fc1: Linear                  // child "fc1"
///     let fc2: Linear                  // child "fc2"
///     @Parameter var scale: Tensor     // parameter "scale"
///     @Buffer var stepCount: Tensor    // buffer "step_count"
///
///     init() {
///         fc1 = Linear(inFeatures: 4, outFeatures: 8)
///         fc2 = Linear(inFeatures: 8, outFeatures: 2)
///         scale = Tensor.ones([2])
///         stepCount = Tensor.zeros([], dtype: .int64)
///         super.init()
///     }
///
///     func callAsFunction(_ x: Tensor) -> Tensor { fc2(fc1(x).relu()) * scale }
/// }
/// ```
///
/// Keys are property names in snake_case (`runningMean` → `running_mean`) unless a wrapper
/// declares one (`@Parameter(key:)`, `@Buffer(key:)`, `@Child(key:)`). A stored `[Module]`
/// (of any module subclass) gives children `name.0`, `name.1`, … as a `ModuleList` would.
/// Names known only at run time are registered with `registerParameter(_:_:)`,
/// `registerBuffer(_:_:persistent:)` and `registerModule(_:_:)`; they come after the reflected
/// ones of the same kind, in registration order.
open class Module: CustomStringConvertible {
    /// True in training mode (`module.training`); `train(_:)` and `eval()` set it on the tree.
    public private(set) var training = true

    private var registeredParameters: [(name: String, slot: Parameter<Tensor?>)] = []
    private var registeredBuffers: [(name: String, slot: Buffer<Tensor?>)] = []
    private var registeredModules: [(name: String, module: Module?)] = []

    public init() {}

    // MARK: Registration of run-time names

    /// Adds (or replaces) a parameter under `name` (`register_parameter`); nil registers an
    /// absent parameter, which the state dict leaves out.
    public func registerParameter(_ name: String, _ tensor: Tensor?) {
        checkRegistrationName(name, kind: "parameter")
        if let index = registeredParameters.firstIndex(where: { $0.name == name }) {
            registeredParameters[index].slot.wrappedValue = tensor
        } else {
            precondition(!reflectedNames.contains(name), "attribute '\(name)' already exists")
            registeredParameters.append((name, Parameter(wrappedValue: tensor)))
        }
    }

    /// Adds (or replaces) a buffer under `name` (`register_buffer`); a non-persistent buffer is
    /// left out of the state dict.
    public func registerBuffer(_ name: String, _ tensor: Tensor?, persistent: Bool = true) {
        checkRegistrationName(name, kind: "buffer")
        if let index = registeredBuffers.firstIndex(where: { $0.name == name }) {
            registeredBuffers[index].slot = Buffer(wrappedValue: tensor, persistent: persistent)
        } else {
            precondition(!reflectedNames.contains(name), "attribute '\(name)' already exists")
            registeredBuffers.append((name, Buffer(wrappedValue: tensor, persistent: persistent)))
        }
    }

    /// Adds (or replaces) a submodule under `name` (`add_module` / `register_module`).
    public func registerModule(_ name: String, _ module: Module?) {
        checkRegistrationName(name, kind: "module")
        if let index = registeredModules.firstIndex(where: { $0.name == name }) {
            registeredModules[index].module = module
        } else {
            precondition(!reflectedNames.contains(name), "attribute '\(name)' already exists")
            registeredModules.append((name, module))
        }
    }

    /// Replaces every run-time registered submodule at once (for containers that insert,
    /// remove or rename entries).
    func replaceRegisteredModules(_ modules: [(name: String, module: Module?)]) {
        for (name, _) in modules { checkRegistrationName(name, kind: "module") }
        registeredModules = modules
    }

    private func checkRegistrationName(_ name: String, kind: String) {
        precondition(!name.isEmpty, "\(kind) name can't be empty string \"\"")
        precondition(!name.contains("."), "\(kind) name can't contain \".\", got \"\(name)\"")
    }

    private var reflectedNames: Set<String> {
        let entries = reflectedEntries()
        return Set(entries.parameters.map(\.name) + entries.buffers.map(\.name) + entries.children.map(\.name))
    }

    /// Own parameter slots (reflected, then registered), including absent ones.
    func ownParameterSlots() -> [(name: String, slot: _TensorSlot)] {
        reflectedEntries().parameters + registeredParameters.map { ($0.name, $0.slot as _TensorSlot) }
    }

    /// Own buffer slots (reflected, then registered), including absent ones.
    func ownBufferSlots() -> [(name: String, slot: _TensorSlot)] {
        reflectedEntries().buffers + registeredBuffers.map { ($0.name, $0.slot as _TensorSlot) }
    }

    // MARK: Traversal

    /// Direct submodules with their names (`named_children()`).
    public func namedChildren() -> [(name: String, module: Module)] {
        var seen = Set<ObjectIdentifier>()
        return allNamedChildren().filter { seen.insert(ObjectIdentifier($0.module)).inserted }
    }

    /// Every child entry, a module held under two names listed twice (PyTorch's `_modules`):
    /// what state dicts and printing walk.
    func allNamedChildren() -> [(name: String, module: Module)] {
        reflectedEntries().children + registeredModules.compactMap { entry in entry.module.map { (entry.name, $0) } }
    }

    /// Direct submodules (`children()`).
    public func children() -> [Module] { namedChildren().map(\.module) }

    /// This module and every submodule, depth first, each once, named by dotted path
    /// (`named_modules()`; this module's name is `prefix`, "" by default).
    public func namedModules(prefix: String = "") -> [(name: String, module: Module)] {
        var seen = Set<ObjectIdentifier>()
        var result: [(name: String, module: Module)] = []
        func visit(_ module: Module, _ name: String) {
            guard seen.insert(ObjectIdentifier(module)).inserted else { return }
            result.append((name, module))
            for (childName, child) in module.namedChildren() {
                visit(child, name.isEmpty ? childName : name + "." + childName)
            }
        }
        visit(self, prefix)
        return result
    }

    /// This module and every submodule (`modules()`).
    public func modules() -> [Module] { namedModules().map(\.module) }

    /// Parameters by dotted name (`named_parameters()`), each tensor once even when shared.
    /// With `recurse: false`, only this module's own.
    public func namedParameters(prefix: String = "", recurse: Bool = true) -> [(name: String, tensor: Tensor)] {
        collectTensors(prefix: prefix, recurse: recurse) { module in
            module.ownParameterSlots().compactMap { entry in entry.slot.storedTensor.map { (entry.name, $0) } }
        }
    }

    /// Parameters (`parameters()`), each once.
    public func parameters(recurse: Bool = true) -> [Tensor] { namedParameters(recurse: recurse).map(\.tensor) }

    /// Buffers by dotted name (`named_buffers()`), persistent or not, each once.
    public func namedBuffers(prefix: String = "", recurse: Bool = true) -> [(name: String, tensor: Tensor)] {
        collectTensors(prefix: prefix, recurse: recurse) { module in
            module.ownBufferSlots().compactMap { entry in entry.slot.storedTensor.map { (entry.name, $0) } }
        }
    }

    /// Buffers (`buffers()`), each once.
    public func buffers(recurse: Bool = true) -> [Tensor] { namedBuffers(recurse: recurse).map(\.tensor) }

    private func collectTensors(
        prefix: String, recurse: Bool, own: (Module) -> [(String, Tensor)]
    ) -> [(name: String, tensor: Tensor)] {
        var seen = Set<ObjectIdentifier>()
        var result: [(name: String, tensor: Tensor)] = []
        let modules = recurse ? namedModules(prefix: prefix) : [(prefix, self)]
        for (moduleName, module) in modules {
            for (name, tensor) in own(module) where seen.insert(ObjectIdentifier(tensor.impl)).inserted {
                result.append((moduleName.isEmpty ? name : moduleName + "." + name, tensor))
            }
        }
        return result
    }

    /// The submodule at a dotted path (`get_submodule`); "" is this module.
    public func module(named path: String) -> Module? {
        if path.isEmpty { return self }
        // Child names may hold dots themselves (a stored `[Module]` gives "layers.0"), so
        // match whole child names against the front of the path.
        for (name, child) in namedChildren() {
            if path == name { return child }
            if path.hasPrefix(name + "."), let found = child.module(named: String(path.dropFirst(name.count + 1))) {
                return found
            }
        }
        return nil
    }

    /// The parameter at a dotted path (`get_parameter`), nil when absent.
    public func parameter(named path: String) -> Tensor? {
        if !path.contains("."), let entry = registeredParameters.first(where: { $0.name == path }) {
            return entry.slot.storedTensor
        }
        return ownedTensor(path) { $0.ownParameterSlots().map { ($0.name, $0.slot.storedTensor) } }
    }

    /// The buffer at a dotted path (`get_buffer`), nil when absent.
    public func buffer(named path: String) -> Tensor? {
        if !path.contains("."), let entry = registeredBuffers.first(where: { $0.name == path }) {
            return entry.slot.storedTensor
        }
        return ownedTensor(path) { $0.ownBufferSlots().map { ($0.name, $0.slot.storedTensor) } }
    }

    private func ownedTensor(_ path: String, slots: (Module) -> [(String, Tensor?)]) -> Tensor? {
        let (modulePath, name): (String, String)
        if let dot = path.lastIndex(of: ".") {
            (modulePath, name) = (String(path[..<dot]), String(path[path.index(after: dot)...]))
        } else {
            (modulePath, name) = ("", path)
        }
        guard let owner = module(named: modulePath) else { return nil }
        return slots(owner).first { $0.0 == name }?.1
    }

    // MARK: Modes and bulk changes

    /// Sets training mode on this module and every submodule (`train(mode)`); returns self.
    @discardableResult
    open func train(_ mode: Bool = true) -> Self {
        for module in modules() { module.training = mode }
        return self
    }

    /// Evaluation mode (`eval()`): `train(false)`.
    @discardableResult
    public func eval() -> Self { train(false) }

    /// Clears the gradients of every parameter (`zero_grad(set_to_none)`): to nil by default,
    /// or to zeros in place.
    public func zeroGrad(setToNone: Bool = true) {
        for parameter in parameters() {
            guard let grad = parameter.grad else { continue }
            if setToNone {
                parameter.grad = nil
            } else {
                let zeroed = grad.gradFn == nil ? grad : grad.detach()
                withNoGrad { _ = zeroed.fill_(0) }
                parameter.grad = zeroed
            }
        }
    }

    /// Calls `body` on every submodule, children first and then this module (`apply(fn)`);
    /// returns self. Initialisation schemes use it: `model.apply { ($0 as? Linear)?... }`.
    @discardableResult
    public func apply(_ body: (Module) -> Void) -> Self {
        applyChildrenFirst(body)
        return self
    }

    private func applyChildrenFirst(_ body: (Module) -> Void) {
        for child in children() { child.applyChildrenFirst(body) }
        body(self)
    }

    /// Converts floating parameters and buffers to `dtype` (`module.to(dtype)`); integer and
    /// boolean tensors keep theirs. Returns self.
    ///
    /// A tensor's dtype is fixed, so converted parameters are new tensors (with converted
    /// gradients, and the same `requiresGrad`): build optimizers after converting. A tensor
    /// shared by several modules (tied weights) stays shared.
    @discardableResult
    public func to(_ dtype: DType) -> Self {
        precondition(dtype.isFloatingPoint, "nn.Module.to only accepts floating point dtypes, but got desired dtype=\(dtype)")
        var converted: [ObjectIdentifier: Tensor] = [:]
        func convert(_ old: Tensor, parameter: Bool) -> Tensor {
            if let done = converted[ObjectIdentifier(old.impl)] { return done }
            let new = withNoGrad { old.to(dtype) }
            if parameter {
                if old.requiresGrad { new.requiresGrad_() }
                if let grad = old.grad { new.grad = withNoGrad { grad.to(dtype) } }
            }
            converted[ObjectIdentifier(old.impl)] = new
            return new
        }
        for module in modules() {
            for (_, slot) in module.ownParameterSlots() {
                guard let old = slot.storedTensor, old.dtype.isFloatingPoint, old.dtype != dtype else { continue }
                slot.storedTensor = convert(old, parameter: true)
            }
            for (_, slot) in module.ownBufferSlots() {
                guard let old = slot.storedTensor, old.dtype.isFloatingPoint, old.dtype != dtype else { continue }
                slot.storedTensor = convert(old, parameter: false)
            }
        }
        return self
    }

    /// Sets `requiresGrad` on every parameter (`requires_grad_(flag)`): `false` freezes the
    /// module. Returns self.
    @discardableResult
    public func requiresGrad_(_ requiresGrad: Bool = true) -> Self {
        for parameter in parameters() where parameter.dtype.isFloatingPoint { parameter.requiresGrad_(requiresGrad) }
        return self
    }

    /// The number of parameter elements, each shared tensor counted once.
    public var numParameters: Int { parameters().reduce(0) { $0 + $1.count } }

    // MARK: Loading

    /// Called by `loadStateDict` before this module's keys (`prefix` + name) are read; a
    /// subclass may rewrite `stateDict` to accept older layouts (PyTorch's
    /// `_load_from_state_dict`). BatchNorm fills in a missing `num_batches_tracked` this way.
    open func willLoadStateDict(_ stateDict: inout [String: Tensor], prefix: String) {}

    // MARK: Printing

    /// The class name shown by `description` and in state-dict errors.
    open var typeName: String { String(describing: type(of: self)) }

    /// The module's settings for `description` (`extra_repr`), e.g.
    /// `in_features=4, out_features=3, bias=True`.
    open var extraRepr: String { "" }

    /// The module tree as PyTorch prints it:
    /// `Sequential(\n  (0): Linear(in_features=4, out_features=3, bias=True)\n)`.
    public var description: String {
        var lines = extraRepr.isEmpty ? [] : extraRepr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let children = allNamedChildren()
        for (name, child) in children {
            lines.append("(\(name)): " + child.description.replacingOccurrences(of: "\n", with: "\n  "))
        }
        var text = typeName + "("
        if !lines.isEmpty {
            if lines.count == 1 && children.isEmpty {
                text += lines[0]
            } else {
                text += "\n  " + lines.joined(separator: "\n  ") + "\n"
            }
        }
        return text + ")"
    }
}

/// A module with one tensor in and one out: what `Sequential` chains.
public protocol UnaryLayer: Module {
    func callAsFunction(_ input: Tensor) -> Tensor
}

/// Python's repr of a bool, for `extraRepr` strings (`bias=True`).
func pythonBool(_ value: Bool) -> String { value ? "True" : "False" }
