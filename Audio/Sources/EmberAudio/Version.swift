/// The version of the `EmberAudio` library (semantic versioning; see `Docs/Versioning.md`).
public enum EmberAudioVersion {
    /// This library's version.
    public static let string = "0.1.0"
}
