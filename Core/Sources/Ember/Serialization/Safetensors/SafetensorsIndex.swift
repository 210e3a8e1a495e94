import Foundation

/// A sharded safetensors checkpoint described by `model.safetensors.index.json`
/// (`{"metadata": {...}, "weight_map": {"tensor name": "shard file"}}`). Shards are opened on
/// first use, relative to the index's folder.
public final class SafetensorsIndex: @unchecked Sendable {
    /// Tensor name → shard file name.
    public let weightMap: [String: String]
    /// The index's `metadata` object (e.g. `total_size`), as JSON values.
    public let metadata: [String: Any]
    public let path: String
    private let folder: URL
    private var shards: [String: SafetensorsFile] = [:]
    private let lock = NSLock()

    public init(path: String) throws {
        self.path = path
        folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CheckpointError(.io, file: path, "cannot read the index: \(error.localizedDescription)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CheckpointError(.malformedHeader, file: path, "the index is not a JSON object")
        }
        guard let map = object["weight_map"] as? [String: Any] else {
            throw CheckpointError(.malformedHeader, file: path, "the index has no weight_map object")
        }
        var weightMap: [String: String] = [:]
        for (name, value) in map {
            guard let shard = value as? String, !shard.contains("/"), !shard.contains("\\"), shard != "..", !shard.isEmpty else {
                throw CheckpointError(.malformedHeader, file: path, tensor: name, "weight_map entry \(value) is not a file name in the index's folder")
            }
            weightMap[name] = shard
        }
        self.weightMap = weightMap
        metadata = object["metadata"] as? [String: Any] ?? [:]
    }

    /// Tensor names, sorted.
    public var keys: [String] { weightMap.keys.sorted() }

    /// The tensor `name`, from its shard.
    public func tensor(_ name: String) throws -> Tensor {
        guard let shardName = weightMap[name] else {
            throw CheckpointError(.malformedHeader, file: path, tensor: name, "not in the index's weight_map")
        }
        let shard = try self.shard(shardName)
        guard shard.keys.contains(name) else {
            throw CheckpointError(.malformedHeader, file: shard.path, tensor: name, "the index places this tensor here, but the shard lacks it")
        }
        return try shard.tensor(name)
    }

    /// Every tensor of every shard, by name.
    public func tensors() throws -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for name in keys { result[name] = try tensor(name) }
        return result
    }

    private func shard(_ name: String) throws -> SafetensorsFile {
        lock.lock()
        defer { lock.unlock() }
        if let open = shards[name] { return open }
        let file = try SafetensorsFile(path: folder.appendingPathComponent(name).path)
        shards[name] = file
        return file
    }
}
