import CEmberKernels
import Foundation

/// The kernels behind NLL and cross entropy with class-index targets.
///
/// The input is viewed as [N, C, D]: N samples, C classes, D positions per sample (the product
/// of d1, d2, ... of an (N, C, d1, d2, ...) input; 1 for (N, C) and (C) inputs). Targets index
/// the class dim directly, so no one-hot tensor is ever built on the training path.
///
/// With label smoothing ε, sample i with target t and class weights w contributes
/// `-(1 - ε) w[t] lp[t] - (ε / C) Σ_c w[c] lp[c]`, which is PyTorch's
/// `(1 - ε) nll + (ε / C) smooth`, and the mean divides by `Σ_i w[t_i]` over the samples
/// that are not ignored, for both terms.
struct ClassIndexTargets {
    let batch: Int
    let classes: Int
    let inner: Int
    /// The dim of the input holding the classes (0 for a (C) input, else 1).
    let classDim: Int
    /// The shape of the unreduced loss: the target's.
    let lossShape: [Int]
    /// One class per sample and position, at n * inner + d.
    let targets: [Int]
    let weights: [Double]?
    let ignoreIndex: Int

    /// Validates the shapes, dtype and values as PyTorch's `nll_loss_nd` does.
    init(op: String, input: Tensor, target: Tensor, weight: Tensor?, ignoreIndex: Int) {
        precondition(input.dim >= 1, "\(op): Expected 1 or more dimensions (got \(input.dim))")
        precondition(
            target.dtype.isIntegral,
            "\(op): expected scalar type Long but found \(target.dtype.scalarTypeName) (class-index target of shape \(target.shape) for input of shape \(input.shape))"
        )
        if input.dim == 1 {
            // A single sample: a 0-d target (or a batch of one).
            precondition(
                target.dim == 0 || target.shape == [1],
                "\(op): 0D target tensor expected for a 1D input, got target of shape \(target.shape)")
            (batch, classes, inner, classDim) = (1, input.shape[0], 1, 0)
        } else {
            let n = input.shape[0]
            precondition(
                target.dim >= 1 && target.shape[0] == n,
                "\(op): Expected input batch_size (\(n)) to match target batch_size (\(target.dim == 0 ? 0 : target.shape[0])).")
            if input.dim == 2 {
                precondition(
                    target.dim == 1,
                    "\(op): 0D or 1D target tensor expected, multi-target not supported (input \(input.shape), target \(target.shape))")
            } else {
                precondition(
                    Array(target.shape.dropFirst()) == Array(input.shape.dropFirst(2)),
                    "\(op): Expected target size \([n] + input.shape.dropFirst(2)), got \(target.shape)")
            }
            (batch, classes, inner, classDim) = (n, input.shape[1], input.shape.dropFirst(2).reduce(1, *), 1)
        }
        if let weight {
            precondition(
                weight.dim == 1 && weight.count == classes,
                "\(op): weight tensor should be defined either for all \(classes) classes or no classes but got weight tensor of shape: \(weight.shape)"
            )
        }
        lossShape = target.shape
        weights = weight?.toArray(Double.self)
        self.ignoreIndex = ignoreIndex
        targets = target.toArray(Int64.self).map { Int($0) }
        for t in targets where t != ignoreIndex {
            precondition(t >= 0 && t < classes, "\(op): Target \(t) is out of bounds.")
        }
    }

    @inline(__always) func classWeight(_ c: Int) -> Double { weights?[c] ?? 1 }

    /// The weight of sample i's target; 0 when it is ignored.
    @inline(__always) func sampleWeight(_ i: Int) -> Double {
        let t = targets[i]
        return t == ignoreIndex ? 0 : classWeight(t)
    }

    /// The mean's denominator: the weights of the targets that are not ignored.
    var totalWeight: Double { targets.indices.reduce(0) { $0 + sampleWeight($1) } }

