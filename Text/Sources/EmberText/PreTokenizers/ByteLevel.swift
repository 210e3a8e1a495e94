/// GPT-2's reversible mapping of bytes to printable characters: printable Latin-1 bytes stand
/// for themselves, the others are moved to U+0100 and up, in order.
enum ByteMap {
    static let byteToScalar: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            if (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255) {
                table[b] = UInt32(b)
            } else {
                table[b] = next
                next += 1
            }
        }
        return table
    }()

    /// The inverse: scalar → byte, -1 where a scalar is not a byte's stand-in.
    static let scalarToByte: [Int16] = {
        var table = [Int16](repeating: -1, count: 512)
        for (b, s) in byteToScalar.enumerated() { table[Int(s)] = Int16(b) }
        return table
    }()
}

/// GPT-2's pre-tokenizer: optionally splits with GPT-2's regex, then replaces every UTF-8
/// byte by its printable stand-in so the BPE model only sees 256 base symbols.
public struct ByteLevel: PreTokenizer {
    public let addPrefixSpace: Bool
    public let trimOffsets: Bool
    public let useRegex: Bool

    public init(addPrefixSpace: Bool = true, trimOffsets: Bool = true, useRegex: Bool = true) {
        self.addPrefixSpace = addPrefixSpace
        self.trimOffsets = trimOffsets
        self.useRegex = useRegex
    }

    public func preTokenize(_ text: inout PreTokenizedString) throws {
        text.split { _, n in
            var n = n
            if addPrefixSpace && n.scalars.first != 0x20 { n.prepend([0x20]) }
            let words = useRegex ? gpt2Split(n) : [n]
            return words.map(ByteLevel.mapBytes)
        }
    }

    /// Replaces each scalar by the stand-ins of its UTF-8 bytes, all aligned to that scalar.
    static func mapBytes(_ n: NormalizedString) -> NormalizedString {
        let table = ByteMap.byteToScalar
        if n.scalars.allSatisfy({ $0 < 128 }) {
            var m = n
            for k in 0..<m.scalars.count { m.scalars[k] = table[Int(m.scalars[k])] }
            return m
        }
        var m = n
        m.rebuild { b in
            var bytes: [UInt8] = []
            for k in 0..<n.scalars.count {
                bytes.removeAll(keepingCapacity: true)
                appendUTF8(&bytes, n.scalars[k])
                for byte in bytes { b.append(table[Int(byte)], n.starts[k], n.ends[k]) }
            }
        }
        return m
    }

    public var json: JSONValue {
        .object([
            ("type", .string("ByteLevel")), ("add_prefix_space", .bool(addPrefixSpace)),
            ("trim_offsets", .bool(trimOffsets)), ("use_regex", .bool(useRegex)),
        ])
    }
}

/// The ranges GPT-2's pattern
/// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
/// matches, computed by hand because this is the hottest loop of byte-level tokenizers.
func gpt2Ranges(_ s: [UInt32]) -> [(Int, Int)] {
    var out: [(Int, Int)] = []
    out.reserveCapacity(s.count / 4 + 1)
    let n = s.count
    @inline(__always) func kind(_ c: UInt32) -> UInt8 {
        // 1 letter, 2 number, 3 space, 0 other
        if c < 128 {
            let f = CharClass.ascii[Int(c)]
            if f & CharClass.letter != 0 { return 1 }
            if f & CharClass.number != 0 { return 2 }
            if f & CharClass.space != 0 { return 3 }
            return 0
        }
        if CharClass.isLetter(c) { return 1 }
        if CharClass.isNumber(c) { return 2 }
        if CharClass.isWhitespace(c) { return 3 }
        return 0
    }
    var i = 0
    while i < n {
        let c = s[i]
        // Contractions.
        if c == 0x27 && i + 1 < n {
            let d = s[i + 1]
            if d == 0x73 || d == 0x74 || d == 0x6D || d == 0x64 { out.append((i, i + 2)); i += 2; continue }
            if i + 2 < n {
                let e = s[i + 2]
                if (d == 0x72 && e == 0x65) || (d == 0x76 && e == 0x65) || (d == 0x6C && e == 0x6C) {
                    out.append((i, i + 3)); i += 3; continue
                }
            }
        }
        let k0 = kind(c)
        var j = i
        var k = k0
        if c == 0x20 && i + 1 < n {
            let k1 = kind(s[i + 1])
            if k1 != 3 { j = i + 1; k = k1 }
        }
        if k != 3 {
            var e = j + 1
            while e < n && kind(s[e]) == k { e += 1 }
            out.append((i, e))
            i = e
            continue
        }
        // Whitespace run [i, e).
        var e = i + 1
        while e < n && kind(s[e]) == 3 { e += 1 }
        if e == n || e - i == 1 {
            out.append((i, e))
            i = e
        } else {
            out.append((i, e - 1))
            i = e - 1
        }
    }
    return out
}

func gpt2Split(_ n: NormalizedString) -> [NormalizedString] {
    let ranges = gpt2Ranges(n.scalars)
    if ranges.count == 1 { return [n] }
    return ranges.map { n.slice($0.0, $0.1) }
}

/// The ByteLevel normalizer: every UTF-8 byte becomes its printable stand-in, without
/// splitting (used by tokenizers whose pre-tokenizer splits on the stand-ins).
public struct ByteLevelNormalizer: Normalizer {
    public init() {}
    public func normalize(_ text: inout NormalizedString) throws {
        text = ByteLevel.mapBytes(text)
    }
    public var json: JSONValue { .object([("type", .string("ByteLevel"))]) }
}
