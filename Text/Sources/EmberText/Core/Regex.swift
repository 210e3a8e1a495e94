import CEmberICU
import Foundation

/// A compiled ICU regular expression over Unicode scalars.
///
/// ICU regex objects carry match state, so each thread borrows its own copy from a small pool
/// instead of locking around every search.
final class ICURegex: @unchecked Sendable {
    let pattern: String
    private var pool: [OpaquePointer] = []
    private let lock = NSLock()
    private let prototype: OpaquePointer

    init(_ pattern: String, path: String) throws {
        self.pattern = pattern
        let scalars = stringToScalars(pattern)
        var errorOffset: Int32 = 0
        guard let re = scalars.withUnsafeBufferPointer({
            ember_icu_regex_compile($0.baseAddress, Int32($0.count), &errorOffset)
        }) else {
            throw TokenizerError.invalid(path: path, reason: "invalid regular expression at offset \(errorOffset): \(pattern)")
        }
        prototype = re
    }

    deinit {
        ember_icu_regex_free(prototype)
        for r in pool { ember_icu_regex_free(r) }
    }

    private func borrow() -> OpaquePointer? {
        lock.lock()
        defer { lock.unlock() }
        if let r = pool.popLast() { return r }
        return ember_icu_regex_clone(prototype)
    }

    private func giveBack(_ r: OpaquePointer) {
        lock.lock()
        pool.append(r)
        lock.unlock()
    }

    /// Every non-overlapping match as `[start, end)` scalar ranges.
    func matches(in text: [UInt32]) throws -> [(Int, Int)] {
        if text.isEmpty { return [] }
        guard let re = borrow() else { throw TokenizerError.invalidArgument("ICU could not copy the regex \(pattern)") }
        defer { giveBack(re) }
        var capacity = max(16, text.count / 2 + 2)
        while true {
            var ranges = [Int32](repeating: 0, count: capacity * 2)
            let n = text.withUnsafeBufferPointer { t in
                ranges.withUnsafeMutableBufferPointer { r in
                    ember_icu_regex_find_all(re, t.baseAddress, Int32(t.count), r.baseAddress, Int32(capacity))
                }
            }
            if n == Int32.min { throw TokenizerError.invalidArgument("ICU failed matching \(pattern)") }
            if n < 0 { capacity = Int(-n); continue }
            var out: [(Int, Int)] = []
            out.reserveCapacity(Int(n))
            for k in 0..<Int(n) { out.append((Int(ranges[2 * k]), Int(ranges[2 * k + 1]))) }
            return out
        }
    }
}

/// What a Split pre-tokenizer or Replace normalizer looks for: a literal string or a regex.
public enum SplitPattern: Sendable {
    case string(String)
    case regex(String)

    var json: JSONValue {
        switch self {
        case .string(let s): return .object([("String", .string(s))])
        case .regex(let r): return .object([("Regex", .string(r))])
        }
    }
}

/// A compiled `SplitPattern`.
struct CompiledPattern: Sendable {
    let source: SplitPattern
    private let literal: [UInt32]
    private let regex: ICURegex?

    init(_ pattern: SplitPattern, path: String) throws {
        source = pattern
        switch pattern {
        case .string(let s):
            literal = stringToScalars(s)
            regex = nil
        case .regex(let r):
            literal = []
            regex = try ICURegex(r, path: path)
        }
    }

    static func parse(_ node: JNode) throws -> SplitPattern {
        if let s = node.field("String") { return .string(try s.string()) }
        if let r = node.field("Regex") { return .regex(try r.string()) }
        throw node.fail("expected {\"String\": …} or {\"Regex\": …}")
    }

    func matches(in text: [UInt32]) throws -> [(Int, Int)] {
        if let regex { return try regex.matches(in: text) }
        return literalMatches(text)
    }

    private func literalMatches(_ text: [UInt32]) -> [(Int, Int)] {
        let m = literal.count
        guard m > 0, text.count >= m else { return [] }
        var out: [(Int, Int)] = []
        var i = 0
        let first = literal[0]
        while i + m <= text.count {
            if text[i] == first {
                var ok = true
                for j in 1..<m where text[i + j] != literal[j] { ok = false; break }
                if ok { out.append((i, i + m)); i += m; continue }
            }
            i += 1
        }
        return out
    }
}

extension SplitPattern {
    func matches(in text: [UInt32]) throws -> [(Int, Int)] {
        // Replace normalizers compile lazily through a cache keyed by pattern.
        try PatternCache.shared.compiled(self).matches(in: text)
    }
}

/// Compiled patterns shared by value types that only hold the pattern's source.
final class PatternCache: @unchecked Sendable {
    static let shared = PatternCache()
    private var cache: [String: CompiledPattern] = [:]
    private let lock = NSLock()

    func compiled(_ p: SplitPattern) throws -> CompiledPattern {
        let key: String
        switch p {
        case .string(let s): key = "s:" + s
        case .regex(let r): key = "r:" + r
        }
        lock.lock()
        if let c = cache[key] { lock.unlock(); return c }
        lock.unlock()
        let c = try CompiledPattern(p, path: "pattern")
        lock.lock()
        cache[key] = c
        lock.unlock()
        return c
    }
}
