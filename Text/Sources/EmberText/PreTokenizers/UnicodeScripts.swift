import CEmberICU

/// Splits where the Unicode script changes (Han, Latin, Cyrillic, …), treating Hiragana and
/// Katakana as Han as Hugging Face does, and leaving spaces and common characters with the
/// text around them.
public struct UnicodeScripts: PreTokenizer {
    public init() {}

    // ICU script codes used below.
    static let common: Int32 = 0, inherited: Int32 = 1, han: Int32 = 17, hiragana: Int32 = 20, katakana: Int32 = 22

    static func script(_ c: UInt32) -> Int32 {
        if c == 0x30FC { return han }
        if c == 0x20 { return -1 }  // "Any": never causes a split
        let s = ember_icu_script(c)
        if s == hiragana || s == katakana { return han }
        return s
    }

    public func preTokenize(_ text: inout PreTokenizedString) throws {
        text.split { _, n in
            var out: [NormalizedString] = []
            var last: Int32? = nil
            var start = 0
            for (k, c) in n.scalars.enumerated() {
                let s = UnicodeScripts.script(c)
                let fixed: Int32 = s == -1 ? (last ?? -1) : s
                if let l = last, l != -1, fixed != -1, fixed != l {
                    out.append(n.slice(start, k))
                    start = k
                }
                if fixed != -1 { last = fixed }
            }
            if start < n.count { out.append(n.slice(start, n.count)) }
            return out
        }
    }
    public var json: JSONValue { .object([("type", .string("UnicodeScripts"))]) }
}
