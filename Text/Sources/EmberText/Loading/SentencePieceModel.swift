import Foundation

/// Reads SentencePiece's `.model` files: a protobuf `ModelProto` whose few fields are decoded
/// here by hand (pieces, trainer and normalizer specs).
struct SentencePieceModelFile {
    enum PieceType: Int { case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6 }
    var pieces: [(piece: String, score: Double, type: PieceType)] = []
    var modelType = 1
    var byteFallback = false
    var unkId = 0
    var charsmap: [UInt8] = []
    var addDummyPrefix = true
    var removeExtraWhitespaces = true

    struct Reader {
        let bytes: ArraySlice<UInt8>
        var i: Int
        let source: String
        init(_ bytes: ArraySlice<UInt8>, source: String) { self.bytes = bytes; i = bytes.startIndex; self.source = source }
        var atEnd: Bool { i >= bytes.endIndex }

        func fail(_ reason: String) -> TokenizerError { .invalid(path: "\(source)@\(i)", reason: reason) }

        mutating func varint() throws -> UInt64 {
            var v: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard i < bytes.endIndex else { throw fail("truncated varint") }
                let b = bytes[i]
                i += 1
                v |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { return v }
                shift += 7
                guard shift < 64 else { throw fail("varint longer than 64 bits") }
            }
        }

        /// (field number, wire type, payload for length-delimited fields, value for the others)
        mutating func next() throws -> (Int, Int, ArraySlice<UInt8>?, UInt64) {
            let key = try varint()
            let field = Int(key >> 3), wire = Int(key & 7)
            switch wire {
            case 0: return (field, wire, nil, try varint())
            case 1:
                guard i + 8 <= bytes.endIndex else { throw fail("truncated fixed64") }
                var v: UInt64 = 0
                for k in 0..<8 { v |= UInt64(bytes[i + k]) << (8 * UInt64(k)) }
                i += 8
                return (field, wire, nil, v)
            case 2:
                let n = Int(try varint())
                guard n >= 0, i + n <= bytes.endIndex else { throw fail("length \(n) runs past the end") }
                let payload = bytes[i..<(i + n)]
                i += n
                return (field, wire, payload, 0)
            case 5:
                guard i + 4 <= bytes.endIndex else { throw fail("truncated fixed32") }
                var v: UInt64 = 0
                for k in 0..<4 { v |= UInt64(bytes[i + k]) << (8 * UInt64(k)) }
                i += 4
                return (field, wire, nil, v)
            default:
                throw fail("unsupported wire type \(wire)")
            }
        }
    }

    init(bytes: [UInt8], source: String) throws {
        var r = Reader(bytes[...], source: source)
        while !r.atEnd {
            let (field, _, payload, _) = try r.next()
            guard let payload else { continue }
            switch field {
            case 1: pieces.append(try SentencePieceModelFile.piece(payload, source: source))
            case 2:
                var t = Reader(payload, source: source + ".trainer_spec")
                while !t.atEnd {
                    let (f, _, _, v) = try t.next()
                    if f == 3 { modelType = Int(v) }
                    if f == 35 { byteFallback = v != 0 }
                    if f == 40 { unkId = Int(Int32(truncatingIfNeeded: v)) }
                }
            case 3:
                var n = Reader(payload, source: source + ".normalizer_spec")
                while !n.atEnd {
                    let (f, _, p, v) = try n.next()
                    if f == 2, let p { charsmap = Array(p) }
                    if f == 3 { addDummyPrefix = v != 0 }
                    if f == 4 { removeExtraWhitespaces = v != 0 }
                }
            default: break
            }
        }
        guard !pieces.isEmpty else { throw TokenizerError.invalid(path: source, reason: "no pieces: not a SentencePiece model") }
    }

    /// SentencePiece shows an unknown piece as " ⁇ " when decoding.
    static func decoders(_ file: SentencePieceModelFile, scheme: Metaspace.PrependScheme) -> [any Decoder] {
        var list: [any Decoder] = []
        if file.unkId >= 0 && file.unkId < file.pieces.count {
            list.append(ReplaceDecoder(pattern: .string(file.pieces[file.unkId].piece), content: " \u{2047} "))
        }
        list.append(ByteFallbackDecoder())
        list.append(MetaspaceDecoder(scalar: 0x2581, prependScheme: scheme, split: true))
        return list
    }

    static func piece(_ bytes: ArraySlice<UInt8>, source: String) throws -> (String, Double, PieceType) {
        var r = Reader(bytes, source: source + ".pieces")
        var text = ""
        var score: Float = 0
        var type = PieceType.normal
        while !r.atEnd {
            let (f, _, p, v) = try r.next()
            switch f {
            case 1: if let p { text = String(decoding: p, as: UTF8.self) }
            case 2: score = Float(bitPattern: UInt32(truncatingIfNeeded: v))
            case 3: type = PieceType(rawValue: Int(v)) ?? .normal
            default: break
            }
        }
        return (text, Double(score), type)
    }
}

