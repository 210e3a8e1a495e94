import Ember

/// Estimates a linear-frequency spectrogram from a mel spectrogram
/// (`torchaudio.transforms.InverseMelScale`): the least-squares solution S of
/// fbᵀ·S = mel (the minimum-norm one, as there are fewer mel bands than frequencies), with
/// negative values set to 0 (relu).
///
/// torchaudio calls `torch.linalg.lstsq` with LAPACK's `gels` driver; Ember solves the same
/// problem by Householder QR in double, factorising the filter bank once at construction.
/// Like `gels`, it assumes fbᵀ has full rank: a filter bank with an all-zero band (too many
/// mels for `nSTFT`) has no unique answer and gives non-finite values.
public struct InverseMelScale: Sendable {
    public let nSTFT: Int
    public let nMels: Int
    public let sampleRate: Int
    public let fMin: Double
    public let fMax: Double
    public let norm: MelNorm?
    public let melScale: MelScaleType
    /// The float32 `[nSTFT, nMels]` filter bank (torchaudio's `fb` buffer).
    public let fb: Tensor
    private let solver: LeastSquares

    public init(
        nSTFT: Int, nMels: Int = 128, sampleRate: Int = 16_000, fMin: Double = 0, fMax: Double? = nil,
        norm: MelNorm? = nil, melScale: MelScaleType = .htk
    ) {
        // torchaudio: `f_max or float(sample_rate // 2)`, so an f_max of 0 also means the default
        let top = fMax.flatMap { $0 == 0 ? nil : $0 } ?? Double(sampleRate / 2)
        precondition(fMin <= top, "InverseMelScale: Require f_min: \(fMin) <= f_max: \(top)")
        self.nSTFT = nSTFT
        self.nMels = nMels
        self.sampleRate = sampleRate
        self.fMin = fMin
        self.fMax = top
        self.norm = norm
        self.melScale = melScale
        fb = Functional.melscaleFbanks(
            nFreqs: nSTFT, fMin: fMin, fMax: top, nMels: nMels, sampleRate: sampleRate, norm: norm, melScale: melScale)
        // A = fbᵀ, [nMels, nSTFT]
        let bank = fb.toArray(Float.self)
        var a = [Double](repeating: 0, count: nMels * nSTFT)
        for f in 0..<nSTFT { for m in 0..<nMels { a[m * nSTFT + f] = Double(bank[f * nMels + m]) } }
        solver = LeastSquares(a, rows: nMels, cols: nSTFT)
    }

    /// `melspec` (`[..., nMels, time]`, float32 or float64) as `[..., nSTFT, time]` in its dtype.
    public func callAsFunction(_ melspec: Tensor) -> Tensor {
        precondition(melspec.dim >= 2, "InverseMelScale: expected [..., n_mels, time], got shape \(melspec.shape)")
        precondition(melspec.size(-2) == nMels, "InverseMelScale: Expected an input with \(nMels) mel bins. Found: \(melspec.size(-2))")
        precondition(melspec.dtype.isFloatingPoint, "InverseMelScale: expected a floating spectrogram, got \(melspec.dtype)")
        let time = melspec.size(-1)
        let batch = time == 0 ? 0 : melspec.count / (nMels * time)
        let values = melspec.contiguous().to(.float64).toArray(Double.self)
        var out = [Double]()
        out.reserveCapacity(batch * nSTFT * time)
        for b in 0..<batch {
            let rhs = Array(values[(b * nMels * time)..<((b + 1) * nMels * time)])
            out += solver.solve(rhs, k: time).map { Swift.max($0, 0) }
        }
        let shape = Array(melspec.shape.dropLast(2)) + [nSTFT, time]
        return Tensor(out, shape: shape).to(melspec.dtype)
    }
}
