import Ember
import EmberHub
import Foundation

/// Google's Speech Commands (`torchaudio.datasets.SPEECHCOMMANDS`): one-second 16 kHz
/// recordings of short words, one folder per word, files named `<speaker>_nohash_<n>.wav`.
///
/// Reads the extracted archive at `root/SpeechCommands/<release>/` (release
/// `speech_commands_v0.02` by default): every `*/*.wav` whose path contains `_nohash_`,
/// outside `_background_noise_`, sorted by path. The subsets follow the dataset's lists:
/// `.validation` and `.testing` are the files named in `validation_list.txt` and
/// `testing_list.txt` (in list order), `.training` the rest. The `download:` initializer
/// fetches the archive from ``baseURL``, checks its SHA-256 and extracts it into that folder.
public struct SpeechCommands: Dataset, Sendable {
    public enum Subset: String, Sendable {
        case training, validation, testing
    }

    /// One utterance: waveform `[1, time]`, rate (16000), word, speaker and utterance number.
    public struct Sample: @unchecked Sendable {
        public let waveform: Tensor
        public let sampleRate: Int
        public let label: String
        public let speakerID: String
        public let utteranceNumber: Int
    }

    /// A sample without its audio (torchaudio's `get_metadata`), with the file's path
    /// relative to `root/SpeechCommands`.
    public struct Metadata: Sendable, Equatable {
        public let relativePath: String
        public let sampleRate: Int
        public let label: String
        public let speakerID: String
        public let utteranceNumber: Int
    }

    public static let baseURL = "http://download.tensorflow.org/data/"
    /// The published archives' SHA-256 by URL, as torchaudio checks them.
    public static let checksums = [
        "http://download.tensorflow.org/data/speech_commands_v0.01.tar.gz":
            "743935421bb51cccdb6bdd152e04c5c70274e935c82119ad7faeec31780d811d",
        "http://download.tensorflow.org/data/speech_commands_v0.02.tar.gz":
            "af14739ee7dc311471de98f5f9d2c9191b18aedfe957f4a6ff791c709868ff58",
    ]
    public static let sampleRate = 16_000
    static let hashDivider = "_nohash_"
    static let exceptFolder = "_background_noise_"

    /// `root/SpeechCommands`.
    public let archive: String
    /// `root/SpeechCommands/<release>`.
    public let path: String
    /// Absolute file paths in sample order.
    public let files: [String]

