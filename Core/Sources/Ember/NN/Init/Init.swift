import Foundation

/// Parameter initialisation schemes (`torch.nn.init`). Each fills a tensor in place without
/// recording history and returns it; with the same seed (of the default generator or of the
/// `generator` passed) the numbers are PyTorch's, since the draws are the same in the same
/// order.
public enum Init {
    /// How `kaimingUniform_`/`kaimingNormal_` pick the fan (`mode='fan_in'`/`'fan_out'`).
    public enum FanMode: String, Sendable {
        /// Preserves the variance of activations in the forward pass.
        case fanIn = "fan_in"
        /// Preserves the variance of gradients in the backward pass.
        case fanOut = "fan_out"
    }

    /// The nonlinearities `calculateGain` knows (`nonlinearity=` strings).
    public enum Nonlinearity: String, Sendable {
        case linear, conv1d, conv2d, conv3d
        case convTranspose1d = "conv_transpose1d", convTranspose2d = "conv_transpose2d"
        case convTranspose3d = "conv_transpose3d"
        case sigmoid, tanh, relu
        case leakyRelu = "leaky_relu"
        case selu
    }

    /// The recommended gain for a nonlinearity (`calculate_gain`): 1 for linear, convolutions
    /// and sigmoid, 5/3 for tanh, √2 for relu, √(2 / (1 + slope²)) for leaky relu (`param` is
    /// the negative slope, 0.01 by default) and 3/4 for selu.
    public static func calculateGain(_ nonlinearity: Nonlinearity, param: Double? = nil) -> Double {
        switch nonlinearity {
        case .linear, .conv1d, .conv2d, .conv3d, .convTranspose1d, .convTranspose2d, .convTranspose3d, .sigmoid:
            return 1
        case .tanh: return 5.0 / 3
        case .relu: return 2.0.squareRoot()
        case .leakyRelu:
            let slope = param ?? 0.01
            return (2.0 / (1 + slope * slope)).squareRoot()
        case .selu: return 3.0 / 4
        }
    }

