import Ember

/// Core elementwise workloads; `Benchmarks/reference/core_elementwise_reference.py` has the same names.
func coreElementwiseWorkloads() -> [Workload] {
    let n = 16 * 1024 * 1024
    func big() -> Tensor { Tensor.rand([n]) }
    return [
        Workload(name: "add f32 16M") {
            let (a, b) = (big(), big())
            return { _ = a + b }
        },
        Workload(name: "mul f32 16M") {
            let (a, b) = (big(), big())
            return { _ = a * b }
        },
        Workload(name: "exp f32 16M") {
            let a = big()
            return { _ = a.exp() }
        },
        Workload(name: "sigmoid f32 16M") {
            let a = big()
            return { _ = a.sigmoid() }
        },
        Workload(name: "gelu f32 16M") {
            let a = big()
            return { _ = a.gelu() }
        },
        Workload(name: "add f32 16M transposed") {
            let a = Tensor.rand([4096, 4096]).t(), b = Tensor.rand([4096, 4096])
            return { _ = a + b }
        },
        Workload(name: "add f32 16M broadcast") {
            let a = Tensor.rand([4096, 4096]), b = Tensor.rand([4096])
            return { _ = a + b }
        },
        Workload(name: "small ops chain 1000x4") {
            let x = Tensor.rand([4]), y = Tensor.rand([4]).add(1)
            return {
                var t = x
                for _ in 0..<250 {
                    t = t + y
                    t = t * 0.5
                    t = t - x
                    t = t / y
                }
                _ = t
            }
        },
    ]
}
