/// The 32-bit Mersenne Twister (MT19937), the engine behind PyTorch's CPU generator.
///
/// Seeding follows the reference initialisation (PyTorch keeps only the low 32 bits of a
/// 64-bit seed), so the stream of 32-bit words is the one `std::mt19937` and PyTorch produce.
struct MT19937: Equatable, Sendable {
    static let stateSize = 624
    private static let shift = 397
    private static let matrixA: UInt32 = 0x9908_B0DF
    private static let upperMask: UInt32 = 0x8000_0000
    private static let lowerMask: UInt32 = 0x7FFF_FFFF

    private(set) var state: [UInt32]
    /// Words left before the next twist.
    private(set) var left: Int
    /// Index of the next word to temper.
    private(set) var next: Int

    init(seed: UInt64) {
        var state = [UInt32](repeating: 0, count: Self.stateSize)
        state[0] = UInt32(truncatingIfNeeded: seed)
        for j in 1..<Self.stateSize {
            let previous = state[j - 1]
            state[j] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(j)
        }
        self.state = state
        left = 1
        next = 0
    }

    /// Restores a saved state; `left`/`next` as `State` stores them.
    init(state: [UInt32], left: Int, next: Int) {
        precondition(state.count == Self.stateSize, "Generator: a Mersenne Twister state has 624 words, got \(state.count)")
        precondition(left >= 1 && left <= Self.stateSize + 1 && next >= 0 && next <= Self.stateSize, "Generator: invalid state position")
        self.state = state
        self.left = left
        self.next = next
    }

    @inline(__always)
    private static func mix(_ u: UInt32, _ v: UInt32) -> UInt32 {
        let y = (u & upperMask) | (v & lowerMask)
        return (y >> 1) ^ ((v & 1) != 0 ? matrixA : 0)
    }

    private mutating func twist() {
        let n = Self.stateSize, m = Self.shift
        state.withUnsafeMutableBufferPointer { s in
            for i in 0..<(n - m) { s[i] = s[i + m] ^ Self.mix(s[i], s[i + 1]) }
            for i in (n - m)..<(n - 1) { s[i] = s[i + m - n] ^ Self.mix(s[i], s[i + 1]) }
            s[n - 1] = s[m - 1] ^ Self.mix(s[n - 1], s[0])
        }
        left = n
        next = 0
    }

    /// The next 32-bit word.
    @inline(__always)
    mutating func nextUInt32() -> UInt32 {
        left -= 1
        if left == 0 { twist() }
        var y = state[next]
        next += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }
}
