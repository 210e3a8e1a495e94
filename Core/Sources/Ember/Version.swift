/// The version of the `Ember` core library (semantic versioning; see `Docs/Versioning.md`).
public enum EmberVersion {
    /// This library's version.
    public static let string = "0.1.0"
}
