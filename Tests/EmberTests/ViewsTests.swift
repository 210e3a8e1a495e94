import XCTest
@testable import Ember

/// The view ops of Tensor/Views.swift against PyTorch (`Scripts/fixtures/core_views.py`):
/// shape, strides, storage offset and values must equal torch's exactly, and writing -7
/// through the view must change the base exactly as it does in torch (no copy was made).
/// Where torch.view fails (PyTorch's computeStride), reshape must copy.
final class ViewsTests: XCTestCase {
    private func apply(_ op: String, _ a: [String: Any], to x: Tensor) -> Tensor {
        switch op {
        case "view": return x.view(a["shape"] as! [Int])
        case "permute": return x.permute(a["dims"] as! [Int])
        case "transpose": return x.transpose(a["d0"] as! Int, a["d1"] as! Int)
        case "t": return x.t()
        case "mT": return x.mT
        case "expand": return x.expand(a["shape"] as! [Int])
        case "squeeze": return x.squeeze()
        case "squeeze_dim": return x.squeeze(dim: a["dim"] as! Int)
        case "squeeze_dims": return x.squeeze(dims: a["dims"] as! [Int])
        case "unsqueeze": return x.unsqueeze(a["dim"] as! Int)
        case "flatten": return x.flatten(startDim: a["start"] as! Int, endDim: a["end"] as! Int)
        case "unflatten": return x.unflatten(a["dim"] as! Int, a["sizes"] as! [Int])
        case "narrow": return x.narrow(a["dim"] as! Int, start: a["start"] as! Int, length: a["length"] as! Int)
        case "select": return x.select(a["dim"] as! Int, a["index"] as! Int)
        case "unfold": return x.unfold(a["dim"] as! Int, size: a["size"] as! Int, step: a["step"] as! Int)
        case "diagonal":
            return x.diagonal(offset: a["offset"] as! Int, dim1: a["dim1"] as! Int, dim2: a["dim2"] as! Int)
        case "as_strided":
            return x.asStrided(a["shape"] as! [Int], a["strides"] as! [Int], storageOffset: a["offset"] as? Int)
        default: fatalError("unknown view op \(op)")
        }
    }

    func testViewsAgainstPyTorch() throws {
        var ops = Set<String>()
        for c in try Fixtures.cases("Core/views.json") {
            let base = Fixtures.tensor(c["x"])
            let x: Tensor
            switch c["layout"] as! String {
            case "transposed": x = base.transpose(0, 1)
            case "sliced": x = base[.range(nil, nil, step: 2)]
            default: x = base
            }
            let op = c["op"] as! String, args = c["args"] as! [String: Any]
            ops.insert(op)
            let label = "\(op) \(args) on \(x.shape)/\(x.strides)"
            let viewOK = c["view_ok"] as! Bool
            let v = viewOK ? apply(op, args, to: x) : x.reshape(args["shape"] as! [Int])
            assertClose(v, Fixtures.tensor(c["out"]), label)
            if viewOK {
                XCTAssertEqual(v.strides, c["strides"] as! [Int], "strides \(label)")
                XCTAssertEqual(v.storageOffset, c["offset"] as! Int, "offset \(label)")
                XCTAssertTrue(v.storage === base.storage, "shares storage \(label)")
                if op == "view" {
                    // reshape takes the same no-copy path wherever view works.
                    XCTAssertTrue(x.reshape(args["shape"] as! [Int]).storage === base.storage, "reshape \(label)")
                }
                v.fill_(-7)
                assertClose(base, Fixtures.tensor(c["after"]), "write through \(label)")
            } else {
                XCTAssertFalse(v.storage === base.storage, "reshape must copy where view fails: \(label)")
            }
        }
        XCTAssertEqual(ops.count, 17, "every view op is covered: \(ops.sorted())")
    }

    /// split into views, then views of views, keep pointing at the original storage.
    func testViewsOfViewsShareStorage() {
        let x = Tensor.arange(24, dtype: .float64).view(2, 3, 4)
        let v = x.permute(2, 0, 1).narrow(0, start: 1, length: 2).select(2, 1).unsqueeze(0)
        XCTAssertEqual(v.shape, [1, 2, 2])
        XCTAssertTrue(v.storage === x.storage)
        let version = x.storage.version
        v.fill_(0)
        XCTAssertEqual(x.storage.version, version + 1)
        XCTAssertEqual(x[0, 1].toArray(Double.self), [4, 0, 0, 7])
    }
}
