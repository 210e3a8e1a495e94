import Foundation

/// A complete tokenizer: normalizer → pre-tokenizer → model → post-processor, with added
/// tokens matched first and a decoder for the way back. Built from a `tokenizer.json`
/// (or the other file forms in `Loading/`), it gives the same ids, tokens and offsets as
/// Hugging Face's `tokenizers`.
///
/// ```swift
/// let tokenizer = try Tokenizer(file: URL(fileURLWithPath: "tokenizer.json"))
/// let encoding = try tokenizer.encode("Hello world!")
/// print(encoding.ids, encoding.tokens, encoding.offsets)
/// ```
public struct Tokenizer: Sendable {
    public var normalizer: (any Normalizer)?
    public var preTokenizer: (any PreTokenizer)?
    public let model: any TokenizerModel
    public var postProcessor: (any PostProcessor)?
    public var decoder: (any Decoder)?
    /// Padding applied by `encodeBatch` (and by `encode` for a fixed length); nil for none.
    public var padding: PaddingOptions?
    /// Truncation applied by `encode` and `encodeBatch`; nil for none.
    public var truncation: TruncationOptions?
    var added = AddedVocabulary()
    /// Fields of the source tokenizer.json this library does not interpret, written back on save.
    var extraFields: [(String, JSONValue)] = []

    /// Assembles a tokenizer from its parts.
    public init(model: any TokenizerModel, normalizer: (any Normalizer)? = nil, preTokenizer: (any PreTokenizer)? = nil,
                postProcessor: (any PostProcessor)? = nil, decoder: (any Decoder)? = nil) {
        self.model = model
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
        self.postProcessor = postProcessor
        self.decoder = decoder
    }

    // MARK: Added tokens

    /// Adds tokens (ids continue after the vocabulary); returns how many were new.
    @discardableResult
    public mutating func addTokens(_ tokens: [AddedToken]) throws -> Int {
        var n = 0
        for t in tokens {
            if let id = model.tokenToId(t.content) ?? added.byContent[t.content] {
                added.add(t, id: id)
                continue
            }
            let next = max(model.vocabSize, (added.tokens.map { $0.id }.max() ?? -1) + 1)
            added.add(t, id: next)
            n += 1
        }
        try added.rebuild(normalizer: normalizer)
        return n
    }

    /// The added tokens with their ids, in the order they were added.
    public var addedTokens: [(token: AddedToken, id: Int)] { added.tokens }

    // MARK: Vocabulary

    public func tokenToId(_ token: String) -> Int? { added.byContent[token] ?? model.tokenToId(token) }
    public func idToToken(_ id: Int) -> String? { added.byId[id]?.content ?? model.idToToken(id) }
    /// The vocabulary size, with added tokens when `withAddedTokens`.
    public func vocabSize(withAddedTokens: Bool = true) -> Int {
        guard withAddedTokens else { return model.vocabSize }
        return model.vocabSize + added.tokens.filter { model.tokenToId($0.token.content) == nil }.count
    }

    // MARK: Encoding

    /// The tokens of one sequence, before post-processing.
    func encodeSingle(_ text: String, typeId: Int) throws -> Encoding {
        let scalars = stringToScalars(text)
        var pre = PreTokenizedString(NormalizedString(scalars: scalars))
        if !added.rawMatcher.isEmpty {
            pre = PreTokenizedString(pieces: added.split(NormalizedString(scalars: scalars), matcher: added.rawMatcher))
        }
        var pieces: [PreTokenizedString.Piece] = []
        for piece in pre.pieces {
            if piece.tokens != nil { pieces.append(piece); continue }
            var n = piece.normalized
            if let normalizer { try normalizer.normalize(&n) }
            if added.normalizedMatcher.isEmpty {
                if !n.isEmpty { pieces.append(.init(normalized: n, tokens: nil)) }
            } else {
                pieces += added.split(n, matcher: added.normalizedMatcher).filter { !$0.normalized.isEmpty || $0.tokens != nil }
            }
        }
        pre = PreTokenizedString(pieces: pieces)
        if let preTokenizer { try preTokenizer.preTokenize(&pre) }
        var e = Encoding()
        e.reserve(scalars.count / 3 + 4)
        for (word, piece) in pre.pieces.enumerated() {
            let n = piece.normalized
            let tokens = try piece.tokens ?? model.tokenize(n.scalars)
            for t in tokens {
                let (s, end) = n.originalRange(t.start, t.end)
                e.append(id: t.id, token: t.value, offsets: .init(s, end), word: word, typeId: typeId, sequence: nil, special: 0)
            }
        }
        return e
    }

