/// SentencePiece's unigram language model: the segmentation with the highest total log
/// probability, found with Viterbi over a trie of the pieces.
public struct UnigramModel: TokenizerModel {
    /// Pieces and their log probabilities, in id order.
    public let pieces: [(String, Double)]
    public let unkId: Int?
    public let byteFallback: Bool
    /// Add scores in single precision, as the `sentencepiece` library does: segmentations that
    /// tie in exact arithmetic are then decided the same way it decides them.
    var singlePrecision = false
    let vocab: Vocab
    public var vocabulary: [String: Int] { vocab.plain }
    let unkScore: Double
    // A trie over scalars: node → (scalar → child); node's token id or -1.
    let children: [[UInt32: Int32]]
    let terminal: [Int32]

    /// - Parameter unmatchable: ids the Viterbi search never uses (SentencePiece's control,
    ///   unused and byte pieces, which only stand for themselves).
    public init(pieces: [(String, Double)], unkId: Int?, byteFallback: Bool = false, unmatchable: Set<Int> = [], path: String = "$.model") throws {
        self.pieces = pieces
        self.unkId = unkId
        self.byteFallback = byteFallback
        if let unkId, unkId < 0 || unkId >= pieces.count {
            throw TokenizerError.invalid(path: "\(path).unk_id", reason: "unk_id \(unkId) is outside the \(pieces.count) pieces")
        }
        var vocab: Vocab = [:]
        vocab.reserveCapacity(pieces.count)
        var children: [[UInt32: Int32]] = [[:]]
        var terminal: [Int32] = [-1]
        var minScore = Double.infinity
        for (id, (piece, score)) in pieces.enumerated() {
            if vocab[piece] == nil { vocab[TokenString(piece)] = id }
            minScore = min(minScore, score)
            if piece.isEmpty || unmatchable.contains(id) { continue }
            var node = 0
            for u in piece.unicodeScalars {
                if let next = children[node][u.value] {
                    node = Int(next)
                } else {
                    children.append([:])
                    terminal.append(-1)
                    children[node][u.value] = Int32(children.count - 1)
                    node = children.count - 1
                }
            }
            if terminal[node] < 0 { terminal[node] = Int32(id) }
        }
        self.vocab = vocab
        self.children = children
        self.terminal = terminal
        unkScore = (minScore.isFinite ? minScore : 0) - 10.0
    }

    /// The best segmentation as (piece id or -1 for unknown, start, end) in scalars.
    func viterbi(_ word: [UInt32]) -> [(Int, Int, Int)] {
        let n = word.count
        var bestScore = [Double](repeating: 0, count: n + 1)
        var bestStart = [Int](repeating: -1, count: n + 1)
        var bestId = [Int](repeating: -1, count: n + 1)
        bestStart[0] = 0
        for start in 0..<n where bestStart[start] >= 0 || start == 0 {
            let base = bestScore[start]
            var node = 0
            var hasSingle = false
            var end = start
            while end < n, let next = children[node][word[end]] {
                node = Int(next)
                end += 1
                let id = terminal[node]
                if id >= 0 {
                    if end == start + 1 { hasSingle = true }
                    let score = singlePrecision ? Double(Float(base) + Float(pieces[Int(id)].1)) : base + pieces[Int(id)].1
                    if bestStart[end] < 0 || score > bestScore[end] {
                        bestScore[end] = score
                        bestStart[end] = start
                        bestId[end] = Int(id)
                    }
                }
            }
            if !hasSingle {
                let score = singlePrecision ? Double(Float(base) + Float(unkScore)) : base + unkScore
                if bestStart[start + 1] < 0 || score > bestScore[start + 1] {
                    bestScore[start + 1] = score
                    bestStart[start + 1] = start
                    bestId[start + 1] = -1
                }
            }
        }
        var out: [(Int, Int, Int)] = []
        var end = n
        while end > 0 {
            let start = bestStart[end]
            out.append((bestId[end], start, end))
            end = start
        }
        out.reverse()
        // Consecutive unknown pieces become one.
        var fused: [(Int, Int, Int)] = []
        for piece in out {
            if piece.0 < 0, let last = fused.last, last.0 < 0 {
                fused[fused.count - 1].2 = piece.2
            } else {
                fused.append(piece)
            }
        }
        return fused
    }

    public func tokenize(_ word: [UInt32]) throws -> [Token] {
        if word.isEmpty { return [] }
        var out: [Token] = []
        for (id, s, e) in viterbi(word) {
            if id >= 0 {
                out.append(Token(id: id, value: pieces[id].0, start: s, end: e))
                continue
            }
            let text = scalarsToString(word[s..<e])
            if let known = vocab[text] {
                out.append(Token(id: known, value: text, start: s, end: e))
            } else if byteFallback {
                for b in text.utf8 {
                    let name = byteTokenName(b)
                    guard let bid = vocab[name] else {
                        throw TokenizerError.invalidArgument("Unigram: byte fallback token \(name) is missing")
                    }
                    out.append(Token(id: bid, value: name, start: s, end: e))
                }
            } else {
                guard let unkId else {
                    throw TokenizerError.invalidArgument("Unigram: \"\(text)\" is unknown and the model has no unk_id")
                }
                out.append(Token(id: unkId, value: pieces[unkId].0, start: s, end: e))
            }
        }
        return out
    }

    public func tokenToId(_ token: String) -> Int? { vocab[token] }
    public func idToToken(_ id: Int) -> String? { id >= 0 && id < pieces.count ? pieces[id].0 : nil }
    public var vocabSize: Int { pieces.count }

    public var json: JSONValue {
        .object([
            ("type", .string("Unigram")), ("unk_id", unkId.map { .number(Double($0)) } ?? .null),
            ("vocab", .array(pieces.map { .array([.string($0.0), .number($0.1)]) })),
            ("byte_fallback", .bool(byteFallback)),
        ])
    }
}
