import Ember
import EmberHub
import Foundation

/// `torchvision.datasets.CIFAR10` and `CIFAR100`: 32×32 colour images read from the Python
/// pickles of the official archives (`root/cifar-10-batches-py/data_batch_1…5`, `test_batch`,
/// `batches.meta`; `root/cifar-100-python/train`, `test`, `meta`).
///
/// Samples are `([3, 32, 32] uint8 RGB image, label)`, then `transform` and `targetTransform`.
/// torchvision re-hashes every file on each construction; Ember checks MD5s when it downloads,
/// and on reading refuses files whose structure is wrong (typed errors naming the file).
///
/// ```swift
/// let test = try await CIFAR10(root: "data", train: false, download: true)
/// let (image, label) = test[0]               // [3, 32, 32] uint8, 3 ("cat")
/// ```
public struct CIFAR10: CIFARDataset, @unchecked Sendable {
    public static let baseFolder = "cifar-10-batches-py"
    public static let url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    public static let archiveMD5 = "c58f30108f718f92721af3b95e74349a"
    public static let trainFiles = ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5"]
    public static let testFiles = ["test_batch"]
    public static let metaFile = "batches.meta"
    public static let metaKey = "label_names"

    public let root: String
    public let train: Bool
    public let data: Tensor
    public let targets: [Int]
    public let classes: [String]
    public var transform: (@Sendable (Tensor) -> Tensor)?
    public var targetTransform: (@Sendable (Int) -> Int)?

    public init(_ contents: CIFARContents, root: String, train: Bool, transform: (@Sendable (Tensor) -> Tensor)?, targetTransform: (@Sendable (Int) -> Int)?) {
        (data, targets, classes) = (contents.data, contents.labels, contents.classes)
        (self.root, self.train, self.transform, self.targetTransform) = (root, train, transform, targetTransform)
    }
}

/// CIFAR-100: 100 fine classes grouped into 20 coarse ones. `targets` are the fine labels, as
/// in torchvision; `coarseTargets` and `coarseClasses` hold the coarse ones.
public struct CIFAR100: CIFARDataset, @unchecked Sendable {
    public static let baseFolder = "cifar-100-python"
    public static let url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    public static let archiveMD5 = "eb9058c3a382ffc7106e4002c42a8d85"
    public static let trainFiles = ["train"]
    public static let testFiles = ["test"]
    public static let metaFile = "meta"
    public static let metaKey = "fine_label_names"

    public let root: String
    public let train: Bool
    public let data: Tensor
    public let targets: [Int]
    public let classes: [String]
    /// The coarse (superclass) label of every sample.
    public let coarseTargets: [Int]
    /// The 20 superclass names.
    public let coarseClasses: [String]
    public var transform: (@Sendable (Tensor) -> Tensor)?
    public var targetTransform: (@Sendable (Int) -> Int)?

    public init(_ contents: CIFARContents, root: String, train: Bool, transform: (@Sendable (Tensor) -> Tensor)?, targetTransform: (@Sendable (Int) -> Int)?) {
        (data, targets, classes) = (contents.data, contents.labels, contents.classes)
        (coarseTargets, coarseClasses) = (contents.coarseLabels, contents.coarseClasses)
        (self.root, self.train, self.transform, self.targetTransform) = (root, train, transform, targetTransform)
    }
}

/// What CIFAR10 and CIFAR100 share: their files and how they are read.
public protocol CIFARDataset: Dataset, Sendable where Element == (Tensor, Int) {
    static var baseFolder: String { get }
    static var url: String { get }
    static var archiveMD5: String { get }
    static var trainFiles: [String] { get }
    static var testFiles: [String] { get }
    static var metaFile: String { get }
    /// The key of the class names in the metadata pickle.
    static var metaKey: String { get }
    /// All images, `[N, 3, 32, 32]` uint8.
    var data: Tensor { get }
    var targets: [Int] { get }
    var classes: [String] { get }
    var transform: (@Sendable (Tensor) -> Tensor)? { get }
    var targetTransform: (@Sendable (Int) -> Int)? { get }
    init(_ contents: CIFARContents, root: String, train: Bool, transform: (@Sendable (Tensor) -> Tensor)?, targetTransform: (@Sendable (Int) -> Int)?)
}

/// The decoded contents of a CIFAR split (internal; made by reading the pickles).
public struct CIFARContents {
    var data: Tensor
    var labels: [Int]
    var coarseLabels: [Int]
    var classes: [String]
    var coarseClasses: [String]
}

extension CIFARDataset {
    public var count: Int { targets.count }

    /// `(image, label)` for sample `index`; the image is a `[3, 32, 32]` view of `data`.
    public subscript(index: Int) -> (Tensor, Int) {
        precondition(index >= 0 && index < targets.count, "\(Self.self): index \(index) is out of range for \(targets.count) samples")
        var image = data.select(0, index)
        if let transform { image = transform(image) }
        let target = targets[index]
        return (image, targetTransform.map { $0(target) } ?? target)
    }

