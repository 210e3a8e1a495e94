/// Why a dataset could not be found, read, downloaded or indexed.
///
/// Every case about a file names it, so a failure over thousands of files says which one.
public enum VisionDatasetError: Error, Equatable, CustomStringConvertible {
    /// The dataset's files are not there (torchvision: "Dataset not found. You can use
    /// download=True to download it"). `missing` is the first file or folder that was looked for.
    case notFound(dataset: String, missing: String)
    /// `DatasetFolder`'s root holds no class folder (torchvision's `FileNotFoundError`).
    case noClassFolders(directory: String)
    /// Some class folders hold no valid file (torchvision's `FileNotFoundError`); `extensions` are
    /// the accepted ones when the dataset filters by extension.
    case emptyClasses(classes: [String], extensions: [String]?)
    /// A file ends before its header says it should.
    case truncated(file: String, detail: String)
    /// A file is not in the expected format (bad magic number, wrong dtype or rank, a pickle
    /// without the expected keys, a corrupt gzip stream...).
    case corrupt(file: String, detail: String)
    /// A downloaded file's MD5 differs from the published one; the file was removed.
    case checksumMismatch(file: String, expected: String, actual: String)
    /// Every mirror failed for a file; `reasons` has one entry per URL tried.
    case downloadFailed(file: String, reasons: [String])
    /// An argument is out of its domain (an unknown split name, say).
    case invalidArgument(String)
    /// A sample could not be loaded (the loader's error, e.g. an `ImageIOError`, as text).
    case unreadableSample(file: String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let dataset, let missing):
            return "\(dataset): dataset not found (missing \(missing)); pass download: true to download it"
        case .noClassFolders(let directory): return "Couldn't find any class folder in \(directory)."
        case .emptyClasses(let classes, let extensions):
            var text = "Found no valid file for the classes \(classes.joined(separator: ", ")). "
            if let extensions { text += "Supported extensions are: \(extensions.joined(separator: ", "))" }
            return text
        case .truncated(let file, let detail): return "\(file): truncated: \(detail)"
        case .corrupt(let file, let detail): return "\(file): corrupt: \(detail)"
        case .checksumMismatch(let file, let expected, let actual):
            return "\(file): MD5 \(actual) differs from the expected \(expected); the file was removed"
        case .downloadFailed(let file, let reasons):
            return "Error downloading \(file):\n" + reasons.joined(separator: "\n")
        case .invalidArgument(let text): return text
        case .unreadableSample(let file, let reason): return "\(file): \(reason)"
        }
    }
}