    /// Encodes a sequence (and optionally a pair), truncating and padding as configured.
    public func encode(_ text: String, pair: String? = nil, addSpecialTokens: Bool = true) throws -> Encoding {
        let a = try encodeSingle(text, typeId: 0)
        let b = try pair.map { try encodeSingle($0, typeId: 1) }
        var e = try postProcess(a, b, addSpecialTokens: addSpecialTokens)
        if let padding, case .fixed = padding.strategy { try pad(&e, padding) }
        return e
    }

    func postProcess(_ a: Encoding, _ b: Encoding?, addSpecialTokens: Bool) throws -> Encoding {
        var a = a
        var b = b
        if let truncation {
            let reserved = addSpecialTokens ? (postProcessor?.addedTokens(isPair: b != nil) ?? 0) : 0
            try truncate(&a, &b, truncation, reserved: reserved)
        }
        a.setSequenceId(0)
        b?.setSequenceId(1)
        var list = [a]
        if let b { list.append(b) }
        if let postProcessor { list = try postProcessor.process(list, addSpecialTokens: addSpecialTokens) }
        return Encoding.merged(list)
    }

    func truncate(_ a: inout Encoding, _ b: inout Encoding?, _ t: TruncationOptions, reserved: Int) throws {
        guard t.maxLength >= reserved else {
            throw TokenizerError.invalidArgument("truncation max length \(t.maxLength) is smaller than the \(reserved) special tokens")
        }
        let maxLength = t.maxLength - reserved
        let total = a.count + (b?.count ?? 0)
        if total <= maxLength { return }
        switch t.strategy {
        case .longestFirst:
            if var pair = b {
                var n1 = a.count, n2 = pair.count
                let swap = n1 > n2
                if swap { (n1, n2) = (n2, n1) }
                if n1 > maxLength { n2 = n1 } else { n2 = max(n1, maxLength - n1) }
                if n1 + n2 > maxLength {
                    n1 = maxLength / 2
                    n2 = n1 + maxLength % 2
                }
                if swap { (n1, n2) = (n2, n1) }
                try a.truncate(n1, stride: t.stride, direction: t.direction)
                try pair.truncate(n2, stride: t.stride, direction: t.direction)
                b = pair
            } else {
                try a.truncate(maxLength, stride: t.stride, direction: t.direction)
            }
        case .onlyFirst, .onlySecond:
            let toRemove = total - maxLength
            if t.strategy == .onlyFirst || b == nil {
                guard a.count > toRemove else {
                    throw TokenizerError.invalidArgument("truncation: the first sequence is too short to remove \(toRemove) tokens")
                }
                try a.truncate(a.count - toRemove, stride: t.stride, direction: t.direction)
            } else if var pair = b {
                guard pair.count > toRemove else {
                    throw TokenizerError.invalidArgument("truncation: the second sequence is too short to remove \(toRemove) tokens")
                }
                try pair.truncate(pair.count - toRemove, stride: t.stride, direction: t.direction)
                b = pair
            }
        }
    }

    func pad(_ e: inout Encoding, _ p: PaddingOptions) throws {
        var list = [e]
        try padBatch(&list, p)
        e = list[0]
    }

