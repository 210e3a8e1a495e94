import Ember
import EmberHub
import Foundation

/// A dataset of grayscale images and integer labels held in memory, read from IDX files
/// (the MNIST family). Samples are `([1, H, W] uint8 image, label)`: torchvision's PIL "L"
/// image as `pil_to_tensor` gives it, then `transform` and `targetTransform`.
public protocol IdxImageDataset: Dataset, Sendable where Element == (Tensor, Int) {
    /// All images, `[N, H, W]` uint8.
    var data: Tensor { get }
    /// All labels.
    var targets: [Int] { get }
    /// Class names, indexed by label.
    var classes: [String] { get }
    var transform: (@Sendable (Tensor) -> Tensor)? { get }
    var targetTransform: (@Sendable (Int) -> Int)? { get }
}

extension IdxImageDataset {
    public var count: Int { targets.count }

    /// `(image, label)` for sample `index`; the image is a `[1, H, W]` view of `data`.
    public subscript(index: Int) -> (Tensor, Int) {
        precondition(index >= 0 && index < targets.count, "\(Self.self): index \(index) is out of range for \(targets.count) samples")
        var image = data.select(0, index).unsqueeze(0)
        if let transform { image = transform(image) }
        let target = targets[index]
        return (image, targetTransform.map { $0(target) } ?? target)
    }

    /// Class name → label.
    public var classToIdx: [String: Int] { Dictionary(classes.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a }) }
}

/// MNIST, Fashion-MNIST and KMNIST: the same four IDX files under `root/<Name>/raw/`
/// (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-…`), plain or `.gz`.
///
/// ```swift
/// let train = try await MNIST(root: "data", train: true, download: true)
/// let (image, label) = train[0]                         // [1, 28, 28] uint8, 5
/// let loader = DataLoader(train, batchSize: 64, shuffle: true)
/// ```
public protocol MNISTFamily: IdxImageDataset {
    /// URL prefixes tried in order for each file.
    static var mirrors: [String] { get }
    /// The `.gz` files and their MD5 sums.
    static var resources: [(file: String, md5: String)] { get }
    /// Class names, indexed by label.
    static var classes: [String] { get }
    /// A dataset from tensors already in memory (`data` `[N, H, W]` uint8).
    init(root: String, train: Bool, data: Tensor, targets: [Int],
         transform: (@Sendable (Tensor) -> Tensor)?, targetTransform: (@Sendable (Int) -> Int)?)
}

extension MNISTFamily {
    /// The folder under `root`, named after the type as torchvision names it.
    public static var folderName: String { String(describing: Self.self) }

    public var classes: [String] { Self.classes }

    /// `root/<Name>/raw`, where the IDX files live.
    public static func rawFolder(root: String) -> URL {
        URL(fileURLWithPath: (root as NSString).expandingTildeInPath).appendingPathComponent(folderName).appendingPathComponent("raw")
    }

    /// Reads the training (`train`) or test split from `root/<Name>/raw/`.
    /// - Throws: ``VisionDatasetError/notFound(dataset:missing:)`` without the files,
    ///   `truncated`/`corrupt` errors naming a bad file.
    public init(
        root: String, train: Bool = true, transform: (@Sendable (Tensor) -> Tensor)? = nil,
        targetTransform: (@Sendable (Int) -> Int)? = nil
    ) throws {
        let raw = Self.rawFolder(root: root)
        let prefix = train ? "train" : "t10k"
        let (data, targets) = try readIdxPair(
            images: raw.appendingPathComponent("\(prefix)-images-idx3-ubyte").path,
            labels: raw.appendingPathComponent("\(prefix)-labels-idx1-ubyte").path, dataset: Self.folderName)
        self.init(root: root, train: train, data: data, targets: targets, transform: transform, targetTransform: targetTransform)
    }

    /// Downloads the files first when `download` is true and they are missing (each `.gz`
    /// from the first mirror that serves it with the expected MD5, then decompressed next to
    /// it, as torchvision does), then reads the split. `mirrors` and `resources` default to
    /// the published ones (pass your own to use a local mirror).
    public init(
        root: String, train: Bool = true, transform: (@Sendable (Tensor) -> Tensor)? = nil,
        targetTransform: (@Sendable (Int) -> Int)? = nil, download: Bool, mirrors: [String] = Self.mirrors,
        resources: [(file: String, md5: String)] = Self.resources, hub: HubConfiguration = .fromEnvironment()
    ) async throws {
        if download { try await Self.download(root: root, mirrors: mirrors, resources: resources, hub: hub) }
        try self.init(root: root, train: train, transform: transform, targetTransform: targetTransform)
    }

