import Ember

func coreWorkloads() -> [Workload] {
    []
}
