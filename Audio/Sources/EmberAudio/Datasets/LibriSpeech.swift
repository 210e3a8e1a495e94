import Ember
import EmberHub
import Foundation

/// LibriSpeech (`torchaudio.datasets.LIBRISPEECH`): read English audiobooks, 16 kHz FLAC,
/// laid out as `<subset>/<speaker>/<chapter>/<speaker>-<chapter>-<utterance>.flac` with one
/// `<speaker>-<chapter>.trans.txt` transcript file per chapter (`<id> <TRANSCRIPT>` lines).
///
/// Reads the extracted archive at `root/LibriSpeech/<subset>/`; samples are sorted by file
/// name. The `download:` initializer fetches `<baseURL><subset>.tar.gz`, checks its SHA-256
/// and extracts it into `root`.
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
    /// Where the subsets' archives are published.
    public static let baseURL = "http://www.openslr.org/resources/12/"
    /// The published archives' SHA-256 by URL, as torchaudio checks them.
    public static let checksums = [
        "http://www.openslr.org/resources/12/dev-clean.tar.gz": "76f87d090650617fca0cac8f88b9416e0ebf80350acb97b343a85fa903728ab3",
        "http://www.openslr.org/resources/12/dev-other.tar.gz": "12661c48e8c3fe1de2c1caa4c3e135193bfb1811584f11f569dd12645aa84365",
        "http://www.openslr.org/resources/12/test-clean.tar.gz": "39fde525e59672dc6d1551919b1478f724438a95aa55f874b576be21967e6c23",
        "http://www.openslr.org/resources/12/test-other.tar.gz": "d09c181bba5cf717b3dee7d4d592af11a3ee3a09e08ae025c5506f6ebe961c29",
        "http://www.openslr.org/resources/12/train-clean-100.tar.gz": "d4ddd1d5a6ab303066f14971d768ee43278a5f2a0aa43dc716b0e64ecbbbf6e2",
        "http://www.openslr.org/resources/12/train-clean-360.tar.gz": "146a56496217e96c14334a160df97fffedd6e0a04e66b9c5af0d40be3c792ecf",
        "http://www.openslr.org/resources/12/train-other-500.tar.gz": "ddb22f27f96ec163645d53215559df6aa36515f26e01dd70798188350adcb6d2",
    ]

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

    /// When `download` is true and `root/folderInArchive/<subset>` is missing, fetches
    /// `<baseURL><subset>.tar.gz` to `root` (unless already there), checks its SHA-256
    /// (`sha256`, or the published one from ``checksums`` when nil; an unknown URL is not
    /// checked) and extracts it into `root` (the archive holds `LibriSpeech/<subset>/`), as
    /// torchaudio's `LIBRISPEECH(download=True)` does; then opens the subset.
    public init(
        root: String, subset: String = "train-clean-100", folderInArchive: String = "LibriSpeech", download: Bool,
        baseURL: String = LibriSpeech.baseURL, sha256: String? = nil, hub: HubConfiguration = .fromEnvironment()
    ) async throws {
        guard LibriSpeech.subsets.contains(subset) else {
            throw AudioDatasetError.invalidArgument("Invalid url '\(subset)' given; please provide one of \(LibriSpeech.subsets).")
        }
        let rootURL = URL(fileURLWithPath: (root as NSString).expandingTildeInPath)
        let path = rootURL.appendingPathComponent(folderInArchive).appendingPathComponent(subset).path
        if download, !DatasetFiles.isDirectory(path) {
            let url = baseURL + subset + ".tar.gz"
            let archive = rootURL.appendingPathComponent(subset + ".tar.gz")
            try await AudioDatasetDownload.fetch(url, to: archive, sha256: sha256 ?? Self.checksums[url], hub: hub)
            try AudioDatasetDownload.extractTarGz(archive, into: rootURL)
        }
        try self.init(root: rootURL.path, subset: subset, folderInArchive: folderInArchive)
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
