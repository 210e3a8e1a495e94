import CSndfile
import Ember
import Foundation

/// Decodes an audio file into a waveform (`torchaudio.load`).
///
/// With `normalize: true` (the default) the result is float32 in [-1, 1]: integer PCM is
/// divided by 2^(bits-1) (so 16-bit −32768 becomes exactly −1) and 8-bit unsigned PCM is
/// centred first, the way torchaudio normalises. With `normalize: false`, integer and float
/// WAV files keep the dtype of their samples: uint8 (8-bit), int16, int32 (24-bit samples
/// left-justified into int32, 32-bit as stored), float32 or float64; other formats (FLAC,
/// Vorbis, ...) are always normalised, as in torchaudio.
///
/// - Parameters:
///   - path: the file; the format is detected from its content, not its extension.
///   - frameOffset: frames to skip at the start.
///   - numFrames: frames to read, `-1` for all that remain. A request past the end reads
///     what exists (an offset past the end gives zero frames), as torchaudio does.
///   - channelsFirst: `[channels, frames]` when true, `[frames, channels]` when false.
/// - Returns: the waveform and the sample rate in Hz.
/// - Throws: ``AudioIOError`` naming `path` when the file is missing, not audio, damaged or
///   shorter than its header says.
public func load(
    path: String, frameOffset: Int = 0, numFrames: Int = -1, normalize: Bool = true, channelsFirst: Bool = true
) throws -> (waveform: Tensor, sampleRate: Int) {
    let file = try SoundFile.open(path: path)
    return try decode(file, frameOffset: frameOffset, numFrames: numFrames, normalize: normalize, channelsFirst: channelsFirst)
}

/// Decodes audio held in memory (torchaudio's file-like `load`): the bytes of a WAV, FLAC,
/// Ogg or MP3 file. See ``load(path:frameOffset:numFrames:normalize:channelsFirst:)``.
public func load(
    bytes: [UInt8], frameOffset: Int = 0, numFrames: Int = -1, normalize: Bool = true, channelsFirst: Bool = true
) throws -> (waveform: Tensor, sampleRate: Int) {
    let file = try SoundFile.open(bytes: bytes)
    return try decode(file, frameOffset: frameOffset, numFrames: numFrames, normalize: normalize, channelsFirst: channelsFirst)
}

/// `load(bytes:)` for `Data`.
public func load(
    data: Data, frameOffset: Int = 0, numFrames: Int = -1, normalize: Bool = true, channelsFirst: Bool = true
) throws -> (waveform: Tensor, sampleRate: Int) {
    try load(bytes: [UInt8](data), frameOffset: frameOffset, numFrames: numFrames, normalize: normalize, channelsFirst: channelsFirst)
}

func decode(
    _ file: SoundFile, frameOffset: Int, numFrames: Int, normalize: Bool, channelsFirst: Bool
) throws -> (waveform: Tensor, sampleRate: Int) {
    guard frameOffset >= 0 else {
        throw AudioIOError.invalidArgument(file: file.name, reason: "frameOffset must be non-negative, got \(frameOffset)")
    }
    guard numFrames >= -1 else {
        throw AudioIOError.invalidArgument(file: file.name, reason: "numFrames must be -1 or non-negative, got \(numFrames)")
    }
    let start = min(frameOffset, file.frames)
    let available = file.frames - start
    let count = numFrames < 0 ? available : min(numFrames, available)
    if count > 0 { try file.seek(toFrame: start) }
    let reader = FrameReader(file: file)
    let dtype = normalize ? DType.float32 : reader.rawDType
    let waveform = try reader.read(frames: count, dtype: dtype, channelsFirst: channelsFirst, requireAll: true)
    return (waveform, file.sampleRate)
}

/// Reads blocks of interleaved frames from an open file into a tensor, converting samples
/// to the output dtype and de-interleaving when channels come first. Shared by `load` and
/// ``AudioStreamReader``.
struct FrameReader {
    let file: SoundFile
    /// Frames per libsndfile call: large enough to amortise the call, small enough that the
    /// interleaved scratch buffer stays in L2.
    static let blockFrames = 16_384

