import Foundation

/// Connectionist temporal classification (Graves et al., 2006), PyTorch's CPU algorithm.
///
/// Each target l of length L is extended with blanks to l' = (blank, l1, blank, l2, ...,
/// blank) of length 2L + 1. The forward variable alpha(t, s), the log-probability of emitting
/// l'1...l's in frames 0...t, is computed in log space in float64; the loss is
/// `-log(alpha(T-1, 2L) + alpha(T-1, 2L-1))`. The backward runs the beta recursion and, like
/// PyTorch, returns `exp(lp) - exp(log Σ_{s: l'_s = c} alpha beta + nll - lp)` per frame and
/// class. That is the gradient of the logits when `logProbs` is a `logSoftmax` output (the
/// `exp(lp)` term cancels through `logSoftmax`'s backward), not the raw derivative with
/// respect to `logProbs`; feed the loss `logSoftmax` outputs, as PyTorch requires.
extension Functional {
    /// `F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, reduction,
    /// zero_infinity)`.
    ///
    /// - Parameters:
    ///   - logProbs: (T, N, C) log-probabilities (a `logSoftmax` over C), or (T, C) for one
    ///     unbatched sequence.
    ///   - targets: class indices, padded (N, S) with S at least the longest target, or all
    ///     targets concatenated (sum of `targetLengths`); (S) when unbatched. No target may be
    ///     out of [0, C).
    ///   - inputLengths: the frames of each sequence, each at most T.
    ///   - targetLengths: the length of each target.
    ///   - reduction: `.mean` divides each loss by its target length (at least 1) and averages
    ///     over the batch; `.sum` adds the losses; `.none` gives (N) losses (0-d unbatched).
    ///   - zeroInfinity: replaces infinite losses (targets too long for their input) and
    ///     their gradients by 0.
    ///
    /// The backward is not differentiable again (PyTorch's is not either).
    public static func ctcLoss(
        _ logProbs: Tensor, _ targets: Tensor, inputLengths: [Int], targetLengths: [Int], blank: Int = 0,
        reduction: LossReduction = .mean, zeroInfinity: Bool = false
    ) -> Tensor {
        let problem = CTCProblem(
            logProbs: logProbs, targets: targets, inputLengths: inputLengths, targetLengths: targetLengths,
            blank: blank)
        let keepAlphas = Autograd.needsGrad(logProbs)
        let lp = withNoGrad { logProbs.to(.float64).contiguous() }
        let (nll, alphas) = problem.forward(lp, keepAlphas: keepAlphas)
        let batch = problem.batch
        var losses = nll
        if zeroInfinity { losses = losses.map { $0 == .infinity ? 0 : $0 } }
        let output: Tensor
        switch reduction {
        case .none:
            output = Tensor(losses, shape: problem.unbatched ? [] : [batch]).to(logProbs.dtype)
        case .sum:
            output = Tensor(scalar: .double(losses.reduce(0, +)), dtype: logProbs.dtype)
        case .mean:
            let perTarget = zip(losses, targetLengths).map { $0 / Double(Swift.max($1, 1)) }
            output = Tensor(scalar: .double(perTarget.reduce(0, +) / Double(batch)), dtype: logProbs.dtype)
        }
        let dtype = logProbs.dtype
        return Autograd.record("CtcLossBackward0", inputs: [logProbs], output: output, saving: [logProbs]) { grad, saved in
            let g = grad.toArray(Double.self)
            var scales = [Double](repeating: 0, count: batch)
            for b in 0..<batch {
                switch reduction {
                case .none: scales[b] = g[problem.unbatched ? 0 : b]
                case .sum: scales[b] = g[0]
                case .mean: scales[b] = g[0] / Double(Swift.max(targetLengths[b], 1)) / Double(batch)
                }
            }
            let lp = withNoGrad { saved[0].to(.float64).contiguous() }
            return [problem.backward(lp, nll: nll, alphas: alphas, scales: scales, zeroInfinity: zeroInfinity).to(dtype)]
        }
    }

    /// `ctcLoss` with the lengths as integer tensors (0-d when unbatched), as PyTorch accepts.
    public static func ctcLoss(
        _ logProbs: Tensor, _ targets: Tensor, inputLengths: Tensor, targetLengths: Tensor, blank: Int = 0,
        reduction: LossReduction = .mean, zeroInfinity: Bool = false
    ) -> Tensor {
        precondition(
            inputLengths.dtype.isIntegral && targetLengths.dtype.isIntegral,
            "ctc_loss: input_lengths and target_lengths must be integer tensors, got \(inputLengths.dtype) and \(targetLengths.dtype)")
        return ctcLoss(
            logProbs, targets, inputLengths: inputLengths.toArray(Int64.self).map { Int($0) },
            targetLengths: targetLengths.toArray(Int64.self).map { Int($0) }, blank: blank, reduction: reduction,
            zeroInfinity: zeroInfinity)
    }
}

