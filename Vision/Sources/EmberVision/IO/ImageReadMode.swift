/// Which channels a decoder returns, as torchvision's `ImageReadMode`.
///
/// `unchanged` keeps the file's own channels (a palette PNG gives its palette indices, a CMYK JPEG
/// its four ink planes); the other modes convert.
public enum ImageReadMode: Int32, Sendable, CaseIterable {
    /// The file's channels as stored.
    case unchanged = 0
    /// One luminance channel.
    case gray = 1
    /// Luminance and alpha (PNG only).
    case grayAlpha = 2
    /// Red, green, blue.
    case rgb = 3
    /// Red, green, blue, alpha (PNG only).
    case rgbAlpha = 4
}

/// The image file formats EmberVision reads and writes.
public enum ImageFormat: String, Sendable {
    case png, jpeg

    /// The format named by a file's first bytes (its magic number), or nil.
    public init?(magic bytes: some Collection<UInt8>) {
        let head = Array(bytes.prefix(8))
        if head.count >= 8, head == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] {
            self = .png
        } else if head.count >= 3, head[0] == 0xFF, head[1] == 0xD8, head[2] == 0xFF {
            self = .jpeg
        } else {
            return nil
        }
    }
}
