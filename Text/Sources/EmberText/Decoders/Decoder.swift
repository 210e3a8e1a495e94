/// Turns tokens back into text. Decoders work on the list of token strings so they can be
/// chained (a `Sequence` passes one decoder's pieces to the next); the pieces are then joined.
public protocol Decoder: Sendable {
    func decodeChain(_ tokens: [String]) throws -> [String]
    /// The tokenizer.json object that recreates this decoder.
    var json: JSONValue { get }
}

extension Decoder {
    /// The text for `tokens`.
    public func decode(_ tokens: [String]) throws -> String { try decodeChain(tokens).joined() }
}

/// Undoes `ByteLevel`: maps each stand-in character back to its byte and reads UTF-8
/// (invalid sequences become U+FFFD).
public struct ByteLevelDecoder: Decoder {
    public init() {}
    public func decodeChain(_ tokens: [String]) throws -> [String] {
        var bytes: [UInt8] = []
        let table = ByteMap.scalarToByte
        for t in tokens {
            for u in t.unicodeScalars {
                let v = Int(u.value)
                if v < table.count, table[v] >= 0 { bytes.append(UInt8(table[v])) } else { appendUTF8(&bytes, u.value) }
            }
        }
        return [String(decoding: bytes, as: UTF8.self)]
    }
    public var json: JSONValue {
        .object([("type", .string("ByteLevel")), ("add_prefix_space", .bool(true)), ("trim_offsets", .bool(true)), ("use_regex", .bool(true))])
    }
}

/// The clean-up BERT-era tokenizers apply after joining: no space before punctuation and
/// contractions.
func cleanupTokenizationSpaces(_ s: String) -> String {
    guard s.contains(" ") else { return s }
    var r = s
    for (a, b) in [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"),
                   (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")] {
        r = replaceAll(r, a, b)
    }
    return r
}

func replaceAll(_ s: String, _ a: String, _ b: String) -> String {
    let sa = Array(s.unicodeScalars.map { $0.value })
    let pa = Array(a.unicodeScalars.map { $0.value })
    let pb = Array(b.unicodeScalars.map { $0.value })
    guard !pa.isEmpty, sa.count >= pa.count else { return s }
    var out: [UInt32] = []
    out.reserveCapacity(sa.count)
    var i = 0
    var changed = false
    while i < sa.count {
        if i + pa.count <= sa.count && sa[i] == pa[0] && Array(sa[i..<(i + pa.count)]) == pa {
            out += pb
            i += pa.count
            changed = true
        } else {
            out.append(sa[i])
            i += 1
        }
    }
    return changed ? scalarsToString(out) : s
}

/// Joins WordPiece tokens: `##` pieces attach to the previous token, others get a space.
public struct WordPieceDecoder: Decoder {
    public let prefix: String
    public let cleanup: Bool
    public init(prefix: String = "##", cleanup: Bool = true) { self.prefix = prefix; self.cleanup = cleanup }
    public func decodeChain(_ tokens: [String]) throws -> [String] {
        tokens.enumerated().map { i, t in
            var s = t
            if i != 0 {
                if !prefix.isEmpty && s.hasScalarPrefix(prefix) { s = s.droppingScalarPrefix(prefix) } else { s = " " + s }
            }
            return cleanup ? cleanupTokenizationSpaces(s) : s
        }
    }
    public var json: JSONValue { .object([("type", .string("WordPiece")), ("prefix", .string(prefix)), ("cleanup", .bool(cleanup))]) }
}

/// Undoes `Metaspace`: markers become spaces and the first token loses its leading one.
public struct MetaspaceDecoder: Decoder {
    public let replacement: UInt32
    public let prependScheme: Metaspace.PrependScheme
    public let split: Bool
    public init(replacement: Character = "▁", prependScheme: Metaspace.PrependScheme = .always, split: Bool = true) {
        self.replacement = replacement.unicodeScalars.first!.value
        self.prependScheme = prependScheme
        self.split = split
    }
    init(scalar: UInt32, prependScheme: Metaspace.PrependScheme, split: Bool) {
        replacement = scalar; self.prependScheme = prependScheme; self.split = split
    }
    public func decodeChain(_ tokens: [String]) throws -> [String] {
        tokens.enumerated().map { i, t in
            var s = t.unicodeScalars.map { $0.value == replacement ? 0x20 : $0.value }
            if i == 0 && prependScheme != .never && s.first == 0x20 { s.removeFirst() }
            return scalarsToString(s)
        }
    }
    public var json: JSONValue {
        .object([
            ("type", .string("Metaspace")), ("replacement", .string(scalarsToString([replacement]))),
            ("prepend_scheme", .string(prependScheme.rawValue)), ("split", .bool(split)),
        ])
    }
}

/// Undoes an end-of-word suffix (`</w>`): it becomes a space, except on the last token.
public struct BPEDecoder: Decoder {
    public let suffix: String
    public init(suffix: String = "</w>") { self.suffix = suffix }
    public func decodeChain(_ tokens: [String]) throws -> [String] {
        tokens.enumerated().map { i, t in replaceAll(t, suffix, i == tokens.count - 1 ? "" : " ") }
    }
    public var json: JSONValue { .object([("type", .string("BPEDecoder")), ("suffix", .string(suffix))]) }
}

/// Turns runs of `<0x41>`-style byte tokens into text; invalid UTF-8 gives one U+FFFD per byte.
public struct ByteFallbackDecoder: Decoder {
    public init() {}
    static func byteValue(_ t: String) -> UInt8? {
        let u = Array(t.utf8)
        guard u.count == 6, u[0] == UInt8(ascii: "<"), u[1] == UInt8(ascii: "0"), u[2] == UInt8(ascii: "x"), u[5] == UInt8(ascii: ">") else { return nil }
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x41...0x46: return c - 0x41 + 10
            case 0x61...0x66: return c - 0x61 + 10
            default: return nil
            }
        }
        guard let h = hex(u[3]), let l = hex(u[4]) else { return nil }
        return h << 4 | l
    }
    public func decodeChain(_ tokens: [String]) throws -> [String] {
        var out: [String] = []
        var pending: [UInt8] = []
        func flush() {
            guard !pending.isEmpty else { return }
            if let s = String(validating: pending, as: UTF8.self) {
                out.append(s)
            } else {
                for _ in pending { out.append("\u{FFFD}") }
            }
            pending.removeAll()
        }
        for t in tokens {
            if let b = ByteFallbackDecoder.byteValue(t) { pending.append(b) } else { flush(); out.append(t) }
        }
        flush()
        return out
    }
    public var json: JSONValue { .object([("type", .string("ByteFallback"))]) }
}

