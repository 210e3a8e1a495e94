/// The version of the `EmberText` library (semantic versioning; see `Docs/Versioning.md`).
public enum EmberTextVersion {
    /// This library's version.
    public static let string = "0.1.0"
}
