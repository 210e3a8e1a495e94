import Foundation

/// One timed workload. `prepare` runs once (untimed) and returns the closure that is timed.
/// `unitsPerRun`: the closure does that many units of work (batches of a data-loading epoch, say);
/// the printed time is per unit.
struct Workload {
    let name: String
    var unitsPerRun = 1
    let prepare: () throws -> () -> Void
}

/// Times workloads the way `Benchmarks/reference/*.py` does: warm-up, then the median of
/// repeated runs, adapting the repeat count to the workload's duration.
enum Harness {
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }

    /// Median wall time of `body` in milliseconds.
    static func time(_ body: () -> Void, minRuns: Int = 5, budgetSeconds: Double = 1.0) -> Double {
        body()  // warm-up: caches, lazy loading, allocator pools
        var samples: [Double] = []
        let start = DispatchTime.now().uptimeNanoseconds
        while samples.count < minRuns
            || (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < budgetSeconds && samples.count < 200)
        {
            let t0 = DispatchTime.now().uptimeNanoseconds
            body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        return median(samples)
    }

    /// Runs every workload whose name contains `filter` and prints `name<TAB>ms` lines.
    static func run(_ workloads: [Workload], filter: String?) {
        for workload in workloads where filter.map({ workload.name.contains($0) }) ?? true {
            do {
                let body = try workload.prepare()
                let ms = time(body) / Double(workload.unitsPerRun)
                print("\(workload.name)\t\(String(format: "%.4f", ms))")
            } catch {
                print("\(workload.name)\tERROR \(error)")
            }
            fflush(stdout)
        }
    }
}
