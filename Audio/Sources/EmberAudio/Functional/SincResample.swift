import Ember
import Foundation

/// The interpolation window of the band-limited (sinc) resampler.
public enum ResamplingMethod: String, Sendable {
    /// Sinc filter under a raised-cosine (Hann) window — torchaudio's default.
    case sincInterpHann = "sinc_interp_hann"
    /// Sinc filter under a Kaiser window of shape `beta`.
    case sincInterpKaiser = "sinc_interp_kaiser"
}

/// A polyphase sinc filter bank for one rate ratio: `phases` filters of `taps` coefficients,
/// filter j producing output sample j (mod `phases`) from input starting at a multiple of
/// `stride`. Built once and reused by the ``Resample`` transform.
public struct ResampleKernel: Sendable {
    /// Input step between consecutive outputs of one phase (the reduced original rate).
    public let stride: Int
    /// Number of phases (the reduced new rate).
    public let phases: Int
    /// Zero padding before the signal, in input samples (the filter's half width).
    public let width: Int
    /// `phases × taps` coefficients, row-major, float32 as torchaudio uses them.
    public let coefficients: [Float]
    /// Coefficients per phase: `2 × width + stride`.
    public var taps: Int { 2 * width + stride }

    /// Builds the filter bank the way torchaudio's sinc resampler does: for phase j and tap k
    /// the filter is sinc(π·t)·w(t)·(cutoff / orig) at t = cutoff·((k − width)/orig − j/new)
    /// clipped to ±`lowpassFilterWidth`, with cutoff = rolloff·min(orig, new) on the reduced
    /// rates and w the Hann (cos²) or Kaiser window over that support. Coefficients are
    /// computed in double and rounded to float32.
    public init(
        origFreq: Int, newFreq: Int, lowpassFilterWidth: Int = 6, rolloff: Double = 0.99,
        resamplingMethod: ResamplingMethod = .sincInterpHann, beta: Double? = nil
    ) {
        precondition(origFreq > 0 && newFreq > 0, "resample: original frequency and desired frequency should be positive, got \(origFreq) and \(newFreq)")
        precondition(lowpassFilterWidth > 0, "resample: low pass filter width should be positive, got \(lowpassFilterWidth)")
        let divisor = gcd(origFreq, newFreq)
        let orig = origFreq / divisor, new = newFreq / divisor
        let cutoff = Double(min(orig, new)) * rolloff
        let lpw = Double(lowpassFilterWidth)
        let width = Int((lpw * Double(orig) / cutoff).rounded(.up))
        let taps = 2 * width + orig
        let kaiserBeta = beta ?? 14.769656459379492
        let kaiserNorm = besselI0(kaiserBeta)
        let scale = cutoff / Double(orig)
        var coefficients = [Float](repeating: 0, count: new * taps)
        for j in 0..<new {
            for k in 0..<taps {
                let position = Double(k - width) / Double(orig) - Double(j) / Double(new)
                let t = min(max(position * cutoff, -lpw), lpw)
                let window: Double
                switch resamplingMethod {
                case .sincInterpHann:
                    let c = cos(t * Double.pi / lpw / 2)
                    window = c * c
                case .sincInterpKaiser:
                    let r = t / lpw
                    window = besselI0(kaiserBeta * (1 - r * r).squareRoot()) / kaiserNorm
                }
                let x = t * Double.pi
                let sinc = x == 0 ? 1 : sin(x) / x
                coefficients[j * taps + k] = Float(sinc * window * scale)
            }
        }
        self.stride = orig
        self.phases = new
        self.width = width
        self.coefficients = coefficients
    }

    /// Output length for `length` input samples: ⌈length · new / orig⌉.
    public func outputLength(_ length: Int) -> Int {
        (length * phases + stride - 1) / stride
    }

    /// Resamples `count` contiguous rows of `length` samples from `input` into `output`
    /// (rows of `outputLength(length)`), as torchaudio does: zero-pad by `width` before and
    /// `width + stride` after, correlate each phase with stride `stride`, interleave phases.
    func apply<T: BinaryFloatingPoint>(
        _ input: UnsafePointer<T>, rows: Int, length: Int, into output: UnsafeMutablePointer<T>
    ) {
        let outLength = outputLength(length)
        let padded = length + taps  // width + length + width + stride
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: padded)
        defer { buffer.deallocate() }
        coefficients.withUnsafeBufferPointer { kernel in
            for row in 0..<rows {
                buffer.initialize(repeating: 0, count: padded)
                let source = input + row * length
                for i in 0..<length { buffer[width + i] = Float(source[i]) }
                let destination = output + row * outLength
                var n = 0
                var start = 0
                // Output n = i·phases + j reads buffer[i·stride ..< i·stride + taps].
                while n < outLength {
                    let window = UnsafePointer(buffer + start)
                    for j in 0..<phases where n < outLength {
                        destination[n] = T(dot(window, kernel.baseAddress! + j * taps, taps))
                        n += 1
                    }
                    start += stride
                }
            }
        }
    }
}

