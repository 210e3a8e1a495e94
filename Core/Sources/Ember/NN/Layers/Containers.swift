/// Containers: `Sequential`, `ModuleList` and `ModuleDict` (`nn.Sequential`, `nn.ModuleList`,
/// `nn.ModuleDict`). Their entries are registered submodules, so keys are `0.weight`,
/// `1.bias`, … as in PyTorch.
///
/// The typed lists live in small structs, not in `[Module]` stored properties, so that
/// reflection does not find each entry a second time.
struct ModuleStore<Element> {
    var items: [Element]
}

/// Builds the layer list of `Sequential { ... }`.
@resultBuilder
public enum LayerBuilder {
    public static func buildExpression(_ layer: any UnaryLayer) -> [any UnaryLayer] { [layer] }
    public static func buildBlock(_ parts: [any UnaryLayer]...) -> [any UnaryLayer] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [any UnaryLayer]?) -> [any UnaryLayer] { part ?? [] }
    public static func buildEither(first part: [any UnaryLayer]) -> [any UnaryLayer] { part }
    public static func buildEither(second part: [any UnaryLayer]) -> [any UnaryLayer] { part }
    public static func buildArray(_ parts: [[any UnaryLayer]]) -> [any UnaryLayer] { parts.flatMap { $0 } }
}

/// Layers applied in order, each to the previous one's output (`nn.Sequential`).
///
/// ```swift
/// let mlp = Sequential(Linear(inFeatures: 4, outFeatures: 8), ReLU(), Linear(inFeatures: 8, outFeatures: 2))
/// let same = Sequential {
///     Linear(inFeatures: 4, outFeatures: 8)
///     ReLU()
/// }
/// ```
public final class Sequential: Module, UnaryLayer {
    private var store: ModuleStore<(name: String, layer: any UnaryLayer)>

    /// Layers named "0", "1", ….
    public init(_ layers: [any UnaryLayer]) {
        store = ModuleStore(items: layers.enumerated().map { (String($0.offset), $0.element) })
        super.init()
        syncRegistration()
    }

    public convenience init(_ layers: any UnaryLayer...) { self.init(layers) }

    public convenience init(@LayerBuilder _ build: () -> [any UnaryLayer]) { self.init(build()) }

    /// Layers with their own names (`nn.Sequential(OrderedDict(...))`).
    public init(named layers: [(String, any UnaryLayer)]) {
        store = ModuleStore(items: layers.map { (name: $0.0, layer: $0.1) })
        super.init()
        syncRegistration()
    }

    private func syncRegistration() {
        replaceRegisteredModules(store.items.map { ($0.name, $0.layer as Module) })
    }

    /// The layers in order.
    public var layers: [any UnaryLayer] { store.items.map(\.layer) }

    public var count: Int { store.items.count }

    /// The layer at `index`; assigning replaces it under the same name.
    public subscript(index: Int) -> any UnaryLayer {
        get { store.items[index].layer }
        set {
            store.items[index].layer = newValue
            syncRegistration()
        }
    }

    /// Appends a layer named by its position (`append`).
    public func append(_ layer: any UnaryLayer) {
        store.items.append((String(store.items.count), layer))
        syncRegistration()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        store.items.reduce(input) { x, entry in entry.layer(x) }
    }
}

/// A list of submodules registered as "0", "1", … (`nn.ModuleList`); it has no forward.
public final class ModuleList: Module, RandomAccessCollection {
    private var store: ModuleStore<Module>

    public init(_ modules: [Module] = []) {
        store = ModuleStore(items: modules)
        super.init()
        syncRegistration()
    }

    private func syncRegistration() {
        replaceRegisteredModules(store.items.enumerated().map { (String($0.offset), $0.element) })
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { store.items.count }

    /// The module at `index`; assigning replaces it.
    public subscript(index: Int) -> Module {
        get { store.items[index] }
        set {
            store.items[index] = newValue
            syncRegistration()
        }
    }

    /// The module at `index` as `type` (stops with a message when it is another type).
    public func at<M: Module>(_ index: Int, as type: M.Type) -> M {
        guard let module = store.items[index] as? M else {
            preconditionFailure("ModuleList[\(index)] is a \(store.items[index].typeName), not a \(M.self)")
        }
        return module
    }

    public func append(_ module: Module) {
        store.items.append(module)
        syncRegistration()
    }

    public func append(contentsOf modules: [Module]) {
        store.items.append(contentsOf: modules)
        syncRegistration()
    }

    /// Inserts before `index`; later modules are renumbered, as in PyTorch.
    public func insert(_ module: Module, at index: Int) {
        store.items.insert(module, at: index)
        syncRegistration()
    }
}

/// Submodules by name in insertion order (`nn.ModuleDict`); it has no forward.
public final class ModuleDict: Module {
    private var store: ModuleStore<(key: String, module: Module)>

    public init(_ modules: [(String, Module)] = []) {
        store = ModuleStore(items: [])
        super.init()
        for (key, module) in modules { self[key] = module }
    }

    private func syncRegistration() {
        replaceRegisteredModules(store.items.map { ($0.key, $0.module) })
    }

    /// The keys in insertion order.
    public var keys: [String] { store.items.map(\.key) }
    /// The modules in insertion order.
    public var values: [Module] { store.items.map(\.module) }
    public var count: Int { store.items.count }

    /// The module under `key`; assigning replaces it in place or appends it, nil removes it.
    public subscript(key: String) -> Module? {
        get { store.items.first { $0.key == key }?.module }
        set {
            let index = store.items.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let index?, let module?): store.items[index].module = module
            case (nil, let module?): store.items.append((key, module))
            case (let index?, nil): store.items.remove(at: index)
            case (nil, nil): return
            }
            syncRegistration()
        }
    }
}
