/// The result of encoding one input (a sequence or a pair): everything a model and a user
/// need, aligned index for index.
public struct Encoding: Sendable, Equatable {
    /// Token ids.
    public var ids: [Int]
    /// Segment ids (0 for the first sequence, 1 for the second, as the post-processor says).
    public var typeIds: [Int]
    /// Token strings.
    public var tokens: [String]
    /// Each token's span in the input string, in Unicode scalars (Python `str` indices);
    /// `(0, 0)` for inserted special tokens and padding.
    public var offsets: [Offsets]
    /// The index of the pre-tokenized word each token comes from; nil for special tokens.
    public var wordIds: [Int?]
    /// Which input (0 or 1) each token comes from; nil for special tokens and padding.
    public var sequenceIds: [Int?]
    /// 1 for tokens the post-processor or padding inserted.
    public var specialTokensMask: [Int]
    /// 1 for real tokens, 0 for padding.
    public var attentionMask: [Int]
    /// The pieces cut off by truncation (each a full encoding), in order.
    public var overflowing: [Encoding]

    /// A `[start, end)` span.
    public struct Offsets: Sendable, Equatable, CustomStringConvertible {
        public var start: Int
        public var end: Int
        public init(_ start: Int, _ end: Int) { self.start = start; self.end = end }
        public var description: String { "(\(start), \(end))" }
    }

    public init() {
        ids = []; typeIds = []; tokens = []; offsets = []; wordIds = []; sequenceIds = []
        specialTokensMask = []; attentionMask = []; overflowing = []
    }

    public var count: Int { ids.count }

    mutating func reserve(_ n: Int) {
        ids.reserveCapacity(n); typeIds.reserveCapacity(n); tokens.reserveCapacity(n); offsets.reserveCapacity(n)
        wordIds.reserveCapacity(n); sequenceIds.reserveCapacity(n); specialTokensMask.reserveCapacity(n)
        attentionMask.reserveCapacity(n)
    }

    mutating func append(id: Int, token: String, offsets o: Offsets, word: Int?, typeId: Int, sequence: Int?, special: Int, attention: Int = 1) {
        ids.append(id); tokens.append(token); offsets.append(o); wordIds.append(word); typeIds.append(typeId)
        sequenceIds.append(sequence); specialTokensMask.append(special); attentionMask.append(attention)
    }

    /// Tokens `[a, b)` (without overflowing pieces).
    func slice(_ a: Int, _ b: Int) -> Encoding {
        var e = Encoding()
        e.ids = Array(ids[a..<b]); e.typeIds = Array(typeIds[a..<b]); e.tokens = Array(tokens[a..<b])
        e.offsets = Array(offsets[a..<b]); e.wordIds = Array(wordIds[a..<b]); e.sequenceIds = Array(sequenceIds[a..<b])
        e.specialTokensMask = Array(specialTokensMask[a..<b]); e.attentionMask = Array(attentionMask[a..<b])
        return e
    }

    mutating func appendContents(of o: Encoding) {
        ids += o.ids; typeIds += o.typeIds; tokens += o.tokens; offsets += o.offsets; wordIds += o.wordIds
        sequenceIds += o.sequenceIds; specialTokensMask += o.specialTokensMask; attentionMask += o.attentionMask
    }

    mutating func setSequenceId(_ id: Int) {
        sequenceIds = [Int?](repeating: id, count: ids.count)
        for k in 0..<overflowing.count { overflowing[k].setSequenceId(id) }
    }

    /// Appends `other` after this encoding, combining overflowing pieces the way Hugging Face
    /// does: each of ours with the other and each of its pieces, then us with each of its pieces.
    mutating func merge(with other: Encoding) {
        var overflow: [Encoding] = []
        for mine in overflowing {
            var a = mine
            a.merge(with: Encoding.stripped(other))
            overflow.append(a)
            for theirs in other.overflowing {
                var b = mine
                b.merge(with: theirs)
                overflow.append(b)
            }
        }
        for theirs in other.overflowing {
            var c = Encoding.stripped(self)
            c.merge(with: theirs)
            overflow.append(c)
        }
        appendContents(of: other)
        overflowing = overflow
    }

    private static func stripped(_ e: Encoding) -> Encoding {
        var c = e
        c.overflowing = []
        return c
    }

    static func merged(_ list: [Encoding]) -> Encoding {
        guard var first = list.first else { return Encoding() }
        for e in list.dropFirst() { first.merge(with: e) }
        return first
    }

    /// Cuts to `maxLength` tokens, keeping what is cut as overflowing windows of `maxLength`
    /// tokens that overlap by `stride`.
    mutating func truncate(_ maxLength: Int, stride: Int, direction: TruncationDirection) throws {
        let n = ids.count
        if maxLength >= n { return }
        if maxLength == 0 {
            let whole = self
            self = Encoding()
            overflowing = [whole]
            return
        }
        guard stride < maxLength else {
            throw TokenizerError.invalidArgument("truncation stride \(stride) must be smaller than the kept length \(maxLength)")
        }
        let step = maxLength - stride
        var ranges: [(Int, Int)] = []
        switch direction {
        case .right:
            var start = 0
            while start < n {
                let stop = min(start + maxLength, n)
                ranges.append((start, stop))
                if stop == n { break }
                start += step
            }
        case .left:
            var stop = n
            while stop > 0 {
                let start = stop < maxLength ? 0 : stop - maxLength
                ranges.append((start, stop))
                if start == 0 { break }
                stop -= step
            }
        }
        let full = self
        self = full.slice(ranges[0].0, ranges[0].1)
        overflowing = ranges.dropFirst().map { full.slice($0.0, $0.1) }
    }

    /// Pads to `length` tokens (and each overflowing piece likewise).
    mutating func pad(to length: Int, id: Int, typeId: Int, token: String, direction: PaddingDirection) {
        for k in 0..<overflowing.count { overflowing[k].pad(to: length, id: id, typeId: typeId, token: token, direction: direction) }
        let missing = length - ids.count
        guard missing > 0 else { return }
        var p = Encoding()
        p.ids = Array(repeating: id, count: missing); p.typeIds = Array(repeating: typeId, count: missing)
        p.tokens = Array(repeating: token, count: missing); p.offsets = Array(repeating: Offsets(0, 0), count: missing)
        p.wordIds = Array(repeating: nil, count: missing); p.sequenceIds = Array(repeating: nil, count: missing)
        p.specialTokensMask = Array(repeating: 1, count: missing); p.attentionMask = Array(repeating: 0, count: missing)
        switch direction {
        case .right: appendContents(of: p)
        case .left:
            let overflow = overflowing
            p.appendContents(of: self)
            self = p
            overflowing = overflow
        }
    }
}

/// Which side truncation removes tokens from.
public enum TruncationDirection: String, Sendable { case left = "Left", right = "Right" }
/// Which side padding adds tokens to.
public enum PaddingDirection: String, Sendable { case left = "Left", right = "Right" }