extension Tokenizer {
    /// A tokenizer from a SentencePiece `.model` file (unigram or BPE), producing the ids
    /// `sentencepiece` gives for `encode` without BOS/EOS.
    public init(sentencePiece url: URL) throws {
        let file = try SentencePieceModelFile(bytes: try readFile(url), source: url.lastPathComponent)
        var normalizers: [any Normalizer] = []
        if !file.charsmap.isEmpty { normalizers.append(try PrecompiledNormalizer(charsmap: file.charsmap, path: url.lastPathComponent)) }
        if file.removeExtraWhitespaces {
            normalizers.append(Replace(pattern: .regex(" {2,}"), content: " "))
            normalizers.append(StripSpaces())
        }
        let unmatchable = Set(file.pieces.enumerated().filter { [.unknown, .control, .unused, .byte, .userDefined].contains($0.element.type) }.map { $0.offset })
        let model: any TokenizerModel
        switch file.modelType {
        case 1:
            var unigram = try UnigramModel(pieces: file.pieces.map { ($0.piece, $0.score) }, unkId: file.unkId, byteFallback: file.byteFallback,
                                           unmatchable: unmatchable, path: url.lastPathComponent)
            unigram.singlePrecision = true
            model = unigram
        case 2:
            var vocab: Vocab = [:]
            for (i, p) in file.pieces.enumerated() where vocab[p.piece] == nil { vocab[TokenString(p.piece)] = i }
            model = RankedMergeModel(vocab: vocab, priority: file.pieces.map { -$0.score }, unkId: file.unkId, byteFallback: file.byteFallback,
                                     unmatchable: unmatchable, kind: "SentencePiece BPE")
        default:
            throw TokenizerError.unsupported(path: url.lastPathComponent + ".trainer_spec.model_type", type: String(file.modelType))
        }
        let scheme: Metaspace.PrependScheme = file.addDummyPrefix ? .always : .never
        self.init(model: model, normalizer: normalizers.isEmpty ? nil : NormalizerSequence(normalizers),
                  // SentencePiece segments the whole sentence at once (no split at spaces); with
                  // single-precision sums, near-ties then resolve as in the library.
                  preTokenizer: Metaspace(scalar: 0x2581, prependScheme: scheme, split: file.modelType != 1),
                  decoder: DecoderSequence(SentencePieceModelFile.decoders(file, scheme: scheme)))
        let userDefined = file.pieces.enumerated().filter { $0.element.type == .userDefined }
        for (id, p) in userDefined { added.add(AddedToken(p.piece, special: false, normalized: false), id: id) }
        if !userDefined.isEmpty { try added.rebuild(normalizer: normalizer) }
    }
}

/// Removes spaces (U+0020 only) at both ends, as SentencePiece's whitespace clean-up does.
struct StripSpaces: Normalizer {
    func normalize(_ text: inout NormalizedString) throws {
        text.strip(left: true, right: true) { $0 == 0x20 }
    }
    var json: JSONValue { .object([("type", .string("Strip")), ("strip_left", .bool(true)), ("strip_right", .bool(true))]) }
}
