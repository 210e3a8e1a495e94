@_spi(Reflection) import Swift
import Foundation

/// How a module finds its wrappers and submodules among its stored properties.
///
/// `Mirror` costs microseconds per property (it demangles each field's type on every read),
/// too slow for `parameters()` in every training step. So each module class is inspected
/// once: `_forEachField` gives every stored property's offset and declared type (superclass
/// properties first), the properties that can hold state are kept in a per-class layout,
/// and a traversal reads just those fields from the object's memory with the field's type.
/// Declared types the layout cannot classify statically (existentials such as
/// `any UnaryLayer`, optionals and arrays of them) are loaded as their declared type and cast
/// at run time. Classes the runtime cannot describe fall back to `Mirror`.
extension Module {
    struct Entries {
        var parameters: [(name: String, slot: _TensorSlot)] = []
        var buffers: [(name: String, slot: _TensorSlot)] = []
        var children: [(name: String, module: Module)] = []

        mutating func add(_ slot: _TensorSlot, label: String) {
            let name = slot.key ?? Module.propertyKey(label)
            if slot.isBuffer { buffers.append((name, slot)) } else { parameters.append((name, slot)) }
        }

        mutating func addModules(in value: Any, name: String) {
            if let module = value as? Module {
                children.append((name, module))
            } else if let list = value as? [Module] {
                for (index, module) in list.enumerated() { children.append(("\(name).\(index)", module)) }
            }
        }
    }

    /// The wrappers and submodules among the stored properties of the subclasses, superclass
    /// properties first.
    func reflectedEntries() -> Entries {
        guard let layout = ModuleLayout.of(type(of: self)) else { return mirrorEntries() }
        var entries = Entries()
        let base = UnsafeRawPointer(Unmanaged.passUnretained(self).toOpaque())
        for field in layout.fields {
            let address = base + field.offset
            switch field.kind {
            case .tensorSlot:
                entries.add(address.load(as: _TensorSlot.self), label: field.label)
            case .childSlot:
                let slot = address.load(as: _ChildSlot.self)
                if let value = slot.anyValue { entries.addModules(in: value, name: slot.key ?? field.key) }
            case .module:
                entries.children.append((field.key, address.load(as: Module.self)))
            case .optionalModule:
                if let module = address.load(as: Module?.self) { entries.children.append((field.key, module)) }
            case .moduleArray:
                for (index, module) in address.load(as: [Module].self).enumerated() {
                    entries.children.append(("\(field.key).\(index)", module))
                }
            case .dynamic(let type):
                entries.addModules(in: ModuleLayout.load(type, at: address), name: field.key)
            }
        }
        return entries
    }

    /// The same entries through `Mirror`, for classes whose fields the runtime cannot list.
    func mirrorEntries() -> Entries {
        var mirrors: [Mirror] = []
        var next: Mirror? = Mirror(reflecting: self)
        while let mirror = next, mirror.subjectType != Module.self {
            mirrors.append(mirror)
            next = mirror.superclassMirror
        }
        var entries = Entries()
        for mirror in mirrors.reversed() {
            for case (let label?, let value) in mirror.children where !label.hasPrefix("$") {
                if let slot = value as? _TensorSlot {
                    entries.add(slot, label: label)
                } else if let slot = value as? _ChildSlot {
                    if let child = slot.anyValue { entries.addModules(in: child, name: slot.key ?? Self.propertyKey(label)) }
                } else {
                    entries.addModules(in: value, name: Self.propertyKey(label))
                }
            }
        }
        return entries
    }

    /// The state-dict key of a stored property: the wrapper's underscore dropped, camelCase to
    /// snake_case (`runningMean` → `running_mean`, `weightHhL0` → `weight_hh_l0`).
    static func propertyKey(_ label: String) -> String {
        let name = label.hasPrefix("_") ? label.dropFirst() : Substring(label)
        var key = ""
        for character in name {
            if character.isUppercase {
                if !key.isEmpty && !key.hasSuffix("_") { key.append("_") }
                key += character.lowercased()
            } else {
                key.append(character)
            }
        }
        return key
    }
}

