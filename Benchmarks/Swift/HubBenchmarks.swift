import EmberHub
import Foundation

/// `hub download 200MB loopback`: Ember's plain-URL download (streamed to disk, through the
/// `.incomplete` file, lock and rename) of a 200 MB file from the same loopback server that
/// the reference side fetches it from with curl (`Benchmarks/reference/hub_reference.py`).
/// Peak resident memory goes to standard error: it must stay flat, not grow with the file.
func hubWorkloads() -> [Workload] {
    [Workload(name: "hub download 200MB loopback", prepare: prepareHubDownload)]
}

private var hubBenchmarkServer: Process?
private var hubBenchmarkFolder: URL?

private func prepareHubDownload() throws -> () -> Void {
    let size = 200 * 1024 * 1024
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ember-hub-bench-\(UUID().uuidString)")
    let served = folder.appendingPathComponent("served")
    try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
    var block = [UInt8](repeating: 0, count: 1 << 20)
    for i in block.indices { block[i] = UInt8.random(in: 0...255) }
    FileManager.default.createFile(atPath: served.appendingPathComponent("payload.bin").path, contents: nil)
    let handle = try FileHandle(forWritingTo: served.appendingPathComponent("payload.bin"))
    for _ in 0..<(size >> 20) { handle.write(Data(block)) }
    try handle.close()

    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("reference/hub_reference.py")
    let server = Process()
    server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    server.arguments = ["python3", script.path, "--serve", served.path]
    let pipe = Pipe()
    server.standardOutput = pipe
    try server.run()
    var line = Data()
    while !line.contains(UInt8(ascii: "\n")) {
        let byte = pipe.fileHandleForReading.readData(ofLength: 1)
        guard !byte.isEmpty else { throw HubError.network(url: "loopback server", reason: "it did not start") }
        line.append(byte)
    }
    guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
        throw HubError.network(url: "loopback server", reason: "no port")
    }
    hubBenchmarkServer = server
    hubBenchmarkFolder = folder
    atexit {
        let line = String(format: "# hub download 200MB loopback: peak RSS %.1f MB\n", hubPeakRSSMegabytes)
        FileHandle.standardError.write(Data(line.utf8))
        hubBenchmarkServer?.terminate()
        if let folder = hubBenchmarkFolder { try? FileManager.default.removeItem(at: folder) }
    }

    var configuration = HubConfiguration(
        cacheDirectory: folder.appendingPathComponent("hub"), emberDirectory: folder.appendingPathComponent("ember"),
        torchHubDirectory: folder.appendingPathComponent("torch"))
    configuration.progress = nil
    let hub = Hub(configuration: configuration)
    let url = "http://127.0.0.1:\(port)/payload.bin"
    let destination = folder.appendingPathComponent("torch/checkpoints/payload.bin")
    return {
        unlink(destination.path)
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: Error?
        Task {
            do {
                let path = try await hub.download(url: url, checkHash: false)
                let attributes = try FileManager.default.attributesOfItem(atPath: path.path)
                if (attributes[.size] as? NSNumber)?.intValue != size { failure = HubError.sizeMismatch(file: "payload.bin", expected: Int64(size), actual: -1) }
            } catch {
                failure = error
            }
            done.signal()
        }
        done.wait()
        if let failure { FileHandle.standardError.write(Data("hub benchmark failed: \(failure)\n".utf8)) }
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let kilobytes = Double(usage.ru_maxrss)
        #else
        getrusage(RUSAGE_SELF, &usage)
        let kilobytes = Double(usage.ru_maxrss) / 1024  // bytes on Darwin
        #endif
        hubPeakRSSMegabytes = kilobytes / 1024
    }
}

/// Peak resident set size seen after the last download (MB).
nonisolated(unsafe) var hubPeakRSSMegabytes = 0.0
