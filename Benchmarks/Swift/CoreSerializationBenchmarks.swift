import Ember
import Foundation

/// Checkpoint IO workloads; `Benchmarks/reference/core_serialization_reference.py` has the same names.
func coreSerializationWorkloads() -> [Workload] {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ember-bench-serialization")
    /// 32 float32 tensors of 16 MB, written once and reused.
    func checkpoint500MB() throws -> String {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("ember-500MB.pt").path
        if !FileManager.default.fileExists(atPath: path) {
            var state: [(String, Tensor)] = []
            for i in 0..<32 { state.append(("layer.\(i).weight", Tensor.full([2048, 2048], .double(Double(i))))) }
            try TorchCheckpoint.save(state, to: path)
        }
        return path
    }
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
            let path = try checkpoint500MB()
            return { precondition(try! TorchCheckpoint.loadStateDict(path).count == 32) }
        },
        // The same load, then every tensor read once (a sum each): a lazy mapping against
        // torch.load's eager read, with both sides touching every byte.
        Workload(name: "torch.load zip 500MB + read every tensor") {
            let path = try checkpoint500MB()
            return {
                let state = try! TorchCheckpoint.loadStateDict(path)
                var total = 0.0
                for (_, t) in state { total += t.sum().item(Double.self) }
                let expected = Double(2048 * 2048 * (0..<32).reduce(0, +))
                precondition(abs(total - expected) <= 1e-6 * expected)
            }
        },
    ]
}