    public var classToIdx: [String: Int] { Dictionary(classes.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a }) }

    /// Reads the training or test split from `root/<baseFolder>/`.
    public init(
        root: String, train: Bool = true, transform: (@Sendable (Tensor) -> Tensor)? = nil,
        targetTransform: (@Sendable (Int) -> Int)? = nil
    ) throws {
        let folder = URL(fileURLWithPath: (root as NSString).expandingTildeInPath).appendingPathComponent(Self.baseFolder)
        let contents = try CIFARReader.read(
            folder: folder, files: train ? Self.trainFiles : Self.testFiles, metaFile: Self.metaFile, metaKey: Self.metaKey,
            dataset: String(describing: Self.self))
        self.init(contents, root: root, train: train, transform: transform, targetTransform: targetTransform)
    }

    /// Downloads and unpacks the archive into `root` first when `download` is true and a file
    /// is missing (the archive's MD5 is checked; `url` and `md5` default to the published ones),
    /// then reads the split.
    public init(
        root: String, train: Bool = true, transform: (@Sendable (Tensor) -> Tensor)? = nil,
        targetTransform: (@Sendable (Int) -> Int)? = nil, download: Bool, url: String = Self.url,
        md5: String? = Self.archiveMD5, hub: HubConfiguration = .fromEnvironment()
    ) async throws {
        if download {
            let rootURL = URL(fileURLWithPath: (root as NSString).expandingTildeInPath)
            let folder = rootURL.appendingPathComponent(Self.baseFolder)
            let complete = (Self.trainFiles + Self.testFiles + [Self.metaFile]).allSatisfy {
                FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path)
            }
            if !complete {
                let name = URL(string: url)?.lastPathComponent ?? "archive.tar.gz"
                let archive = try await DatasetDownload.fetch(name, from: [url], md5: md5, into: rootURL, hub: hub)
                let tar = try Gzip.decompress(try Gzip.readFile(archive.path), file: archive.path)
                try TarArchive.extract(tar, into: rootURL, file: archive.path)
            }
        }
        try self.init(root: root, train: train, transform: transform, targetTransform: targetTransform)
    }
}

/// Reads CIFAR's pickled batches.
enum CIFARReader {
    static func read(folder: URL, files: [String], metaFile: String, metaKey: String, dataset: String) throws -> CIFARContents {
        var pixels: [UInt8] = []
        var labels: [Int] = [], coarse: [Int] = []
        for name in files {
            let path = folder.appendingPathComponent(name).path
            let batch = try load(path, dataset: dataset)
            guard case .array(let array)? = batch["data"] else { throw VisionDatasetError.corrupt(file: path, detail: "no 'data' array") }
            guard array.type == "u1", array.shape.count == 2, array.shape[1] == 3072, !array.fortranOrder,
                array.data.count == array.shape[0] * 3072
            else {
                throw VisionDatasetError.corrupt(file: path, detail: "'data' is a \(array.shape) \(array.type) array, expected [N, 3072] uint8")
            }
            let batchLabels = try integers(batch["labels"] ?? batch["fine_labels"], file: path, key: "labels")
            guard batchLabels.count == array.shape[0] else {
                throw VisionDatasetError.corrupt(file: path, detail: "\(batchLabels.count) labels for \(array.shape[0]) images")
            }
            if let c = batch["coarse_labels"] { coarse += try integers(c, file: path, key: "coarse_labels") }
            pixels += array.data
            labels += batchLabels
        }
        let metaPath = folder.appendingPathComponent(metaFile).path
        let meta = try load(metaPath, dataset: dataset)
        let classes = try strings(meta[metaKey], file: metaPath, key: metaKey)
        let coarseClasses = meta["coarse_label_names"].map { try? strings($0, file: metaPath, key: "coarse_label_names") } ?? nil
        // The rows are already channel-major (1024 red, 1024 green, 1024 blue values).
        let data = Tensor(pixels, shape: [labels.count, 3, 32, 32])
        return CIFARContents(data: data, labels: labels, coarseLabels: coarse, classes: classes, coarseClasses: coarseClasses ?? [])
    }

    static func load(_ path: String, dataset: String) throws -> PickleReader.Value {
        guard FileManager.default.fileExists(atPath: path) else { throw VisionDatasetError.notFound(dataset: dataset, missing: path) }
        let bytes = [UInt8](try Gzip.readFile(path))
        do {
            return try PickleReader.load(bytes)
        } catch let failure as PickleReader.Failure {
            if failure.detail.hasPrefix("the pickle ends early") { throw VisionDatasetError.truncated(file: path, detail: failure.detail) }
            throw VisionDatasetError.corrupt(file: path, detail: failure.detail)
        }
    }

    static func integers(_ value: PickleReader.Value?, file: String, key: String) throws -> [Int] {
        switch value {
        case .list(let box)?:
            return try box.items.map {
                guard case .int(let v) = $0 else { throw VisionDatasetError.corrupt(file: file, detail: "'\(key)' holds a non-integer") }
                return v
            }
        case .array(let array)? where array.shape.count == 1:
            let width = ["u1": 1, "i1": 1, "i2": 2, "i4": 4, "i8": 8][array.type]
            guard let width, array.data.count == array.shape[0] * width else {
                throw VisionDatasetError.corrupt(file: file, detail: "'\(key)' is a \(array.type) array")
            }
            return (0..<array.shape[0]).map { i in
                let bytes = array.data[(i * width)..<(i * width + width)]
                let ordered = array.littleEndian ? Array(bytes.reversed()) : Array(bytes)
                var value = ordered.reduce(0) { $0 << 8 | Int($1) }
                if array.type != "u1", width < 8, ordered[0] & 0x80 != 0 { value -= 1 << (8 * width) }
                return value
            }
        default: throw VisionDatasetError.corrupt(file: file, detail: "no '\(key)' list")
        }
    }

    static func strings(_ value: PickleReader.Value?, file: String, key: String) throws -> [String] {
        guard case .list(let box)? = value else { throw VisionDatasetError.corrupt(file: file, detail: "no '\(key)' list") }
        return try box.items.map {
            guard let text = $0.text else { throw VisionDatasetError.corrupt(file: file, detail: "'\(key)' holds a non-string") }
            return text
        }
    }
}
