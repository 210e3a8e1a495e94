import CEmberImage
import Ember
import Foundation

/// Image reading and writing with torchvision.io's names and results.
///
/// Decoders return `uint8` tensors of shape `[C, H, W]` — like torchvision, a channels-last
/// buffer seen through a `[2, 0, 1]` permutation, so `strides` are `[1, W*C, C]`. 16-bit PNGs
/// decode to their 16-bit sample values (see ``decodePNG(_:mode:maxPixels:file:)``).
///
/// ```swift
/// let image = try IO.readImage(path: "cat.jpg", mode: .rgb)   // [3, H, W] uint8
/// try IO.writePNG(image, path: "cat.png")
/// ```
public enum IO {
    /// The default bound on width × height: larger images are refused with
    /// ``ImageIOError/tooLarge(file:width:height:limit:)`` before any pixel memory is allocated, so
    /// a hostile header cannot make a decoder ask for terabytes. Pillow's limit (2 × 89,478,485).
    public static let defaultMaxPixels = 178_956_970

    /// `torchvision.io.read_image`: reads a PNG or JPEG file, choosing the decoder by the file's
    /// first bytes (never by its extension).
    public static func readImage(
        path: String, mode: ImageReadMode = .unchanged, applyExifOrientation: Bool = false,
        maxPixels: Int = defaultMaxPixels
    ) throws -> Tensor {
        let data = try readFile(path)
        return try decodeImage(data, mode: mode, applyExifOrientation: applyExifOrientation, maxPixels: maxPixels, file: path)
    }

    /// `torchvision.io.decode_image`: decodes PNG or JPEG bytes, choosing by their signature.
    /// - Parameter file: the name used in errors.
    public static func decodeImage(
        _ data: Data, mode: ImageReadMode = .unchanged, applyExifOrientation: Bool = false,
        maxPixels: Int = defaultMaxPixels, file: String = "<memory>"
    ) throws -> Tensor {
        switch ImageFormat(magic: data) {
        case .png: return try decodePNG(data, mode: mode, maxPixels: maxPixels, file: file)
        case .jpeg:
            return try decodeJPEG(data, mode: mode, applyExifOrientation: applyExifOrientation, maxPixels: maxPixels, file: file)
        case nil: throw ImageIOError.unknownFormat(file: file)
        }
    }

    /// `torchvision.io.decode_png` through libpng: 1/2/4/8/16-bit gray, gray+alpha, RGB, RGBA and
    /// palette images, interlaced or not.
    ///
    /// 8-bit and smaller files give `uint8`; 16-bit files give `uint16`, as torchvision does
    /// (`TF.toDtype(_:_:scale:)` maps them to 0...1 floats). A palette image read `.unchanged` gives its palette
    /// indices (one channel), as torchvision does; other modes expand the palette (and tRNS).
    public static func decodePNG(
        _ data: Data, mode: ImageReadMode = .unchanged, maxPixels: Int = defaultMaxPixels, file: String = "<memory>"
    ) throws -> Tensor {
        let target = DecodeTarget()
        var result = ember_decoded()
        data.withUnsafeBytes { raw in
            let base = raw.bindMemory(to: UInt8.self).baseAddress
            ember_png_decode(
                base, raw.count, mode.rawValue, UInt64(max(0, maxPixels)), DecodeTarget.allocate,
                Unmanaged.passUnretained(target).toOpaque(), &result)
        }
        return try target.finish(result, format: .png, mode: mode, orientation: nil, file: file)
    }

    /// `torchvision.io.decode_jpeg` through libjpeg-turbo: baseline, progressive, grayscale and
    /// CMYK/YCCK files. Modes `.gray` and `.rgb` convert (CMYK with torchvision's integer formula);
    /// the alpha modes throw ``ImageIOError/unsupportedMode(file:format:mode:)``.
    /// - Parameter applyExifOrientation: rotate/flip as the EXIF Orientation tag says (torchvision's
    ///   `apply_exif_orientation`).
    public static func decodeJPEG(
        _ data: Data, mode: ImageReadMode = .unchanged, applyExifOrientation: Bool = false,
        maxPixels: Int = defaultMaxPixels, file: String = "<memory>"
    ) throws -> Tensor {
        let target = DecodeTarget()
        var result = ember_decoded()
        data.withUnsafeBytes { raw in
            let base = raw.bindMemory(to: UInt8.self).baseAddress
            ember_jpeg_decode(
                base, raw.count, mode.rawValue, UInt64(max(0, maxPixels)), applyExifOrientation ? 1 : 0,
                DecodeTarget.allocate, Unmanaged.passUnretained(target).toOpaque(), &result)
        }
        return try target.finish(
            result, format: .jpeg, mode: mode, orientation: applyExifOrientation ? Int(result.exif_orientation) : nil,
            file: file)
    }

    static func readFile(_ path: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw ImageIOError.unreadable(file: path, reason: (error as NSError).localizedDescription)
        }
    }
}

/// Owns the tensor the C decoder writes into: its own storage (no copy), `uint8` for 8-bit
/// samples and `uint16` (native-endian) for 16-bit ones.
private final class DecodeTarget {
    var tensor: Tensor?

    static let allocate: ember_allocate_fn = { context, height, width, channels, bytesPerSample in
        let target = Unmanaged<DecodeTarget>.fromOpaque(context!).takeUnretainedValue()
        let (h, w, c) = (Int(height), Int(width), Int(channels))
        let tensor = Tensor(empty: [h, w, c], dtype: bytesPerSample == 1 ? .uint8 : .uint16)
        target.tensor = tensor
        return tensor.storage.data
    }

    func finish(_ result: ember_decoded, format: ImageFormat, mode: ImageReadMode, orientation: Int?, file: String) throws
        -> Tensor
    {
        var decoded = result
        let message = withUnsafeBytes(of: &decoded.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        switch result.status {
        case Int32(EMBER_IMAGE_OK): break
        case Int32(EMBER_IMAGE_TRUNCATED): throw ImageIOError.truncated(file: file, format: format, detail: message)
        case Int32(EMBER_IMAGE_TOO_LARGE):
            throw ImageIOError.tooLarge(
                file: file, width: Int(result.width), height: Int(result.height), limit: Self.limit(message))
        case Int32(EMBER_IMAGE_UNSUPPORTED): throw ImageIOError.unsupportedMode(file: file, format: format, mode: mode)
        default: throw ImageIOError.corrupt(file: file, format: format, detail: message)
        }
        guard var hwc = tensor else { throw ImageIOError.corrupt(file: file, format: format, detail: "the decoder wrote no image") }
        if let orientation, orientation > 1 { hwc = ExifOrientation.apply(orientation, toHWC: hwc) }
        return hwc.permute(2, 0, 1)
    }

    private static func limit(_ message: String) -> Int {
        Int(message.split(separator: " ").last.map(String.init) ?? "") ?? 0
    }
}
