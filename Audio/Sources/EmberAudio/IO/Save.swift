import CSndfile
import Ember
import Foundation

/// Encodes a waveform to a file (`torchaudio.save`).
///
/// Floating waveforms are taken to be in [-1, 1]; integer encodings scale them by 2^(bits-1),
/// round to nearest and clip, so that ``load(path:frameOffset:numFrames:normalize:channelsFirst:)``
/// gives back the same values for samples that are multiples of 2^-(bits-1). Integer
/// waveforms (uint8, int16, int32) are written as they are.
///
/// Defaults when `encoding`/`bitsPerSample` are `nil`: WAV follows the dtype (float → 32-bit
/// float, int32 → 32-bit PCM, int16 → 16-bit PCM, uint8 → 8-bit unsigned), FLAC is 16-bit
/// (or the bit depth asked for: 8, 16, 24), Ogg is Vorbis, `.opus` is Opus (48 kHz and a few
/// other rates only), MP3 is MPEG layer III.
///
/// - Parameters:
///   - waveform: `[channels, frames]` (or `[frames, channels]` with `channelsFirst: false`);
///     a 1-D waveform is one channel.
///   - format: the container; `nil` takes it from the path's extension.
/// - Throws: ``AudioIOError`` naming `path` for unknown extensions, impossible
///   encoding/bit-depth combinations and write failures.
public func save(
    path: String, waveform: Tensor, sampleRate: Int, channelsFirst: Bool = true, encoding: AudioEncoding? = nil,
    bitsPerSample: Int? = nil, format: AudioFormat? = nil
) throws {
    precondition(waveform.dim == 1 || waveform.dim == 2, "save: expected a 1-D or 2-D waveform, got shape \(waveform.shape)")
    precondition(sampleRate > 0, "save: sample rate must be positive, got \(sampleRate)")
    guard let format = format ?? AudioFormat(fileExtension: (path as NSString).pathExtension) else {
        throw AudioIOError.unsupportedEncoding(file: path, reason: "no audio format for extension '\((path as NSString).pathExtension)'")
    }
    // Interleaved [frames, channels] is libsndfile's layout.
    let frameMajor: Tensor = {
        if waveform.dim == 1 { return waveform.unsqueeze(1) }
        return channelsFirst ? waveform.t() : waveform
    }()
    let frames = frameMajor.size(0), channels = frameMajor.size(1)
    guard channels > 0 else { throw AudioIOError.invalidArgument(file: path, reason: "waveform has no channels") }
    let plan = try AudioWriteFormat.resolve(
        format: format, dtype: waveform.dtype, encoding: encoding, bitsPerSample: bitsPerSample, file: path)
    var info = SF_INFO()
    info.samplerate = Int32(sampleRate)
    info.channels = Int32(channels)
    info.format = plan.major | plan.subtype
    guard sf_format_check(&info) != 0 else {
        throw AudioIOError.unsupportedEncoding(
            file: path, reason: "\(format.rawValue) cannot hold \(plan.describe) at \(sampleRate) Hz with \(channels) channels")
    }
    guard let handle = sf_open(path, Int32(SFM_WRITE), &info) else {
        throw AudioIOError.cannotOpen(file: path, reason: String(cString: sf_strerror(nil)))
    }
    var closed = false
    defer { if !closed { sf_close(handle) } }
    let samples = frameMajor.contiguous()
    let written: Int
    if plan.writesIntegers {
        let ints = AudioWriteFormat.leftJustifiedInt32(samples, bits: plan.quantisationBits)
        written = ints.withUnsafeBufferPointer { Int(sf_writef_int(handle, $0.baseAddress, sf_count_t(frames))) }
    } else if waveform.dtype == .float64 && plan.subtype == Int32(SF_FORMAT_DOUBLE) {
        let values = samples.toArray(Double.self)
        written = values.withUnsafeBufferPointer { Int(sf_writef_double(handle, $0.baseAddress, sf_count_t(frames))) }
    } else {
        let values = AudioWriteFormat.floats(samples)
        written = values.withUnsafeBufferPointer { Int(sf_writef_float(handle, $0.baseAddress, sf_count_t(frames))) }
    }
    let message = String(cString: sf_strerror(handle))
    closed = true
    guard sf_close(handle) == 0, written == frames else {
        throw AudioIOError.writeFailed(file: path, reason: "wrote \(written) of \(frames) frames: \(message)")
    }
}

