import Ember
import EmberHub
import Foundation

/// The YesNo corpus (`torchaudio.datasets.YESNO`): 60 recordings of eight Hebrew "yes"/"no"
/// words, 8 kHz, named after their labels (`0_1_0_0_1_0_1_1.wav`).
///
/// Reads the extracted archive at `root/waves_yesno/*.wav` (sorted by file name). The
/// `download:` initializer fetches ``url`` into `root`, checks its SHA-256 and extracts it.
///
/// Reading a sample loads its file; ``sample(at:)`` throws on a damaged file, the
/// ``subscript(index:)`` that `DataLoader` uses stops with the error's message instead.
public struct YesNo: Dataset, Sendable {
    /// One recording: the waveform `[1, time]`, its rate and the eight labels (1 = yes).
    public struct Sample: @unchecked Sendable {
        public let waveform: Tensor
        public let sampleRate: Int
        public let labels: [Int]
    }

    /// Where the archive is published.
    public static let url = "http://www.openslr.org/resources/1/waves_yesno.tar.gz"
    /// The archive's SHA-256, as torchaudio checks it.
    public static let sha256 = "c3f49e0cca421f96b75b41640749167b52118f232498667ca7a5f9416aef8e73"

    /// The folder holding the WAV files.
    public let path: String
    /// File names without extension, in sample order.
    public let fileIDs: [String]

    /// Opens `root/folderInArchive`; throws ``AudioDatasetError/notFound(path:hint:)`` when it is missing.
    public init(root: String, folderInArchive: String = "waves_yesno") throws {
        path = (root as NSString).appendingPathComponent(folderInArchive)
        guard DatasetFiles.isDirectory(path) else {
            throw AudioDatasetError.notFound(path: path, hint: "Download \(YesNo.url) and extract it into \(root).")
        }
        fileIDs = DatasetFiles.files(in: path, suffix: ".wav")
            .map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension }
            .sorted(by: DatasetFiles.pythonOrder)
    }

    /// When `download` is true and `root/folderInArchive` is missing, fetches `url` to
    /// `root/<its file name>` (unless already there), checks its SHA-256 against `sha256` (nil:
    /// no check) and extracts it into `root`, as torchaudio's `YESNO(download=True)` does; then
    /// opens the folder. Download failures throw ``AudioDatasetError/downloadFailed(url:reason:)``
    /// or ``AudioDatasetError/checksumMismatch(file:expected:actual:)``.
    public init(
        root: String, folderInArchive: String = "waves_yesno", download: Bool, url: String = YesNo.url,
        sha256: String? = YesNo.sha256, hub: HubConfiguration = .fromEnvironment()
    ) async throws {
        let rootURL = URL(fileURLWithPath: (root as NSString).expandingTildeInPath)
        if download, !DatasetFiles.isDirectory(rootURL.appendingPathComponent(folderInArchive).path) {
            let archive = rootURL.appendingPathComponent(URL(string: url)?.lastPathComponent ?? "waves_yesno.tar.gz")
            try await AudioDatasetDownload.fetch(url, to: archive, sha256: sha256, hub: hub)
            try AudioDatasetDownload.extractTarGz(archive, into: rootURL)
        }
        try self.init(root: rootURL.path, folderInArchive: folderInArchive)
    }

    public var count: Int { fileIDs.count }

    /// Loads sample `index`.
    public func sample(at index: Int) throws -> Sample {
        precondition(fileIDs.indices.contains(index), "YesNo: index \(index) out of range for \(count) samples")
        let id = fileIDs[index]
        let labels = try id.split(separator: "_", omittingEmptySubsequences: false).map { part -> Int in
            guard let value = Int(part) else {
                throw AudioDatasetError.malformed(file: id + ".wav", reason: "file name is not '_'-separated labels")
            }
            return value
        }
        let (waveform, rate) = try DatasetFiles.loadWaveform(path + "/" + id + ".wav", expectedRate: nil)
        return Sample(waveform: waveform, sampleRate: rate, labels: labels)
    }

    public subscript(index: Int) -> Sample {
        do { return try sample(at: index) } catch { preconditionFailure("YesNo[\(index)]: \(error)") }
    }
}
