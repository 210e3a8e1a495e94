import Ember

/// Core indexing workloads; `Benchmarks/reference/core_indexing_reference.py` has the same names.
func coreIndexingWorkloads() -> [Workload] {
    []
}
