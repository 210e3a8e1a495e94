import XCTest
@testable import Ember

/// Rebuilds the inputs that `Scripts/fixtures/core_{joining,indexing}.py` describe: a base
/// tensor and the view of it the generator used (contiguous, transposed, sliced, expanded).
enum IndexingFixtureSupport {
    static func input(_ value: Any?) -> Tensor {
        let desc = value as! [String: Any]
        let base = Fixtures.tensor(desc["base"])
        switch desc["layout"] as! String {
        case "transposed": return base.transpose(0, 1)
        case "sliced": return base[.range(nil, nil, step: 2)]
        case "expanded": return base.expand(desc["expand"] as! [Int])
        default: return base
        }
    }

    static func tensors(_ value: Any?) -> [Tensor] {
        (value as! [Any]).map { Fixtures.tensor($0) }
    }
}
