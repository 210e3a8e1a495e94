/// SentencePiece's normalization rules ("precompiled_charsmap"): a double-array trie over
/// UTF-8 that maps character sequences to their replacements.
public struct PrecompiledNormalizer: Normalizer {
    /// The charsmap exactly as stored (base64 in tokenizer.json, bytes in .model files).
    public let charsmap: [UInt8]
    private let trie: [UInt32]
    private let strings: [UInt8]

    public init(charsmap: [UInt8], path: String = "precompiled_charsmap") throws {
        self.charsmap = charsmap
        if charsmap.isEmpty {
            trie = []
            strings = []
            return
        }
        guard charsmap.count >= 4 else { throw TokenizerError.invalid(path: path, reason: "charsmap shorter than its header") }
        let size = Int(UInt32(charsmap[0]) | UInt32(charsmap[1]) << 8 | UInt32(charsmap[2]) << 16 | UInt32(charsmap[3]) << 24)
        guard size % 4 == 0, 4 + size <= charsmap.count else {
            throw TokenizerError.invalid(path: path, reason: "charsmap trie size \(size) exceeds the data")
        }
        var units = [UInt32](repeating: 0, count: size / 4)
        for k in 0..<units.count {
            let o = 4 + 4 * k
            units[k] = UInt32(charsmap[o]) | UInt32(charsmap[o + 1]) << 8 | UInt32(charsmap[o + 2]) << 16 | UInt32(charsmap[o + 3]) << 24
        }
        trie = units
        strings = Array(charsmap[(4 + size)...])
    }

    /// The replacement for the shortest trie entry that prefixes `bytes`, as SentencePiece's
    /// Rust port does, or nil.
    private func transform(_ bytes: [UInt8]) -> [UInt8]? {
        guard !trie.isEmpty else { return nil }
        var pos = 0
        var unit = trie[0]
        pos ^= Int((unit >> 10) << ((unit & (1 << 9)) >> 6))
        for b in bytes {
            pos ^= Int(b)
            guard pos >= 0, pos < trie.count else { return nil }
            unit = trie[pos]
            if unit & ((1 << 31) | 0xFF) != UInt32(b) { return nil }
            pos ^= Int((unit >> 10) << ((unit & (1 << 9)) >> 6))
            guard pos >= 0, pos < trie.count else { return nil }
            if (unit >> 8) & 1 == 1 {
                let value = Int(trie[pos] & ((1 << 31) - 1))
                guard value < strings.count else { return nil }
                var end = value
                while end < strings.count && strings[end] != 0 { end += 1 }
                return Array(strings[value..<end])
            }
        }
        return nil
    }

    public func normalize(_ text: inout NormalizedString) throws {
        guard !trie.isEmpty, !text.isEmpty else { return }
        let old = text
        let str = old.string
        text.rebuild { b in
            var i = 0
            for grapheme in str {
                let scalars = grapheme.unicodeScalars.map { $0.value }
                var utf8: [UInt8] = []
                for c in scalars { appendUTF8(&utf8, c) }
                if utf8.count < 6, let rep = transform(utf8) {
                    emit(rep, from: i, count: scalars.count, into: &b, old: old)
                } else {
                    for (k, c) in scalars.enumerated() {
                        var one: [UInt8] = []
                        appendUTF8(&one, c)
                        if let rep = transform(one) {
                            emit(rep, from: i + k, count: 1, into: &b, old: old)
                        } else {
                            b.append(c, old.starts[i + k], old.ends[i + k])
                        }
                    }
                }
                i += scalars.count
            }
        }
    }

    private func emit(_ rep: [UInt8], from i: Int, count: Int, into b: inout NormalizedString.Builder, old: NormalizedString) {
        let newScalars = String(decoding: rep, as: UTF8.self).unicodeScalars.map { $0.value }
        for (j, c) in newScalars.enumerated() {
            let k = i + min(j, count - 1)
            b.append(c, old.starts[k], old.ends[k])
        }
    }

    public var json: JSONValue {
        .object([("type", .string("Precompiled")), ("precompiled_charsmap", .string(base64Encode(charsmap)))])
    }
}

private let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

func base64Encode(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var i = 0
    while i < bytes.count {
        let b0 = UInt32(bytes[i])
        let b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0
        let b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
        let v = b0 << 16 | b1 << 8 | b2
        out.append(base64Alphabet[Int(v >> 18 & 63)])
        out.append(base64Alphabet[Int(v >> 12 & 63)])
        out.append(i + 1 < bytes.count ? base64Alphabet[Int(v >> 6 & 63)] : UInt8(ascii: "="))
        out.append(i + 2 < bytes.count ? base64Alphabet[Int(v & 63)] : UInt8(ascii: "="))
        i += 3
    }
    return String(decoding: out, as: UTF8.self)
}

func base64Decode(_ s: String, path: String) throws -> [UInt8] {
    var table = [Int8](repeating: -1, count: 256)
    for (k, c) in base64Alphabet.enumerated() { table[Int(c)] = Int8(k) }
    var out: [UInt8] = []
    var acc: UInt32 = 0
    var bits = 0
    for c in s.utf8 {
        if c == UInt8(ascii: "=") { break }
        if c == 0x0A || c == 0x0D { continue }
        let v = table[Int(c)]
        guard v >= 0 else { throw TokenizerError.invalid(path: path, reason: "invalid base64 character") }
        acc = acc << 6 | UInt32(v)
        bits += 6
        if bits >= 8 {
            bits -= 8
            out.append(UInt8((acc >> UInt32(bits)) & 0xFF))
        }
    }
    return out
}
