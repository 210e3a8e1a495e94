import CEmberICU

/// The four Unicode normalization forms, computed by ICU.
public enum UnicodeForm: Int32, Sendable {
    case nfc = 0, nfd = 1, nfkc = 2, nfkd = 3

    var name: String {
        switch self {
        case .nfc: return "NFC"
        case .nfd: return "NFD"
        case .nfkc: return "NFKC"
        case .nfkd: return "NFKD"
        }
    }
}

/// NFC, NFD, NFKC or NFKD.
public struct UnicodeNormalizer: Normalizer {
    public let form: UnicodeForm
    public init(_ form: UnicodeForm) { self.form = form }
    public func normalize(_ text: inout NormalizedString) throws {
        try unicodeNormalize(&text, form)
    }
    public var json: JSONValue { .object([("type", .string(form.name))]) }
}

private func icuNormalize(_ form: UnicodeForm, _ input: ArraySlice<UInt32>) throws -> [UInt32] {
    var capacity = input.count * 4 + 8
    while true {
        var out = [UInt32](repeating: 0, count: capacity)
        let n = input.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                ember_icu_normalize(form.rawValue, src.baseAddress, Int32(src.count), dst.baseAddress, Int32(capacity))
            }
        }
        if n == Int32.min { throw TokenizerError.invalidArgument("ICU failed to normalize text to \(form.name)") }
        if n < 0 { capacity = Int(-n); continue }
        out.removeLast(capacity - Int(n))
        return out
    }
}

/// Normalizes segment by segment (a segment starts at a scalar with a normalization boundary
/// before it), so each output scalar can be aligned to an input scalar of its segment.
func unicodeNormalize(_ text: inout NormalizedString, _ form: UnicodeForm) throws {
    let scalars = text.scalars
    if scalars.allSatisfy({ $0 < 0x80 }) { return }
    let already = scalars.withUnsafeBufferPointer {
        ember_icu_is_normalized(form.rawValue, $0.baseAddress, Int32($0.count))
    }
    if already == 1 { return }
    let old = text
    var failure: Error?
    text.rebuild { b in
        var i = 0
        let n = scalars.count
        while i < n {
            var j = i + 1
            while j < n && !(scalars[j] < 0x300 || ember_icu_has_boundary_before(form.rawValue, scalars[j]) == 1) { j += 1 }
            if j - i == 1 && scalars[i] < 0xA0 {
                b.append(scalars[i], old.starts[i], old.ends[i])
                i = j
                continue
            }
            let out: [UInt32]
            do { out = try icuNormalize(form, scalars[i..<j]) } catch { failure = error; return }
            // Alignment as Hugging Face's normalizer reports it: positional, except that a
            // composition makes the first output absorb the next inputs (the later outputs then
            // align with the inputs after them), and an expansion repeats the last input.
            let n = j - i, m = out.count
            for (k, c) in out.enumerated() {
                let source = m < n ? (k == 0 ? 0 : k + n - m) : min(k, n - 1)
                b.append(c, old.starts[i + source], old.ends[i + source])
            }
            i = j
        }
    }
    if let failure { throw failure }
}

/// BERT's cleaning: drops control characters, maps whitespace to spaces, surrounds CJK
/// ideographs with spaces, optionally strips accents and lowercases.
public struct BertNormalizer: Normalizer {
    public let cleanText: Bool
    public let handleChineseChars: Bool
    public let stripAccents: Bool?
    public let lowercase: Bool

    public init(cleanText: Bool = true, handleChineseChars: Bool = true, stripAccents: Bool? = nil, lowercase: Bool = true) {
        self.cleanText = cleanText
        self.handleChineseChars = handleChineseChars
        self.stripAccents = stripAccents
        self.lowercase = lowercase
    }

    public func normalize(_ text: inout NormalizedString) throws {
        let isAscii = text.scalars.allSatisfy { $0 < 128 }
        if cleanText {
            let needs = text.scalars.contains { c in
                c == 0 || c == 0xFFFD || (c != 0x20 && CharClass.isWhitespace(c))
                    || (c != 0x09 && c != 0x0A && c != 0x0D && CharClass.isOther(c))
            }
            if needs {
                text.mapScalars { c, out in
                    if c == 0 || c == 0xFFFD { return }
                    if c == 0x09 || c == 0x0A || c == 0x0D || CharClass.isWhitespace(c) { out.append(0x20); return }
                    if CharClass.isOther(c) { return }
                    out.append(c)
                }
            }
        }
        if handleChineseChars && !isAscii && text.scalars.contains(where: CharClass.isChineseChar) {
            text.mapScalars { c, out in
                if CharClass.isChineseChar(c) { out.append(0x20); out.append(c); out.append(0x20) } else { out.append(c) }
            }
        }
        if stripAccents ?? lowercase, !isAscii {
            try unicodeNormalize(&text, .nfd)
            stripNonspacingMarks(&text)
        }
        if lowercase { try Lowercase().normalize(&text) }
    }

    public var json: JSONValue {
        .object([
            ("type", .string("BertNormalizer")), ("clean_text", .bool(cleanText)),
            ("handle_chinese_chars", .bool(handleChineseChars)),
            ("strip_accents", stripAccents.map { .bool($0) } ?? .null), ("lowercase", .bool(lowercase)),
        ])
    }
}
