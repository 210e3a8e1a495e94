/// BPE driven by the vocabulary alone: the adjacent pair whose concatenation is the
/// best-ranked token merges first. This is how tiktoken files (`gpt2.tiktoken`: ranks) and
/// SentencePiece BPE models (scores) work; neither ships a merge list.
public struct RankedMergeModel: TokenizerModel {
    let vocab: Vocab
    let reverse: [String?]
    /// Priority per token id: lower merges first (tiktoken rank, or minus the SentencePiece score).
    let priority: [Double]
    /// Ids that text never matches (SentencePiece control and unused pieces).
    let unmatchable: Set<Int>
    public let unkId: Int?
    public let byteFallback: Bool
    public let kind: String
    let cache = WordCache(capacity: 20_000)

    public var vocabulary: [String: Int] { vocab.plain }

    init(vocab: Vocab, priority: [Double], unkId: Int?, byteFallback: Bool, unmatchable: Set<Int> = [], kind: String) {
        self.vocab = vocab
        self.priority = priority
        self.unkId = unkId
        self.byteFallback = byteFallback
        self.unmatchable = unmatchable
        self.kind = kind
        reverse = reverseVocabulary(vocab)
    }

    private func id(_ s: String) -> Int? {
        guard let i = vocab[s], !unmatchable.contains(i) else { return nil }
        return i
    }

    public func tokenize(_ word: [UInt32]) throws -> [Token] {
        if word.isEmpty { return [] }
        let key = scalarsToString(word)
        if let hit = cache.get(key) { return hit }
        // Symbols: text pieces with their scalar spans.
        var pieces: [(text: String, start: Int, end: Int)] = word.enumerated().map { (scalarsToString([$0.element]), $0.offset, $0.offset + 1) }
        while pieces.count > 1 {
            var best = Double.infinity
            var bestIndex = -1
            for k in 0..<(pieces.count - 1) {
                if let i = id(pieces[k].text + pieces[k + 1].text), i < priority.count, priority[i] < best {
                    best = priority[i]
                    bestIndex = k
                }
            }
            if bestIndex < 0 { break }
            pieces[bestIndex] = (pieces[bestIndex].text + pieces[bestIndex + 1].text, pieces[bestIndex].start, pieces[bestIndex + 1].end)
            pieces.remove(at: bestIndex + 1)
        }
        var out: [Token] = []
        for p in pieces {
            if let i = id(p.text) {
                out.append(Token(id: i, value: p.text, start: p.start, end: p.end))
            } else if byteFallback {
                for b in p.text.utf8 {
                    let name = byteTokenName(b)
                    guard let bid = vocab[name] else { throw TokenizerError.invalidArgument("\(kind): byte token \(name) is missing") }
                    out.append(Token(id: bid, value: name, start: p.start, end: p.end))
                }
            } else if let unkId {
                // Consecutive unknown pieces become one, as SentencePiece does.
                if let last = out.last, last.id == unkId, last.end == p.start {
                    out[out.count - 1].end = p.end
                } else {
                    out.append(Token(id: unkId, value: reverse[unkId] ?? "", start: p.start, end: p.end))
                }
            } else {
                throw TokenizerError.invalidArgument("\(kind): \"\(p.text)\" is not in the vocabulary and there is no unknown token")
            }
        }
        cache.set(key, out)
        return out
    }

    public func tokenToId(_ token: String) -> Int? { vocab[token] }
    public func idToToken(_ id: Int) -> String? { id >= 0 && id < reverse.count ? reverse[id] : nil }
    public var vocabSize: Int { vocab.count }

    /// Saved as an equivalent BPE model: every split of a token into two tokens becomes a merge
    /// ranked by the token's own priority (the form Hugging Face converts tiktoken files to),
    /// so "merge the best-ranked pair" picks the same pairs as "make the best-ranked token".
    public var json: JSONValue {
        var merges: [(Double, Double, Double, JSONValue)] = []
        for (token, id) in vocab where id < priority.count && !unmatchable.contains(id) {
            let scalars = Array(token.string.unicodeScalars)
            guard scalars.count > 1 else { continue }
            for cut in 1..<scalars.count {
                let a = String(String.UnicodeScalarView(scalars[..<cut])), b = String(String.UnicodeScalarView(scalars[cut...]))
                guard let ia = vocab[a], let ib = vocab[b], ia < priority.count, ib < priority.count else { continue }
                merges.append((priority[id], priority[ia], priority[ib], .array([.string(a), .string(b)])))
            }
        }
        merges.sort { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
        return .object([
            ("type", .string("BPE")), ("dropout", .null),
            ("unk_token", unkId.flatMap { idToToken($0) }.map { .string($0) } ?? .null),
            ("continuing_subword_prefix", .null), ("end_of_word_suffix", .null), ("fuse_unk", .bool(unkId != nil)),
            ("byte_fallback", .bool(byteFallback)), ("ignore_merges", .bool(kind == "tiktoken")),
            ("vocab", vocabularyJSON(vocab)), ("merges", .array(merges.map { $0.3 })),
        ])
    }
}
