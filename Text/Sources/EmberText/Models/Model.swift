import Foundation

/// The part of a tokenizer that turns one pre-tokenized word into tokens.
public protocol TokenizerModel: Sendable {
    /// Tokens for `word` (Unicode scalars) with offsets in scalars of `word`.
    func tokenize(_ word: [UInt32]) throws -> [Token]
    func tokenToId(_ token: String) -> Int?
    func idToToken(_ id: Int) -> String?
    /// The number of entries in the model's vocabulary (without added tokens).
    var vocabSize: Int { get }
    /// Every token and its id.
    var vocabulary: [String: Int] { get }
    /// The tokenizer.json object that recreates this model.
    var json: JSONValue { get }
}

/// A word → tokens cache shared between threads. Words repeat so much in real text that
/// caching BPE's result removes most of the merge work (Hugging Face caches too).
final class WordCache: @unchecked Sendable {
    private var shards: [[String: [Token]]]
    private let locks: [NSLock]
    private let capacityPerShard: Int

    init(capacity: Int = 10_000, shards: Int = 8) {
        self.shards = Array(repeating: [:], count: shards)
        locks = (0..<shards).map { _ in NSLock() }
        capacityPerShard = max(1, capacity / shards)
    }

    func get(_ key: String) -> [Token]? {
        let s = abs(key.hashValue % shards.count)
        locks[s].lock()
        defer { locks[s].unlock() }
        return shards[s][key]
    }

    func set(_ key: String, _ value: [Token]) {
        let s = abs(key.hashValue % shards.count)
        locks[s].lock()
        defer { locks[s].unlock() }
        if shards[s].count >= capacityPerShard { return }
        shards[s][key] = value
    }

    func clear() {
        for s in 0..<shards.count {
            locks[s].lock()
            shards[s].removeAll()
            locks[s].unlock()
        }
    }
}

/// An array id → token built from a vocabulary, tolerant of holes.
func reverseVocabulary(_ vocab: Vocab) -> [String?] {
    let n = (vocab.values.max() ?? -1) + 1
    var r = [String?](repeating: nil, count: n)
    for (t, i) in vocab where i >= 0 { r[i] = t.string }
    return r
}

func vocabularyJSON(_ vocab: Vocab) -> JSONValue {
    .object(vocab.sorted { $0.value < $1.value }.map { ($0.key.string, .number(Double($0.value))) })
}

/// Hugging Face's name for a byte token: `<0x41>`.
func byteTokenName(_ b: UInt8) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    return String(decoding: [UInt8(ascii: "<"), UInt8(ascii: "0"), UInt8(ascii: "x"), hex[Int(b >> 4)], hex[Int(b & 15)], UInt8(ascii: ">")], as: UTF8.self)
}

/// Maps whole words to ids, with an unknown token for the rest.
public struct WordLevelModel: TokenizerModel {
    let vocab: Vocab
    let reverse: [String?]
    public let unkToken: String
    public var vocabulary: [String: Int] { vocab.plain }

    public init(vocabulary: [String: Int], unkToken: String) {
        self.init(vocab: Vocab(strings: vocabulary), unkToken: unkToken)
    }

    init(vocab: Vocab, unkToken: String) {
        self.vocab = vocab
        self.unkToken = unkToken
        reverse = reverseVocabulary(vocab)
    }

    public func tokenize(_ word: [UInt32]) throws -> [Token] {
        let s = scalarsToString(word)
        if let id = vocab[s] { return [Token(id: id, value: s, start: 0, end: word.count)] }
        guard let unk = vocab[unkToken] else {
            throw TokenizerError.invalidArgument("WordLevel: \"\(s)\" is not in the vocabulary and the unknown token \"\(unkToken)\" is missing")
        }
        return [Token(id: unk, value: unkToken, start: 0, end: word.count)]
    }

    public func tokenToId(_ token: String) -> Int? { vocab[token] }
    public func idToToken(_ id: Int) -> String? { id >= 0 && id < reverse.count ? reverse[id] : nil }
    public var vocabSize: Int { vocab.count }
    public var json: JSONValue {
        .object([("type", .string("WordLevel")), ("vocab", vocabularyJSON(vocab)), ("unk_token", .string(unkToken))])
    }
}

/// BERT's greedy longest-match-first subwords, continuation pieces marked with `##`.
public struct WordPieceModel: TokenizerModel {
    let vocab: Vocab
    public var vocabulary: [String: Int] { vocab.plain }
    let reverse: [String?]
    public let unkToken: String
    public let continuingSubwordPrefix: String
    public let maxInputCharsPerWord: Int
    let unkId: Int?
    let prefixScalars: [UInt32]

    public init(vocabulary: [String: Int], unkToken: String = "[UNK]", continuingSubwordPrefix: String = "##", maxInputCharsPerWord: Int = 100) {
        self.init(vocab: Vocab(strings: vocabulary), unkToken: unkToken, continuingSubwordPrefix: continuingSubwordPrefix, maxInputCharsPerWord: maxInputCharsPerWord)
    }

    init(vocab: Vocab, unkToken: String, continuingSubwordPrefix: String, maxInputCharsPerWord: Int) {
        self.vocab = vocab
        self.unkToken = unkToken
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.maxInputCharsPerWord = maxInputCharsPerWord
        reverse = reverseVocabulary(vocab)
        unkId = vocab[unkToken]
        prefixScalars = stringToScalars(continuingSubwordPrefix)
    }

    func unknown(_ n: Int) throws -> [Token] {
        guard let unkId else {
            throw TokenizerError.invalidArgument("WordPiece: the unknown token \"\(unkToken)\" is not in the vocabulary")
        }
        return [Token(id: unkId, value: unkToken, start: 0, end: n)]
    }

    public func tokenize(_ word: [UInt32]) throws -> [Token] {
        let n = word.count
        if n > maxInputCharsPerWord { return try unknown(n) }
        var out: [Token] = []
        var start = 0
        var buffer: [UInt8] = []
        var prefixBytes: [UInt8] = []
        for c in prefixScalars { appendUTF8(&prefixBytes, c) }
        // UTF-8 end offsets of each scalar, so candidate substrings are byte slices.
        var utf8: [UInt8] = []
        var ends: [Int] = []
        ends.reserveCapacity(n)
        for c in word { appendUTF8(&utf8, c); ends.append(utf8.count) }
        while start < n {
            var end = n
            var found: (Int, String)? = nil
            let byteStart = start == 0 ? 0 : ends[start - 1]
            while start < end {
                buffer.removeAll(keepingCapacity: true)
                if start > 0 { buffer.append(contentsOf: prefixBytes) }
                buffer.append(contentsOf: utf8[byteStart..<ends[end - 1]])
                let candidate = String(decoding: buffer, as: UTF8.self)
                if let id = vocab[candidate] { found = (id, candidate); break }
                end -= 1
            }
            guard let (id, value) = found else { return try unknown(n) }
            out.append(Token(id: id, value: value, start: start, end: end))
            start = end
        }
        return out
    }

    public func tokenToId(_ token: String) -> Int? { vocab[token] }
    public func idToToken(_ id: Int) -> String? { id >= 0 && id < reverse.count ? reverse[id] : nil }
    public var vocabSize: Int { vocab.count }
    public var json: JSONValue {
        .object([
            ("type", .string("WordPiece")), ("unk_token", .string(unkToken)),
            ("continuing_subword_prefix", .string(continuingSubwordPrefix)),
            ("max_input_chars_per_word", .number(Double(maxInputCharsPerWord))), ("vocab", vocabularyJSON(vocab)),
        ])
    }
}