    /// How much each sample's loss moves the output, times the output's gradient (`grad`; 1
    /// when nil). Ignored samples get 0, also under a mean whose denominator is 0.
    func sampleScales(_ reduction: LossReduction, grad: Tensor?) -> [Double] {
        var scales = [Double](repeating: 0, count: targets.count)
        switch reduction {
        case .none:
            let g = grad.map { $0.toArray(Double.self) }
            for i in targets.indices where targets[i] != ignoreIndex { scales[i] = g?[i] ?? 1 }
        case .mean, .sum:
            let g = grad?.item(Double.self) ?? 1
            let k = reduction == .mean ? g / totalWeight : g
            for i in targets.indices where targets[i] != ignoreIndex { scales[i] = k }
        }
        return scales
    }

    /// NLL of `logProbs` (contiguous, float32 or float64), reduced.
    func nllLoss(_ logProbs: Tensor, reduction: LossReduction) -> Tensor {
        logProbs.dtype == .float64
            ? losses(Double.self, logProbs, logSumExp: nil, smoothing: 0, reduction: reduction)
            : losses(Float.self, logProbs, logSumExp: nil, smoothing: 0, reduction: reduction)
    }

    /// Cross entropy of `logits` (contiguous, float32 or float64), reduced, and the log-sum-exp
    /// over the classes at each sample and position, which the backward reuses. The
    /// log-probabilities `x - logSumExp` are never stored.
    func crossEntropyLoss(_ logits: Tensor, smoothing: Double, reduction: LossReduction) -> (Tensor, [Double]) {
        if logits.dtype == .float64 {
            let lse = ClassIndexKernels.logSumExp(
                UnsafePointer(logits.pointer(as: Double.self)), batch: batch, classes: classes, inner: inner)
            return (losses(Double.self, logits, logSumExp: lse, smoothing: smoothing, reduction: reduction), lse)
        }
        let lse = ClassIndexKernels.logSumExp(
            UnsafePointer(logits.pointer(as: Float.self)), batch: batch, classes: classes, inner: inner)
        return (losses(Float.self, logits, logSumExp: lse, smoothing: smoothing, reduction: reduction), lse)
    }

    /// Each sample's loss from `x`, read as log-probabilities `x - logSumExp` (or `x` itself
    /// when `logSumExp` is nil), reduced.
    private func losses<T: FloatElement>(
        _: T.Type, _ input: Tensor, logSumExp: [Double]?, smoothing: Double, reduction: LossReduction
    ) -> Tensor {
        let x = input.pointer(as: T.self)
        let (c, d) = (classes, inner)
        let smooth = smoothing / Double(c)
        let weightSum = weights?.reduce(0, +) ?? Double(c)
        var losses = [Double](repeating: 0, count: targets.count)
        for n in 0..<batch {
            for position in 0..<d {
                let i = n * d + position
                let t = targets[i]
                if t == ignoreIndex { continue }
                let shift = logSumExp?[i] ?? 0
                var value = -classWeight(t) * (x[(n * c + t) * d + position].doubleValue - shift)
                if smoothing > 0 {
                    // Σ_c w[c] (x_c - lse) = Σ_c w[c] x_c - lse Σ_c w[c].
                    var weighted = 0.0
                    for k in 0..<c { weighted += classWeight(k) * x[(n * c + k) * d + position].doubleValue }
                    value = (1 - smoothing) * value - smooth * (weighted - shift * weightSum)
                }
                losses[i] = value
            }
        }
        switch reduction {
        case .none:
            return Tensor(losses.map { T(fromDouble: $0) }, shape: lossShape)
        case .sum:
            return Tensor(scalar: T(fromDouble: losses.reduce(0, +)))
        case .mean:
            // 0 / 0 = NaN when every target is ignored, as in PyTorch.
            return Tensor(scalar: T(fromDouble: losses.reduce(0, +) / totalWeight))
        }
    }

