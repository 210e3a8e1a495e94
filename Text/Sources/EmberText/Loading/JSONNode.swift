/// A JSON value together with its path in the document, so that every read that fails can
/// say where (`$.model.vocab["hello"]`).
struct JNode {
    let value: JSONValue
    let path: String

    init(_ value: JSONValue, path: String = "$") {
        self.value = value
        self.path = path
    }

    func fail(_ reason: String) -> TokenizerError { .invalid(path: path, reason: reason) }

    /// The field `key`, or nil when it is absent or null.
    func field(_ key: String) -> JNode? {
        guard let v = value[key] else { return nil }
        if case .null = v { return nil }
        return JNode(v, path: path + "." + key)
    }

    func require(_ key: String) throws -> JNode {
        guard case .object = value else { throw fail("expected an object") }
        guard let v = field(key) else {
            throw TokenizerError.invalid(path: path + "." + key, reason: "missing required field")
        }
        return v
    }

    func string() throws -> String {
        guard case .string(let s) = value else { throw fail("expected a string") }
        return s
    }

    func int() throws -> Int {
        guard case .number(let d) = value, d == d.rounded(), abs(d) < 9e15 else { throw fail("expected an integer") }
        return Int(d)
    }

    func double() throws -> Double {
        guard case .number(let d) = value else { throw fail("expected a number") }
        return d
    }

    func bool() throws -> Bool {
        guard case .bool(let b) = value else { throw fail("expected true or false") }
        return b
    }

    func array() throws -> [JNode] {
        guard case .array(let items) = value else { throw fail("expected an array") }
        var out: [JNode] = []
        out.reserveCapacity(items.count)
        for (k, v) in items.enumerated() { out.append(JNode(v, path: "\(path)[\(k)]")) }
        return out
    }

    /// Array elements without building paths eagerly (large vocabularies and merge lists).
    func rawArray() throws -> [JSONValue] {
        guard case .array(let items) = value else { throw fail("expected an array") }
        return items
    }

    func rawObject() throws -> [(String, JSONValue)] {
        guard case .object(let fields) = value else { throw fail("expected an object") }
        return fields
    }

    func string(_ key: String, default d: String) throws -> String { try field(key)?.string() ?? d }
    func bool(_ key: String, default d: Bool) throws -> Bool { try field(key)?.bool() ?? d }
    func int(_ key: String, default d: Int) throws -> Int { try field(key)?.int() ?? d }
    func optionalString(_ key: String) throws -> String? { try field(key)?.string() }
    func optionalInt(_ key: String) throws -> Int? { try field(key)?.int() }

    func type() throws -> String { try require("type").string() }

    /// The scalars of a string field holding exactly one character (`delimiter`, `replacement`).
    func char(_ key: String) throws -> UInt32 {
        let node = try require(key)
        let s = try node.string()
        let scalars = Array(s.unicodeScalars)
        guard scalars.count == 1 else { throw node.fail("expected a single character") }
        return scalars[0].value
    }
}
