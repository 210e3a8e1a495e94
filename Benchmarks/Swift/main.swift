import Foundation

// Usage: EmberBenchmarks [FILTER]. Prints one `name<TAB>milliseconds` line per workload.
// Each library contributes its workloads from its own file (CoreBenchmarks.swift, ...).
let filter = CommandLine.arguments.dropFirst().first
var workloads: [Workload] = []
workloads += coreElementwiseWorkloads()
workloads += coreReductionWorkloads()
workloads += coreIndexingWorkloads()
workloads += coreLinearAlgebraWorkloads()
workloads += coreNNWorkloads()
workloads += coreLossWorkloads()
workloads += coreOptimWorkloads()
workloads += coreSerializationWorkloads()
workloads += coreFFTWorkloads()
workloads += hubWorkloads()
workloads += visionWorkloads()
workloads += textWorkloads()
workloads += audioWorkloads()
Harness.run(workloads, filter: filter)
