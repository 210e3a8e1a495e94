import Ember
import Foundation

/// Google's Speech Commands (`torchaudio.datasets.SPEECHCOMMANDS`): one-second 16 kHz
/// recordings of short words, one folder per word, files named `<speaker>_nohash_<n>.wav`.
///
/// Reads the extracted archive at `root/SpeechCommands/<release>/` (release
/// `speech_commands_v0.02` by default): every `*/*.wav` whose path contains `_nohash_`,
/// outside `_background_noise_`, sorted by path. The subsets follow the dataset's lists:
/// `.validation` and `.testing` are the files named in `validation_list.txt` and
/// `testing_list.txt` (in list order), `.training` the rest. Ember does not download the
/// archive: fetch it from ``baseURL`` and extract it into that folder first.
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
