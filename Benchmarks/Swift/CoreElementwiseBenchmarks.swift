import Ember

/// Core elementwise workloads; `Benchmarks/reference/core_elementwise_reference.py` has the same names.
func coreElementwiseWorkloads() -> [Workload] {
    []
}
