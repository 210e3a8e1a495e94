import Foundation

/// A source of random numbers with PyTorch's CPU generator semantics (`torch.Generator()`).
///
/// The engine is the 32-bit Mersenne Twister seeded exactly as PyTorch seeds it, and the
/// distributions in `Random/` transform its words the way PyTorch's CPU kernels do, so with
/// the same seed `rand`, `randn`, `randint`, `uniform_` and `normal_` give PyTorch's numbers.
/// All methods are thread-safe: a kernel holds the generator's lock while it draws.
public final class Generator: @unchecked Sendable {
    /// PyTorch's default seed (`default_rng_seed_val`), used until a seed is set.
    public static let defaultSeed: UInt64 = 67_280_421_310_721

    private let lock = NSLock()
    private var engine: MT19937
    private var seedValue: UInt64
    /// The second normal of the last scalar Box-Muller draw (PyTorch caches it on the generator).
    private var nextDoubleNormal: Double?

    /// A generator seeded with `seed` (`torch.Generator().manual_seed(seed)`).
    public init(seed: UInt64 = Generator.defaultSeed) {
        engine = MT19937(seed: seed)
        seedValue = seed
    }

    /// Reseeds the generator (`generator.manual_seed(seed)`); negative seeds wrap as in PyTorch.
    @discardableResult
    public func manualSeed(_ seed: Int64) -> Generator { manualSeed(UInt64(bitPattern: seed)) }

    @discardableResult
    public func manualSeed(_ seed: UInt64) -> Generator {
        withLock { reseed(seed) }
        return self
    }

    /// Reseeds from a non-deterministic source and returns the new seed (`generator.seed()`).
    @discardableResult
    public func seed() -> UInt64 {
        var system = SystemRandomNumberGenerator()
        let seed = system.next() >> 1  // PyTorch's seeds fit in 63 bits
        withLock { reseed(seed) }
        return seed
    }

    /// The seed the generator was last seeded with (`generator.initial_seed()`).
    public var initialSeed: UInt64 { withLock { seedValue } }

    private func reseed(_ seed: UInt64) {
        engine = MT19937(seed: seed)
        seedValue = seed
        nextDoubleNormal = nil
    }

    /// A snapshot of everything that decides the generator's future draws.
    public struct State: Sendable, Equatable {
        public var seed: UInt64
        public var words: [UInt32]
        public var left: Int
        public var next: Int
        public var nextDoubleNormal: Double?
    }

    /// The generator's state (`generator.get_state()` / `set_state(...)`): restoring it
    /// replays the same numbers.
    public var state: State {
        get {
            withLock {
                State(seed: seedValue, words: engine.state, left: engine.left, next: engine.next, nextDoubleNormal: nextDoubleNormal)
            }
        }
        set {
            withLock {
                engine = MT19937(state: newValue.words, left: newValue.left, next: newValue.next)
                seedValue = newValue.seed
                nextDoubleNormal = newValue.nextDoubleNormal
            }
        }
    }

    /// Runs `body` with exclusive access to the draws (one lock per kernel, not per number).
    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    // MARK: Draws (call inside `withLock`)

    /// PyTorch's `random()`: one 32-bit word.
    @inline(__always) func random32() -> UInt32 { engine.nextUInt32() }

    /// PyTorch's `random64()`: two words, the first one high.
    @inline(__always) func random64() -> UInt64 {
        let high = UInt64(engine.nextUInt32())
        let low = UInt64(engine.nextUInt32())
        return high << 32 | low
    }

    /// `uniform_real_distribution<float>`: 24 random bits of one word, in [0, 1).
    @inline(__always) func uniformFloat() -> Float {
        Float(random32() & 0xFF_FFFF) * (1.0 / 16_777_216.0)
    }

    /// `uniform_real_distribution<double>`: 53 random bits of a 64-bit draw, in [0, 1).
    @inline(__always) func uniformDouble() -> Double {
        Double(random64() & 0x1F_FFFF_FFFF_FFFF) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `normal_distribution<double>`: Box-Muller, returning the cosine branch and caching
    /// the sine branch for the next call.
    func normalDouble(mean: Double, std: Double) -> Double {
        if let cached = nextDoubleNormal {
            nextDoubleNormal = nil
            return cached * std + mean
        }
        let u1 = uniformDouble()
        let u2 = uniformDouble()
        let r = (-2.0 * Foundation.log1p(-u2)).squareRoot()
        let theta = 2.0 * Double.pi * u1
        nextDoubleNormal = r * Foundation.sin(theta)
        return r * Foundation.cos(theta) * std + mean
    }
}

/// The default generator and the global seeding functions (`torch.manual_seed`, ...).
public enum Random {
    /// The generator random functions use when none is passed (`torch.default_generator`).
    public static let defaultGenerator = Generator()

    /// Seeds the default generator (`torch.manual_seed(seed)`).
    @discardableResult
    public static func manualSeed(_ seed: Int64) -> Generator { defaultGenerator.manualSeed(seed) }

    /// Reseeds the default generator non-deterministically (`torch.seed()`).
    @discardableResult
    public static func seed() -> UInt64 { defaultGenerator.seed() }

    /// `torch.initial_seed()`.
    public static var initialSeed: UInt64 { defaultGenerator.initialSeed }
}
