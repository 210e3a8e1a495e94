import Foundation
@testable import Ember

/// Reads `Tests/Fixtures/Core/data_samplers.json` (made by `Scripts/fixtures/core_data.py`).
enum DataFixtures {
    static func root() throws -> [String: Any] {
        try Fixtures.cases("Core/data_samplers.json")[0]
    }

    static func list(_ key: String) throws -> [[String: Any]] {
        try root()[key] as! [[String: Any]]
    }

    static func ints(_ value: Any?) -> [Int] { (value as! [NSNumber]).map(\.intValue) }
    static func intLists(_ value: Any?) -> [[Int]] { (value as! [Any]).map(ints) }
    static func intListLists(_ value: Any?) -> [[[Int]]] { (value as! [Any]).map(intLists) }
    static func optionalInt(_ value: Any?) -> Int? { (value as? NSNumber)?.intValue }

    /// The four numbers the fixture draws from a generator after the sampler or loader is done:
    /// equal only if Ember consumed exactly as many draws as PyTorch.
    static func after(_ generator: Generator?) -> [Int] {
        Tensor.randint(0, 1 << 20, [4], generator: generator).toArray(Int64.self).map { Int($0) }
    }
}