    /// The gradient of NLL with respect to its input: `-scale_i w[t_i]` at each sample's target,
    /// 0 elsewhere. `dtype` is the compute dtype.
    func nllGradient(scales: [Double], dtype: DType, shape: [Int]) -> Tensor {
        let out = Tensor.zeros(shape, dtype: dtype)
        if dtype == .float64 { scatterTargets(Double.self, out, scales: scales, factor: -1) } else {
            scatterTargets(Float.self, out, scales: scales, factor: -1)
        }
        return out
    }

    /// Adds `factor * scale_i * w[t_i]` at each sample's target position of `out` ([N, C, D]).
    private func scatterTargets<T: FloatElement>(_: T.Type, _ out: Tensor, scales: [Double], factor: Double) {
        let p = out.pointer(as: T.self)
        let (c, d) = (classes, inner)
        for n in 0..<batch {
            for position in 0..<d {
                let i = n * d + position
                let t = targets[i]
                if t == ignoreIndex { continue }
                let index = (n * c + t) * d + position
                p[index] = T(fromDouble: p[index].doubleValue + factor * scales[i] * classWeight(t))
            }
        }
    }

    /// The coefficients `a` of cross entropy's gradient `scale (softmax Σ_c a_c - a)`:
    /// `scale_i ((ε / C) w[c] + (1 - ε) w[t] [c == t])`, as an [N, C, D] tensor.
    func crossEntropyCoefficients(scales: [Double], smoothing: Double, dtype: DType, shape: [Int]) -> Tensor {
        let out = Tensor.zeros(shape, dtype: dtype)
        if dtype == .float64 {
            coefficients(Double.self, out, scales: scales, smoothing: smoothing)
        } else {
            coefficients(Float.self, out, scales: scales, smoothing: smoothing)
        }
        return out
    }

    private func coefficients<T: FloatElement>(_: T.Type, _ out: Tensor, scales: [Double], smoothing: Double) {
        let p = out.pointer(as: T.self)
        let (c, d) = (classes, inner)
        if smoothing > 0 {
            let smooth = smoothing / Double(c)
            for n in 0..<batch {
                for k in 0..<c {
                    let w = smooth * classWeight(k)
                    for position in 0..<d { p[(n * c + k) * d + position] = T(fromDouble: scales[n * d + position] * w) }
                }
            }
        }
        scatterTargets(T.self, out, scales: scales, factor: 1 - smoothing)
    }

    /// Cross entropy's gradient with respect to the logits: `scale_i (S_i p_c - a_c)` with
    /// `p = exp(x - logSumExp)` and `S_i = (1 - ε) w[t] + (ε / C) Σ_c w[c]`, written in one
    /// tensor with a vectorised `exp`; PyTorch's log_softmax and NLL backward take four passes.
    func crossEntropyGradient(logits: Tensor, logSumExp: [Double], scales: [Double], smoothing: Double) -> Tensor {
        let out = Tensor.empty(logits.shape, dtype: logits.dtype)
        if logits.dtype == .float64 {
            crossEntropyGradient(Double.self, logits, out, logSumExp: logSumExp, scales: scales, smoothing: smoothing)
        } else {
            crossEntropyGradient(Float.self, logits, out, logSumExp: logSumExp, scales: scales, smoothing: smoothing)
        }
        return out
    }