/// Dot product of two float vectors, eight lanes at a time.
@inline(__always)
func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
    var i = 0
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    while i + 16 <= n {
        acc0 += ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            * rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        acc1 += ra.loadUnaligned(fromByteOffset: (i + 8) * 4, as: SIMD8<Float>.self)
            * rb.loadUnaligned(fromByteOffset: (i + 8) * 4, as: SIMD8<Float>.self)
        i += 16
    }
    var sum = (acc0 + acc1).sum()
    while i < n {
        sum += a[i] * b[i]
        i += 1
    }
    return sum
}

func gcd(_ a: Int, _ b: Int) -> Int {
    var (x, y) = (a, b)
    while y != 0 { (x, y) = (y, x % y) }
    return x
}

/// The modified Bessel function of the first kind, order 0, by its power series
/// Σ ((x/2)^k / k!)², which converges for every x; summed until terms stop mattering.
func besselI0(_ x: Double) -> Double {
    let half = x / 2
    var term = 1.0, sum = 1.0, k = 1.0
    while term > sum * 1e-17 {
        term *= (half / k) * (half / k)
        sum += term
        k += 1
    }
    return sum
}

extension Functional {
    /// Resamples the last dimension of `waveform` from `origFreq` to `newFreq` Hz with a
    /// band-limited sinc filter (`torchaudio.functional.resample`).
    ///
    /// The output has ⌈length · newFreq / origFreq⌉ samples and the input's dtype (float32 or
    /// float64; the filter runs in float32, as torchaudio's does for float32 input).
    /// - Parameters:
    ///   - lowpassFilterWidth: zero crossings of the sinc on each side; wider is sharper and slower.
    ///   - rolloff: cutoff as a fraction of the lower Nyquist frequency.
    ///   - beta: the Kaiser window's shape (default 14.769656459379492).
    public static func resample(
        _ waveform: Tensor, origFreq: Int, newFreq: Int, lowpassFilterWidth: Int = 6, rolloff: Double = 0.99,
        resamplingMethod: ResamplingMethod = .sincInterpHann, beta: Double? = nil
    ) -> Tensor {
        precondition(origFreq > 0 && newFreq > 0, "resample: original frequency and desired frequency should be positive, got \(origFreq) and \(newFreq)")
        if origFreq == newFreq { return waveform }
        let kernel = ResampleKernel(
            origFreq: origFreq, newFreq: newFreq, lowpassFilterWidth: lowpassFilterWidth, rolloff: rolloff,
            resamplingMethod: resamplingMethod, beta: beta)
        return applyResample(waveform, kernel: kernel, op: "resample")
    }

    static func applyResample(_ waveform: Tensor, kernel: ResampleKernel, op: String) -> Tensor {
        precondition(waveform.dim >= 1, "\(op): expected a waveform with a time dimension, got shape \(waveform.shape)")
        precondition(
            waveform.dtype == .float32 || waveform.dtype == .float64,
            "\(op): expected floating point type for waveform tensor, but received \(waveform.dtype)")
        let length = waveform.shape.last!
        let rows = waveform.count / max(length, 1)
        let outShape = Array(waveform.shape.dropLast()) + [kernel.outputLength(length)]
        let input = waveform.contiguous()
        if waveform.count == 0 { return Tensor(empty: outShape, dtype: waveform.dtype) }
        switch waveform.dtype {
        case .float64:
            return Tensor.audioFilled(outShape, Double.self) { out, _ in
                kernel.apply(UnsafePointer(input.audioPointer(Double.self)), rows: rows, length: length, into: out)
            }
        default:
            return Tensor.audioFilled(outShape, Float.self) { out, _ in
                kernel.apply(UnsafePointer(input.audioPointer(Float.self)), rows: rows, length: length, into: out)
            }
        }
    }
}
