import Ember
import EmberHub
import Foundation
import ZIPFoundation

/// `torchvision.datasets.EMNIST`: NIST handwritten characters in MNIST's format, in six splits.
/// Files: `root/EMNIST/raw/emnist-<split>-<train|test>-{images-idx3,labels-idx1}-ubyte`, plain or
/// `.gz`. Images are stored transposed in the files and, as in torchvision, are returned as stored.
public struct EMNIST: IdxImageDataset, @unchecked Sendable {
    /// EMNIST's splits (torchvision's `split` strings).
    public enum Split: String, Sendable, CaseIterable {
        case byclass, bymerge, balanced, letters, digits, mnist
    }

    public static let url = "https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip"
    public static let md5 = "58c8d27c78d21e728a6bc7b3cc06412e"

    /// Class names per split, as torchvision lists them (letters' label 0 is "N/A").
    public static func classes(for split: Split) -> [String] {
        let digits = (0...9).map(String.init)
        let upper = (65...90).map { String(UnicodeScalar(UInt8($0))) }, lower = (97...122).map { String(UnicodeScalar(UInt8($0))) }
        let merged: Set<String> = ["c", "i", "j", "k", "l", "m", "o", "p", "s", "u", "v", "w", "x", "y", "z"]
        switch split {
        case .byclass: return digits + upper + lower
        case .bymerge, .balanced: return digits + upper + lower.filter { !merged.contains($0) }
        case .letters: return ["N/A"] + lower
        case .digits, .mnist: return digits
        }
    }

    public let root: String
    public let split: Split
    public let train: Bool
    public let data: Tensor
    public let targets: [Int]
    public var classes: [String] { Self.classes(for: split) }
    public var transform: (@Sendable (Tensor) -> Tensor)?
    public var targetTransform: (@Sendable (Int) -> Int)?

    public static func rawFolder(root: String) -> URL {
        URL(fileURLWithPath: (root as NSString).expandingTildeInPath).appendingPathComponent("EMNIST").appendingPathComponent("raw")
    }

    /// Reads one split. `split` is one of torchvision's names (``Split``).
    public init(
        root: String, split: Split, train: Bool = true, transform: (@Sendable (Tensor) -> Tensor)? = nil,
        targetTransform: (@Sendable (Int) -> Int)? = nil
    ) throws {
        let raw = Self.rawFolder(root: root)
        let prefix = "emnist-\(split.rawValue)-\(train ? "train" : "test")"
        (data, targets) = try readIdxPair(
            images: raw.appendingPathComponent("\(prefix)-images-idx3-ubyte").path,
            labels: raw.appendingPathComponent("\(prefix)-labels-idx1-ubyte").path, dataset: "EMNIST")
        (self.root, self.split, self.train, self.transform, self.targetTransform) = (root, split, train, transform, targetTransform)
    }

    /// Reads one split by its torchvision name; an unknown name throws
    /// ``VisionDatasetError/invalidArgument(_:)`` listing the valid ones.
    public init(root: String, split: String, train: Bool = true) throws {
        guard let parsed = Split(rawValue: split) else {
            throw VisionDatasetError.invalidArgument(
                "Unknown value '\(split)' for argument split. Valid values are {\(Split.allCases.map(\.rawValue).joined(separator: ", "))}.")
        }
        try self.init(root: root, split: parsed, train: train)
    }

    /// Downloads `gzip.zip` (MD5-checked; `url` and `md5` default to the published ones) when this split's files are missing and decompresses
    /// every `gzip/*.gz` member into `raw/`, then reads the split.
    public init(
        root: String, split: Split, train: Bool = true, transform: (@Sendable (Tensor) -> Tensor)? = nil,
        targetTransform: (@Sendable (Int) -> Int)? = nil, download: Bool, url: String = EMNIST.url,
        md5: String? = EMNIST.md5, hub: HubConfiguration = .fromEnvironment()
    ) async throws {
        let raw = Self.rawFolder(root: root)
        let probe = raw.appendingPathComponent("emnist-\(split.rawValue)-\(train ? "train" : "test")-images-idx3-ubyte").path
        if download && !FileManager.default.fileExists(atPath: probe) && !FileManager.default.fileExists(atPath: probe + ".gz") {
            let zip = try await DatasetDownload.fetch("gzip.zip", from: [url], md5: md5, into: raw, hub: hub)
            try Self.extractMembers(of: zip, into: raw)
        }
        try self.init(root: root, split: split, train: train, transform: transform, targetTransform: targetTransform)
    }

    static func extractMembers(of zip: URL, into raw: URL) throws {
        let archive: Archive
        do {
            archive = try Archive(url: zip, accessMode: .read)
        } catch {
            throw VisionDatasetError.corrupt(file: zip.path, detail: "not a readable zip archive")
        }
        for entry in archive where entry.type == .file && entry.path.hasSuffix(".gz") {
            var compressed = Data()
            do {
                _ = try archive.extract(entry) { compressed.append($0) }
            } catch {
                throw VisionDatasetError.corrupt(file: "\(zip.path)/\(entry.path)", detail: "\(error)")
            }
            let name = ((entry.path as NSString).lastPathComponent as NSString).deletingPathExtension
            let data = try Gzip.decompress(compressed, file: "\(zip.path)/\(entry.path)")
            try DatasetDownload.write(data, to: raw.appendingPathComponent(name))
        }
    }
}
