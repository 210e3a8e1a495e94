/// The sample encoding of an audio stream, with the names torchaudio's `AudioMetaData`
/// uses (`"PCM_S"`, `"PCM_F"`, `"FLAC"`, ...).
public enum AudioEncoding: String, Sendable, CaseIterable {
    /// Signed integer PCM.
    case pcmSigned = "PCM_S"
    /// Unsigned integer PCM (8-bit WAV).
    case pcmUnsigned = "PCM_U"
    /// IEEE floating-point PCM (32 or 64 bits).
    case pcmFloat = "PCM_F"
    /// G.711 mu-law.
    case ulaw = "ULAW"
    /// G.711 A-law.
    case alaw = "ALAW"
    case flac = "FLAC"
    case vorbis = "VORBIS"
    case opus = "OPUS"
    case mp3 = "MP3"
    /// Anything else libsndfile can read (ADPCM variants, ...).
    case unknown = "UNKNOWN"
}

/// A container format that ``save(path:waveform:sampleRate:channelsFirst:encoding:bitsPerSample:format:)``
/// can write; `nil` in that call means "from the file extension".
public enum AudioFormat: String, Sendable, CaseIterable {
    case wav, flac
    /// Ogg container with Vorbis audio (`.ogg`, `.oga`).
    case ogg
    /// Ogg container with Opus audio (`.opus`).
    case opus
    case mp3

    /// The format a file extension names (case-insensitive), or `nil`.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "wav", "wave": self = .wav
        case "flac": self = .flac
        case "ogg", "oga", "vorbis": self = .ogg
        case "opus": self = .opus
        case "mp3": self = .mp3
        default: return nil
        }
    }
}

/// What ``info(path:)`` reports about an audio file without decoding it (torchaudio's
/// `AudioMetaData`).
public struct AudioMetaData: Sendable, Equatable, CustomStringConvertible {
    /// Frames per second.
    public var sampleRate: Int
    /// Frames per channel.
    public var numFrames: Int
    public var numChannels: Int
    /// Bits per sample of PCM-like encodings (8/16/24/32/64, FLAC's bit depth); 0 for lossy
    /// codecs, where the notion does not apply — as in torchaudio.
    public var bitsPerSample: Int
    public var encoding: AudioEncoding

    public init(sampleRate: Int, numFrames: Int, numChannels: Int, bitsPerSample: Int, encoding: AudioEncoding) {
        self.sampleRate = sampleRate
        self.numFrames = numFrames
        self.numChannels = numChannels
        self.bitsPerSample = bitsPerSample
        self.encoding = encoding
    }

    public var description: String {
        "AudioMetaData(sampleRate=\(sampleRate), numFrames=\(numFrames), numChannels=\(numChannels), "
            + "bitsPerSample=\(bitsPerSample), encoding=\(encoding.rawValue))"
    }
}
