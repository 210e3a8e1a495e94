import Ember
import Foundation

/// A labelled folder of audio files (torchvision's `DatasetFolder` layout for sound):
/// `root/<class>/.../<file>.<ext>`, one subfolder per class. Classes are the subfolder names
/// in sorted order (index 0, 1, ...); files are found recursively and ordered by class, then
/// path. Extensions are matched case-insensitively.
public struct AudioFolder: Dataset, Sendable {
    /// One file: its waveform `[channels, time]`, rate and class index.
    public struct Sample: @unchecked Sendable {
        public let waveform: Tensor
        public let sampleRate: Int
        public let classIndex: Int
    }

    public static let defaultExtensions = ["wav", "flac", "ogg", "opus", "mp3"]

    public let root: String
    /// Class names, sorted; a sample's `classIndex` indexes this array.
    public let classes: [String]
    public let classToIndex: [String: Int]
    /// (path, class index) for every sample, in order.
    public let samples: [(path: String, classIndex: Int)]

    /// Scans `root`; throws ``AudioDatasetError/notFound(path:hint:)`` when it is not a folder
    /// and ``AudioDatasetError/invalidArgument(_:)`` when it holds no class folders.
    public init(root: String, extensions: [String] = AudioFolder.defaultExtensions) throws {
        guard DatasetFiles.isDirectory(root) else {
            throw AudioDatasetError.notFound(path: root, hint: "Expected one subfolder of audio files per class.")
        }
        self.root = root
        classes = DatasetFiles.subdirectories(root).sorted(by: DatasetFiles.pythonOrder)
        guard !classes.isEmpty else { throw AudioDatasetError.invalidArgument("Couldn't find any class folder in \(root).") }
        classToIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let wanted = Set(extensions.map { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")) })
        var found: [(String, Int)] = []
        for (index, name) in classes.enumerated() {
            let folder = root + "/" + name
            let enumerator = FileManager.default.enumerator(atPath: folder)
            var files: [String] = []
            while let relative = enumerator?.nextObject() as? String {
                let full = folder + "/" + relative
                if wanted.contains((relative as NSString).pathExtension.lowercased()) && !DatasetFiles.isDirectory(full) {
                    files.append(full)
                }
            }
            found += files.sorted(by: DatasetFiles.pythonOrder).map { ($0, index) }
        }
        samples = found.map { (path: $0.0, classIndex: $0.1) }
    }

    public var count: Int { samples.count }

    /// Loads sample `index`.
    public func sample(at index: Int) throws -> Sample {
        precondition(samples.indices.contains(index), "AudioFolder: index \(index) out of range for \(count) samples")
        let (waveform, rate) = try load(path: samples[index].path)
        return Sample(waveform: waveform, sampleRate: rate, classIndex: samples[index].classIndex)
    }

    public subscript(index: Int) -> Sample {
        do { return try sample(at: index) } catch { preconditionFailure("AudioFolder[\(index)]: \(error)") }
    }
}
