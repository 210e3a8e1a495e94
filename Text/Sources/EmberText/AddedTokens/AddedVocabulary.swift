/// A token added on top of the model's vocabulary (special tokens such as `[CLS]` or
/// `<|endoftext|>`, or user additions). Added tokens are found in the text before the model
/// runs, so they are never split.
public struct AddedToken: Sendable, Equatable {
    public var content: String
    /// Match only as a whole word (no word character on either side).
    public var singleWord: Bool
    /// Swallow whitespace on the left / right of a match.
    public var lstrip: Bool
    public var rstrip: Bool
    /// Match against the normalized text (true) or the raw input (false).
    public var normalized: Bool
    /// Special tokens can be skipped when decoding.
    public var special: Bool

    public init(_ content: String, special: Bool = false, singleWord: Bool = false, lstrip: Bool = false, rstrip: Bool = false, normalized: Bool? = nil) {
        self.content = content
        self.special = special
        self.singleWord = singleWord
        self.lstrip = lstrip
        self.rstrip = rstrip
        self.normalized = normalized ?? !special
    }
}

/// The added tokens of a tokenizer and the two matchers that find them (raw and normalized).
struct AddedVocabulary: Sendable {
    var tokens: [(token: AddedToken, id: Int)] = []
    var byContent: Vocab = [:]
    var byId: [Int: AddedToken] = [:]
    var rawMatcher = TokenMatcher()
    var normalizedMatcher = TokenMatcher()

    var isEmpty: Bool { tokens.isEmpty }

    mutating func add(_ token: AddedToken, id: Int) {
        if let existing = byContent[token.content], existing == id {
            byId[id] = token
            if let k = tokens.firstIndex(where: { $0.id == id }) { tokens[k].token = token }
        } else {
            tokens.append((token, id))
            byContent[TokenString(token.content)] = id
            byId[id] = token
        }
    }

    /// Rebuilds the matchers; normalized tokens are matched in their normalized form.
    mutating func rebuild(normalizer: (any Normalizer)?) throws {
        var raw: [(scalars: [UInt32], id: Int)] = []
        var norm: [(scalars: [UInt32], id: Int)] = []
        for (t, id) in tokens where !t.content.isEmpty {
            if t.normalized, let normalizer {
                var n = NormalizedString(t.content)
                try normalizer.normalize(&n)
                norm.append((n.scalars, id))
            } else if t.normalized {
                norm.append((stringToScalars(t.content), id))
            } else {
                raw.append((stringToScalars(t.content), id))
            }
        }
        rawMatcher = TokenMatcher(raw)
        normalizedMatcher = TokenMatcher(norm)
    }

    @inline(__always) static func isWordChar(_ c: UInt32) -> Bool {
        c == 0x5F || CharClass.isLetter(c) || CharClass.isNumber(c)
    }

    /// Cuts `text` into pieces where added tokens are matched (those pieces carry the token).
    func split(_ text: NormalizedString, matcher: TokenMatcher) -> [PreTokenizedString.Piece] {
        let s = text.scalars
        if matcher.isEmpty || s.isEmpty { return [.init(normalized: text, tokens: nil)] }
        var out: [PreTokenizedString.Piece] = []
        var startOffset = 0
        for (mStart, mEnd, id) in matcher.findAll(s) {
            var start = mStart
            var stop = mEnd
            guard let token = byId[id] else { continue }
            if token.singleWord {
                let startSpace = start == 0 || !AddedVocabulary.isWordChar(s[start - 1])
                let stopSpace = stop == s.count || !AddedVocabulary.isWordChar(s[stop])
                if !startSpace || !stopSpace { continue }
            }
            if token.lstrip {
                var k = start
                while k > 0 && CharClass.isWhitespace(s[k - 1]) { k -= 1 }
                start = max(k, startOffset)
            }
            if token.rstrip {
                while stop < s.count && CharClass.isWhitespace(s[stop]) { stop += 1 }
            }
            if start < startOffset { continue }
            if startOffset < start { out.append(.init(normalized: text.slice(startOffset, start), tokens: nil)) }
            let piece = text.slice(start, stop)
            out.append(.init(normalized: piece, tokens: [Token(id: id, value: token.content, start: 0, end: piece.count)]))
            startOffset = stop
        }
        if startOffset < s.count { out.append(.init(normalized: text.slice(startOffset, s.count), tokens: nil)) }
        if out.isEmpty { return [.init(normalized: text, tokens: nil)] }
        return out
    }
}

/// Leftmost-longest, non-overlapping search for a set of strings (what Aho-Corasick's
/// leftmost-longest mode gives), with a trie over scalars.
struct TokenMatcher: Sendable {
    private var children: [[UInt32: Int32]] = [[:]]
    private var terminal: [Int32] = [-1]
    var isEmpty: Bool { children[0].isEmpty }

    init() {}

    init(_ entries: [(scalars: [UInt32], id: Int)]) {
        for (scalars, id) in entries where !scalars.isEmpty {
            var node = 0
            for c in scalars {
                if let n = children[node][c] { node = Int(n) } else {
                    children.append([:])
                    terminal.append(-1)
                    children[node][c] = Int32(children.count - 1)
                    node = children.count - 1
                }
            }
            if terminal[node] < 0 { terminal[node] = Int32(id) }
        }
    }

    func findAll(_ s: [UInt32]) -> [(Int, Int, Int)] {
        var out: [(Int, Int, Int)] = []
        let root = children[0]
        var i = 0
        while i < s.count {
            guard var node = root[s[i]].map(Int.init) else { i += 1; continue }
            var j = i + 1
            var best: (Int, Int)? = terminal[node] >= 0 ? (j, Int(terminal[node])) : nil
            while j < s.count, let next = children[node][s[j]] {
                node = Int(next)
                j += 1
                if terminal[node] >= 0 { best = (j, Int(terminal[node])) }
            }
            if let (end, id) = best {
                out.append((i, end, id))
                i = end
            } else {
                i += 1
            }
        }
        return out
    }
}
