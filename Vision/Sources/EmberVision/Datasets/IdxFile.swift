import Ember
import Foundation

/// The IDX ("SN3 Pascal Vincent") format of MNIST and its relatives: a big-endian magic number
/// (two zero bytes, a type code, the number of dimensions), one big-endian `UInt32` per
/// dimension, then the values, big-endian (torchvision's `read_sn3_pascalvincent_tensor`).
enum IdxFile {
    /// The element types IDX declares (torchvision's `SN3_PASCALVINCENT_TYPEMAP`).
    static let types: [Int: (DType, Int)] = [8: (.uint8, 1), 9: (.int8, 1), 11: (.int16, 2), 12: (.int32, 4), 13: (.float32, 4), 14: (.float64, 8)]

    /// Parses `data` into a tensor of the declared dtype and shape (values byte-swapped to the
    /// host's order). `file` names the file in errors.
    static func parse(_ data: Data, file: String) throws -> Tensor {
        guard data.count >= 4 else { throw VisionDatasetError.truncated(file: file, detail: "\(data.count) bytes, shorter than the IDX header") }
        let bytes = [UInt8](data.prefix(4))
        let dims = Int(bytes[3]), type = Int(bytes[0]) << 16 | Int(bytes[1]) << 8 | Int(bytes[2])
        guard (1...3).contains(dims), let (dtype, width) = types[type] else {
            throw VisionDatasetError.corrupt(file: file, detail: "not an IDX file (magic \(bytes.map { String($0) }.joined(separator: " ")))")
        }
        let headerLength = 4 * (dims + 1)
        guard data.count >= headerLength else { throw VisionDatasetError.truncated(file: file, detail: "the header ends early") }
        let header = [UInt8](data.prefix(headerLength))
        let shape = (0..<dims).map { d in (0..<4).reduce(0) { $0 << 8 | Int(header[4 + 4 * d + $1]) } }
        let count = shape.reduce(1, *)
        let available = data.count - headerLength
        if available < count * width {
            throw VisionDatasetError.truncated(file: file, detail: "the header announces \(shape) values (\(count * width) bytes), the file holds \(available)")
        }
        if available > count * width {
            throw VisionDatasetError.corrupt(file: file, detail: "\(available - count * width) bytes follow the \(shape) values")
        }
        let tensor = Tensor(empty: shape, dtype: dtype)
        let dst = tensor.storage.data + tensor.storageOffset * width
        data.withUnsafeBytes { raw in
            let src = raw.baseAddress! + headerLength
            if width == 1 {
                dst.copyMemory(from: src, byteCount: count)
            } else {
                // Big-endian to host order, one element at a time.
                let out = dst.assumingMemoryBound(to: UInt8.self), input = src.assumingMemoryBound(to: UInt8.self)
                for i in 0..<count {
                    for b in 0..<width { out[i * width + b] = input[i * width + width - 1 - b] }
                }
            }
        }
        return tensor
    }

    /// `read_image_file`: a 3-D uint8 IDX file.
    static func readImages(_ path: String, dataset: String) throws -> Tensor {
        let (data, file) = try Gzip.readPlainOrGzipped(path, dataset: dataset)
        let tensor = try parse(data, file: file)
        guard tensor.dtype == .uint8, tensor.dim == 3 else {
            throw VisionDatasetError.corrupt(file: file, detail: "expected 3-D uint8 images, found \(tensor.dim)-D \(tensor.dtype)")
        }
        return tensor
    }

    /// `read_label_file`: a 1-D uint8 IDX file, as Swift integers.
    static func readLabels(_ path: String, dataset: String) throws -> [Int] {
        let (data, file) = try Gzip.readPlainOrGzipped(path, dataset: dataset)
        let tensor = try parse(data, file: file)
        guard tensor.dtype == .uint8, tensor.dim == 1 else {
            throw VisionDatasetError.corrupt(file: file, detail: "expected 1-D uint8 labels, found \(tensor.dim)-D \(tensor.dtype)")
        }
        return tensor.toArray(UInt8.self).map(Int.init)
    }
}