    /// The dtype `normalize: false` gives for this file.
    var rawDType: DType {
        guard file.majorFormat == Int32(SF_FORMAT_WAV) || file.majorFormat == Int32(SF_FORMAT_WAVEX) else { return .float32 }
        switch file.subtype {
        case Int32(SF_FORMAT_PCM_U8): return .uint8
        case Int32(SF_FORMAT_PCM_S8): return .int8
        case Int32(SF_FORMAT_PCM_16): return .int16
        case Int32(SF_FORMAT_PCM_24), Int32(SF_FORMAT_PCM_32): return .int32
        case Int32(SF_FORMAT_DOUBLE): return .float64
        default: return .float32
        }
    }

    /// Reads `frames` frames (fewer at the end of a lossy stream, whose length in the header
    /// is an estimate). With `requireAll`, a shortfall in a lossless file is a truncation error.
    func read(frames: Int, dtype: DType, channelsFirst: Bool, requireAll: Bool) throws -> Tensor {
        let channels = file.channels
        let shape = channelsFirst ? [channels, frames] : [frames, channels]
        let out = Tensor(empty: shape, dtype: dtype)
        let got: Int
        switch dtype {
        case .float32: got = fill(out, Float.self, frames: frames, channelsFirst: channelsFirst) { file.readFloat($0, frames: $1) }
        case .float64: got = fill(out, Double.self, frames: frames, channelsFirst: channelsFirst) { file.readDouble($0, frames: $1) }
        case .int16: got = fill(out, Int16.self, frames: frames, channelsFirst: channelsFirst) { file.readShort($0, frames: $1) }
        case .int32: got = fill(out, Int32.self, frames: frames, channelsFirst: channelsFirst) { file.readInt($0, frames: $1) }
        case .uint8: got = fillBytes(out, UInt8.self, frames: frames, channelsFirst: channelsFirst) { UInt8(truncatingIfNeeded: Int($0 >> 8) + 128) }
        case .int8: got = fillBytes(out, Int8.self, frames: frames, channelsFirst: channelsFirst) { Int8(truncatingIfNeeded: $0 >> 8) }
        default: preconditionFailure("internal: load cannot produce \(dtype)")
        }
        if let message = file.decodeError, got < frames || !file.isLossy {
            throw AudioIOError.corrupt(file: file.name, reason: message)
        }
        if got < frames {
            if requireAll && !file.isLossy {
                throw AudioIOError.truncated(file: file.name, expectedFrames: frames, readFrames: got)
            }
            return (channelsFirst ? out.narrow(1, start: 0, length: got) : out.narrow(0, start: 0, length: got)).contiguous()
        }
        return out
    }

    /// Reads into `out` block by block with `read` (interleaved), returning frames read.
    private func fill<T: TensorElement>(
        _ out: Tensor, _: T.Type, frames: Int, channelsFirst: Bool,
        _ read: (UnsafeMutablePointer<T>, Int) -> Int
    ) -> Int {
        let channels = file.channels
        let destination = out.audioPointer(T.self)
        // Interleaved output is the file's own order: read straight into it.
        if !channelsFirst || channels == 1 {
            var done = 0
            while done < frames {
                let n = read(destination + done * channels, min(Self.blockFrames, frames - done))
                if n <= 0 { break }
                done += n
            }
            return done
        }
        let scratch = UnsafeMutablePointer<T>.allocate(capacity: Self.blockFrames * channels)
        defer { scratch.deallocate() }
        var done = 0
        while done < frames {
            let n = read(scratch, min(Self.blockFrames, frames - done))
            if n <= 0 { break }
            for c in 0..<channels {
                let row = destination + c * frames + done
                var source = scratch + c
                for f in 0..<n {
                    row[f] = source.pointee
                    source += channels
                }
            }
            done += n
        }
        return done
    }

    /// 8-bit output: libsndfile has no byte reader, so read shorts and convert each.
    private func fillBytes<T: TensorElement>(
        _ out: Tensor, _: T.Type, frames: Int, channelsFirst: Bool, _ convert: (Int16) -> T
    ) -> Int {
        let channels = file.channels
        let destination = out.audioPointer(T.self)
        let scratch = UnsafeMutablePointer<Int16>.allocate(capacity: Self.blockFrames * channels)
        defer { scratch.deallocate() }
        var done = 0
        while done < frames {
            let n = file.readShort(scratch, frames: min(Self.blockFrames, frames - done))
            if n <= 0 { break }
            for f in 0..<n {
                for c in 0..<channels {
                    let index = channelsFirst ? c * frames + done + f : (done + f) * channels + c
                    destination[index] = convert(scratch[f * channels + c])
                }
            }
            done += n
        }
        return done
    }
}
