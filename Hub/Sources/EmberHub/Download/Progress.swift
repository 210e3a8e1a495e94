import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One step of a download, as passed to a ``HubProgressHandler``.
public struct HubProgressEvent: Sendable, Equatable {
    /// The file's name in its repository, URL or wheel.
    public var file: String
    /// Bytes on disk so far, resumed bytes included.
    public var completed: Int64
    /// Bytes in all, when the server said.
    public var total: Int64?
    /// The file has been verified and moved into the cache.
    public var finished: Bool

    public init(file: String, completed: Int64, total: Int64?, finished: Bool) {
        self.file = file
        self.completed = completed
        self.total = total
        self.finished = finished
    }
}

/// A one-line progress bar on standard error: size, speed, time left. Several files at once
/// share the line (their sums are shown); a finished file leaves one summary line.
public final class TerminalProgressBar: @unchecked Sendable {
    /// The bar the environment-derived configuration installs when standard error is a terminal.
    public static let shared = TerminalProgressBar()

    /// Whether standard error is a terminal (a bar on a pipe or log would be noise).
    public static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    private struct Active {
        var completed: Int64
        var total: Int64?
        var started: Date
        var startBytes: Int64
    }

    private let lock = NSLock()
    private var active: [String: Active] = [:]
    private var lastDraw = Date.distantPast
    private let output: (String) -> Void

    /// A bar writing to `output` (standard error by default).
    public init(output: ((String) -> Void)? = nil) {
        self.output = output ?? { text in FileHandle.standardError.write(Data(text.utf8)) }
    }

    /// The ``HubProgressHandler`` to put in ``HubConfiguration/progress``.
    public var handle: HubProgressHandler { { [self] event in self.update(event) } }

    func update(_ event: HubProgressEvent) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        if event.finished {
            let entry = active.removeValue(forKey: event.file)
            let seconds = entry.map { now.timeIntervalSince($0.started) } ?? 0
            let moved = event.completed - (entry?.startBytes ?? event.completed)
            let speed = seconds > 0 ? " at \(Self.bytes(Double(moved) / seconds))/s" : ""
            output("\r\u{1B}[2K\(event.file): \(Self.bytes(Double(event.completed)))\(speed)\n")
            lastDraw = .distantPast
            return
        }
        if var entry = active[event.file] {
            entry.completed = event.completed
            entry.total = event.total
            active[event.file] = entry
        } else {
            active[event.file] = Active(completed: event.completed, total: event.total, started: now, startBytes: event.completed)
        }
        guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        output("\r\u{1B}[2K" + line(now: now))
    }

    private func line(now: Date) -> String {
        let done = active.values.reduce(Int64(0)) { $0 + $1.completed }
        let totals = active.values.compactMap(\.total)
        let total: Int64? = totals.count == active.count ? totals.reduce(0, +) : nil
        let moved = active.values.reduce(0.0) { $0 + Double($1.completed - $1.startBytes) }
        let elapsed = active.values.map { now.timeIntervalSince($0.started) }.max() ?? 0
        let speed = elapsed > 0 ? moved / elapsed : 0
        let label = active.count == 1 ? (active.keys.first ?? "") : "\(active.count) files"
        var text = "\(label) \(Self.bytes(Double(done)))"
        if let total, total > 0 {
            let fraction = min(1, Double(done) / Double(total))
            let filled = Int(fraction * 20)
            text = "\(label) [\(String(repeating: "#", count: filled))\(String(repeating: " ", count: 20 - filled))] "
                + "\(Self.bytes(Double(done)))/\(Self.bytes(Double(total)))"
            if speed > 0 { text += " \(Self.duration(Double(total - done) / speed)) left" }
        }
        return text + " \(Self.bytes(speed))/s"
    }

    /// `1.5 MB`-style sizes (powers of 1000, as curl and huggingface_hub print them).
    public static func bytes(_ value: Double) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var v = value
        var unit = 0
        while v >= 1000 && unit < units.count - 1 {
            v /= 1000
            unit += 1
        }
        return unit == 0 ? "\(Int(v)) B" : String(format: "%.1f", v) + " " + units[unit]
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "--:--" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String(format: "%02d:%02d", s / 60, s % 60)
    }
}
