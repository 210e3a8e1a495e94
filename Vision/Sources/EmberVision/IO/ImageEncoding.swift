import CEmberImage
import Ember
import Foundation

extension IO {
    /// `torchvision.io.encode_png`: a `uint8` `[1, H, W]` or `[3, H, W]` image as PNG bytes.
    /// - Parameter compressionLevel: zlib's level, 0 (none) to 9 (smallest); torchvision's default 6.
    public static func encodePNG(_ image: Tensor, compressionLevel: Int = 6) throws -> Data {
        guard (0...9).contains(compressionLevel) else {
            throw ImageIOError.invalidInput("encodePNG: compression level must be in 0...9, got \(compressionLevel)")
        }
        let (hwc, h, w, c) = try channelsLast(image, op: "encodePNG")
        var result = ember_encoded()
        ember_png_encode(hwc, Int32(h), Int32(w), Int32(c), Int32(compressionLevel), &result)
        hwc.deallocate()
        return try take(result, format: .png)
    }

    /// `torchvision.io.encode_jpeg`: a `uint8` `[1, H, W]` or `[3, H, W]` image as baseline JPEG
    /// bytes, with libjpeg's standard settings (4:2:0 chroma for colour, standard Huffman tables).
    /// - Parameter quality: 1...100; torchvision's default 75.
    public static func encodeJPEG(_ image: Tensor, quality: Int = 75) throws -> Data {
        guard (1...100).contains(quality) else {
            throw ImageIOError.invalidInput("encodeJPEG: quality must be in 1...100, got \(quality)")
        }
        let (hwc, h, w, c) = try channelsLast(image, op: "encodeJPEG")
        var result = ember_encoded()
        ember_jpeg_encode(hwc, Int32(h), Int32(w), Int32(c), Int32(quality), &result)
        hwc.deallocate()
        return try take(result, format: .jpeg)
    }

    /// `torchvision.io.write_png`.
    public static func writePNG(_ image: Tensor, path: String, compressionLevel: Int = 6) throws {
        try write(encodePNG(image, compressionLevel: compressionLevel), to: path)
    }

    /// `torchvision.io.write_jpeg`.
    public static func writeJPEG(_ image: Tensor, path: String, quality: Int = 75) throws {
        try write(encodeJPEG(image, quality: quality), to: path)
    }

    private static func write(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path))
        } catch {
            throw ImageIOError.unwritable(file: path, reason: (error as NSError).localizedDescription)
        }
    }

    /// Copies a `[C, H, W]` uint8 tensor of any strides into a fresh interleaved HWC buffer.
    private static func channelsLast(_ image: Tensor, op: String) throws -> (UnsafeMutablePointer<UInt8>, Int, Int, Int) {
        guard image.dtype == .uint8 else {
            throw ImageIOError.invalidInput("\(op): expected a uint8 image, got \(image.dtype)")
        }
        guard image.dim == 3, image.shape[0] == 1 || image.shape[0] == 3 else {
            throw ImageIOError.invalidInput("\(op): expected an image of shape [1 or 3, H, W], got \(image.shape)")
        }
        let (c, h, w) = (image.shape[0], image.shape[1], image.shape[2])
        guard h > 0, w > 0 else { throw ImageIOError.invalidInput("\(op): empty image of shape \(image.shape)") }
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: c * h * w)
        let src = image.storage.data.assumingMemoryBound(to: UInt8.self) + image.storageOffset
        let (sc, sh, sw) = (image.strides[0], image.strides[1], image.strides[2])
        var o = 0
        for y in 0..<h {
            for x in 0..<w {
                let base = y * sh + x * sw
                for k in 0..<c {
                    out[o] = src[base + k * sc]
                    o += 1
                }
            }
        }
        return (out, h, w, c)
    }

    private static func take(_ result: ember_encoded, format: ImageFormat) throws -> Data {
        guard result.status == Int32(EMBER_IMAGE_OK), let bytes = result.bytes else {
            var copy = result
            let message = withUnsafeBytes(of: &copy.message) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            ember_image_free(result.bytes)
            throw ImageIOError.invalidInput("encoding \(format.rawValue) failed: \(message)")
        }
        return Data(bytesNoCopy: bytes, count: result.size, deallocator: .custom { pointer, _ in ember_image_free(pointer) })
    }
}

/// The versions of the image libraries EmberVision was built with.
public enum ImageLibraries {
    /// libpng's version string, e.g. "1.6.39".
    public static var libpngVersion: String { String(cString: ember_libpng_version()) }
    /// libjpeg's API version (62 for libjpeg-turbo's libjpeg 6b API).
    public static var libjpegVersion: Int { Int(ember_libjpeg_version()) }
}
