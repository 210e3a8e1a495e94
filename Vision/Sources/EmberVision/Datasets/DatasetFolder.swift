import Ember
import Foundation

/// A dataset of files sorted into one folder per class (`torchvision.datasets.DatasetFolder`):
///
/// ```
/// root/dog/xxx.png    root/cat/123.png
/// root/dog/xxy.png    root/cat/nsdf3.png
/// ```
///
/// Classes are the sub-folders of `root`, sorted by code point as Python sorts strings, and
/// numbered in that order (`classToIdx`). Samples are every valid file below each class folder
/// (sub-folders too, links followed), in torchvision's order: class by class, folders sorted by
/// path, files by name. `loader` turns a path into a sample; `transform` and `targetTransform`
/// then apply.
///
/// Samples are read lazily, on each subscript. A file that cannot be loaded stops the program
/// from the subscript (where PyTorch raises inside the loop); use ``sample(at:)`` to handle the
/// error instead.
public struct DatasetFolder<Sample>: Dataset, @unchecked Sendable {
    public let root: String
    /// Class names, sorted.
    public let classes: [String]
    /// Class name → index into `classes`.
    public let classToIdx: [String: Int]
    /// Every sample's path and class index, in order.
    public let samples: [(path: String, target: Int)]
    /// The class index of every sample (`targets`).
    public var targets: [Int] { samples.map(\.target) }
    /// The accepted extensions (lowercase, with the dot), when filtering by extension.
    public let extensions: [String]?
    public let loader: @Sendable (String) throws -> Sample
    public var transform: (@Sendable (Sample) -> Sample)?
    public var targetTransform: (@Sendable (Int) -> Int)?

    /// Indexes `root`.
    ///
    /// - Parameters:
    ///   - loader: reads one file.
    ///   - extensions: accepted file-name endings, compared with the lowercased file name.
    ///   - isValidFile: decides from a full path instead; give exactly one of the two.
    ///   - allowEmpty: accept class folders without any valid file.
    /// - Throws: ``VisionDatasetError/noClassFolders(directory:)`` without class folders,
    ///   ``VisionDatasetError/emptyClasses(classes:extensions:)`` when a class has no valid file.
    public init(
        root: String, loader: @escaping @Sendable (String) throws -> Sample, extensions: [String]? = nil,
        transform: (@Sendable (Sample) -> Sample)? = nil, targetTransform: (@Sendable (Int) -> Int)? = nil,
        isValidFile: (@Sendable (String) -> Bool)? = nil, allowEmpty: Bool = false
    ) throws {
        guard (extensions == nil) != (isValidFile == nil) else {
            throw VisionDatasetError.invalidArgument("DatasetFolder: give exactly one of extensions and isValidFile")
        }
        let root = (root as NSString).expandingTildeInPath
        let (classes, classToIdx) = try Self.findClasses(root)
        let lowered = extensions?.map { $0.lowercased() }
        let valid: (String) -> Bool = isValidFile ?? { path in
            let name = path.lowercased()
            return lowered!.contains { name.hasSuffix($0) }
        }
        self.root = root
        self.classes = classes
        self.classToIdx = classToIdx
        self.samples = try Self.makeDataset(
            root, classToIdx: classToIdx, isValidFile: valid, extensions: lowered, allowEmpty: allowEmpty)
        self.extensions = lowered
        self.loader = loader
        self.transform = transform
        self.targetTransform = targetTransform
    }

    public var count: Int { samples.count }

    /// The sample at `index`, stopping the program if its file cannot be loaded.
    public subscript(index: Int) -> (Sample, Int) {
        do {
            return try sample(at: index)
        } catch {
            preconditionFailure("\(Self.self): \(error)")
        }
    }

    /// The sample at `index`: `(transform(loader(path)), targetTransform(target))`.
    public func sample(at index: Int) throws -> (Sample, Int) {
        precondition(index >= 0 && index < samples.count, "DatasetFolder: index \(index) is out of range for \(samples.count) samples")
        let (path, target) = samples[index]
        var value = try loader(path)
        if let transform { value = transform(value) }
        return (value, targetTransform.map { $0(target) } ?? target)
    }

    // MARK: Indexing the folder

    /// `find_classes`: the sorted sub-folder names of `directory` (links to folders count).
    public static func findClasses(_ directory: String) throws -> ([String], [String: Int]) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let classes = names.filter { isDirectory((directory as NSString).appendingPathComponent($0)) }.sorted(by: pythonOrder)
        guard !classes.isEmpty else { throw VisionDatasetError.noClassFolders(directory: directory) }
        return (classes, Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) }))
    }

    /// `make_dataset`: every valid file of every class, in torchvision's order.
    static func makeDataset(
        _ directory: String, classToIdx: [String: Int], isValidFile: (String) -> Bool, extensions: [String]?, allowEmpty: Bool
    ) throws -> [(path: String, target: Int)] {
        var instances: [(path: String, target: Int)] = []
        var empty: [String] = []
        for name in classToIdx.keys.sorted(by: pythonOrder) {
            let target = classToIdx[name]!
            let folder = (directory as NSString).appendingPathComponent(name)
            guard isDirectory(folder) else {
                empty.append(name)
                continue
            }
            var found = false
            // os.walk's (folder, files) pairs sorted by folder path, then files by name.
            for (dir, files) in walk(folder).sorted(by: { pythonOrder($0.0, $1.0) }) {
                for file in files.sorted(by: pythonOrder) {
                    let path = (dir as NSString).appendingPathComponent(file)
                    if isValidFile(path) {
                        instances.append((path, target))
                        found = true
                    }
                }
            }
            if !found { empty.append(name) }
        }
        if !empty.isEmpty && !allowEmpty {
            throw VisionDatasetError.emptyClasses(classes: empty.sorted(by: pythonOrder), extensions: extensions)
        }
        return instances
    }

    /// `os.walk(top, followlinks=True)`: each folder with the names of the non-folder entries in it.
    static func walk(_ top: String) -> [(String, [String])] {
        var result: [(String, [String])] = []
        var pending = [top]
        var seen = Set<String>()
        while let dir = pending.popLast() {
            // A link cycle would walk forever (Python's os.walk would too); each real folder is visited once.
            let real = (dir as NSString).resolvingSymlinksInPath
            guard seen.insert(real).inserted else { continue }
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            var files: [String] = []
            for name in names {
                let path = (dir as NSString).appendingPathComponent(name)
                if isDirectory(path) { pending.append(path) } else { files.append(name) }
            }
            result.append((dir, files))
        }
        return result
    }

    static func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }
}

/// Python's string order: by Unicode code point (Swift's `<` compares canonical forms).
func pythonOrder(_ a: String, _ b: String) -> Bool {
    a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
}
