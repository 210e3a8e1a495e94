import Ember

/// Loss workloads (forward and backward); `Benchmarks/reference/core_loss_reference.py` has the
/// same names.
func coreLossWorkloads() -> [Workload] {
    /// Deterministic values in [-3, 3) (they do not affect timing).
    func values(_ count: Int, seed: UInt32) -> [Float] {
        var state = seed
        return (0..<count).map { _ -> Float in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 24) * 6 - 3
        }
    }
    func crossEntropy(_ n: Int, _ c: Int, smoothing: Double) -> Workload {
        let suffix = smoothing > 0 ? " smoothing" : ""
        return Workload(name: "cross_entropy\(suffix) fwd+bwd f32 \(n)x\(c)") {
            let x = Tensor(values(n * c, seed: 7), shape: [n, c]).requiresGrad_()
            let y = Tensor((0..<n).map { Int64(($0 * 7919) % c) }, shape: [n])
            return {
                let loss = Functional.crossEntropy(x, y, labelSmoothing: smoothing)
                _ = Autograd.grad(outputs: [loss], inputs: [x])
            }
        }
    }
    return [
        crossEntropy(256, 1000, smoothing: 0),
        crossEntropy(256, 1000, smoothing: 0.1),
        crossEntropy(64, 32000, smoothing: 0),
        Workload(name: "ctc fwd+bwd f32 T100 N16 C30 S30") {
            let (t, n, c, s) = (100, 16, 30, 30)
            let logProbs = Tensor(values(t * n * c, seed: 3), shape: [t, n, c]).logSoftmax(dim: 2).requiresGrad_()
            let targets = Tensor((0..<(n * s)).map { Int64(1 + ($0 * 31) % (c - 1)) }, shape: [n, s])
            let inputLengths = [Int](repeating: t, count: n)
            let targetLengths = (0..<n).map { s - $0 % 10 }
            return {
                let loss = Functional.ctcLoss(logProbs, targets, inputLengths: inputLengths, targetLengths: targetLengths)
                _ = Autograd.grad(outputs: [loss], inputs: [logProbs])
            }
        },
    ]
}
