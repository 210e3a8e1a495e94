import Ember
import Foundation

/// scikit-learn's 1,797 8×8 handwritten digits, read from `Demos/Data/digits.u8` (format,
/// origin and licence in `Demos/Data/README.md`). The file is found next to this source file,
/// so `swift run ember-tour` works in any clone without a network.
struct Digits {
    /// Pixels as float32 in [0, 1] (counts 0...16 divided by 16), shape [1797, 64]; use
    /// `images.reshape(-1, 1, 8, 8)` for a convolutional model.
    let images: Tensor
    /// The digit of each image, int64, shape [1797].
    let labels: Tensor

    static let count = 1797
    static let recordSize = 65

    /// `Demos/Data/digits.u8`, found from this file's path at compile time.
    static let defaultURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Data/digits.u8")

    struct FormatError: Error, CustomStringConvertible {
        let description: String
    }

    /// Reads the digits. Throws when the file is missing or not 1,797 records of 65 bytes.
    static func load(from url: URL = defaultURL) throws -> Digits {
        let bytes = [UInt8](try Data(contentsOf: url))
        guard bytes.count == count * recordSize else {
            throw FormatError(description: "\(url.path): expected \(count * recordSize) bytes (1797 records of 64 pixels and a label), found \(bytes.count)")
        }
        var pixels = [Float]()
        pixels.reserveCapacity(count * 64)
        var labels = [Int64]()
        labels.reserveCapacity(count)
        for record in 0..<count {
            let start = record * recordSize
            for p in 0..<64 {
                let value = bytes[start + p]
                guard value <= 16 else { throw FormatError(description: "\(url.path): pixel value \(value) above 16 in record \(record)") }
                pixels.append(Float(value) / 16)
            }
            let label = bytes[start + 64]
            guard label <= 9 else { throw FormatError(description: "\(url.path): label \(label) in record \(record)") }
            labels.append(Int64(label))
        }
        return Digits(images: Tensor(pixels, shape: [count, 64]), labels: Tensor(labels, shape: [count]))
    }

    /// The digits as a dataset of `(image, label)` pairs for a `DataLoader`.
    var dataset: TensorDataset<(Tensor, Tensor)> { TensorDataset(images, labels) }
}
