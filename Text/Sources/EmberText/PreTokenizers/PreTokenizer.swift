/// A step that cuts normalized text into words before the model sees them.
public protocol PreTokenizer: Sendable {
    func preTokenize(_ text: inout PreTokenizedString) throws
    /// The tokenizer.json object that recreates this pre-tokenizer.
    var json: JSONValue { get }
}

extension PreTokenizer {
    /// The words and their original offsets for `text` (like `pre_tokenize_str`).
    public func preTokenize(_ text: String) throws -> [(String, (Int, Int))] {
        var p = PreTokenizedString(NormalizedString(text))
        try preTokenize(&p)
        return p.splits
    }
}

/// Applies pre-tokenizers in order.
public struct PreTokenizerSequence: PreTokenizer {
    public let preTokenizers: [any PreTokenizer]
    public init(_ preTokenizers: [any PreTokenizer]) { self.preTokenizers = preTokenizers }
    public func preTokenize(_ text: inout PreTokenizedString) throws {
        for p in preTokenizers { try p.preTokenize(&text) }
    }
    public var json: JSONValue {
        .object([("type", .string("Sequence")), ("pretokenizers", .array(preTokenizers.map { $0.json }))])
    }
}

/// Splits on whitespace, dropping it.
public struct WhitespaceSplit: PreTokenizer {
    public init() {}
    public func preTokenize(_ text: inout PreTokenizedString) throws {
        text.split { _, n in splitOnChars(n, behavior: .removed, CharClass.isWhitespace) }
    }
    public var json: JSONValue { .object([("type", .string("WhitespaceSplit"))]) }
}

/// Splits into runs of word characters and runs of other non-space characters
/// (the regex `\w+|[^\w\s]+`).
public struct Whitespace: PreTokenizer {
    public init() {}

    @inline(__always) static func isWord(_ c: UInt32) -> Bool {
        if c < 128 { return CharClass.ascii[Int(c)] & (CharClass.letter | CharClass.number) != 0 || c == 0x5F }
        switch CharClass.category(c) {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation:
            return true
        default:
            // Oniguruma's \w also takes letter numbers and other numbers? No: only Nd.
            return false
        }
    }

    public func preTokenize(_ text: inout PreTokenizedString) throws {
        text.split { _, n in
            var out: [NormalizedString] = []
            let s = n.scalars
            var k = 0
            while k < s.count {
                if CharClass.isWhitespace(s[k]) { k += 1; continue }
                let word = Whitespace.isWord(s[k])
                var j = k + 1
                while j < s.count && !CharClass.isWhitespace(s[j]) && Whitespace.isWord(s[j]) == word { j += 1 }
                out.append(n.slice(k, j))
                k = j
            }
            return out
        }
    }
    public var json: JSONValue { .object([("type", .string("Whitespace"))]) }
}

/// BERT's splitting: on whitespace (dropped), then every punctuation character alone.
public struct BertPreTokenizer: PreTokenizer {
    public init() {}
    public func preTokenize(_ text: inout PreTokenizedString) throws {
        text.split { _, n in
            var out: [NormalizedString] = []
            let s = n.scalars
            var k = 0
            while k < s.count {
                let c = s[k]
                if CharClass.isWhitespace(c) { k += 1; continue }
                if CharClass.isBertPunctuation(c) { out.append(n.slice(k, k + 1)); k += 1; continue }
                var j = k + 1
                while j < s.count && !CharClass.isWhitespace(s[j]) && !CharClass.isBertPunctuation(s[j]) { j += 1 }
                out.append(n.slice(k, j))
                k = j
            }
            return out
        }
    }
    public var json: JSONValue { .object([("type", .string("BertPreTokenizer"))]) }
}

/// Splits on punctuation characters with the given behavior.
public struct Punctuation: PreTokenizer {
    public let behavior: SplitBehavior
    public init(behavior: SplitBehavior = .isolated) { self.behavior = behavior }
    public func preTokenize(_ text: inout PreTokenizedString) throws {
        text.split { _, n in splitOnChars(n, behavior: behavior, CharClass.isBertPunctuation) }
    }
    public var json: JSONValue { .object([("type", .string("Punctuation")), ("behavior", .string(behavior.rawValue))]) }
}

