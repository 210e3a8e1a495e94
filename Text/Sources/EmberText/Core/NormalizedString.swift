/// Text being normalized, as Unicode scalars, with every scalar's span in the original input.
///
/// Offsets in an `Encoding` are positions in the caller's string counted in Unicode scalars
/// (what Python's `str` indexes), so each scalar carries the `[start, end)` range of original
/// scalars it came from. A normalizer that rewrites text rebuilds the arrays through
/// `Builder`, saying for each new scalar which original span it stands for.
public struct NormalizedString: Sendable {
    /// The current (normalized) text.
    public internal(set) var scalars: [UInt32]
    var starts: [Int32]
    var ends: [Int32]
    /// Where this piece sits in the original text when it holds no scalars (for offsets of
    /// empty pieces and of tokens inserted at a position).
    var anchor: Int32

    /// Wraps `scalars` taken from the original text starting at scalar `offset`.
    init(scalars: [UInt32], offset: Int = 0) {
        self.scalars = scalars
        let n = scalars.count
        starts = [Int32](unsafeUninitializedCapacity: n) { buf, count in
            for k in 0..<n { buf[k] = Int32(offset + k) }
            count = n
        }
        ends = [Int32](unsafeUninitializedCapacity: n) { buf, count in
            for k in 0..<n { buf[k] = Int32(offset + k + 1) }
            count = n
        }
        anchor = Int32(offset)
    }

    init(scalars: [UInt32], starts: [Int32], ends: [Int32], anchor: Int32) {
        self.scalars = scalars
        self.starts = starts
        self.ends = ends
        self.anchor = anchor
    }

    /// Creates a normalized string from text.
    public init(_ text: String) {
        self.init(scalars: text.unicodeScalars.map { $0.value })
    }

    /// The normalized text as a Swift string.
    public var string: String { scalarsToString(scalars) }

    public var count: Int { scalars.count }
    public var isEmpty: Bool { scalars.isEmpty }

    /// The original span of normalized scalars `[a, b)`.
    func originalRange(_ a: Int, _ b: Int) -> (Int, Int) {
        if a < b { return (Int(starts[a]), Int(ends[b - 1])) }
        if a < scalars.count { return (Int(starts[a]), Int(starts[a])) }
        if a > 0 && a - 1 < scalars.count { return (Int(ends[a - 1]), Int(ends[a - 1])) }
        return (Int(anchor), Int(anchor))
    }

    /// The piece `[a, b)` of this string, keeping alignments.
    func slice(_ a: Int, _ b: Int) -> NormalizedString {
        let anchor: Int32 = a < scalars.count ? starts[a] : (a > 0 ? ends[a - 1] : self.anchor)
        return NormalizedString(
            scalars: Array(scalars[a..<b]), starts: Array(starts[a..<b]), ends: Array(ends[a..<b]),
            anchor: anchor)
    }

    /// Accumulates a rewritten string; see the type's documentation.
    struct Builder {
        var scalars: [UInt32] = []
        var starts: [Int32] = []
        var ends: [Int32] = []

        init(capacity: Int) {
            scalars.reserveCapacity(capacity)
            starts.reserveCapacity(capacity)
            ends.reserveCapacity(capacity)
        }

        @inline(__always) mutating func append(_ c: UInt32, _ s: Int32, _ e: Int32) {
            scalars.append(c)
            starts.append(s)
            ends.append(e)
        }
    }

    /// Replaces the contents by what `body` builds from the current contents.
    mutating func rebuild(_ body: (inout Builder) -> Void) {
        var b = Builder(capacity: scalars.count + 8)
        body(&b)
        if !scalars.isEmpty && b.scalars.isEmpty { anchor = starts[0] }
        scalars = b.scalars
        starts = b.starts
        ends = b.ends
    }

    /// Maps each scalar to one or more scalars. Added scalars take the span of the scalar they
    /// came from, as Hugging Face aligns expansions.
    mutating func mapScalars(_ f: (UInt32, inout [UInt32]) -> Void) {
        var out: [UInt32] = []
        let old = self
        rebuild { b in
            for k in 0..<old.scalars.count {
                out.removeAll(keepingCapacity: true)
                f(old.scalars[k], &out)
                for c in out { b.append(c, old.starts[k], old.ends[k]) }
            }
        }
    }

    /// Removes leading and/or trailing scalars matching `predicate`.
    mutating func strip(left: Bool, right: Bool, where predicate: (UInt32) -> Bool) {
        var a = 0
        var b = scalars.count
        if left { while a < b && predicate(scalars[a]) { a += 1 } }
        if right { while b > a && predicate(scalars[b - 1]) { b -= 1 } }
        if a == 0 && b == scalars.count { return }
        let anchor = a < scalars.count ? starts[a] : self.anchor
        self = slice(a, b)
        self.anchor = anchor
    }

    /// Adds `text` before the first scalar, aligned to that scalar's span.
    mutating func prepend(_ text: [UInt32]) {
        guard !scalars.isEmpty else { return }
        let s = starts[0], e = ends[0]
        scalars.insert(contentsOf: text, at: 0)
        starts.insert(contentsOf: [Int32](repeating: s, count: text.count), at: 0)
        ends.insert(contentsOf: [Int32](repeating: e, count: text.count), at: 0)
    }

    /// Replaces every non-overlapping occurrence of `pattern` (found by `find`) by `content`.
    /// A replacement no longer than the match takes the spans of the match's last scalars;
    /// a longer one takes them one for one and repeats the last.
    mutating func replace(ranges: [(Int, Int)], with content: [UInt32]) {
        guard !ranges.isEmpty else { return }
        let old = self
        rebuild { b in
            var pos = 0
            for (s, e) in ranges {
                for k in pos..<s { b.append(old.scalars[k], old.starts[k], old.ends[k]) }
                for (j, c) in content.enumerated() {
                    if s == e {
                        let p = old.originalRange(s, s).0
                        b.append(c, Int32(p), Int32(p))
                    } else if content.count <= e - s {
                        // Hugging Face aligns a shorter replacement with the last replaced scalars.
                        let k = e - content.count + j
                        b.append(c, old.starts[k], old.ends[k])
                    } else {
                        let k = min(s + j, e - 1)
                        b.append(c, old.starts[k], old.ends[k])
                    }
                }
                pos = e
            }
            for k in pos..<old.scalars.count { b.append(old.scalars[k], old.starts[k], old.ends[k]) }
        }
    }
}

func scalarsToString(_ scalars: [UInt32]) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(scalars.count + 8)
    for c in scalars { appendUTF8(&bytes, c) }
    return String(decoding: bytes, as: UTF8.self)
}

func scalarsToString(_ scalars: ArraySlice<UInt32>) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(scalars.count + 8)
    for c in scalars { appendUTF8(&bytes, c) }
    return String(decoding: bytes, as: UTF8.self)
}

func stringToScalars(_ s: String) -> [UInt32] {
    var out: [UInt32] = []
    out.reserveCapacity(s.utf8.count)
    for u in s.unicodeScalars { out.append(u.value) }
    return out
}
