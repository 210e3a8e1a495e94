import Foundation
import XCTest
@testable import Ember
// Every file of this target sees the shared fixture reader and assertClose.
@_exported import EmberTestSupport

/// Core's fixtures: `Tests/Fixtures` (paths like "Core/x.json"), through the shared reader.
enum Fixtures {
    static let folder = FixtureFolder()
    static var root: URL { folder.root }

    /// The `cases` array of `Tests/Fixtures/<path>`.
    static func cases(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        try folder.cases(path, file: file, line: line)
    }

    static func tensor(_ value: Any?) -> Tensor { FixtureFolder.tensor(value) }
    static func double(_ value: Any) -> Double { FixtureFolder.double(value) }
}

/// Rounds for the mutation-fuzz tests: `default` in the normal suite, `EMBER_FUZZ_ROUNDS`
/// when `Scripts/fuzz` runs them longer.
func fuzzRounds(_ defaultRounds: Int) -> Int {
    ProcessInfo.processInfo.environment["EMBER_FUZZ_ROUNDS"].flatMap(Int.init) ?? defaultRounds
}
