import Foundation

extension Tokenizer {
    /// Loads a Hugging Face `tokenizer.json`.
    public init(file: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw TokenizerError.io(path: file.path, reason: "cannot read: \(error.localizedDescription)")
        }
        try self.init(json: [UInt8](data), source: file.lastPathComponent)
    }

    /// Loads a tokenizer.json from its bytes; `source` names it in errors.
    public init(json bytes: [UInt8], source: String = "tokenizer.json") throws {
        let value = try JSONParser.parse(bytes, source: source)
        try self.init(jsonValue: value)
    }

    init(jsonValue value: JSONValue) throws {
        let root = JNode(value)
        guard case .object(let fields) = value else { throw root.fail("expected a JSON object") }
        let normalizer = try root.field("normalizer").map(ComponentFactory.normalizer)
        let preTokenizer = try root.field("pre_tokenizer").map(ComponentFactory.preTokenizer)
        let model = try ComponentFactory.model(try root.require("model"))
        let post = try root.field("post_processor").map(ComponentFactory.postProcessor)
        let decoder = try root.field("decoder").map(ComponentFactory.decoder)
        self.init(model: model, normalizer: normalizer, preTokenizer: preTokenizer, postProcessor: post, decoder: decoder)
        if let list = root.field("added_tokens") {
            for node in try list.array() {
                let token = AddedToken(
                    try node.require("content").string(), special: try node.bool("special", default: false),
                    singleWord: try node.bool("single_word", default: false), lstrip: try node.bool("lstrip", default: false),
                    rstrip: try node.bool("rstrip", default: false), normalized: try node.bool("normalized", default: true))
                let id = try node.require("id").int()
                guard id >= 0 else { throw TokenizerError.invalid(path: node.path + ".id", reason: "negative id") }
                added.add(token, id: id)
            }
            try added.rebuild(normalizer: normalizer)
        }
        if let p = root.field("padding") { padding = try ComponentFactory.padding(p) }
        if let t = root.field("truncation") { truncation = try ComponentFactory.truncation(t) }
        let known: Set<String> = ["version", "truncation", "padding", "added_tokens", "normalizer", "pre_tokenizer", "model", "post_processor", "decoder"]
        extraFields = fields.filter { !known.contains($0.0) }
    }

    /// The tokenizer as a tokenizer.json document.
    public func jsonValue() -> JSONValue {
        var fields: [(String, JSONValue)] = [("version", .string("1.0"))]
        fields.append(("truncation", truncation.map { t in
            .object([("direction", .string(t.direction.rawValue)), ("max_length", .number(Double(t.maxLength))),
                     ("strategy", .string(t.strategy.rawValue)), ("stride", .number(Double(t.stride)))])
        } ?? .null))
        fields.append(("padding", padding.map { p in
            let strategy: JSONValue
            switch p.strategy {
            case .longest: strategy = .string("BatchLongest")
            case .fixed(let n): strategy = .object([("Fixed", .number(Double(n)))])
            }
            return .object([("strategy", strategy), ("direction", .string(p.direction.rawValue)),
                            ("pad_to_multiple_of", p.padToMultipleOf.map { .number(Double($0)) } ?? .null),
                            ("pad_id", .number(Double(p.padId))), ("pad_type_id", .number(Double(p.padTypeId))),
                            ("pad_token", .string(p.padToken))])
        } ?? .null))
        fields.append(("added_tokens", .array(added.tokens.sorted { $0.id < $1.id }.map { t, id in
            .object([("id", .number(Double(id))), ("content", .string(t.content)), ("single_word", .bool(t.singleWord)),
                     ("lstrip", .bool(t.lstrip)), ("rstrip", .bool(t.rstrip)), ("normalized", .bool(t.normalized)),
                     ("special", .bool(t.special))])
        })))
        fields.append(("normalizer", normalizer?.json ?? .null))
        fields.append(("pre_tokenizer", preTokenizer?.json ?? .null))
        fields.append(("post_processor", postProcessor?.json ?? .null))
        fields.append(("decoder", decoder?.json ?? .null))
        fields.append(("model", model.json))
        fields += extraFields
        return .object(fields)
    }

    /// Writes the tokenizer as tokenizer.json (loadable here and by Hugging Face).
    public func save(to file: URL, pretty: Bool = true) throws {
        let text = JSONWriter.write(jsonValue(), pretty: pretty)
        do { try Data(text.utf8).write(to: file) } catch {
            throw TokenizerError.io(path: file.path, reason: "cannot write: \(error.localizedDescription)")
        }
    }
}