/// The libsndfile container/codec pair a `save` call writes, and how samples reach it.
struct AudioWriteFormat {
    var major: Int32
    var subtype: Int32
    /// Integer subtypes get samples quantised here (torchaudio's rounding), not by libsndfile.
    var writesIntegers: Bool
    var describe: String
    /// Bits a floating sample is quantised to before libsndfile sees it (μ-law and A-law
    /// encode from 16-bit PCM).
    var quantisationBits: Int {
        switch subtype {
        case Int32(SF_FORMAT_PCM_S8), Int32(SF_FORMAT_PCM_U8): return 8
        case Int32(SF_FORMAT_PCM_24): return 24
        case Int32(SF_FORMAT_PCM_32): return 32
        default: return 16
        }
    }

    static func codes(for format: AudioFormat) -> (Int32, Int32?) {
        switch format {
        case .wav: return (Int32(SF_FORMAT_WAV), nil)
        case .flac: return (Int32(SF_FORMAT_FLAC), nil)
        case .ogg: return (Int32(SF_FORMAT_OGG), Int32(SF_FORMAT_VORBIS))
        case .opus: return (Int32(SF_FORMAT_OGG), Int32(SF_FORMAT_OPUS))
        case .mp3: return (Int32(SF_FORMAT_MPEG), Int32(SF_FORMAT_MPEG_LAYER_III))
        }
    }

    static func resolve(
        format: AudioFormat, dtype: DType, encoding: AudioEncoding?, bitsPerSample: Int?, file: String
    ) throws -> AudioWriteFormat {
        func fail(_ why: String) -> AudioIOError { .unsupportedEncoding(file: file, reason: why) }
        func pcm(_ bits: Int) throws -> Int32 {
            switch bits {
            case 16: return Int32(SF_FORMAT_PCM_16)
            case 24: return Int32(SF_FORMAT_PCM_24)
            case 32: return Int32(SF_FORMAT_PCM_32)
            default: throw fail("signed PCM needs 16, 24 or 32 bits in \(format.rawValue), got \(bits)")
            }
        }
        let (major, fixedSubtype) = codes(for: format)
        switch format {
        case .ogg, .opus, .mp3:
            let expected: AudioEncoding = format == .ogg ? .vorbis : format == .opus ? .opus : .mp3
            if let encoding, encoding != expected { throw fail("\(format.rawValue) files hold \(expected.rawValue), not \(encoding.rawValue)") }
            return AudioWriteFormat(major: major, subtype: fixedSubtype!, writesIntegers: false, describe: expected.rawValue)
        case .flac:
            if let encoding, encoding != .flac, encoding != .pcmSigned { throw fail("FLAC cannot hold \(encoding.rawValue)") }
            let bits = bitsPerSample ?? 16
            let subtype: Int32
            switch bits {
            case 8: subtype = Int32(SF_FORMAT_PCM_S8)
            case 16: subtype = Int32(SF_FORMAT_PCM_16)
            case 24: subtype = Int32(SF_FORMAT_PCM_24)
            default: throw fail("FLAC holds 8, 16 or 24 bits per sample, got \(bits)")
            }
            return AudioWriteFormat(major: major, subtype: subtype, writesIntegers: true, describe: "FLAC \(bits)-bit")
        case .wav:
            let resolvedEncoding: AudioEncoding = encoding ?? {
                if let bits = bitsPerSample {
                    if bits == 8 { return .pcmUnsigned }
                    if bits == 64 || (bits == 32 && dtype.isFloatingPoint) { return .pcmFloat }
                    return .pcmSigned
                }
                switch dtype {
                case .uint8: return .pcmUnsigned
                case .int16, .int32, .int64, .int8: return .pcmSigned
                default: return .pcmFloat
                }
            }()
            let bits = bitsPerSample ?? {
                switch (resolvedEncoding, dtype) {
                case (.pcmUnsigned, _), (.ulaw, _), (.alaw, _): return 8
                case (.pcmSigned, .int16), (.pcmSigned, .int8): return 16
                case (.pcmSigned, .int32), (.pcmSigned, .int64): return 32
                case (.pcmSigned, _): return 16
                case (.pcmFloat, .float64): return 64
                default: return 32
                }
            }()
            switch resolvedEncoding {
            case .pcmSigned:
                return AudioWriteFormat(major: major, subtype: try pcm(bits), writesIntegers: true, describe: "\(bits)-bit signed PCM")
            case .pcmUnsigned:
                guard bits == 8 else { throw fail("unsigned PCM in WAV is 8-bit only, got \(bits)") }
                return AudioWriteFormat(major: major, subtype: Int32(SF_FORMAT_PCM_U8), writesIntegers: true, describe: "8-bit unsigned PCM")
            case .pcmFloat:
                guard bits == 32 || bits == 64 else { throw fail("float PCM is 32 or 64 bits, got \(bits)") }
                return AudioWriteFormat(
                    major: major, subtype: Int32(bits == 32 ? SF_FORMAT_FLOAT : SF_FORMAT_DOUBLE), writesIntegers: false,
                    describe: "\(bits)-bit float")
            case .ulaw, .alaw:
                guard bits == 8 else { throw fail("\(resolvedEncoding.rawValue) is 8-bit, got \(bits)") }
                return AudioWriteFormat(
                    major: major, subtype: Int32(resolvedEncoding == .ulaw ? SF_FORMAT_ULAW : SF_FORMAT_ALAW),
                    writesIntegers: true, describe: resolvedEncoding.rawValue)
            default:
                throw fail("WAV cannot hold \(resolvedEncoding.rawValue)")
            }
        }
    }