    /// - Parameters:
    ///   - release: `"speech_commands_v0.01"`, `"speech_commands_v0.02"` or an archive URL
    ///     whose file name (minus `.tar.gz`) names the folder.
    public init(
        root: String, release: String = "speech_commands_v0.02", folderInArchive: String = "SpeechCommands",
        subset: Subset? = nil
    ) throws {
        let url = ["speech_commands_v0.01", "speech_commands_v0.02"].contains(release)
            ? SpeechCommands.baseURL + release + ".tar.gz" : release
        // torchaudio: basename.rsplit(".", 2)[0], the name without its last two extensions
        let pieces = (url as NSString).lastPathComponent.components(separatedBy: ".")
        let base = pieces.dropLast(min(2, pieces.count - 1)).joined(separator: ".")
        archive = (root as NSString).appendingPathComponent(folderInArchive)
        path = (archive as NSString).appendingPathComponent(base)
        guard DatasetFiles.isDirectory(path) else {
            throw AudioDatasetError.notFound(path: path, hint: "Download \(url) and extract it into \(path).")
        }
        let path = self.path
        func list(_ names: String...) throws -> [String] {
            try names.flatMap { name -> [String] in
                let file = path + "/" + name
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                    throw AudioDatasetError.malformed(file: file, reason: "cannot read the subset list")
                }
                return text.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                    .filter { !$0.isEmpty }
                    .map { ((path + "/" + $0) as NSString).standardizingPath }
            }
        }
        func walk() -> [String] {
            DatasetFiles.subdirectories(path).flatMap { DatasetFiles.files(in: path + "/" + $0, suffix: ".wav") }
                .sorted(by: DatasetFiles.pythonOrder)
                .filter { $0.contains(SpeechCommands.hashDivider) && !$0.contains(SpeechCommands.exceptFolder) }
        }
        switch subset {
        case .validation: files = try list("validation_list.txt")
        case .testing: files = try list("testing_list.txt")
        case .training:
            let excluded = Set(try list("validation_list.txt", "testing_list.txt"))
            files = walk().filter { !excluded.contains(($0 as NSString).standardizingPath) }
        case nil: files = walk()
        }
    }

    /// When `download` is true and the release folder is missing, fetches the archive to
    /// `root/<its file name>` (unless already there), checks its SHA-256 (`sha256`, or the
    /// published one from ``checksums`` when nil; an unknown URL is not checked) and extracts
    /// it into `root/folderInArchive/<release>`, as torchaudio's `SPEECHCOMMANDS(download=True)`
    /// does; then opens it.
    public init(
        root: String, release: String = "speech_commands_v0.02", folderInArchive: String = "SpeechCommands",
        subset: Subset? = nil, download: Bool, sha256: String? = nil, hub: HubConfiguration = .fromEnvironment()
    ) async throws {
        let url = ["speech_commands_v0.01", "speech_commands_v0.02"].contains(release)
            ? SpeechCommands.baseURL + release + ".tar.gz" : release
        let rootURL = URL(fileURLWithPath: (root as NSString).expandingTildeInPath)
        let name = (url as NSString).lastPathComponent
        let pieces = name.components(separatedBy: ".")
        let base = pieces.dropLast(min(2, pieces.count - 1)).joined(separator: ".")
        let target = rootURL.appendingPathComponent(folderInArchive).appendingPathComponent(base)
        if download, !DatasetFiles.isDirectory(target.path) {
            let archive = rootURL.appendingPathComponent(name)
            try await AudioDatasetDownload.fetch(url, to: archive, sha256: sha256 ?? Self.checksums[url], hub: hub)
            try AudioDatasetDownload.extractTarGz(archive, into: target)
        }
        try self.init(root: rootURL.path, release: release, folderInArchive: folderInArchive, subset: subset)
    }

    public var count: Int { files.count }

    /// The fields of sample `index` parsed from its path, without loading audio.
    public func metadata(at index: Int) throws -> Metadata {
        precondition(files.indices.contains(index), "SpeechCommands: index \(index) out of range for \(count) samples")
        let file = files[index]
        let relative = file.hasPrefix(archive + "/") ? String(file.dropFirst(archive.count + 1)) : file
        let label = ((relative as NSString).deletingLastPathComponent as NSString).lastPathComponent
        var stem = (relative as NSString).lastPathComponent
        for _ in 0..<2 { stem = (stem as NSString).deletingPathExtension }
        let parts = stem.components(separatedBy: SpeechCommands.hashDivider)
        guard parts.count == 2, let utterance = Int(parts[1]) else {
            throw AudioDatasetError.malformed(file: file, reason: "expected <speaker>_nohash_<number>.wav")
        }
        return Metadata(
            relativePath: relative, sampleRate: SpeechCommands.sampleRate, label: label, speakerID: parts[0],
            utteranceNumber: utterance)
    }

    /// Loads sample `index`; a file not at 16 kHz throws ``AudioDatasetError/sampleRateMismatch(file:expected:found:)``.
    public func sample(at index: Int) throws -> Sample {
        let meta = try metadata(at: index)
        let (waveform, rate) = try DatasetFiles.loadWaveform(files[index], expectedRate: meta.sampleRate)
        return Sample(
            waveform: waveform, sampleRate: rate, label: meta.label, speakerID: meta.speakerID,
            utteranceNumber: meta.utteranceNumber)
    }

    public subscript(index: Int) -> Sample {
        do { return try sample(at: index) } catch { preconditionFailure("SpeechCommands[\(index)]: \(error)") }
    }
}
