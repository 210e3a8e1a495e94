import Ember

/// Reads a long audio file in chunks of frames, so that only one chunk is in memory at a
/// time (torchaudio's `StreamReader` idea for files that should not be loaded whole).
///
/// ```swift
/// let reader = try AudioStreamReader(path: "talk.flac", framesPerChunk: 16_000)
/// while let chunk = try reader.next() {   // [channels, ≤16000] float32
///     process(chunk)
/// }
/// ```
public final class AudioStreamReader {
    private let file: SoundFile
    /// Header facts of the stream.
    public let metadata: AudioMetaData
    /// Frames per chunk returned by ``next()``.
    public let framesPerChunk: Int
    /// Convert samples to float32 in [-1, 1] (see ``load(path:frameOffset:numFrames:normalize:channelsFirst:)``).
    public let normalize: Bool
    public let channelsFirst: Bool
    /// Index of the next frame ``next()`` returns.
    public private(set) var position: Int = 0

    /// Opens `path` for chunked reading.
    /// - Throws: ``AudioIOError`` naming `path`.
    public init(path: String, framesPerChunk: Int, normalize: Bool = true, channelsFirst: Bool = true) throws {
        precondition(framesPerChunk > 0, "AudioStreamReader: framesPerChunk must be positive, got \(framesPerChunk)")
        file = try SoundFile.open(path: path)
        metadata = file.metadata
        self.framesPerChunk = framesPerChunk
        self.normalize = normalize
        self.channelsFirst = channelsFirst
    }

    /// Opens encoded audio held in memory for chunked reading.
    public init(bytes: [UInt8], framesPerChunk: Int, normalize: Bool = true, channelsFirst: Bool = true) throws {
        precondition(framesPerChunk > 0, "AudioStreamReader: framesPerChunk must be positive, got \(framesPerChunk)")
        file = try SoundFile.open(bytes: bytes)
        metadata = file.metadata
        self.framesPerChunk = framesPerChunk
        self.normalize = normalize
        self.channelsFirst = channelsFirst
    }

    /// The next chunk (`framesPerChunk` frames, fewer at the end), or `nil` after the last.
    /// - Throws: ``AudioIOError`` when the data is damaged or the file ends before its header
    ///   says it should.
    public func next() throws -> Tensor? {
        let reader = FrameReader(file: file)
        // Lossy streams may hold more or fewer frames than the header estimate: read until
        // the decoder stops instead of trusting the count.
        let remaining = file.isLossy ? framesPerChunk : min(framesPerChunk, file.frames - position)
        guard remaining > 0 else { return nil }
        let chunk = try reader.read(
            frames: remaining, dtype: normalize ? .float32 : reader.rawDType, channelsFirst: channelsFirst,
            requireAll: true)
        let got = chunk.size(channelsFirst ? 1 : 0)
        if got == 0 { return nil }
        position += got
        return chunk
    }

    /// Moves to `frame` so that the next chunk starts there.
    public func seek(toFrame frame: Int) throws {
        guard frame >= 0, frame <= file.frames else {
            throw AudioIOError.invalidArgument(file: file.name, reason: "seek to frame \(frame) outside 0...\(file.frames)")
        }
        try file.seek(toFrame: frame)
        position = frame
    }
}
