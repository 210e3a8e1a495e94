import Ember
import Foundation

/// Checkpoint IO workloads; `Benchmarks/reference/core_serialization_reference.py` has the same names.
func coreSerializationWorkloads() -> [Workload] {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ember-bench-serialization")
    return [
        Workload(name: "safetensors open 1GB + first element") {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let path = folder.appendingPathComponent("ember-1GB.safetensors").path
            if !FileManager.default.fileExists(atPath: path) {
                // 16 tensors of 64 MB.
                var tensors: [String: Tensor] = [:]
                for i in 0..<16 { tensors["layer.\(i).weight"] = Tensor.full([4096, 4096], .double(Double(i))) }
                try Safetensors.save(tensors, to: path)
            }
            return {
                let file = try! Safetensors.open(path)
                let t = try! file.tensor("layer.15.weight")
                precondition(t.select(0, 0).select(0, 0).item(Float.self) == 15)
            }
        },
        Workload(name: "torch.load zip 500MB") {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let path = folder.appendingPathComponent("ember-500MB.pt").path
            if !FileManager.default.fileExists(atPath: path) {
                var state: [(String, Tensor)] = []
                for i in 0..<32 { state.append(("layer.\(i).weight", Tensor.full([2048, 2048], .double(Double(i))))) }
                try TorchCheckpoint.save(state, to: path)
            }
            return { precondition(try! TorchCheckpoint.loadStateDict(path).count == 32) }
        },
    ]
}
