import Ember

/// Core linearalgebra workloads; `Benchmarks/reference/core_linalg_reference.py` has the same names.
func coreLinearAlgebraWorkloads() -> [Workload] {
    []
}
