/// The version of the `EmberHub` library (semantic versioning; see `Docs/Versioning.md`).
public enum EmberHubVersion {
    /// This library's version.
    public static let string = "0.1.0"
}
