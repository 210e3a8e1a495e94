import Ember

/// Core reduction workloads; `Benchmarks/reference/core_reduction_reference.py` has the same names.
func coreReductionWorkloads() -> [Workload] {
    []
}
