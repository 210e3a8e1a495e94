/// A step that adds special tokens and sets type ids after the model ran.
public protocol PostProcessor: Sendable {
    /// How many tokens `process` adds (truncation leaves room for them).
    func addedTokens(isPair: Bool) -> Int
    /// Rewrites the encodings of the sequence (and pair); the results are concatenated.
    func process(_ encodings: [Encoding], addSpecialTokens: Bool) throws -> [Encoding]
    /// The tokenizer.json object that recreates this post-processor.
    var json: JSONValue { get }
}

func specialEncoding(ids: [Int], tokens: [String], typeId: Int) -> Encoding {
    var e = Encoding()
    for (i, t) in zip(ids, tokens) {
        e.append(id: i, token: t, offsets: .init(0, 0), word: nil, typeId: typeId, sequence: nil, special: 1)
    }
    return e
}

/// Special tokens and type ids laid out by a template such as `[CLS] $A [SEP] $B:1 [SEP]:1`.
public struct TemplateProcessing: PostProcessor {
    public enum Piece: Sendable, Equatable {
        case sequence(first: Bool, typeId: Int)
        case special(id: String, typeId: Int)
    }

    /// A special token of the template: its name and the ids/tokens it stands for.
    public struct SpecialToken: Sendable {
        public var id: String
        public var ids: [Int]
        public var tokens: [String]
        public init(id: String, ids: [Int], tokens: [String]) { self.id = id; self.ids = ids; self.tokens = tokens }
    }

    public let single: [Piece]
    public let pair: [Piece]
    public let specialTokens: [String: SpecialToken]
    let specialOrder: [String]

    public init(single: [Piece], pair: [Piece], specialTokens: [SpecialToken]) {
        self.single = single
        self.pair = pair
        var map: [String: SpecialToken] = [:]
        for t in specialTokens { map[t.id] = t }
        self.specialTokens = map
        specialOrder = specialTokens.map { $0.id }
    }

    public func addedTokens(isPair: Bool) -> Int {
        (isPair ? pair : single).reduce(0) { n, piece in
            if case .special(let id, _) = piece { return n + (specialTokens[id]?.ids.count ?? 0) }
            return n
        }
    }

    public func process(_ encodings: [Encoding], addSpecialTokens: Bool) throws -> [Encoding] {
        let template = encodings.count == 2 ? pair : single
        var out: [Encoding] = []
        for piece in template {
            switch piece {
            case .sequence(let first, let typeId):
                let index = first ? 0 : 1
                guard index < encodings.count else { continue }
                var e = encodings[index]
                e.typeIds = Array(repeating: typeId, count: e.count)
                for k in 0..<e.overflowing.count { e.overflowing[k].typeIds = Array(repeating: typeId, count: e.overflowing[k].count) }
                e.setSequenceId(index)
                out.append(e)
            case .special(let id, let typeId):
                guard addSpecialTokens else { continue }
                guard let t = specialTokens[id] else {
                    throw TokenizerError.invalid(path: "$.post_processor.special_tokens", reason: "template uses unknown special token \"\(id)\"")
                }
                out.append(specialEncoding(ids: t.ids, tokens: t.tokens, typeId: typeId))
            }
        }
        return out
    }

    static func pieceJSON(_ p: Piece) -> JSONValue {
        switch p {
        case .sequence(let first, let typeId):
            return .object([("Sequence", .object([("id", .string(first ? "A" : "B")), ("type_id", .number(Double(typeId)))]))])
        case .special(let id, let typeId):
            return .object([("SpecialToken", .object([("id", .string(id)), ("type_id", .number(Double(typeId)))]))])
        }
    }

    public var json: JSONValue {
        .object([
            ("type", .string("TemplateProcessing")),
            ("single", .array(single.map(TemplateProcessing.pieceJSON))),
            ("pair", .array(pair.map(TemplateProcessing.pieceJSON))),
            ("special_tokens", .object(specialOrder.compactMap { name in
                specialTokens[name].map { t in
                    (name, JSONValue.object([
                        ("id", .string(t.id)), ("ids", .array(t.ids.map { .number(Double($0)) })),
                        ("tokens", .array(t.tokens.map { .string($0) })),
                    ]))
                }
            })),
        ])
    }
}

/// BERT's `[CLS] A [SEP] B [SEP]` with type ids 0 then 1.
public struct BertProcessing: PostProcessor {
    public let sep: (String, Int)
    public let cls: (String, Int)
    public init(sep: (String, Int), cls: (String, Int)) { self.sep = sep; self.cls = cls }
    public func addedTokens(isPair: Bool) -> Int { isPair ? 3 : 2 }
    public func process(_ encodings: [Encoding], addSpecialTokens: Bool) throws -> [Encoding] {
        let t = TemplateProcessing(
            single: [.special(id: cls.0, typeId: 0), .sequence(first: true, typeId: 0), .special(id: sep.0, typeId: 0)],
            pair: [.special(id: cls.0, typeId: 0), .sequence(first: true, typeId: 0), .special(id: sep.0, typeId: 0),
                   .sequence(first: false, typeId: 1), .special(id: sep.0, typeId: 1)],
            specialTokens: [.init(id: cls.0, ids: [cls.1], tokens: [cls.0]), .init(id: sep.0, ids: [sep.1], tokens: [sep.0])])
        return try t.process(encodings, addSpecialTokens: addSpecialTokens)
    }
    public var json: JSONValue {
        .object([
            ("type", .string("BertProcessing")), ("sep", .array([.string(sep.0), .number(Double(sep.1))])),
            ("cls", .array([.string(cls.0), .number(Double(cls.1))])),
        ])
    }
}