/// Builds pipeline components from their tokenizer.json objects.
enum ComponentFactory {
    static func normalizer(_ n: JNode) throws -> any Normalizer {
        let type = try n.type()
        switch type {
        case "NFC": return UnicodeNormalizer(.nfc)
        case "NFD": return UnicodeNormalizer(.nfd)
        case "NFKC": return UnicodeNormalizer(.nfkc)
        case "NFKD": return UnicodeNormalizer(.nfkd)
        case "Lowercase": return Lowercase()
        case "Strip": return Strip(left: try n.bool("strip_left", default: true), right: try n.bool("strip_right", default: true))
        case "StripAccents": return StripAccents()
        case "ByteLevel": return ByteLevelNormalizer()
        case "Prepend": return Prepend(try n.require("prepend").string())
        case "Replace":
            let pattern = try CompiledPattern.parse(try n.require("pattern"))
            _ = try CompiledPattern(pattern, path: n.path + ".pattern")
            return Replace(pattern: pattern, content: try n.require("content").string())
        case "BertNormalizer":
            return BertNormalizer(
                cleanText: try n.bool("clean_text", default: true), handleChineseChars: try n.bool("handle_chinese_chars", default: true),
                stripAccents: try n.field("strip_accents")?.bool(), lowercase: try n.bool("lowercase", default: true))
        case "Precompiled":
            let node = try n.require("precompiled_charsmap")
            return try PrecompiledNormalizer(charsmap: try base64Decode(try node.string(), path: node.path), path: node.path)
        case "Sequence":
            return NormalizerSequence(try n.require("normalizers").array().map(normalizer))
        default:
            throw TokenizerError.unsupported(path: n.path + ".type", type: type)
        }
    }

    static func preTokenizer(_ n: JNode) throws -> any PreTokenizer {
        let type = try n.type()
        switch type {
        case "ByteLevel":
            return ByteLevel(addPrefixSpace: try n.bool("add_prefix_space", default: true), trimOffsets: try n.bool("trim_offsets", default: true),
                             useRegex: try n.bool("use_regex", default: true))
        case "BertPreTokenizer": return BertPreTokenizer()
        case "Whitespace": return Whitespace()
        case "WhitespaceSplit": return WhitespaceSplit()
        case "Metaspace":
            return Metaspace(scalar: try n.char("replacement"), prependScheme: try prependScheme(n), split: try n.bool("split", default: true))
        case "Punctuation":
            return Punctuation(behavior: try n.field("behavior").map(SplitBehavior.parse) ?? .isolated)
        case "Digits": return Digits(individualDigits: try n.bool("individual_digits", default: false))
        case "CharDelimiterSplit": return CharDelimiterSplit(scalar: try n.char("delimiter"))
        case "Split":
            let p = try n.require("pattern")
            return try Split(pattern: try CompiledPattern.parse(p), behavior: try SplitBehavior.parse(try n.require("behavior")),
                             invert: try n.bool("invert", default: false), path: p.path)
        case "UnicodeScripts": return UnicodeScripts()
        case "Sequence":
            return PreTokenizerSequence(try n.require("pretokenizers").array().map(preTokenizer))
        default:
            throw TokenizerError.unsupported(path: n.path + ".type", type: type)
        }
    }

    static func prependScheme(_ n: JNode) throws -> Metaspace.PrependScheme {
        if let s = n.field("prepend_scheme") {
            let v = try s.string()
            guard let scheme = Metaspace.PrependScheme(rawValue: v) else { throw s.fail("unknown prepend_scheme \"\(v)\"") }
            return scheme
        }
        // Files written before prepend_scheme existed say add_prefix_space.
        return try n.bool("add_prefix_space", default: true) ? .always : .never
    }

    static func vocab(_ n: JNode) throws -> Vocab {
        var vocab: Vocab = [:]
        let fields = try n.rawObject()
        vocab.reserveCapacity(fields.count)
        for (k, v) in fields {
            // The bound keeps a corrupt id from sizing the id → token table beyond memory.
            guard case .number(let d) = v, d >= 0, d == d.rounded(), d < Double(max(16 * fields.count, 1 << 20)) else {
                throw TokenizerError.invalid(path: "\(n.path)[\"\(k)\"]", reason: "expected an integer id between 0 and a few times the vocabulary size")
            }
            vocab[TokenString(k)] = Int(d)
        }
        return vocab
    }