/// Splits digits from other characters, one by one or in runs.
public struct Digits: PreTokenizer {
    public let individualDigits: Bool
    public init(individualDigits: Bool = false) { self.individualDigits = individualDigits }
    public func preTokenize(_ text: inout PreTokenizedString) throws {
        text.split { _, n in splitOnChars(n, behavior: individualDigits ? .isolated : .contiguous, CharClass.isNumber) }
    }
    public var json: JSONValue { .object([("type", .string("Digits")), ("individual_digits", .bool(individualDigits))]) }
}

/// Splits on one delimiter character, dropping it.
public struct CharDelimiterSplit: PreTokenizer {
    public let delimiter: UInt32
    public init(delimiter: Character) { self.delimiter = delimiter.unicodeScalars.first!.value }
    init(scalar: UInt32) { delimiter = scalar }
    public func preTokenize(_ text: inout PreTokenizedString) throws {
        text.split { _, n in splitOnChars(n, behavior: .removed) { $0 == delimiter } }
    }
    public var json: JSONValue {
        .object([("type", .string("CharDelimiterSplit")), ("delimiter", .string(scalarsToString([delimiter])))])
    }
}

/// Splits on a string or regex pattern with a behavior, optionally inverted (the pattern
/// then describes the pieces to keep).
public struct Split: PreTokenizer {
    public let pattern: SplitPattern
    public let behavior: SplitBehavior
    public let invert: Bool
    let compiled: CompiledPattern

    public init(pattern: SplitPattern, behavior: SplitBehavior, invert: Bool = false) throws {
        self.pattern = pattern
        self.behavior = behavior
        self.invert = invert
        compiled = try CompiledPattern(pattern, path: "pattern")
    }

    init(pattern: SplitPattern, behavior: SplitBehavior, invert: Bool, path: String) throws {
        self.pattern = pattern
        self.behavior = behavior
        self.invert = invert
        compiled = try CompiledPattern(pattern, path: path)
    }

    public func preTokenize(_ text: inout PreTokenizedString) throws {
        try text.split { _, n in
            splitByMatches(n, matches: try compiled.matches(in: n.scalars), behavior: behavior, invert: invert)
        }
    }
    public var json: JSONValue {
        .object([("type", .string("Split")), ("pattern", pattern.json), ("behavior", .string(behavior.rawValue)), ("invert", .bool(invert))])
    }
}

/// Replaces spaces by a visible marker (▁ by default) and cuts before each marker, as
/// SentencePiece does.
public struct Metaspace: PreTokenizer {
    public enum PrependScheme: String, Sendable { case always, first, never }
    public let replacement: UInt32
    public let prependScheme: PrependScheme
    public let split: Bool

    public init(replacement: Character = "▁", prependScheme: PrependScheme = .always, split: Bool = true) {
        self.replacement = replacement.unicodeScalars.first!.value
        self.prependScheme = prependScheme
        self.split = split
    }

    init(scalar: UInt32, prependScheme: PrependScheme, split: Bool) {
        replacement = scalar
        self.prependScheme = prependScheme
        self.split = split
    }

    public func preTokenize(_ text: inout PreTokenizedString) throws {
        text.split { index, n in
            var n = n
            for k in 0..<n.scalars.count where n.scalars[k] == 0x20 { n.scalars[k] = replacement }
            let starts = n.scalars.first == replacement
            switch prependScheme {
            case .always: if !starts { n.prepend([replacement]) }
            case .first: if !starts && index == 0 { n.prepend([replacement]) }
            case .never: break
            }
            if !split { return [n] }
            return splitOnChars(n, behavior: .mergedWithNext) { $0 == replacement }
        }
    }

    public var json: JSONValue {
        .object([
            ("type", .string("Metaspace")), ("replacement", .string(scalarsToString([replacement]))),
            ("prepend_scheme", .string(prependScheme.rawValue)), ("split", .bool(split)),
        ])
    }
}
