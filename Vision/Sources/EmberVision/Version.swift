/// The version of the `EmberVision` library (semantic versioning; see `Docs/Versioning.md`).
public enum EmberVisionVersion {
    /// This library's version.
    public static let string = "0.1.0"
}
