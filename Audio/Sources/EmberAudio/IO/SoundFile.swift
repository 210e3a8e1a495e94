import CSndfile
import Foundation

/// Audio bytes held in memory and served to libsndfile through its virtual IO callbacks.
final class ByteSource {
    let bytes: [UInt8]
    var position = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
}

/// libsndfile's virtual IO table; the callbacks capture nothing, the byte source travels as
/// `user_data`.
private func makeByteIO() -> SF_VIRTUAL_IO {
    func source(_ user: UnsafeMutableRawPointer?) -> ByteSource {
        Unmanaged<ByteSource>.fromOpaque(user!).takeUnretainedValue()
    }
    return SF_VIRTUAL_IO(
        get_filelen: { user in sf_count_t(source(user).bytes.count) },
        seek: { offset, whence, user in
            let s = source(user)
            let base: Int
            switch whence {
            case SEEK_CUR: base = s.position
            case SEEK_END: base = s.bytes.count
            default: base = 0
            }
            let target = base + Int(offset)
            guard target >= 0 else { return -1 }
            s.position = target
            return sf_count_t(target)
        },
        read: { destination, count, user in
            let s = source(user)
            let available = max(0, min(Int(count), s.bytes.count - s.position))
            if available > 0, let destination {
                s.bytes.withUnsafeBytes { raw in
                    destination.copyMemory(from: raw.baseAddress! + s.position, byteCount: available)
                }
            }
            s.position += available
            return sf_count_t(available)
        },
        write: { _, _, _ in 0 },
        tell: { user in sf_count_t(source(user).position) })
}

/// An open libsndfile handle for reading, with the file's description. Closes on deinit.
final class SoundFile {
    let handle: OpaquePointer
    let info: SF_INFO
    /// The path, or `"<bytes>"`, for error messages.
    let name: String
    private let source: ByteSource?
    private var byteIO: SF_VIRTUAL_IO?

    private init(handle: OpaquePointer, info: SF_INFO, name: String, source: ByteSource?, byteIO: SF_VIRTUAL_IO?) {
        self.handle = handle
        self.info = info
        self.name = name
        self.source = source
        self.byteIO = byteIO
    }

    deinit { sf_close(handle) }