    static func model(_ n: JNode) throws -> any TokenizerModel {
        // Old files omit the type; infer it from the fields as Hugging Face does.
        let type: String
        if let t = n.field("type") { type = try t.string() } else if n.field("merges") != nil { type = "BPE" }
        else if n.field("continuing_subword_prefix") != nil { type = "WordPiece" }
        else if n.field("unk_id") != nil { type = "Unigram" } else { type = "WordLevel" }
        switch type {
        case "BPE":
            let vocab = try vocab(try n.require("vocab"))
            var merges: [(String, String)] = []
            let m = try n.require("merges")
            let items = try m.rawArray()
            merges.reserveCapacity(items.count)
            for (k, item) in items.enumerated() {
                switch item {
                case .string(let s):
                    let parts = s.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
                    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                        throw TokenizerError.invalid(path: "\(m.path)[\(k)]", reason: "a merge must be two tokens separated by a space")
                    }
                    merges.append((String(parts[0]), String(parts[1])))
                case .array(let pair):
                    guard pair.count == 2, case .string(let a) = pair[0], case .string(let b) = pair[1] else {
                        throw TokenizerError.invalid(path: "\(m.path)[\(k)]", reason: "a merge must be a pair of strings")
                    }
                    merges.append((a, b))
                default:
                    throw TokenizerError.invalid(path: "\(m.path)[\(k)]", reason: "a merge must be a string or a pair")
                }
            }
            return try BPEModel(
                vocab: vocab, merges: merges, unkToken: try n.optionalString("unk_token"),
                continuingSubwordPrefix: try n.optionalString("continuing_subword_prefix"),
                endOfWordSuffix: try n.optionalString("end_of_word_suffix"), fuseUnk: try n.bool("fuse_unk", default: false),
                byteFallback: try n.bool("byte_fallback", default: false), ignoreMerges: try n.bool("ignore_merges", default: false),
                dropout: try n.field("dropout")?.double(), path: n.path)
        case "WordPiece":
            return WordPieceModel(
                vocab: try vocab(try n.require("vocab")), unkToken: try n.string("unk_token", default: "[UNK]"),
                continuingSubwordPrefix: try n.string("continuing_subword_prefix", default: "##"),
                maxInputCharsPerWord: try n.int("max_input_chars_per_word", default: 100))
        case "WordLevel":
            return WordLevelModel(vocab: try vocab(try n.require("vocab")), unkToken: try n.string("unk_token", default: "<unk>"))
        case "Unigram":
            var pieces: [(String, Double)] = []
            for item in try n.require("vocab").array() {
                let pair = try item.array()
                guard pair.count == 2 else { throw item.fail("expected [piece, score]") }
                pieces.append((try pair[0].string(), try pair[1].double()))
            }
            return try UnigramModel(pieces: pieces, unkId: try n.optionalInt("unk_id"), byteFallback: try n.bool("byte_fallback", default: false), path: n.path)
        default:
            throw TokenizerError.unsupported(path: n.path + ".type", type: type)
        }
    }

    static func tokenAndId(_ n: JNode) throws -> (String, Int) {
        let a = try n.array()
        guard a.count == 2 else { throw n.fail("expected [token, id]") }
        return (try a[0].string(), try a[1].int())
    }

    static func templatePieces(_ n: JNode) throws -> [TemplateProcessing.Piece] {
        try n.array().map { item in
            if let s = item.field("Sequence") {
                let id = try s.require("id").string()
                guard id == "A" || id == "B" else { throw s.fail("sequence id must be A or B") }
                return .sequence(first: id == "A", typeId: try s.int("type_id", default: 0))
            }
            if let s = item.field("SpecialToken") {
                return .special(id: try s.require("id").string(), typeId: try s.int("type_id", default: 0))
            }
            throw item.fail("expected Sequence or SpecialToken")
        }
    }

    static func postProcessor(_ n: JNode) throws -> any PostProcessor {
        let type = try n.type()
        switch type {
        case "TemplateProcessing":
            var specials: [TemplateProcessing.SpecialToken] = []
            if let s = n.field("special_tokens") {
                for (name, v) in try s.rawObject() {
                    let node = JNode(v, path: "\(s.path)[\"\(name)\"]")
                    specials.append(.init(id: try node.require("id").string(), ids: try node.require("ids").array().map { try $0.int() },
                                          tokens: try node.require("tokens").array().map { try $0.string() }))
                }
            }
            let t = TemplateProcessing(single: try templatePieces(try n.require("single")), pair: try templatePieces(try n.require("pair")), specialTokens: specials)
            for piece in t.single + t.pair {
                if case .special(let id, _) = piece, t.specialTokens[id] == nil {
                    throw TokenizerError.invalid(path: n.path + ".special_tokens", reason: "template uses \"\(id)\" which is not listed")
                }
            }
            return t
        case "BertProcessing":
            return BertProcessing(sep: try tokenAndId(try n.require("sep")), cls: try tokenAndId(try n.require("cls")))
        case "RobertaProcessing":
            return RobertaProcessing(sep: try tokenAndId(try n.require("sep")), cls: try tokenAndId(try n.require("cls")),
                                     trimOffsets: try n.bool("trim_offsets", default: true), addPrefixSpace: try n.bool("add_prefix_space", default: true))
        case "ByteLevel":
            return ByteLevelProcessing(trimOffsets: try n.bool("trim_offsets", default: true), addPrefixSpace: try n.bool("add_prefix_space", default: true))
        case "Sequence":
            return PostProcessorSequence(try n.require("processors").array().map(postProcessor))
        default:
            throw TokenizerError.unsupported(path: n.path + ".type", type: type)
        }
    }

    static func decoder(_ n: JNode) throws -> any Decoder {
        let type = try n.type()
        switch type {
        case "ByteLevel": return ByteLevelDecoder()
        case "WordPiece": return WordPieceDecoder(prefix: try n.string("prefix", default: "##"), cleanup: try n.bool("cleanup", default: true))
        case "Metaspace":
            return MetaspaceDecoder(scalar: try n.char("replacement"), prependScheme: try prependScheme(n), split: try n.bool("split", default: true))
        case "BPEDecoder": return BPEDecoder(suffix: try n.string("suffix", default: "</w>"))
        case "ByteFallback": return ByteFallbackDecoder()
        case "Fuse": return FuseDecoder()
        case "Strip":
            return StripDecoder(scalar: try n.char("content"), start: try n.int("start", default: 0), stop: try n.int("stop", default: 0))
        case "Replace":
            let pattern = try CompiledPattern.parse(try n.require("pattern"))
            _ = try CompiledPattern(pattern, path: n.path + ".pattern")
            return ReplaceDecoder(pattern: pattern, content: try n.require("content").string())
        case "CTC":
            return CTCDecoder(padToken: try n.string("pad_token", default: "<pad>"), wordDelimiterToken: try n.string("word_delimiter_token", default: "|"),
                              cleanup: try n.bool("cleanup", default: true))
        case "Sequence":
            return DecoderSequence(try n.require("decoders").array().map(decoder))
        default:
            throw TokenizerError.unsupported(path: n.path + ".type", type: type)
        }
    }

    static func padding(_ n: JNode) throws -> PaddingOptions {
        var p = PaddingOptions()
        if let s = n.field("strategy") {
            if case .string(let v) = s.value {
                guard v == "BatchLongest" else { throw s.fail("unknown padding strategy \"\(v)\"") }
                p.strategy = .longest
            } else {
                p.strategy = .fixed(try s.require("Fixed").int())
            }
        }
        if let d = n.field("direction") {
            guard let dir = PaddingDirection(rawValue: try d.string()) else { throw d.fail("expected Left or Right") }
            p.direction = dir
        }
        p.padToMultipleOf = try n.optionalInt("pad_to_multiple_of")
        p.padId = try n.int("pad_id", default: 0)
        p.padTypeId = try n.int("pad_type_id", default: 0)
        p.padToken = try n.string("pad_token", default: "[PAD]")
        return p
    }

    static func truncation(_ n: JNode) throws -> TruncationOptions {
        var t = TruncationOptions(maxLength: try n.require("max_length").int())
        t.stride = try n.int("stride", default: 0)
        if let s = n.field("strategy") {
            guard let v = TruncationOptions.Strategy(rawValue: try s.string()) else { throw s.fail("unknown truncation strategy") }
            t.strategy = v
        }
        if let d = n.field("direction") {
            guard let v = TruncationDirection(rawValue: try d.string()) else { throw d.fail("expected Left or Right") }
            t.direction = v
        }
        return t
    }
}
