import Ember

/// Waveforms from magnitude spectrograms by Griffin-Lim phase retrieval
/// (`torchaudio.transforms.GriffinLim`); see
/// ``Functional/griffinLim(_:window:nFFT:hopLength:winLength:power:nIter:momentum:length:randInit:generator:)``.
public struct GriffinLim: Sendable {
    public let nFFT: Int
    public let nIter: Int
    public let winLength: Int
    public let hopLength: Int
    public let power: Double
    public let momentum: Double
    public let length: Int?
    public let randInit: Bool
    public let window: Tensor

    public init(
        nFFT: Int = 400, nIter: Int = 32, winLength: Int? = nil, hopLength: Int? = nil,
        windowFn: (Int) -> Tensor = { Tensor.hannWindow($0) }, power: Double = 2, momentum: Double = 0.99,
        length: Int? = nil, randInit: Bool = true
    ) {
        precondition((0..<1).contains(momentum), "GriffinLim: momentum must be in the range [0, 1). Found: \(momentum)")
        self.nFFT = nFFT
        self.nIter = nIter
        self.winLength = winLength ?? nFFT
        self.hopLength = hopLength ?? (winLength ?? nFFT) / 2
        self.power = power
        self.momentum = momentum
        self.length = length
        self.randInit = randInit
        window = windowFn(self.winLength)
    }

    /// A waveform `[..., time]` for `specgram` (`[..., nFFT/2 + 1, frames]`); random initial
    /// phases come from `generator` (the default generator when nil).
    public func callAsFunction(_ specgram: Tensor, generator: Generator? = nil) -> Tensor {
        Functional.griffinLim(
            specgram, window: window, nFFT: nFFT, hopLength: hopLength, winLength: winLength, power: power, nIter: nIter,
            momentum: momentum, length: length, randInit: randInit, generator: generator)
    }
}
