import Ember
import Foundation

/// Why an audio dataset could not be opened or a sample not read. IO failures of the audio
/// files themselves surface as ``AudioIOError``.
public enum AudioDatasetError: Error, Equatable, CustomStringConvertible {
    /// The dataset folder is missing; `hint` says where the data comes from.
    case notFound(path: String, hint: String)
    /// An argument names no known subset, split or release.
    case invalidArgument(String)
    /// A metadata file is missing or a line or file name does not follow the layout.
    case malformed(file: String, reason: String)
    /// A file's sample rate is not the dataset's.
    case sampleRateMismatch(file: String, expected: Int, found: Int)
    /// A downloaded archive's SHA-256 does not start with the published one; it was deleted.
    case checksumMismatch(file: String, expected: String, actual: String)
    /// The download itself failed (HTTP status, network, disk); `reason` is EmberHub's message.
    case downloadFailed(url: String, reason: String)
    /// An archive cannot be decompressed or unpacked.
    case corruptArchive(file: String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let path, let hint): return "Dataset not found at \(path). \(hint)"
        case .invalidArgument(let message): return message
        case .malformed(let file, let reason): return "malformed dataset file \(file): \(reason)"
        case .sampleRateMismatch(let file, let expected, let found):
            return "sample rate should be \(expected), but got \(found) in \(file)"
        case .checksumMismatch(let file, let expected, let actual):
            return "SHA-256 mismatch for \(file): expected \(expected), got \(actual); the file was deleted"
        case .downloadFailed(let url, let reason): return "download of \(url) failed: \(reason)"
        case .corruptArchive(let file, let reason): return "cannot unpack \(file): \(reason)"
        }
    }
}

/// Shared file-system helpers of the dataset readers.
enum DatasetFiles {
    /// Whether `path` is an existing directory.
    static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    /// The entries of `directory` (names only), empty when it cannot be listed.
    static func entries(_ directory: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }

    /// Python's string order (code points), which the torchaudio datasets sort by.
    static func pythonOrder(_ a: String, _ b: String) -> Bool { a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) }

    /// `directory/*<suffix>` files (not recursing), like `Path.glob("*.wav")`.
    static func files(in directory: String, suffix: String) -> [String] {
        entries(directory).filter { $0.hasSuffix(suffix) && !$0.hasPrefix(".") }
            .map { directory + "/" + $0 }
            .filter { !isDirectory($0) }
    }

    /// Subdirectories of `directory` (names), skipping hidden ones as `glob("*")` does.
    static func subdirectories(_ directory: String) -> [String] {
        entries(directory).filter { !$0.hasPrefix(".") && isDirectory(directory + "/" + $0) }
    }

    /// Loads `path`, checking its rate when `expectedRate` is given (torchaudio's `_load_waveform`).
    static func loadWaveform(_ path: String, expectedRate: Int?) throws -> (Tensor, Int) {
        let (waveform, rate) = try load(path: path)
        if let expectedRate, rate != expectedRate {
            throw AudioDatasetError.sampleRateMismatch(file: path, expected: expectedRate, found: rate)
        }
        return (waveform, rate)
    }
}
