import Ember
import Foundation

/// LibriSpeech (`torchaudio.datasets.LIBRISPEECH`): read English audiobooks, 16 kHz FLAC,
/// laid out as `<subset>/<speaker>/<chapter>/<speaker>-<chapter>-<utterance>.flac` with one
/// `<speaker>-<chapter>.trans.txt` transcript file per chapter (`<id> <TRANSCRIPT>` lines).
///
/// Reads the extracted archive at `root/LibriSpeech/<subset>/`; samples are sorted by file
/// name. Ember does not download it: fetch `http://www.openslr.org/resources/12/<subset>.tar.gz`
/// and extract it into `root`.
public struct LibriSpeech: Dataset, Sendable {
    /// One utterance.
    public struct Sample: @unchecked Sendable {
        public let waveform: Tensor
        public let sampleRate: Int
        public let transcript: String
        public let speakerID: Int
        public let chapterID: Int
        public let utteranceID: Int
    }

    /// A sample without its audio (torchaudio's `get_metadata`); the path is relative to
    /// `root/LibriSpeech`.
    public struct Metadata: Sendable, Equatable {
        public let relativePath: String
        public let sampleRate: Int
        public let transcript: String
        public let speakerID: Int
        public let chapterID: Int
        public let utteranceID: Int
    }

    /// The published subsets.
    public static let subsets = [
        "dev-clean", "dev-other", "test-clean", "test-other", "train-clean-100", "train-clean-360", "train-other-500",
    ]
    public static let sampleRate = 16_000

    public let subset: String
    /// `root/LibriSpeech`.
    public let archive: String
    /// Utterance ids (`<speaker>-<chapter>-<utterance>`) in sample order.
    public let fileIDs: [String]

    /// - Parameter subset: one of ``subsets`` (torchaudio's `url`), `"train-clean-100"` by default.
    public init(root: String, subset: String = "train-clean-100", folderInArchive: String = "LibriSpeech") throws {
        guard LibriSpeech.subsets.contains(subset) else {
            throw AudioDatasetError.invalidArgument("Invalid url '\(subset)' given; please provide one of \(LibriSpeech.subsets).")
        }
        self.subset = subset
        archive = (root as NSString).appendingPathComponent(folderInArchive)
        let path = archive + "/" + subset
        guard DatasetFiles.isDirectory(path) else {
            throw AudioDatasetError.notFound(
                path: path, hint: "Download http://www.openslr.org/resources/12/\(subset).tar.gz and extract it into \(root).")
        }
        var ids: [String] = []
        for speaker in DatasetFiles.subdirectories(path) {
            for chapter in DatasetFiles.subdirectories(path + "/" + speaker) {
                ids += DatasetFiles.files(in: path + "/" + speaker + "/" + chapter, suffix: ".flac")
                    .map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension }
            }
        }
        fileIDs = ids.sorted(by: DatasetFiles.pythonOrder)
    }

    public var count: Int { fileIDs.count }

    /// The transcript and ids of sample `index`, read from its chapter's `.trans.txt`.
    public func metadata(at index: Int) throws -> Metadata {
        precondition(fileIDs.indices.contains(index), "LibriSpeech: index \(index) out of range for \(count) samples")
        let id = fileIDs[index]
        let parts = id.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let speaker = Int(parts[0]), let chapter = Int(parts[1]), let utterance = Int(parts[2]) else {
            throw AudioDatasetError.malformed(file: id + ".flac", reason: "expected <speaker>-<chapter>-<utterance>")
        }
        let folder = subset + "/" + parts[0] + "/" + parts[1]
        let textFile = archive + "/" + folder + "/" + parts[0] + "-" + parts[1] + ".trans.txt"
        guard let text = try? String(contentsOfFile: textFile, encoding: .utf8) else {
            throw AudioDatasetError.malformed(file: textFile, reason: "cannot read the chapter's transcripts")
        }
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let space = trimmed.firstIndex(of: " ") else { continue }
            if trimmed[..<space] == id {
                return Metadata(
                    relativePath: folder + "/" + id + ".flac", sampleRate: LibriSpeech.sampleRate,
                    transcript: String(trimmed[trimmed.index(after: space)...]), speakerID: speaker, chapterID: chapter,
                    utteranceID: utterance)
            }
        }
        throw AudioDatasetError.malformed(file: textFile, reason: "Translation not found for \(id)")
    }

    /// Loads sample `index`.
    public func sample(at index: Int) throws -> Sample {
        let meta = try metadata(at: index)
        let (waveform, rate) = try DatasetFiles.loadWaveform(archive + "/" + meta.relativePath, expectedRate: meta.sampleRate)
        return Sample(
            waveform: waveform, sampleRate: rate, transcript: meta.transcript, speakerID: meta.speakerID,
            chapterID: meta.chapterID, utteranceID: meta.utteranceID)
    }

    public subscript(index: Int) -> Sample {
        do { return try sample(at: index) } catch { preconditionFailure("LibriSpeech[\(index)]: \(error)") }
    }
}
