/// Byte-pair encoding: a word starts as characters and adjacent pairs are merged, lowest
/// rank first, while a merge applies.
public struct BPEModel: TokenizerModel {
    let vocab: Vocab
    public var vocabulary: [String: Int] { vocab.plain }
    let reverse: [String?]
    /// Merges in rank order, as pairs of token strings.
    public let merges: [(String, String)]
    /// (left id << 32 | right id) → (rank << 32 | merged id).
    let mergeTable: [UInt64: UInt64]
    public let unkToken: String?
    public let continuingSubwordPrefix: String?
    public let endOfWordSuffix: String?
    public let fuseUnk: Bool
    public let byteFallback: Bool
    public let ignoreMerges: Bool
    public let dropout: Double?
    /// Ids of single-scalar tokens, for the common case without prefix or suffix.
    let scalarIds: [UInt32: Int32]
    let unkId: Int?
    let byteIds: [Int32]?
    let cache: WordCache?

    public init(vocabulary: [String: Int], merges: [(String, String)], unkToken: String? = nil,
                continuingSubwordPrefix: String? = nil, endOfWordSuffix: String? = nil, fuseUnk: Bool = false,
                byteFallback: Bool = false, ignoreMerges: Bool = false, dropout: Double? = nil,
                cacheCapacity: Int = 10_000) throws {
        try self.init(vocab: Vocab(strings: vocabulary), merges: merges, unkToken: unkToken, continuingSubwordPrefix: continuingSubwordPrefix,
                      endOfWordSuffix: endOfWordSuffix, fuseUnk: fuseUnk, byteFallback: byteFallback, ignoreMerges: ignoreMerges,
                      dropout: dropout, cacheCapacity: cacheCapacity, path: "model")
    }

    init(vocab vocabulary: Vocab, merges: [(String, String)], unkToken: String?, continuingSubwordPrefix: String?,
         endOfWordSuffix: String?, fuseUnk: Bool, byteFallback: Bool, ignoreMerges: Bool, dropout: Double?,
         cacheCapacity: Int = 10_000, path: String) throws {
        self.vocab = vocabulary
        self.merges = merges
        self.unkToken = unkToken
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.endOfWordSuffix = endOfWordSuffix
        self.fuseUnk = fuseUnk
        self.byteFallback = byteFallback
        self.ignoreMerges = ignoreMerges
        self.dropout = dropout
        reverse = reverseVocabulary(vocabulary)
        var table: [UInt64: UInt64] = [:]
        table.reserveCapacity(merges.count)
                for (rank, (a, b)) in merges.enumerated() {
            guard let ia = vocabulary[a] else {
                throw TokenizerError.invalid(path: "\(path).merges[\(rank)]", reason: "merge token \"\(a)\" is not in the vocabulary")
            }
            guard let ib = vocabulary[b] else {
                throw TokenizerError.invalid(path: "\(path).merges[\(rank)]", reason: "merge token \"\(b)\" is not in the vocabulary")
            }
            var right = b
            if let p = continuingSubwordPrefix, !p.isEmpty, b.hasScalarPrefix(p) {
                right = b.droppingScalarPrefix(p)
            }
            let merged = a + right
            guard let im = vocabulary[merged] else {
                throw TokenizerError.invalid(path: "\(path).merges[\(rank)]", reason: "merged token \"\(merged)\" is not in the vocabulary")
            }
            let key = UInt64(ia) << 32 | UInt64(ib)
            if table[key] == nil { table[key] = UInt64(rank) << 32 | UInt64(im) }
        }
        mergeTable = table
        var single: [UInt32: Int32] = [:]
        for (t, i) in vocabulary {
            var it = t.string.unicodeScalars.makeIterator()
            if let first = it.next(), it.next() == nil { single[first.value] = Int32(i) }
        }
        scalarIds = single
        unkId = unkToken.flatMap { vocabulary[$0] }
        if byteFallback {
            var ids = [Int32](repeating: -1, count: 256)
            for b in 0..<256 { if let id = vocabulary[byteTokenName(UInt8(b))] { ids[b] = Int32(id) } }
            byteIds = ids
        } else {
            byteIds = nil
        }
        cache = cacheCapacity > 0 ? WordCache(capacity: cacheCapacity) : nil
    }

    private struct Symbol {
        var id: Int32
        var start: Int32
        var end: Int32
    }