/// A validated CTC batch: lengths, targets and where each target starts.
struct CTCProblem {
    let frames: Int  // T
    let batch: Int  // N
    let classes: Int  // C
    let blank: Int
    let unbatched: Bool
    let inputLengths: [Int]
    let targetLengths: [Int]
    let targets: [Int]
    let targetOffsets: [Int]

    init(logProbs: Tensor, targets: Tensor, inputLengths: [Int], targetLengths: [Int], blank: Int) {
        precondition(
            logProbs.dim == 2 || logProbs.dim == 3,
            "ctc_loss: expected log_probs of shape (T, N, C) or (T, C), got \(logProbs.shape)")
        precondition(logProbs.dtype.isFloatingPoint, "ctc_loss: log_probs must be floating point, got \(logProbs.dtype)")
        precondition(targets.dtype.isIntegral, "ctc_loss: targets must hold integer class indices, got \(targets.dtype)")
        unbatched = logProbs.dim == 2
        frames = logProbs.shape[0]
        batch = unbatched ? 1 : logProbs.shape[1]
        classes = logProbs.shape[logProbs.dim - 1]
        self.blank = blank
        precondition(blank >= 0 && blank < classes, "ctc_loss: blank must be in label range (blank \(blank), \(classes) classes)")
        precondition(inputLengths.count == batch, "ctc_loss: input_lengths must be of size batch_size (\(inputLengths.count) vs \(batch))")
        precondition(targetLengths.count == batch, "ctc_loss: target_lengths must be of size batch_size (\(targetLengths.count) vs \(batch))")
        for length in targetLengths {
            precondition(length >= 0, "ctc_loss: Expected target_lengths to have value at least 0, but got value \(length)")
        }
        for length in inputLengths {
            precondition(length >= 0, "ctc_loss: Expected input_lengths to have value at least 0, but got value \(length)")
            precondition(
                length <= frames, "ctc_loss: Expected input_lengths to have value at most \(frames), but got value \(length)")
        }
        self.inputLengths = inputLengths
        self.targetLengths = targetLengths
        let flat = targets.toArray(Int64.self).map { Int($0) }
        if targets.dim == 1 {
            // Concatenated (or the single unbatched target).
            let total = targetLengths.reduce(0, +)
            precondition(
                targets.shape[0] == total,
                "ctc_loss: Expected tensor to have size \(total) at dimension 0, but got size \(targets.shape[0]) for argument #2 'targets'")
            var offsets = [Int]()
            var position = 0
            for length in targetLengths {
                offsets.append(position)
                position += length
            }
            targetOffsets = offsets
        } else {
            precondition(
                targets.dim == 2 && !unbatched,
                "ctc_loss: expected targets of shape (N, S) or (sum(target_lengths)), got \(targets.shape)")
            precondition(
                targets.shape[0] == batch,
                "ctc_loss: Expected tensor to have size \(batch) at dimension 0, but got size \(targets.shape[0]) for argument #2 'targets'")
            let longest = targetLengths.max() ?? 0
            precondition(
                targets.shape[1] >= longest,
                "ctc_loss: Expected tensor to have size at least \(longest) at dimension 1, but got size \(targets.shape[1]) for argument #2 'targets'")
            targetOffsets = (0..<batch).map { $0 * targets.shape[1] }
        }
        self.targets = flat
        for b in 0..<batch {
            for j in 0..<targetLengths[b] {
                let value = flat[targetOffsets[b] + j]
                precondition(value >= 0 && value < classes, "ctc_loss: Target \(value) is out of bounds.")
            }
        }
    }

    /// The extended labels l' of sequence b (blank, l1, blank, ..., blank).
    func extendedLabels(_ b: Int) -> [Int] {
        (0..<(2 * targetLengths[b] + 1)).map { s in s % 2 == 0 ? blank : targets[targetOffsets[b] + s / 2] }
    }

    /// log(exp(a) + exp(b) + exp(c)) as PyTorch's kernel computes it (a max of -inf shifts by
    /// 0, giving -inf). Terms of -inf add exactly 0, so their exp is skipped.
    @inline(__always) static func logSumExp(_ a: Double, _ b: Double, _ c: Double) -> Double {
        let m = Swift.max(a, Swift.max(b, c))
        if m == -.infinity { return -.infinity }
        var sum = a == -.infinity ? 0 : Foundation.exp(a - m)
        if b != -.infinity { sum += Foundation.exp(b - m) }
        if c != -.infinity { sum += Foundation.exp(c - m) }
        return Foundation.log(sum) + m
    }

    /// The negative log-likelihood of each sequence, and (when asked) its alpha table,
    /// [input length][2L + 1], for the backward. `lp` is contiguous float64 [T, N, C].
    func forward(_ lp: Tensor, keepAlphas: Bool) -> (nll: [Double], alphas: [[Double]]) {
        let p = UnsafePointer(lp.pointer(as: Double.self))
        var nll = [Double](repeating: 0, count: batch)
        var alphas = [[Double]](repeating: [], count: keepAlphas ? batch : 0)
        nll.withUnsafeMutableBufferPointer { nllOut in
            alphas.withUnsafeMutableBufferPointer { alphaOut in
                parallelFor(batch, grain: grain) { range in
                    for b in range {
                        let (value, alpha) = sequenceForward(p, b)
                        nllOut[b] = value
                        if keepAlphas { alphaOut[b] = alpha }
                    }
                }
            }
        }
        return (nll, alphas)
    }

