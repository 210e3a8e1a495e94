/// A token produced by a model: id, text and span in the normalized piece it came from.
public struct Token: Sendable, Equatable {
    public var id: Int
    public var value: String
    /// `[start, end)` in scalars of the normalized piece.
    public var start: Int
    public var end: Int
}

/// Text after normalization, cut into pieces. Pieces that already carry tokens (added tokens)
/// are left alone by pre-tokenizers and the model.
public struct PreTokenizedString: Sendable {
    struct Piece: Sendable {
        var normalized: NormalizedString
        var tokens: [Token]?
    }

    var pieces: [Piece]

    init(_ normalized: NormalizedString) {
        pieces = [Piece(normalized: normalized, tokens: nil)]
    }

    init(pieces: [Piece]) { self.pieces = pieces }

    /// Replaces each untokenized piece by the pieces `body` cuts it into (empty ones dropped).
    mutating func split(_ body: (Int, NormalizedString) throws -> [NormalizedString]) rethrows {
        var out: [Piece] = []
        out.reserveCapacity(pieces.count * 2)
        for (k, piece) in pieces.enumerated() {
            if piece.tokens != nil { out.append(piece); continue }
            for n in try body(k, piece.normalized) where !n.isEmpty {
                out.append(Piece(normalized: n, tokens: nil))
            }
        }
        pieces = out
    }

    /// The pieces' texts and original offsets (what `pre_tokenize_str` shows).
    public var splits: [(String, (Int, Int))] {
        pieces.map { ($0.normalized.string, $0.normalized.originalRange(0, $0.normalized.count)) }
    }
}

/// How the matches of a splitting pattern are kept (Hugging Face's `SplitDelimiterBehavior`).
public enum SplitBehavior: String, Sendable {
    case removed = "Removed"
    case isolated = "Isolated"
    case mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext"
    case contiguous = "Contiguous"

    static func parse(_ node: JNode) throws -> SplitBehavior {
        let s = try node.string()
        guard let b = SplitBehavior(rawValue: s) else { throw node.fail("unknown split behavior \"\(s)\"") }
        return b
    }
}

/// Cuts `text` given the pattern's matches (non-overlapping, increasing `[start, end)`).
func splitByMatches(_ text: NormalizedString, matches: [(Int, Int)], behavior: SplitBehavior, invert: Bool = false) -> [NormalizedString] {
    // Alternate non-matching and matching ranges covering the whole text.
    var parts: [(Int, Int, Bool)] = []
    parts.reserveCapacity(matches.count * 2 + 1)
    var prev = 0
    for (s, e) in matches {
        if prev < s { parts.append((prev, s, invert)) }
        parts.append((s, e, !invert))
        prev = e
    }
    if prev < text.count { parts.append((prev, text.count, invert)) }
    return splitParts(text, parts, behavior)
}

func splitParts(_ text: NormalizedString, _ parts: [(Int, Int, Bool)], _ behavior: SplitBehavior) -> [NormalizedString] {
    var ranges: [(Int, Int)] = []
    ranges.reserveCapacity(parts.count)
    switch behavior {
    case .removed:
        for (s, e, m) in parts where !m { ranges.append((s, e)) }
    case .isolated:
        for (s, e, _) in parts { ranges.append((s, e)) }
    case .mergedWithPrevious:
        var previousMatch = false
        for (s, e, m) in parts {
            if m && !previousMatch, !ranges.isEmpty { ranges[ranges.count - 1].1 = e } else { ranges.append((s, e)) }
            previousMatch = m
        }
    case .mergedWithNext:
        var previousMatch = false
        var reversed: [(Int, Int)] = []
        for (s, e, m) in parts.reversed() {
            if m && !previousMatch, !reversed.isEmpty { reversed[reversed.count - 1].0 = s } else { reversed.append((s, e)) }
            previousMatch = m
        }
        ranges = reversed.reversed()
    case .contiguous:
        var previous: Bool? = nil
        for (s, e, m) in parts {
            if previous == m, !ranges.isEmpty { ranges[ranges.count - 1].1 = e } else { ranges.append((s, e)) }
            previous = m
        }
    }
    if ranges.count == 1 && ranges[0].0 == 0 && ranges[0].1 == text.count { return [text] }
    return ranges.compactMap { $0.0 < $0.1 ? text.slice($0.0, $0.1) : nil }
}

/// Cuts at every scalar for which `isDelimiter` holds, with `behavior`.
func splitOnChars(_ text: NormalizedString, behavior: SplitBehavior, _ isDelimiter: (UInt32) -> Bool) -> [NormalizedString] {
    var parts: [(Int, Int, Bool)] = []
    var runStart = 0
    let s = text.scalars
    for k in 0..<s.count where isDelimiter(s[k]) {
        if runStart < k { parts.append((runStart, k, false)) }
        parts.append((k, k + 1, true))
        runStart = k + 1
    }
    if parts.isEmpty { return [text] }
    if runStart < s.count { parts.append((runStart, s.count, false)) }
    return splitParts(text, parts, behavior)
}