    func padBatch(_ list: inout [Encoding], _ p: PaddingOptions) throws {
        var target: Int
        switch p.strategy {
        case .longest: target = list.map { $0.count }.max() ?? 0
        case .fixed(let n): target = n
        }
        if let m = p.padToMultipleOf {
            guard m > 0 else { throw TokenizerError.invalidArgument("padToMultipleOf must be positive") }
            if target % m != 0 { target += m - target % m }
        }
        for k in 0..<list.count {
            list[k].pad(to: target, id: p.padId, typeId: p.padTypeId, token: p.padToken, direction: p.direction)
        }
    }

    /// Encodes many inputs on `threads` threads (default: the machine's cores or
    /// `EMBER_NUM_THREADS`), then pads them together as configured.
    public func encodeBatch(_ texts: [String], pairs: [String]? = nil, addSpecialTokens: Bool = true, threads: Int? = nil) throws -> [Encoding] {
        if let pairs, pairs.count != texts.count {
            throw TokenizerError.invalidArgument("encodeBatch: \(texts.count) sequences but \(pairs.count) pairs")
        }
        let results = ResultBox(count: texts.count)
        let workers = max(1, min(threads ?? defaultThreadCount(), texts.count))
        if workers == 1 {
            for k in 0..<texts.count { results.set(k, Result { try encode(texts[k], pair: pairs?[k], addSpecialTokens: addSpecialTokens) }) }
        } else {
            let chunk = (texts.count + workers - 1) / workers
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let lo = w * chunk
                let hi = min(texts.count, lo + chunk)
                guard lo < hi else { return }
                for k in lo..<hi {
                    results.set(k, Result { try self.encode(texts[k], pair: pairs?[k], addSpecialTokens: addSpecialTokens) })
                }
            }
        }
        var out: [Encoding] = []
        out.reserveCapacity(texts.count)
        for r in results.items { out.append(try r!.get()) }
        if let padding { try padBatch(&out, padding) }
        return out
    }

    // MARK: Decoding

    /// The text for `ids`. Special added tokens are dropped when `skipSpecialTokens`; with
    /// `cleanUpTokenizationSpaces`, spaces before punctuation and contractions are removed as
    /// `transformers` does.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = true, cleanUpTokenizationSpaces: Bool = false) throws -> String {
        var tokens: [String] = []
        tokens.reserveCapacity(ids.count)
        for id in ids {
            if let t = added.byId[id] {
                if skipSpecialTokens && t.special { continue }
                tokens.append(t.content)
            } else if let t = model.idToToken(id) {
                tokens.append(t)
            }
        }
        var text: String
        if let decoder { text = try decoder.decode(tokens) } else { text = tokens.joined(separator: " ") }
        if cleanUpTokenizationSpaces { text = cleanupTokenizationSpaces(text) }
        return text
    }

    /// Decodes each list of ids.
    public func decodeBatch(_ batch: [[Int]], skipSpecialTokens: Bool = true, cleanUpTokenizationSpaces: Bool = false) throws -> [String] {
        try batch.map { try decode($0, skipSpecialTokens: skipSpecialTokens, cleanUpTokenizationSpaces: cleanUpTokenizationSpaces) }
    }
}

func defaultThreadCount() -> Int {
    if let s = ProcessInfo.processInfo.environment["EMBER_NUM_THREADS"], let n = Int(s), n > 0 { return n }
    return ProcessInfo.processInfo.activeProcessorCount
}

/// Per-index result slots written by worker threads (each index by exactly one thread).
final class ResultBox: @unchecked Sendable {
    var items: [Result<Encoding, Error>?] { Array(UnsafeBufferPointer(start: base, count: count)) }
    private let base: UnsafeMutablePointer<Result<Encoding, Error>?>
    init(count: Int) {
        base = UnsafeMutablePointer<Result<Encoding, Error>?>.allocate(capacity: max(count, 1))
        base.initialize(repeating: nil, count: max(count, 1))
        self.count = count
    }
    let count: Int
    func set(_ k: Int, _ r: Result<Encoding, Error>) { base[k] = r; }
    deinit {
        base.deinitialize(count: max(count, 1))
        base.deallocate()
    }
}
