/// A step that rewrites text before it is split, keeping alignments to the original.
public protocol Normalizer: Sendable {
    /// Rewrites `text` in place.
    func normalize(_ text: inout NormalizedString) throws
    /// The tokenizer.json object that recreates this normalizer.
    var json: JSONValue { get }
}

extension Normalizer {
    /// Normalizes a plain string (for inspection and tests).
    public func normalize(_ text: String) throws -> String {
        var n = NormalizedString(text)
        try normalize(&n)
        return n.string
    }
}

/// Applies normalizers in order.
public struct NormalizerSequence: Normalizer {
    public let normalizers: [any Normalizer]
    public init(_ normalizers: [any Normalizer]) { self.normalizers = normalizers }
    public func normalize(_ text: inout NormalizedString) throws {
        for n in normalizers { try n.normalize(&text) }
    }
    public var json: JSONValue {
        .object([("type", .string("Sequence")), ("normalizers", .array(normalizers.map { $0.json }))])
    }
}

/// Lowercases with full Unicode mappings (one scalar may become several).
public struct Lowercase: Normalizer {
    public init() {}
    public func normalize(_ text: inout NormalizedString) throws {
        if text.scalars.allSatisfy({ $0 < 128 }) {
            for k in 0..<text.scalars.count where text.scalars[k] >= 0x41 && text.scalars[k] <= 0x5A {
                text.scalars[k] += 32
            }
            return
        }
        text.mapScalars { c, out in CharClass.lowercase(c, into: &out) }
    }
    public var json: JSONValue { .object([("type", .string("Lowercase"))]) }
}

/// Removes whitespace at either end.
public struct Strip: Normalizer {
    public let left: Bool, right: Bool
    public init(left: Bool = true, right: Bool = true) { self.left = left; self.right = right }
    public func normalize(_ text: inout NormalizedString) throws {
        text.strip(left: left, right: right, where: CharClass.isWhitespace)
    }
    public var json: JSONValue {
        .object([("type", .string("Strip")), ("strip_left", .bool(left)), ("strip_right", .bool(right))])
    }
}

/// Removes combining marks (use after NFD to strip accents).
public struct StripAccents: Normalizer {
    public init() {}
    public func normalize(_ text: inout NormalizedString) throws {
        stripMarks(&text)
    }
    public var json: JSONValue { .object([("type", .string("StripAccents"))]) }
}

/// Removes every combining mark (Mn, Mc, Me), as the StripAccents normalizer does.
func stripMarks(_ text: inout NormalizedString) {
    guard text.scalars.contains(where: { $0 >= 0x300 && CharClass.isMark($0) }) else { return }
    text.mapScalars { c, out in if !CharClass.isMark(c) { out.append(c) } }
}

/// Puts a string in front of non-empty text.
public struct Prepend: Normalizer {
    public let prepend: String
    public init(_ prepend: String) { self.prepend = prepend }
    public func normalize(_ text: inout NormalizedString) throws {
        text.prepend(stringToScalars(prepend))
    }
    public var json: JSONValue { .object([("type", .string("Prepend")), ("prepend", .string(prepend))]) }
}

/// Replaces a literal string or a regular expression's matches by `content`.
public struct Replace: Normalizer {
    public let pattern: SplitPattern
    public let content: String
    let contentScalars: [UInt32]
    public init(pattern: SplitPattern, content: String) {
        self.pattern = pattern
        self.content = content
        self.contentScalars = stringToScalars(content)
    }
    public func normalize(_ text: inout NormalizedString) throws {
        let ranges = try pattern.matches(in: text.scalars)
        text.replace(ranges: ranges, with: contentScalars)
    }
    public var json: JSONValue {
        .object([("type", .string("Replace")), ("pattern", pattern.json), ("content", .string(content))])
    }
}

/// Removes nonspacing marks (Mn) only, as BERT's normalizer does (spacing vowel signs of
/// Indic scripts survive).
func stripNonspacingMarks(_ text: inout NormalizedString) {
    guard text.scalars.contains(where: { $0 >= 0x300 && CharClass.isNonspacingMark($0) }) else { return }
    text.mapScalars { c, out in if !CharClass.isNonspacingMark(c) { out.append(c) } }
}
