/// Unicode character classes the pipeline needs, with ASCII answered from a table because
/// almost all hot-loop characters are ASCII.
enum CharClass {
    // Bit flags for ASCII.
    static let letter: UInt8 = 1, number: UInt8 = 2, space: UInt8 = 4, punct: UInt8 = 8, control: UInt8 = 16

    static let ascii: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 128)
        for c in 0..<128 {
            let u = UInt8(c)
            if (u >= 0x41 && u <= 0x5A) || (u >= 0x61 && u <= 0x7A) { t[c] |= letter }
            if u >= 0x30 && u <= 0x39 { t[c] |= number }
            if u == 0x20 || (u >= 0x09 && u <= 0x0D) { t[c] |= space }
            if (u >= 0x21 && u <= 0x2F) || (u >= 0x3A && u <= 0x40) || (u >= 0x5B && u <= 0x60) || (u >= 0x7B && u <= 0x7E) {
                t[c] |= punct
            }
            if u < 0x20 || u == 0x7F { t[c] |= control }
        }
        return t
    }()

    @inline(__always) static func category(_ c: UInt32) -> Unicode.GeneralCategory {
        guard let s = Unicode.Scalar(c) else { return .surrogate }
        return s.properties.generalCategory
    }

    /// `\p{L}`.
    @inline(__always) static func isLetter(_ c: UInt32) -> Bool {
        if c < 128 { return ascii[Int(c)] & letter != 0 }
        switch category(c) {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// `\p{N}`.
    @inline(__always) static func isNumber(_ c: UInt32) -> Bool {
        if c < 128 { return ascii[Int(c)] & number != 0 }
        switch category(c) {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// Unicode White_Space (Rust's `char::is_whitespace`, regex `\s`).
    @inline(__always) static func isWhitespace(_ c: UInt32) -> Bool {
        if c < 128 { return ascii[Int(c)] & space != 0 }
        guard let s = Unicode.Scalar(c) else { return false }
        return s.properties.isWhitespace
    }

    /// Any punctuation category (P*), or ASCII punctuation (which includes symbols like `$`).
    @inline(__always) static func isBertPunctuation(_ c: UInt32) -> Bool {
        if c < 128 { return ascii[Int(c)] & punct != 0 }
        return isUnicodePunctuation(c)
    }

    @inline(__always) static func isUnicodePunctuation(_ c: UInt32) -> Bool {
        switch category(c) {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    /// Categories C* (control, format, unassigned, private use, surrogate).
    @inline(__always) static func isOther(_ c: UInt32) -> Bool {
        if c < 128 { return ascii[Int(c)] & control != 0 }
        switch category(c) {
        case .control, .format, .unassigned, .privateUse, .surrogate: return true
        default: return false
        }
    }

    /// General category Mark (Mn, Mc, Me).
    @inline(__always) static func isMark(_ c: UInt32) -> Bool {
        if c < 0x300 { return false }
        switch category(c) {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// Nonspacing mark (Mn) only.
    @inline(__always) static func isNonspacingMark(_ c: UInt32) -> Bool {
        if c < 0x300 { return false }
        return category(c) == .nonspacingMark
    }

    /// The CJK ideograph blocks BERT puts spaces around.
    @inline(__always) static func isChineseChar(_ c: UInt32) -> Bool {
        (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
            || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF)
            || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F)
    }

    /// Full lowercase mapping (may produce several scalars, like Rust's `to_lowercase`).
    @inline(__always) static func lowercase(_ c: UInt32, into out: inout [UInt32]) {
        if c < 128 {
            out.append(c >= 0x41 && c <= 0x5A ? c + 32 : c)
            return
        }
        guard let s = Unicode.Scalar(c) else { out.append(c); return }
        let props = s.properties
        if !props.changesWhenLowercased { out.append(c); return }
        for u in props.lowercaseMapping.unicodeScalars { out.append(u.value) }
    }

    @inline(__always) static func uppercase(_ c: UInt32, into out: inout [UInt32]) {
        if c < 128 {
            out.append(c >= 0x61 && c <= 0x7A ? c - 32 : c)
            return
        }
        guard let s = Unicode.Scalar(c) else { out.append(c); return }
        let props = s.properties
        if !props.changesWhenUppercased { out.append(c); return }
        for u in props.uppercaseMapping.unicodeScalars { out.append(u.value) }
    }
}
