/// A dictionary key that compares strings by their exact scalars.
///
/// Swift's `String` equality is canonical equivalence, so "Å" (U+00C5) and "A" + U+030A are
/// the same `String` key; vocabularies hold both as different tokens, so they are keyed by
/// UTF-8 bytes instead.
struct TokenString: Hashable, Sendable {
    let string: String

    init(_ s: String) {
        var s = s
        s.makeContiguousUTF8()
        string = s
    }

    static func == (a: TokenString, b: TokenString) -> Bool {
        a.string.utf8.elementsEqual(b.string.utf8)
    }

    func hash(into hasher: inout Hasher) {
        var s = string
        s.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

/// A vocabulary keyed by exact token text.
typealias Vocab = [TokenString: Int]

extension Dictionary where Key == TokenString, Value == Int {
    init(strings: [String: Int]) {
        self.init(minimumCapacity: strings.count)
        for (k, v) in strings { self[TokenString(k)] = v }
    }
    subscript(s: String) -> Int? { self[TokenString(s)] }
    var plain: [String: Int] {
        var out: [String: Int] = [:]
        for (k, v) in self { out[k.string] = v }
        return out
    }
}

extension String {
    /// Prefix test on scalars (`hasPrefix` works on grapheme clusters, so "##" is not a
    /// prefix of "##ि", where the vowel sign joins the second "#").
    func hasScalarPrefix(_ p: String) -> Bool {
        utf8.starts(with: p.utf8)
    }

    func droppingScalarPrefix(_ p: String) -> String {
        String(decoding: Array(utf8.dropFirst(p.utf8.count)), as: UTF8.self)
    }
}
