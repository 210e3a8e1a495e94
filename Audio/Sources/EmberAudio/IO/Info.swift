import CSndfile

/// Reads an audio file's header: rate, length, channels, bit depth and encoding, without
/// decoding samples (`torchaudio.info`).
///
/// For MP3 the frame count is libsndfile's figure, which is exact when the file carries a
/// Xing/LAME header and an estimate otherwise.
/// - Throws: ``AudioIOError`` naming `path`.
public func info(path: String) throws -> AudioMetaData {
    try SoundFile.open(path: path).metadata
}

/// ``info(path:)`` for encoded audio held in memory.
public func info(bytes: [UInt8]) throws -> AudioMetaData {
    try SoundFile.open(bytes: bytes).metadata
}

/// What the installed libsndfile can read and write.
public enum AudioBackend {
    /// The libsndfile version string, e.g. `"libsndfile-1.2.0"`.
    public static var version: String { String(cString: sf_version_string()) }

    /// The containers this libsndfile was built with (Debian's has all five).
    public static var supportedFormats: [AudioFormat] {
        AudioFormat.allCases.filter(isSupported)
    }

    /// True when libsndfile lists both the container and the codec of `format`
    /// (`SFC_GET_FORMAT_MAJOR` / `SFC_GET_FORMAT_SUBTYPE`).
    public static func isSupported(_ format: AudioFormat) -> Bool {
        let (major, subtype) = AudioWriteFormat.codes(for: format)
        return listed(SFC_GET_FORMAT_MAJOR_COUNT, SFC_GET_FORMAT_MAJOR).contains(major)
            && (subtype == nil || listed(SFC_GET_FORMAT_SUBTYPE_COUNT, SFC_GET_FORMAT_SUBTYPE).contains(subtype!))
    }

    private static func listed(_ countCommand: Int, _ itemCommand: Int) -> Set<Int32> {
        var count: Int32 = 0
        sf_command(nil, Int32(countCommand), &count, Int32(MemoryLayout<Int32>.size))
        var result: Set<Int32> = []
        for i in 0..<count {
            var item = SF_FORMAT_INFO()
            item.format = i
            sf_command(nil, Int32(itemCommand), &item, Int32(MemoryLayout<SF_FORMAT_INFO>.size))
            result.insert(item.format)
        }
        return result
    }
}
