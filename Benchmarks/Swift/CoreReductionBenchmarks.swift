import Ember

/// Core reduction workloads; `Benchmarks/reference/core_reduction_reference.py` has the same names.
func coreReductionWorkloads() -> [Workload] {
    /// A 4096×1024 float32 matrix of values in [-3, 3] (the values do not affect timing).
    func matrix() -> Tensor {
        let n = 4096 * 1024
        var state: UInt32 = 12345
        let values = (0..<n).map { _ -> Float in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 24) * 6 - 3
        }
        return Tensor(values, shape: [4096, 1024])
    }
    return [
        Workload(name: "sum f32 4096x1024") {
            let x = matrix()
            return { _ = x.sum() }
        },
        Workload(name: "sum dim=-1 f32 4096x1024") {
            let x = matrix()
            return { _ = x.sum(dim: -1) }
        },
        Workload(name: "softmax f32 4096x1024") {
            let x = matrix()
            return { _ = x.softmax(dim: -1) }
        },
    ]
}