    /// Samples as int32 with the value in the top bits (libsndfile's integer convention, which
    /// it narrows to the file's bit depth by shifting). Floats are scaled by 2^(bits-1),
    /// rounded to nearest even and clipped at the file's depth first, as torchaudio (FFmpeg)
    /// quantises; libsndfile's own float path would scale by 2^(bits-1) - 1 instead.
    static func leftJustifiedInt32(_ samples: Tensor, bits: Int) -> [Int32] {
        switch samples.dtype {
        case .int32: return samples.toArray(Int32.self)
        case .int16: return samples.toArray(Int16.self).map { Int32($0) << 16 }
        case .uint8: return samples.toArray(UInt8.self).map { (Int32($0) - 128) << 24 }
        case .int8: return samples.toArray(Int8.self).map { Int32($0) << 24 }
        case .int64: return samples.toArray(Int64.self).map { Int32(clamping: $0) }
        default:
            let scale = Double(1 << (bits - 1)), high = scale - 1, shift = Int32(32 - bits)
            return samples.toArray(Double.self).map { x in
                let q = (x * scale).rounded(.toNearestOrEven)
                let clipped = q >= high ? high : q <= -scale ? -scale : q.isNaN ? 0 : q
                return Int32(clipped) << shift
            }
        }
    }

    /// Samples as float in [-1, 1]; integer waveforms are divided by 2^(bits-1) of their dtype.
    static func floats(_ samples: Tensor) -> [Float] {
        switch samples.dtype {
        case .int16: return samples.toArray(Int16.self).map { Float($0) / 32_768 }
        case .int32: return samples.toArray(Int32.self).map { Float(Double($0) / 2_147_483_648) }
        case .uint8: return samples.toArray(UInt8.self).map { (Float($0) - 128) / 128 }
        case .int8: return samples.toArray(Int8.self).map { Float($0) / 128 }
        default: return samples.toArray(Float.self)
        }
    }
}