/// The stored properties of one module class that can hold state.
final class ModuleLayout: @unchecked Sendable {
    enum Kind {
        case tensorSlot, childSlot, module, optionalModule, moduleArray
        /// A declared type known only at run time: loaded as `type`, then cast.
        case dynamic(Any.Type)
    }

    struct Field {
        let label: String
        let key: String
        let offset: Int
        let kind: Kind
    }

    let fields: [Field]

    private init(fields: [Field]) { self.fields = fields }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [ObjectIdentifier: ModuleLayout?] = [:]

    /// The layout of `type`, computed on first use; nil when the runtime cannot list its fields.
    static func of(_ type: Module.Type) -> ModuleLayout? {
        let id = ObjectIdentifier(type)
        lock.lock()
        if let cached = cache[id] {
            lock.unlock()
            return cached
        }
        lock.unlock()
        let layout = make(type)
        lock.lock()
        cache[id] = layout
        lock.unlock()
        return layout
    }

    /// Module's own stored properties come first in every subclass's field list.
    private static let baseFieldCount: Int = {
        var count = 0
        _ = _forEachField(of: Module.self, options: .classType) { _, _, _, _ in
            count += 1
            return true
        }
        return count
    }()

    private static func make(_ type: Module.Type) -> ModuleLayout? {
        var fields: [Field] = []
        var index = 0
        let complete = _forEachField(of: type, options: .classType) { namePointer, offset, fieldType, kind in
            defer { index += 1 }
            guard index >= baseFieldCount else { return true }
            let label = String(cString: namePointer)
            guard !label.hasPrefix("$"), let fieldKind = classify(fieldType, kind: kind) else { return true }
            fields.append(Field(label: label, key: Module.propertyKey(label), offset: offset, kind: fieldKind))
            return true
        }
        return complete ? ModuleLayout(fields: fields) : nil
    }

    /// What a property of declared type `type` can hold; nil when it never holds state.
    private static func classify(_ type: Any.Type, kind: _MetadataKind) -> Kind? {
        if type is _TensorSlot.Type { return .tensorSlot }
        if type is _ChildSlot.Type { return .childSlot }
        if type is Module.Type { return .module }
        if let optional = type as? _ModuleFieldOptional.Type {
            let wrapped = optional.wrappedFieldType
            if wrapped is Module.Type { return .optionalModule }
            return isStateless(wrapped) ? nil : .dynamic(type)
        }
        if let array = type as? _ModuleFieldArray.Type {
            let element = array.elementFieldType
            if element is Module.Type { return .moduleArray }
            return isStateless(element) ? nil : .dynamic(type)
        }
        switch kind {
        case .existential, .existentialMetatype: return .dynamic(type)
        default: return nil  // structs, enums, tuples, functions, other classes: never a child
        }
    }

    /// Element types of optionals and arrays that cannot be modules: plain values and
    /// non-module classes.
    private static func isStateless(_ type: Any.Type) -> Bool {
        if type is AnyClass { return !(type is Module.Type) }
        return statelessTypes.contains(ObjectIdentifier(type))
    }

    private static let statelessTypes: Set<ObjectIdentifier> = [
        ObjectIdentifier(Tensor.self), ObjectIdentifier(Int.self), ObjectIdentifier(Double.self),
        ObjectIdentifier(Float.self), ObjectIdentifier(Bool.self), ObjectIdentifier(String.self),
        ObjectIdentifier(DType.self), ObjectIdentifier(Int64.self), ObjectIdentifier([Int].self),
        ObjectIdentifier(Tensor?.self), ObjectIdentifier(GeluApproximation.self),
    ]

    /// The value of a field of declared type `type` at `address`, boxed.
    static func load(_ type: Any.Type, at address: UnsafeRawPointer) -> Any {
        func open<T>(_: T.Type) -> Any { address.load(as: T.self) }
        return _openExistential(type, do: open)
    }
}

/// Lets the layout see through `Optional` and `Array` declared types.
protocol _ModuleFieldOptional { static var wrappedFieldType: Any.Type { get } }
protocol _ModuleFieldArray { static var elementFieldType: Any.Type { get } }

extension Optional: _ModuleFieldOptional {
    static var wrappedFieldType: Any.Type { Wrapped.self }
}

extension Array: _ModuleFieldArray {
    static var elementFieldType: Any.Type { Element.self }
}