/// Joins all tokens into one piece.
public struct FuseDecoder: Decoder {
    public init() {}
    public func decodeChain(_ tokens: [String]) throws -> [String] { [tokens.joined()] }
    public var json: JSONValue { .object([("type", .string("Fuse"))]) }
}

/// Removes up to `start` leading and `stop` trailing occurrences of `content` from each token.
public struct StripDecoder: Decoder {
    public let content: UInt32
    public let start: Int
    public let stop: Int
    public init(content: Character, start: Int, stop: Int) {
        self.content = content.unicodeScalars.first!.value; self.start = start; self.stop = stop
    }
    init(scalar: UInt32, start: Int, stop: Int) { content = scalar; self.start = start; self.stop = stop }
    public func decodeChain(_ tokens: [String]) throws -> [String] {
        tokens.map { t in
            let s = t.unicodeScalars.map { $0.value }
            var a = 0
            while a < start && a < s.count && s[a] == content { a += 1 }
            var b = s.count
            var removed = 0
            while removed < stop && b > a && s[b - 1] == content { b -= 1; removed += 1 }
            return scalarsToString(s[a..<b])
        }
    }
    public var json: JSONValue {
        .object([("type", .string("Strip")), ("content", .string(scalarsToString([content]))), ("start", .number(Double(start))), ("stop", .number(Double(stop)))])
    }
}

/// Replaces a pattern in each token.
public struct ReplaceDecoder: Decoder {
    public let pattern: SplitPattern
    public let content: String
    let replace: Replace
    public init(pattern: SplitPattern, content: String) {
        self.pattern = pattern; self.content = content
        replace = Replace(pattern: pattern, content: content)
    }
    public func decodeChain(_ tokens: [String]) throws -> [String] {
        try tokens.map { try replace.normalize($0) }
    }
    public var json: JSONValue { .object([("type", .string("Replace")), ("pattern", pattern.json), ("content", .string(content))]) }
}

/// CTC output: repeated tokens collapse, padding disappears, the word delimiter is a space.
public struct CTCDecoder: Decoder {
    public let padToken: String
    public let wordDelimiterToken: String
    public let cleanup: Bool
    public init(padToken: String = "<pad>", wordDelimiterToken: String = "|", cleanup: Bool = true) {
        self.padToken = padToken; self.wordDelimiterToken = wordDelimiterToken; self.cleanup = cleanup
    }
    public func decodeChain(_ tokens: [String]) throws -> [String] {
        var deduped: [String] = []
        for t in tokens where !(deduped.last.map { $0.utf8.elementsEqual(t.utf8) } ?? false) { deduped.append(t) }
        return deduped.filter { !$0.utf8.elementsEqual(padToken.utf8) }.map { t in
            var s = replaceAll(t, wordDelimiterToken, " ")
            if cleanup { s = replaceAll(cleanupTokenizationSpaces(s), wordDelimiterToken, " ") }
            return s
        }
    }
    public var json: JSONValue {
        .object([("type", .string("CTC")), ("pad_token", .string(padToken)), ("word_delimiter_token", .string(wordDelimiterToken)), ("cleanup", .bool(cleanup))])
    }
}

/// Applies decoders in order.
public struct DecoderSequence: Decoder {
    public let decoders: [any Decoder]
    public init(_ decoders: [any Decoder]) { self.decoders = decoders }
    public func decodeChain(_ tokens: [String]) throws -> [String] {
        var t = tokens
        for d in decoders { t = try d.decodeChain(t) }
        return t
    }
    public var json: JSONValue { .object([("type", .string("Sequence")), ("decoders", .array(decoders.map { $0.json }))]) }
}
