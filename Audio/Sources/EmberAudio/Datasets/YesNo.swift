import Ember
import Foundation

/// The YesNo corpus (`torchaudio.datasets.YESNO`): 60 recordings of eight Hebrew "yes"/"no"
/// words, 8 kHz, named after their labels (`0_1_0_0_1_0_1_1.wav`).
///
/// Reads the extracted archive at `root/waves_yesno/*.wav` (sorted by file name). Ember does
/// not download it: fetch ``url`` and extract it into `root` first.
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
