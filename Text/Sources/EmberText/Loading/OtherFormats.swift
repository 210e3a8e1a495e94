import Foundation

func readFile(_ url: URL) throws -> [UInt8] {
    do { return [UInt8](try Data(contentsOf: url)) } catch {
        throw TokenizerError.io(path: url.path, reason: "cannot read: \(error.localizedDescription)")
    }
}

func fileLines(_ bytes: [UInt8]) -> [String] {
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line -> String in
        var l = line
        if l.last == 0x0D { l = l.dropLast() }
        return String(decoding: l, as: UTF8.self)
    }
    if lines.last == "" { lines.removeLast() }
    return lines
}

extension Tokenizer {
    /// A BERT tokenizer from `vocab.txt` (one token per line, id = line number), configured
    /// like transformers' `BertTokenizerFast`.
    public init(bertVocab url: URL, lowercase: Bool = true, stripAccents: Bool? = nil) throws {
        var vocab: Vocab = [:]
        for (i, line) in fileLines(try readFile(url)).enumerated() where vocab[line] == nil {
            vocab[TokenString(line)] = i
        }
        for special in ["[UNK]", "[CLS]", "[SEP]"] where vocab[special] == nil {
            throw TokenizerError.invalid(path: url.lastPathComponent, reason: "the vocabulary lacks \(special)")
        }
        let cls = vocab["[CLS]"]!, sep = vocab["[SEP]"]!
        let model = WordPieceModel(vocab: vocab, unkToken: "[UNK]", continuingSubwordPrefix: "##", maxInputCharsPerWord: 100)
        let post = TemplateProcessing(
            single: [.special(id: "[CLS]", typeId: 0), .sequence(first: true, typeId: 0), .special(id: "[SEP]", typeId: 0)],
            pair: [.special(id: "[CLS]", typeId: 0), .sequence(first: true, typeId: 0), .special(id: "[SEP]", typeId: 0),
                   .sequence(first: false, typeId: 1), .special(id: "[SEP]", typeId: 1)],
            specialTokens: [.init(id: "[CLS]", ids: [cls], tokens: ["[CLS]"]), .init(id: "[SEP]", ids: [sep], tokens: ["[SEP]"])])
        self.init(model: model, normalizer: BertNormalizer(cleanText: true, handleChineseChars: true, stripAccents: stripAccents, lowercase: lowercase),
                  preTokenizer: BertPreTokenizer(), postProcessor: post, decoder: WordPieceDecoder())
        try addTokens(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].filter { vocab[$0] != nil }.map { AddedToken($0, special: true) })
    }

    /// A GPT-2 style byte-level BPE tokenizer from `vocab.json` and `merges.txt`.
    public init(vocabJSON: URL, merges mergesURL: URL, addPrefixSpace: Bool = false) throws {
        let root = JNode(try JSONParser.parse(try readFile(vocabJSON), source: vocabJSON.lastPathComponent))
        let vocab = try ComponentFactory.vocab(root)
        var merges: [(String, String)] = []
        for (k, line) in fileLines(try readFile(mergesURL)).enumerated() {
            if k == 0 && line.hasPrefix("#version") { continue }
            if line.isEmpty { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw TokenizerError.invalid(path: "\(mergesURL.lastPathComponent):\(k + 1)", reason: "a merge line must hold two tokens")
            }
            merges.append((String(parts[0]), String(parts[1])))
        }
        let model = try BPEModel(vocab: vocab, merges: merges, unkToken: nil, continuingSubwordPrefix: nil, endOfWordSuffix: nil,
                                 fuseUnk: false, byteFallback: false, ignoreMerges: false, dropout: nil, path: mergesURL.lastPathComponent)
        self.init(model: model, preTokenizer: ByteLevel(addPrefixSpace: addPrefixSpace, trimOffsets: true, useRegex: true),
                  postProcessor: ByteLevelProcessing(trimOffsets: true, addPrefixSpace: true), decoder: ByteLevelDecoder())
        if vocab["<|endoftext|>"] != nil { try addTokens([AddedToken("<|endoftext|>", special: true)]) }
    }

    /// A tokenizer from a tiktoken rank file (`gpt2.tiktoken`: base64 token bytes and rank per
    /// line) with GPT-2's splitting pattern; `specialTokens` (e.g. `["<|endoftext|>": 50256]`)
    /// are added as special tokens.
    public init(tiktoken url: URL, specialTokens: [String: Int] = ["<|endoftext|>": 50256]) throws {
        var vocab: Vocab = [:]
        var priority: [Double] = []
        let table = ByteMap.byteToScalar
        for (k, line) in fileLines(try readFile(url)).enumerated() where !line.isEmpty {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let rank = Int(parts[1]), rank >= 0 else {
                throw TokenizerError.invalid(path: "\(url.lastPathComponent):\(k + 1)", reason: "expected \"<base64> <rank>\"")
            }
            let bytes = try base64Decode(String(parts[0]), path: "\(url.lastPathComponent):\(k + 1)")
            let text = scalarsToString(bytes.map { table[Int($0)] })
            vocab[TokenString(text)] = rank
            if rank >= priority.count { priority += [Double](repeating: .infinity, count: rank + 1 - priority.count) }
            priority[rank] = Double(rank)
        }
        let model = RankedMergeModel(vocab: vocab, priority: priority, unkId: nil, byteFallback: false, kind: "tiktoken")
        self.init(model: model, preTokenizer: ByteLevel(addPrefixSpace: false, trimOffsets: true, useRegex: true),
                  postProcessor: ByteLevelProcessing(trimOffsets: true, addPrefixSpace: true), decoder: ByteLevelDecoder())
        for (content, id) in specialTokens.sorted(by: { $0.value < $1.value }) {
            added.add(AddedToken(content, special: true), id: id)
        }
        try added.rebuild(normalizer: nil)
    }
}