    /// Opens `path` for reading.
    static func open(path: String) throws -> SoundFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw AudioIOError.cannotOpen(file: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw AudioIOError.cannotOpen(file: path, reason: "is a directory") }
        var info = SF_INFO()
        guard let handle = sf_open(path, Int32(SFM_READ), &info) else {
            throw openError(name: path)
        }
        return try validated(SoundFile(handle: handle, info: info, name: path, source: nil, byteIO: nil))
    }

    /// Opens encoded audio held in memory.
    static func open(bytes: [UInt8], name: String = "<bytes>") throws -> SoundFile {
        let source = ByteSource(bytes)
        var io = makeByteIO()
        var info = SF_INFO()
        let user = Unmanaged.passUnretained(source).toOpaque()
        guard let handle = sf_open_virtual(&io, Int32(SFM_READ), &info, user) else {
            throw openError(name: name)
        }
        return try validated(SoundFile(handle: handle, info: info, name: name, source: source, byteIO: io))
    }

    /// libsndfile accepts some headers whose fields make no sense; reject them here so that
    /// callers can rely on a positive rate and channel count.
    private static func validated(_ file: SoundFile) throws -> SoundFile {
        guard file.info.channels > 0, file.info.samplerate > 0, file.info.frames >= 0 else {
            throw AudioIOError.corrupt(
                file: file.name,
                reason: "header declares \(file.info.channels) channels at \(file.info.samplerate) Hz")
        }
        return file
    }

    private static func openError(name: String) -> AudioIOError {
        let code = Int(sf_error(nil))
        let message = String(cString: sf_strerror(nil))
        switch code {
        case Int(SF_ERR_UNRECOGNISED_FORMAT): return .unknownFormat(file: name, reason: message)
        case Int(SF_ERR_MALFORMED_FILE): return .corrupt(file: name, reason: message)
        case Int(SF_ERR_UNSUPPORTED_ENCODING): return .unknownFormat(file: name, reason: message)
        case Int(SF_ERR_SYSTEM): return .cannotOpen(file: name, reason: message)
        default: return .corrupt(file: name, reason: message)
        }
    }

    var channels: Int { Int(info.channels) }
    var frames: Int { Int(info.frames) }
    var sampleRate: Int { Int(info.samplerate) }
    var majorFormat: Int32 { info.format & Int32(SF_FORMAT_TYPEMASK) }
    var subtype: Int32 { info.format & Int32(SF_FORMAT_SUBMASK) }

    /// True for lossy codecs whose frame count in the header is only an estimate.
    var isLossy: Bool {
        majorFormat == Int32(SF_FORMAT_MPEG) || subtype == Int32(SF_FORMAT_VORBIS) || subtype == Int32(SF_FORMAT_OPUS)
    }

    var metadata: AudioMetaData {
        let (encoding, bits) = SoundFile.describe(major: majorFormat, subtype: subtype)
        return AudioMetaData(
            sampleRate: sampleRate, numFrames: frames, numChannels: channels, bitsPerSample: bits, encoding: encoding)
    }

    static func describe(major: Int32, subtype: Int32) -> (AudioEncoding, Int) {
        let pcmBits: Int? = {
            switch subtype {
            case Int32(SF_FORMAT_PCM_S8), Int32(SF_FORMAT_PCM_U8): return 8
            case Int32(SF_FORMAT_PCM_16): return 16
            case Int32(SF_FORMAT_PCM_24): return 24
            case Int32(SF_FORMAT_PCM_32): return 32
            default: return nil
            }
        }()
        if major == Int32(SF_FORMAT_FLAC) { return (.flac, pcmBits ?? 0) }
        if major == Int32(SF_FORMAT_MPEG) {
            return (subtype == Int32(SF_FORMAT_MPEG_LAYER_III) ? .mp3 : .unknown, 0)
        }
        switch subtype {
        case Int32(SF_FORMAT_PCM_U8): return (.pcmUnsigned, 8)
        case Int32(SF_FORMAT_PCM_S8), Int32(SF_FORMAT_PCM_16), Int32(SF_FORMAT_PCM_24), Int32(SF_FORMAT_PCM_32):
            return (.pcmSigned, pcmBits!)
        case Int32(SF_FORMAT_FLOAT): return (.pcmFloat, 32)
        case Int32(SF_FORMAT_DOUBLE): return (.pcmFloat, 64)
        case Int32(SF_FORMAT_ULAW): return (.ulaw, 8)
        case Int32(SF_FORMAT_ALAW): return (.alaw, 8)
        case Int32(SF_FORMAT_VORBIS): return (.vorbis, 0)
        case Int32(SF_FORMAT_OPUS): return (.opus, 0)
        default: return (.unknown, 0)
        }
    }

    /// Moves the read position to `frame`.
    func seek(toFrame frame: Int) throws {
        if frame == 0 && sf_seek(handle, 0, SEEK_CUR) == 0 { return }
        guard sf_seek(handle, sf_count_t(frame), SEEK_SET) >= 0 else {
            throw AudioIOError.corrupt(file: name, reason: "cannot seek to frame \(frame): \(lastError)")
        }
    }

    var lastError: String { String(cString: sf_strerror(handle)) }

    /// Reads up to `frames` interleaved frames; fewer only at the end of the stream.
    func readFloat(_ destination: UnsafeMutablePointer<Float>, frames: Int) -> Int {
        Int(sf_readf_float(handle, destination, sf_count_t(frames)))
    }
    func readDouble(_ destination: UnsafeMutablePointer<Double>, frames: Int) -> Int {
        Int(sf_readf_double(handle, destination, sf_count_t(frames)))
    }
    func readShort(_ destination: UnsafeMutablePointer<Int16>, frames: Int) -> Int {
        Int(sf_readf_short(handle, destination, sf_count_t(frames)))
    }
    func readInt(_ destination: UnsafeMutablePointer<Int32>, frames: Int) -> Int {
        Int(sf_readf_int(handle, destination, sf_count_t(frames)))
    }

    /// A decoding error libsndfile recorded during reads, if any.
    var decodeError: String? {
        sf_error(handle) == 0 ? nil : lastError
    }
}