    /// Fetches whichever files are missing from `root/<Name>/raw/`.
    /// - Throws: ``VisionDatasetError/downloadFailed(file:reasons:)`` when no mirror delivers a file
    ///   with its MD5 (each mirror's failure is listed).
    public static func download(
        root: String, mirrors: [String] = Self.mirrors, resources: [(file: String, md5: String)] = Self.resources,
        hub: HubConfiguration = .fromEnvironment()
    ) async throws {
        let raw = rawFolder(root: root)
        for (file, md5) in resources {
            let plain = raw.appendingPathComponent((file as NSString).deletingPathExtension)
            if FileManager.default.fileExists(atPath: plain.path) { continue }
            let gz = try await DatasetDownload.fetch(file, from: mirrors.map { $0 + file }, md5: md5, into: raw, hub: hub)
            try DatasetDownload.gunzip(gz)
        }
    }
}

/// Reads an images/labels pair of IDX files and checks that they agree in length.
func readIdxPair(images: String, labels: String, dataset: String) throws -> (Tensor, [Int]) {
    let data = try IdxFile.readImages(images, dataset: dataset)
    let targets = try IdxFile.readLabels(labels, dataset: dataset)
    guard targets.count == data.size(0) else {
        throw VisionDatasetError.corrupt(file: labels, detail: "\(targets.count) labels for \(data.size(0)) images in \(images)")
    }
    return (data, targets)
}

/// `torchvision.datasets.MNIST`: 28×28 handwritten digits, 60,000 training and 10,000 test images.
public struct MNIST: MNISTFamily, @unchecked Sendable {
    public static let mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
    public static let resources: [(file: String, md5: String)] = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    public static let classes = [
        "0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine",
    ]
    public let root: String
    public let train: Bool
    public let data: Tensor
    public let targets: [Int]
    public var transform: (@Sendable (Tensor) -> Tensor)?
    public var targetTransform: (@Sendable (Int) -> Int)?

    public init(root: String, train: Bool, data: Tensor, targets: [Int],
                transform: (@Sendable (Tensor) -> Tensor)?, targetTransform: (@Sendable (Int) -> Int)?) {
        (self.root, self.train, self.data, self.targets, self.transform, self.targetTransform) = (root, train, data, targets, transform, targetTransform)
    }
}

/// `torchvision.datasets.FashionMNIST`: Zalando's 28×28 clothing images, MNIST's layout.
public struct FashionMNIST: MNISTFamily, @unchecked Sendable {
    public static let mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    public static let resources: [(file: String, md5: String)] = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    public static let classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    public let root: String
    public let train: Bool
    public let data: Tensor
    public let targets: [Int]
    public var transform: (@Sendable (Tensor) -> Tensor)?
    public var targetTransform: (@Sendable (Int) -> Int)?

    public init(root: String, train: Bool, data: Tensor, targets: [Int],
                transform: (@Sendable (Tensor) -> Tensor)?, targetTransform: (@Sendable (Int) -> Int)?) {
        (self.root, self.train, self.data, self.targets, self.transform, self.targetTransform) = (root, train, data, targets, transform, targetTransform)
    }
}

/// `torchvision.datasets.KMNIST`: Kuzushiji-MNIST, 28×28 cursive Japanese characters.
public struct KMNIST: MNISTFamily, @unchecked Sendable {
    public static let mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    public static let resources: [(file: String, md5: String)] = [
        ("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
        ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
        ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
        ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134"),
    ]
    public static let classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]
    public let root: String
    public let train: Bool
    public let data: Tensor
    public let targets: [Int]
    public var transform: (@Sendable (Tensor) -> Tensor)?
    public var targetTransform: (@Sendable (Int) -> Int)?

    public init(root: String, train: Bool, data: Tensor, targets: [Int],
                transform: (@Sendable (Tensor) -> Tensor)?, targetTransform: (@Sendable (Int) -> Int)?) {
        (self.root, self.train, self.data, self.targets, self.transform, self.targetTransform) = (root, train, data, targets, transform, targetTransform)
    }
}
