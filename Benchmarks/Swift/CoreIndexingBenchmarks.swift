import Ember

/// Core indexing workloads; `Benchmarks/reference/core_indexing_reference.py` has the same names.
func coreIndexingWorkloads() -> [Workload] {
    [
        Workload(name: "cat f32 16x1M dim0") {
            let parts = (0..<16).map { _ in Tensor.randn([1 << 20]) }
            return { _ = Tensor.cat(parts, dim: 0) }
        },
        Workload(name: "index_select f32 4096x1024") {
            let x = Tensor.randn([4096, 1024])
            let index = Tensor.randint(0, 4096, [4096])
            return { _ = x.indexSelect(0, index) }
        },
        Workload(name: "gather f32 4096x1024") {
            let x = Tensor.randn([4096, 1024])
            let index = Tensor.randint(0, 1024, [4096, 1024])
            return { _ = x.gather(1, index) }
        },
    ]
}