    private func crossEntropyGradient<T: FloatElement>(
        _: T.Type, _ logits: Tensor, _ out: Tensor, logSumExp: [Double], scales: [Double], smoothing: Double
    ) {
        let x = UnsafePointer(logits.pointer(as: T.self))
        let p = out.pointer(as: T.self)
        let (c, d) = (classes, inner)
        let smooth = smoothing / Double(c)
        let weightSum = weights?.reduce(0, +) ?? Double(c)
        let classWeights = (0..<c).map { T(fromDouble: classWeight($0)) }
        let grain = Swift.max(1, elementwiseGrain / Swift.max(c * d, 1))
        parallelFor(batch, grain: grain) { rows in
            var shift = [T](repeating: 0, count: d)  // logSumExp
            var total = [T](repeating: 0, count: d)  // scale_i S_i
            var uniform = [T](repeating: 0, count: d)  // scale_i ε / C
            // x - logSumExp of one row, the source of the exp (the C kernel vectorises only
            // when source and destination differ).
            var shifted = [T](repeating: 0, count: d == 1 ? c : d)
            for n in rows {
                for position in 0..<d {
                    let i = n * d + position
                    let t = targets[i]
                    let scale = scales[i]
                    let targetWeight = t == ignoreIndex ? 0 : classWeight(t)
                    shift[position] = T(fromDouble: logSumExp[i])
                    total[position] = T(fromDouble: scale * ((1 - smoothing) * targetWeight + smooth * weightSum))
                    uniform[position] = T(fromDouble: scale * smooth)
                }
                let plane = n * c * d
                shifted.withUnsafeMutableBufferPointer { buffer in
                    let scratch = buffer.baseAddress!
                    if d == 1 {
                        let (row, source, s, u, m) = (p + plane, x + plane, total[0], uniform[0], shift[0])
                        for k in 0..<c { scratch[k] = source[k] - m }
                        ClassIndexKernels.exp(UnsafePointer(scratch), into: row, count: c)
                        if smoothing > 0 {
                            for k in 0..<c { row[k] = s * row[k] - u * classWeights[k] }
                        } else {
                            for k in 0..<c { row[k] = s * row[k] }
                        }
                    } else {
                        for k in 0..<c {
                            let (row, source, w) = (p + plane + k * d, x + plane + k * d, classWeights[k])
                            for position in 0..<d { scratch[position] = source[position] - shift[position] }
                            ClassIndexKernels.exp(UnsafePointer(scratch), into: row, count: d)
                            for position in 0..<d { row[position] = total[position] * row[position] - uniform[position] * w }
                        }
                    }
                }
                for position in 0..<d {
                    let i = n * d + position
                    let t = targets[i]
                    if t == ignoreIndex { continue }
                    let index = (n * c + t) * d + position
                    p[index] -= T(fromDouble: scales[i] * (1 - smoothing) * classWeight(t))
                }
            }
        }
    }
}

/// The log-sum-exp and exp loops of cross entropy, vectorised for float32 through the C
/// kernels.
enum ClassIndexKernels {
    /// `exp` of `count` values into `destination`, which must not overlap `source` (the C
    /// kernel's loop vectorises only then).
    @inline(__always)
    static func exp<T: FloatElement>(_ source: UnsafePointer<T>, into destination: UnsafeMutablePointer<T>, count: Int) {
        if T.self == Float.self {
            ember_exp_f32(
                UnsafeRawPointer(source).assumingMemoryBound(to: Float.self),
                UnsafeMutableRawPointer(destination).assumingMemoryBound(to: Float.self), Int64(count))
        } else {
            for k in 0..<count { destination[k] = T(fromDouble: Foundation.exp(source[k].doubleValue)) }
        }
    }