    /// Sequences per task: CTC costs about T (2L + 1) steps per sequence.
    private var grain: Int {
        let steps = frames * (2 * (targetLengths.max() ?? 0) + 1)
        return Swift.max(1, 32_768 / Swift.max(steps, 1))
    }

    private func sequenceForward(_ p: UnsafePointer<Double>, _ b: Int) -> (Double, [Double]) {
        let (length, steps) = (targetLengths[b], inputLengths[b])
        if steps == 0 { return (length == 0 ? 0 : .infinity, []) }
        let states = 2 * length + 1
        let label = extendedLabels(b)
        @inline(__always) func lp(_ t: Int, _ c: Int) -> Double { p[(t * batch + b) * classes + c] }
        var alpha = [Double](repeating: -.infinity, count: steps * states)
        alpha[0] = lp(0, blank)
        if length > 0 { alpha[1] = lp(0, label[1]) }
        for t in 1..<steps {
            let (row, previous) = (t * states, (t - 1) * states)
            for s in 0..<states {
                let current = label[s]
                let a1 = alpha[previous + s]
                let a2 = s > 0 ? alpha[previous + s - 1] : -.infinity
                let a3 = s > 1 && label[s - 2] != current ? alpha[previous + s - 2] : -.infinity
                alpha[row + s] = Self.logSumExp(a1, a2, a3) + lp(t, current)
            }
        }
        let last = (steps - 1) * states
        if length == 0 { return (-alpha[last], alpha) }
        let logLikelihood = Self.logSumExp(alpha[last + states - 1], alpha[last + states - 2], -.infinity)
        return (-logLikelihood, alpha)
    }

    /// PyTorch's CTC gradient, [T, N, C] float64, each sequence's times `scales[b]`; frames past
    /// a sequence's input length get 0, and so does a sequence with an infinite loss under
    /// `zeroInfinity`.
    func backward(_ lp: Tensor, nll: [Double], alphas: [[Double]], scales: [Double], zeroInfinity: Bool) -> Tensor {
        let gradient = Tensor.zeros(lp.shape, dtype: .float64)
        let p = UnsafePointer(lp.pointer(as: Double.self))
        let out = gradient.pointer(as: Double.self)
        parallelFor(batch, grain: grain) { range in
            for b in range {
                if zeroInfinity && nll[b] == .infinity { continue }
                let alpha = alphas.isEmpty ? sequenceForward(p, b).1 : alphas[b]
                sequenceBackward(p, out, b, alpha: alpha, nll: nll[b], scale: scales[b])
            }
        }
        return gradient
    }

    private func sequenceBackward(
        _ p: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>, _ b: Int, alpha: [Double], nll: Double,
        scale: Double
    ) {
        let (length, steps) = (targetLengths[b], inputLengths[b])
        if steps == 0 { return }
        let states = 2 * length + 1
        let label = extendedLabels(b)
        @inline(__always) func index(_ t: Int, _ c: Int) -> Int { (t * batch + b) * classes + c }
        var beta = [Double](repeating: -.infinity, count: steps * states)
        let last = (steps - 1) * states
        beta[last + states - 1] = p[index(steps - 1, blank)]
        if length > 0 { beta[last + states - 2] = p[index(steps - 1, label[states - 2])] }
        for t in stride(from: steps - 2, through: 0, by: -1) {
            let (row, next) = (t * states, (t + 1) * states)
            for s in 0..<states {
                let current = label[s]
                let b1 = beta[next + s]
                let b2 = s < states - 1 ? beta[next + s + 1] : -.infinity
                let b3 = s < states - 2 && label[s + 2] != current ? beta[next + s + 2] : -.infinity
                beta[row + s] = Self.logSumExp(b1, b2, b3) + p[index(t, current)]
            }
        }
        var logOccupancy = [Double](repeating: -.infinity, count: classes)
        for t in 0..<steps {
            for c in 0..<classes { logOccupancy[c] = -.infinity }
            for s in 0..<states {
                let c = label[s]
                let value = alpha[t * states + s] + beta[t * states + s]
                let accumulated = logOccupancy[c]
                if accumulated == -.infinity {
                    logOccupancy[c] = value
                } else {
                    let m = Swift.max(accumulated, value)
                    logOccupancy[c] = Foundation.log(Foundation.exp(accumulated - m) + Foundation.exp(value - m)) + m
                }
            }
            for c in 0..<classes {
                let logProb = p[index(t, c)]
                out[index(t, c)] = (Foundation.exp(logProb) - Foundation.exp(logOccupancy[c] + nll - logProb)) * scale
            }
        }
    }
}
