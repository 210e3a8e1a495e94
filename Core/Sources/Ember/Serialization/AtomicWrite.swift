import Foundation

/// Writes checkpoint bytes under a temporary name and renames them into place, so a crash or
/// a full disk never leaves a half-written file under the final name.
func writeAtomically(_ data: Data, to path: String) throws {
    let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
    do {
        try data.write(to: URL(fileURLWithPath: temporary))
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    } catch {
        try? FileManager.default.removeItem(atPath: temporary)
        throw CheckpointError(.io, file: path, "cannot write: \(error.localizedDescription)")
    }
}
