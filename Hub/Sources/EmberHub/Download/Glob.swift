import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Include/exclude patterns with Python `fnmatch` semantics (what huggingface_hub's
/// `allow_patterns`/`ignore_patterns` use): `*` also crosses `/`, and a pattern ending in
/// `/` means everything below that folder.
enum Glob {
    static func matches(_ path: String, _ pattern: String) -> Bool {
        let effective = pattern.hasSuffix("/") ? pattern + "*" : pattern
        return fnmatch(effective, path, 0) == 0
    }

    /// Selected when some include pattern matches (or there are none) and no exclude does.
    static func selects(_ path: String, include: [String], exclude: [String]) -> Bool {
        (include.isEmpty || include.contains { matches(path, $0) }) && !exclude.contains { matches(path, $0) }
    }
}