    public func tokenize(_ word: [UInt32]) throws -> [Token] {
        if word.isEmpty { return [] }
        let key = scalarsToString(word)
        if ignoreMerges, let id = vocab[key] {
            return [Token(id: id, value: key, start: 0, end: word.count)]
        }
        if let cache, let hit = cache.get(key) { return hit }
        let tokens = try merge(word)
        cache?.set(key, tokens)
        return tokens
    }

    private func initialSymbols(_ word: [UInt32]) throws -> [Symbol] {
        var symbols: [Symbol] = []
        symbols.reserveCapacity(word.count)
        let plain = (continuingSubwordPrefix ?? "").isEmpty && (endOfWordSuffix ?? "").isEmpty
        var lastWasUnk = false
        for (k, c) in word.enumerated() {
            var id: Int? = nil
            if plain {
                if let i = scalarIds[c] { id = Int(i) }
            } else {
                var s = scalarsToString([c])
                if k > 0, let p = continuingSubwordPrefix { s = p + s }
                if k == word.count - 1, let e = endOfWordSuffix { s += e }
                id = vocab[s]
            }
            if let id {
                symbols.append(Symbol(id: Int32(id), start: Int32(k), end: Int32(k + 1)))
                lastWasUnk = false
                continue
            }
            if let byteIds {
                var bytes: [UInt8] = []
                appendUTF8(&bytes, c)
                if bytes.allSatisfy({ byteIds[Int($0)] >= 0 }) {
                    for b in bytes { symbols.append(Symbol(id: byteIds[Int(b)], start: Int32(k), end: Int32(k + 1))) }
                    lastWasUnk = false
                    continue
                }
            }
            guard let unkToken else { continue }
            guard let unkId else {
                throw TokenizerError.invalidArgument("BPE: the unknown token \"\(unkToken)\" is not in the vocabulary")
            }
            if fuseUnk && lastWasUnk {
                symbols[symbols.count - 1].end = Int32(k + 1)
            } else {
                symbols.append(Symbol(id: Int32(unkId), start: Int32(k), end: Int32(k + 1)))
            }
            lastWasUnk = true
        }
        return symbols
    }

    private func merge(_ word: [UInt32]) throws -> [Token] {
        var symbols = try initialSymbols(word)
        // Repeatedly merge the lowest-ranked adjacent pair (leftmost on ties): the same order
        // as a priority queue keyed by (rank, position).
        while symbols.count > 1 {
            var bestRank = UInt64.max
            var bestIndex = -1
            var bestId: Int32 = 0
            for k in 0..<(symbols.count - 1) {
                let key = UInt64(UInt32(bitPattern: symbols[k].id)) << 32 | UInt64(UInt32(bitPattern: symbols[k + 1].id))
                if let v = mergeTable[key] {
                    let rank = v >> 32
                    if rank < bestRank {
                        bestRank = rank
                        bestIndex = k
                        bestId = Int32(truncatingIfNeeded: v & 0xFFFF_FFFF)
                    }
                }
            }
            if bestIndex < 0 { break }
            symbols[bestIndex] = Symbol(id: bestId, start: symbols[bestIndex].start, end: symbols[bestIndex + 1].end)
            symbols.remove(at: bestIndex + 1)
        }
        return symbols.map {
            Token(id: Int($0.id), value: reverse[Int($0.id)] ?? "", start: Int($0.start), end: Int($0.end))
        }
    }

    /// Empties the word cache (after changing the vocabulary through added tokens, say).
    public func clearCache() { cache?.clear() }

    public func tokenToId(_ token: String) -> Int? { vocab[token] }
    public func idToToken(_ id: Int) -> String? { id >= 0 && id < reverse.count ? reverse[id] : nil }
    public var vocabSize: Int { vocab.count }

    public var json: JSONValue {
        .object([
            ("type", .string("BPE")),
            ("dropout", dropout.map { .number($0) } ?? .null),
            ("unk_token", unkToken.map { .string($0) } ?? .null),
            ("continuing_subword_prefix", continuingSubwordPrefix.map { .string($0) } ?? .null),
            ("end_of_word_suffix", endOfWordSuffix.map { .string($0) } ?? .null),
            ("fuse_unk", .bool(fuseUnk)), ("byte_fallback", .bool(byteFallback)), ("ignore_merges", .bool(ignoreMerges)),
            ("vocab", vocabularyJSON(vocab)),
            ("merges", .array(merges.map { .array([.string($0.0), .string($0.1)]) })),
        ])
    }
}
