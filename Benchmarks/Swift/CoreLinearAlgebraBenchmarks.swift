import Ember

/// Core linear-algebra workloads; `Benchmarks/reference/core_linalg_reference.py` has the same names.
func coreLinearAlgebraWorkloads() -> [Workload] {
    [256, 1024, 2048].map { n in
        Workload(name: "matmul f32 \(n)") {
            let gen = Generator(seed: 0)
            let a = Tensor.randn([n, n], generator: gen), b = Tensor.randn([n, n], generator: gen)
            return { _ = a.matmul(b) }
        }
    }
}
