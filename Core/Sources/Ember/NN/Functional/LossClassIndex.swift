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

    /// The loss of `input` (log-probabilities for NLL, `logSoftmax` output for cross entropy;
    /// contiguous, float32 or float64), reduced.
    func loss(_ logProbs: Tensor, smoothing: Double, reduction: LossReduction) -> Tensor {
        logProbs.dtype == .float64
            ? loss(Double.self, logProbs, smoothing: smoothing, reduction: reduction)
            : loss(Float.self, logProbs, smoothing: smoothing, reduction: reduction)
    }

    private func loss<T: FloatElement>(
        _: T.Type, _ logProbs: Tensor, smoothing: Double, reduction: LossReduction
    ) -> Tensor {
        let lp = logProbs.pointer(as: T.self)
        let (c, d) = (classes, inner)
        let smooth = smoothing / Double(c)
        var losses = [Double](repeating: 0, count: targets.count)
        for n in 0..<batch {
            for position in 0..<d {
                let i = n * d + position
                let t = targets[i]
                if t == ignoreIndex { continue }
                var value = -classWeight(t) * lp[(n * c + t) * d + position].doubleValue
                if smoothing > 0 {
                    var weighted = 0.0
                    for k in 0..<c { weighted += classWeight(k) * lp[(n * c + k) * d + position].doubleValue }
                    value = (1 - smoothing) * value - smooth * weighted
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

    /// Cross entropy's gradient with respect to the logits, written over `exp(logProbs)`
    /// in place: `scale_i (S_i p_c - a_c)` with `S_i = (1 - ε) w[t] + (ε / C) Σ_c w[c]`.
    /// Two passes over [N, C, D] (the `exp` and this one); PyTorch's log_softmax and NLL
    /// backward make four.
    func crossEntropyGradient(logProbs: Tensor, scales: [Double], smoothing: Double) -> Tensor {
        let probabilities = logProbs.exp()
        if probabilities.dtype == .float64 {
            crossEntropyGradient(Double.self, probabilities, scales: scales, smoothing: smoothing)
        } else {
            crossEntropyGradient(Float.self, probabilities, scales: scales, smoothing: smoothing)
        }
        return probabilities
    }

    private func crossEntropyGradient<T: FloatElement>(
        _: T.Type, _ probabilities: Tensor, scales: [Double], smoothing: Double
    ) {
        let p = probabilities.pointer(as: T.self)
        let (c, d) = (classes, inner)
        let smooth = smoothing / Double(c)
        let weightSum = weights?.reduce(0, +) ?? Double(c)
        let classWeights = (0..<c).map { T(fromDouble: classWeight($0)) }
        let grain = Swift.max(1, elementwiseGrain / Swift.max(c * d, 1))
        parallelFor(batch, grain: grain) { rows in
            var total = [T](repeating: 0, count: d)  // scale_i S_i
            var uniform = [T](repeating: 0, count: d)  // scale_i ε / C
            for n in rows {
                for position in 0..<d {
                    let i = n * d + position
                    let t = targets[i]
                    let scale = scales[i]
                    let targetWeight = t == ignoreIndex ? 0 : classWeight(t)
                    total[position] = T(fromDouble: scale * ((1 - smoothing) * targetWeight + smooth * weightSum))
                    uniform[position] = T(fromDouble: scale * smooth)
                }
                if d == 1 {
                    let (s, u) = (total[0], uniform[0])
                    let row = p + n * c
                    if smoothing > 0 {
                        for k in 0..<c { row[k] = s * row[k] - u * classWeights[k] }
                    } else {
                        for k in 0..<c { row[k] = s * row[k] }
                    }
                } else {
                    for k in 0..<c {
                        let w = classWeights[k]
                        let row = p + (n * c + k) * d
                        for position in 0..<d { row[position] = total[position] * row[position] - uniform[position] * w }
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