/// RoBERTa's `<s> A </s></s> B </s>` (all type ids 0), optionally trimming spaces from offsets.
public struct RobertaProcessing: PostProcessor {
    public let sep: (String, Int)
    public let cls: (String, Int)
    public let trimOffsets: Bool
    public let addPrefixSpace: Bool
    public init(sep: (String, Int), cls: (String, Int), trimOffsets: Bool = true, addPrefixSpace: Bool = true) {
        self.sep = sep; self.cls = cls; self.trimOffsets = trimOffsets; self.addPrefixSpace = addPrefixSpace
    }
    public func addedTokens(isPair: Bool) -> Int { isPair ? 4 : 2 }
    public func process(_ encodings: [Encoding], addSpecialTokens: Bool) throws -> [Encoding] {
        var encodings = encodings
        if trimOffsets { for k in 0..<encodings.count { trimByteLevelOffsets(&encodings[k], addPrefixSpace: addPrefixSpace) } }
        let t = TemplateProcessing(
            single: [.special(id: cls.0, typeId: 0), .sequence(first: true, typeId: 0), .special(id: sep.0, typeId: 0)],
            pair: [.special(id: cls.0, typeId: 0), .sequence(first: true, typeId: 0), .special(id: sep.0, typeId: 0),
                   .special(id: sep.0, typeId: 0), .sequence(first: false, typeId: 0), .special(id: sep.0, typeId: 0)],
            specialTokens: [.init(id: cls.0, ids: [cls.1], tokens: [cls.0]), .init(id: sep.0, ids: [sep.1], tokens: [sep.0])])
        return try t.process(encodings, addSpecialTokens: addSpecialTokens)
    }
    public var json: JSONValue {
        .object([
            ("type", .string("RobertaProcessing")), ("sep", .array([.string(sep.0), .number(Double(sep.1))])),
            ("cls", .array([.string(cls.0), .number(Double(cls.1))])), ("trim_offsets", .bool(trimOffsets)),
            ("add_prefix_space", .bool(addPrefixSpace)),
        ])
    }
}

/// Byte-level BPE's post-processor: moves offsets past the spaces a token's `Ġ` stands for.
public struct ByteLevelProcessing: PostProcessor {
    public let trimOffsets: Bool
    public let addPrefixSpace: Bool
    public init(trimOffsets: Bool = true, addPrefixSpace: Bool = true) {
        self.trimOffsets = trimOffsets
        self.addPrefixSpace = addPrefixSpace
    }
    public func addedTokens(isPair: Bool) -> Int { 0 }
    public func process(_ encodings: [Encoding], addSpecialTokens: Bool) throws -> [Encoding] {
        guard trimOffsets else { return encodings }
        var encodings = encodings
        for k in 0..<encodings.count { trimByteLevelOffsets(&encodings[k], addPrefixSpace: addPrefixSpace) }
        return encodings
    }
    public var json: JSONValue {
        .object([("type", .string("ByteLevel")), ("add_prefix_space", .bool(addPrefixSpace)), ("trim_offsets", .bool(trimOffsets)), ("use_regex", .bool(true))])
    }
}

func trimByteLevelOffsets(_ e: inout Encoding, addPrefixSpace: Bool) {
    for k in 0..<e.overflowing.count { trimByteLevelOffsets(&e.overflowing[k], addPrefixSpace: addPrefixSpace) }
    let space = Unicode.Scalar(0x120)!
    for k in 0..<e.count {
        let scalars = e.tokens[k].unicodeScalars
        let total = scalars.count
        var leading = 0
        var allSpaces = true
        for s in scalars { if s == space { leading += 1 } else { allSpaces = false; break } }
        var trailing = 0
        for s in scalars.reversed() { if s == space { trailing += 1 } else { break } }
        if allSpaces { leading = total; trailing = total }
        guard leading > 0 || trailing > 0 else { continue }
        var o = e.offsets[k]
        if leading > 0 {
            let isFirst = k == 0 || o.start == 0
            if isFirst && addPrefixSpace && leading == 1 { leading = 0 }
            o.start = min(o.start + leading, o.end)
        }
        if trailing > 0 && o.end >= trailing { o.end = max(o.end - trailing, o.start) }
        e.offsets[k] = o
    }
}

/// Applies post-processors in order.
public struct PostProcessorSequence: PostProcessor {
    public let processors: [any PostProcessor]
    public init(_ processors: [any PostProcessor]) { self.processors = processors }
    public func addedTokens(isPair: Bool) -> Int { processors.reduce(0) { $0 + $1.addedTokens(isPair: isPair) } }
    public func process(_ encodings: [Encoding], addSpecialTokens: Bool) throws -> [Encoding] {
        var current = encodings
        for p in processors { current = try p.process(current, addSpecialTokens: addSpecialTokens) }
        return current
    }
    public var json: JSONValue {
        .object([("type", .string("Sequence")), ("processors", .array(processors.map { $0.json }))])
    }
}