    /// Fan-in and fan-out of a weight (`_calculate_fan_in_and_fan_out`): dim 1 and dim 0 times
    /// the receptive field (the product of the remaining dims).
    public static func fanInAndFanOut(_ tensor: Tensor) -> (fanIn: Int, fanOut: Int) {
        precondition(
            tensor.dim >= 2,
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (shape \(tensor.shape))")
        let receptiveField = tensor.shape.dropFirst(2).reduce(1, *)
        return (tensor.shape[1] * receptiveField, tensor.shape[0] * receptiveField)
    }

    /// The fan `mode` selects.
    public static func fan(_ tensor: Tensor, mode: FanMode) -> Int {
        let (fanIn, fanOut) = fanInAndFanOut(tensor)
        return mode == .fanIn ? fanIn : fanOut
    }

    // MARK: Plain fills

    /// Uniform numbers in [a, b) (`uniform_`).
    @discardableResult
    public static func uniform_(_ tensor: Tensor, a: Double = 0, b: Double = 1, generator: Generator? = nil) -> Tensor {
        withNoGrad { tensor.uniform_(from: a, to: b, generator: generator) }
    }

    /// Normal numbers (`normal_`).
    @discardableResult
    public static func normal_(_ tensor: Tensor, mean: Double = 0, std: Double = 1, generator: Generator? = nil) -> Tensor {
        withNoGrad { tensor.normal_(mean: mean, std: std, generator: generator) }
    }

    /// Normal numbers truncated to [a, b] (`trunc_normal_`), by PyTorch's method: a uniform
    /// draw between the bounds' CDF values mapped through the inverse CDF, then clamped.
    @discardableResult
    public static func truncNormal_(
        _ tensor: Tensor, mean: Double = 0, std: Double = 1, a: Double = -2, b: Double = 2, generator: Generator? = nil
    ) -> Tensor {
        func normalCDF(_ x: Double) -> Double { (1 + Foundation.erf(x / 2.0.squareRoot())) / 2 }
        if mean < a - 2 * std || mean > b + 2 * std {
            print("Warning: mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.")
        }
        let lower = normalCDF((a - mean) / std)
        let upper = normalCDF((b - mean) / std)
        withNoGrad {
            tensor.uniform_(from: 2 * lower - 1, to: 2 * upper - 1, generator: generator)
            tensor.erfinv_()
            tensor.mul_(Scalar.double(std * 2.0.squareRoot()))
            tensor.add_(Scalar.double(mean))
            tensor.clamp_(min: Scalar.double(a), max: Scalar.double(b))
        }
        return tensor
    }

    /// Fills with `value` (`constant_`).
    @discardableResult
    public static func constant_(_ tensor: Tensor, _ value: Double) -> Tensor {
        withNoGrad { tensor.fill_(Scalar.double(value)) }
    }

    /// Fills with ones (`ones_`).
    @discardableResult
    public static func ones_(_ tensor: Tensor) -> Tensor { withNoGrad { tensor.fill_(1) } }

    /// Fills with zeros (`zeros_`).
    @discardableResult
    public static func zeros_(_ tensor: Tensor) -> Tensor { withNoGrad { tensor.fill_(0) } }

    /// The identity matrix in a 2-D tensor (`eye_`): ones on the main diagonal.
    @discardableResult
    public static func eye_(_ tensor: Tensor) -> Tensor {
        precondition(tensor.dim == 2, "Only tensors with 2 dimensions are supported (eye_ got shape \(tensor.shape))")
        return withNoGrad { tensor.copy_(Tensor.eye(tensor.shape[0], tensor.shape[1], dtype: tensor.dtype)) }
    }

    // MARK: Variance-scaling schemes

    /// Glorot uniform (`xavier_uniform_`): U(-a, a) with a = gain·√(6 / (fan_in + fan_out)).
    @discardableResult
    public static func xavierUniform_(_ tensor: Tensor, gain: Double = 1, generator: Generator? = nil) -> Tensor {
        let (fanIn, fanOut) = fanInAndFanOut(tensor)
        let std = gain * (2.0 / Double(fanIn + fanOut)).squareRoot()
        let bound = 3.0.squareRoot() * std
        return uniform_(tensor, a: -bound, b: bound, generator: generator)
    }

    /// Glorot normal (`xavier_normal_`): N(0, std²) with std = gain·√(2 / (fan_in + fan_out)).
    @discardableResult
    public static func xavierNormal_(_ tensor: Tensor, gain: Double = 1, generator: Generator? = nil) -> Tensor {
        let (fanIn, fanOut) = fanInAndFanOut(tensor)
        let std = gain * (2.0 / Double(fanIn + fanOut)).squareRoot()
        return normal_(tensor, mean: 0, std: std, generator: generator)
    }

    /// He uniform (`kaiming_uniform_`): U(-bound, bound) with bound = gain·√(3 / fan), where the
    /// gain is `calculateGain(nonlinearity, param: a)`. A tensor with a zero dim is left as is.
    @discardableResult
    public static func kaimingUniform_(
        _ tensor: Tensor, a: Double = 0, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu,
        generator: Generator? = nil
    ) -> Tensor {
        if tensor.shape.contains(0) { return tensor }
        let std = calculateGain(nonlinearity, param: a) / Double(fan(tensor, mode: mode)).squareRoot()
        let bound = 3.0.squareRoot() * std
        return uniform_(tensor, a: -bound, b: bound, generator: generator)
    }

    /// He normal (`kaiming_normal_`): N(0, std²) with std = gain / √fan. A tensor with a zero
    /// dim is left as is.
    @discardableResult
    public static func kaimingNormal_(
        _ tensor: Tensor, a: Double = 0, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu,
        generator: Generator? = nil
    ) -> Tensor {
        if tensor.shape.contains(0) { return tensor }
        let std = calculateGain(nonlinearity, param: a) / Double(fan(tensor, mode: mode)).squareRoot()
        return normal_(tensor, mean: 0, std: std, generator: generator)
    }

    // MARK: Orthogonal

    /// A (semi-)orthogonal matrix (`orthogonal_`), PyTorch's way: normal draws shaped
    /// rows × (numel / rows), transposed when wide, the Q of their QR decomposition with its
    /// columns' signs fixed by R's diagonal (so Q is Haar-distributed), times `gain`.
    ///
    /// The QR runs as Householder reflections in float64; Q is unique once the signs are
    /// fixed, so float32 results match PyTorch's LAPACK ones to rounding (~1e-7).
    @discardableResult
    public static func orthogonal_(_ tensor: Tensor, gain: Double = 1, generator: Generator? = nil) -> Tensor {
        precondition(tensor.dim >= 2, "Only tensors with 2 or more dimensions are supported (orthogonal_ got shape \(tensor.shape))")
        if tensor.count == 0 { return tensor }
        let rows = tensor.shape[0]
        let columns = tensor.count / rows
        let draws = Tensor(empty: [rows, columns], dtype: tensor.dtype)
        withNoGrad { _ = draws.normal_(mean: 0, std: 1, generator: generator) }
        let wide = rows < columns
        let matrix = (wide ? draws.t() : draws).to(.float64).contiguous()
        let (m, n) = (matrix.shape[0], matrix.shape[1])
        let q = HouseholderQR.signCorrectedQ(matrix.toArray(Double.self), rows: m, columns: n)
        var result = Tensor(q, shape: [m, n])
        if wide { result = result.t() }
        return withNoGrad {
            tensor.copy_(result.reshape(tensor.shape))
            return tensor.mul_(Scalar.double(gain))
        }
    }
}

/// Householder QR of a tall matrix in float64, for `Init.orthogonal_`.
enum HouseholderQR {
    /// The reduced Q (m × n, m ≥ n, row-major) of `a`, each column multiplied by the sign of
    /// the matching diagonal element of R (a zero diagonal zeroes the column, as `sign` does).
    static func signCorrectedQ(_ a: [Double], rows m: Int, columns n: Int) -> [Double] {
        precondition(m >= n, "internal: HouseholderQR expects a tall matrix")
        var r = a
        var reflectors: [[Double]] = []
        var diagonal = [Double](repeating: 0, count: n)
        for k in 0..<n {
            var v = (k..<m).map { r[$0 * n + k] }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            // Reflect x onto -sign(x₀)‖x‖e₁: no cancellation when forming v.
            let alpha = v[0] >= 0 ? -norm : norm
            v[0] -= alpha
            let vNorm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if vNorm == 0 {
                reflectors.append([])
                diagonal[k] = r[k * n + k]
                continue
            }
            for i in v.indices { v[i] /= vNorm }
            for j in k..<n {
                var dot = 0.0
                for i in k..<m { dot += v[i - k] * r[i * n + j] }
                for i in k..<m { r[i * n + j] -= 2 * v[i - k] * dot }
            }
            diagonal[k] = alpha
            reflectors.append(v)
        }
        // Q = H₀ H₁ … Hₙ₋₁ applied to the first n columns of the identity.
        var q = [Double](repeating: 0, count: m * n)
        for i in 0..<n { q[i * n + i] = 1 }
        for k in stride(from: n - 1, through: 0, by: -1) where !reflectors[k].isEmpty {
            let v = reflectors[k]
            for j in 0..<n {
                var dot = 0.0
                for i in k..<m { dot += v[i - k] * q[i * n + j] }
                if dot == 0 { continue }
                for i in k..<m { q[i * n + j] -= 2 * v[i - k] * dot }
            }
        }
        for j in 0..<n {
            let sign: Double = diagonal[j] > 0 ? 1 : (diagonal[j] < 0 ? -1 : 0)
            for i in 0..<m { q[i * n + j] *= sign }
        }
        return q
    }
}