    /// `log Σ_c exp(x[n, c, d])` for each n and d of an [N, C, D] array, shifted by the
    /// maximum so that large logits do not overflow (NaN in, NaN out).
    static func logSumExp<T: FloatElement>(_ x: UnsafePointer<T>, batch: Int, classes c: Int, inner d: Int) -> [Double] {
        if d == 1 { return rowLogSumExp(x, rows: batch, classes: c) }
        var result = [Double](repeating: 0, count: batch * d)
        let tile = Swift.min(d, 512)
        let grain = Swift.max(1, elementwiseGrain / Swift.max(c * d, 1))
        result.withUnsafeMutableBufferPointer { out in
            parallelFor(batch, grain: grain) { rows in
                // Shifted logits in the first half, their exp in the second.
                var scratch = [T](repeating: 0, count: 2 * c * tile)
                var maximum = [T](repeating: 0, count: tile)
                scratch.withUnsafeMutableBufferPointer { scratch in
                    let buffer = scratch.baseAddress!
                    for n in rows {
                        for start in stride(from: 0, to: d, by: tile) {
                            let length = Swift.min(tile, d - start)
                            // The maximum over the classes at each position of the tile.
                            for position in 0..<length { maximum[position] = -T.infinity }
                            for k in 0..<c {
                                let row = x + (n * c + k) * d + start
                                for position in 0..<length where row[position] > maximum[position] {
                                    maximum[position] = row[position]
                                }
                            }
                            // A -inf maximum (all -inf, or an empty class dim) shifts by 0.
                            for position in 0..<length where maximum[position] == -T.infinity { maximum[position] = 0 }
                            for k in 0..<c {
                                let row = x + (n * c + k) * d + start
                                let shifted = buffer + k * length
                                for position in 0..<length { shifted[position] = row[position] - maximum[position] }
                            }
                            let exponentials = buffer + c * length
                            exp(UnsafePointer(buffer), into: exponentials, count: c * length)
                            for position in 0..<length {
                                var sum = 0.0
                                for k in 0..<c { sum += exponentials[k * length + position].doubleValue }
                                var value = Foundation.log(sum) + maximum[position].doubleValue
                                // NaN logits: `>` skipped them in the maximum; the sum carries them.
                                if sum.isNaN { value = .nan }
                                out[n * d + start + position] = value
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// The log-sum-exp of each contiguous row (the (N, C) case): vectorised max, shift, exp and
    /// sum over the row.
    private static func rowLogSumExp<T: FloatElement>(_ x: UnsafePointer<T>, rows: Int, classes c: Int) -> [Double] {
        var result = [Double](repeating: 0, count: rows)
        let grain = Swift.max(1, elementwiseGrain / Swift.max(c, 1))
        result.withUnsafeMutableBufferPointer { out in
            parallelFor(rows, grain: grain) { range in
                var scratch = [T](repeating: 0, count: 2 * c)
                scratch.withUnsafeMutableBufferPointer { scratch in
                    let (buffer, exponentials) = (scratch.baseAddress!, scratch.baseAddress! + c)
                    for n in range {
                        let row = x + n * c
                        var maximum = rowMax(row, count: c)
                        // A -inf maximum (all -inf, or no classes) shifts by 0, NaN stays NaN.
                        if maximum == -T.infinity { maximum = 0 }
                        for k in 0..<c { buffer[k] = row[k] - maximum }
                        exp(UnsafePointer(buffer), into: exponentials, count: c)
                        out[n] = Foundation.log(rowSum(UnsafePointer(exponentials), count: c)) + maximum.doubleValue
                    }
                }
            }
        }
        return result
    }

    /// The largest of `count` values; NaN when any is NaN.
    @inline(__always)
    static func rowMax<T: FloatElement>(_ p: UnsafePointer<T>, count: Int) -> T {
        if T.self == Float.self {
            let f = UnsafeRawPointer(p)
            var lanes = SIMD8<Float>(repeating: -.infinity)
            var sawNaN = false
            var k = 0
            while k + 8 <= count {
                let v = f.loadUnaligned(fromByteOffset: k * 4, as: SIMD8<Float>.self)
                sawNaN = sawNaN || any(v .!= v)
                lanes = pointwiseMax(lanes, v)
                k += 8
            }
            var m = lanes.max()
            let tail = f.assumingMemoryBound(to: Float.self)
            while k < count {
                if tail[k].isNaN { sawNaN = true }
                m = Swift.max(m, tail[k])
                k += 1
            }
            return sawNaN ? T.nan : T(fromDouble: Double(m))
        }
        var m = -T.infinity
        for k in 0..<count {
            if p[k].isNaN { return T.nan }
            if p[k] > m { m = p[k] }
        }
        return m
    }

    /// The sum of `count` values, in float64 (float32 through the vectorised C kernel).
    @inline(__always)
    static func rowSum<T: FloatElement>(_ p: UnsafePointer<T>, count: Int) -> Double {
        if T.self == Float.self {
            return Double(ember_reduce_sum_f32(UnsafeRawPointer(p).assumingMemoryBound(to: Float.self), Int64(count)))
        }
        var sum = 0.0
        for k in 0..<count { sum += p[k].doubleValue }
        return sum
    }
}
