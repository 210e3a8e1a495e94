import XCTest
@testable import Ember

/// Subscripts and index_put_ against PyTorch (`Scripts/fixtures/core_indexing.py`). Indexing
/// moves values, so results must be exact (tolerance 0, dtype and shape checked); basic
/// indexing must also give PyTorch's strides and storage offset, sharing storage.
final class IndexingTests: XCTestCase {
    private func entries(_ value: Any?) -> [TensorIndex] {
        (value as! [[String: Any]]).map { e in
            if let i = e["i"] as? Int { return .i(i) }
            if let s = e["slice"] as? [Any] {
                return .slice(s[0] as? Int, s[1] as? Int, step: s[2] as? Int ?? 1)
            }
            if e["ellipsis"] != nil { return .ellipsis }
            if e["none"] != nil { return .newAxis }
            return .tensor(Fixtures.tensor(e["tensor"]))
        }
    }

    func testGetAndSetAgainstPyTorch() throws {
        var gets = 0, puts = 0
        for c in try Fixtures.cases("Core/indexing.json") {
            let base = Fixtures.tensor(c["x"])
            let transposed = (c["layout"] as! String) == "transposed"
            let x = transposed ? base.t() : base
            let index = entries(c["index"])
            let label = "\(c["kind"]!) \(c["index"]!) on \(x.dtype) \(x.shape)"
            if (c["kind"] as! String) == "get" {
                gets += 1
                let out = x.index(index)
                assertClose(out, Fixtures.tensor(c["out"]), label)
                if c["view"] as! Bool {
                    XCTAssertTrue(out.storage === base.storage, "view shares storage: \(label)")
                    XCTAssertEqual(out.strides, c["strides"] as! [Int], label)
                    XCTAssertEqual(out.storageOffset, c["offset"] as! Int, label)
                } else if out.count > 0 {
                    XCTAssertFalse(out.storage === base.storage, "advanced indexing copies: \(label)")
                }
            } else {
                puts += 1
                let version = base.storage.version
                if let scalar = c["scalar"] {
                    x.indexFill_(index, .double(Fixtures.double(scalar)))
                } else {
                    x.indexPut_(index, Fixtures.tensor(c["value"]), accumulate: c["accumulate"] as! Bool)
                }
                XCTAssertGreaterThan(base.storage.version, version, "version bumped: \(label)")
                assertClose(base, Fixtures.tensor(c["out"]), label)
            }
        }
        XCTAssertGreaterThan(gets, 40)
        XCTAssertGreaterThan(puts, 20)
    }

    /// The Swift spellings: Int, ranges, `...`, `.newAxis`, `.range(step:)`, tensors and masks.
    func testSubscriptSyntax() {
        let t = Tensor.arange(24, dtype: .float32).view(2, 3, 4)
        XCTAssertEqual(t[1, 2].toArray(Float.self), [20, 21, 22, 23])
        XCTAssertEqual(t[0, 1..<3, -1].toArray(Float.self), [7, 11])
        XCTAssertEqual(t[0, 1...2, 0].toArray(Float.self), [4, 8])
        XCTAssertEqual(t[0, 1..., ..<1].shape, [2, 1])
        XCTAssertEqual(t[1, ...1, -2 ... -1].toArray(Float.self), [14, 15, 18, 19])
        XCTAssertEqual(t[..., 0].toArray(Float.self), [0, 4, 8, 12, 16, 20])
        XCTAssertEqual(t[.ellipsis, 3].shape, [2, 3])
        XCTAssertEqual(t[.newAxis, 0].shape, [1, 3, 4])
        XCTAssertEqual(t[1, .all, .range(nil, nil, step: 3)].toArray(Float.self), [12, 15, 16, 19, 20, 23])
        XCTAssertEqual(t[Tensor([1, 0] as [Int]), 2, 0].toArray(Float.self), [20, 8])
        let m = t.gt(20)
        XCTAssertEqual(t[m].toArray(Float.self), [21, 22, 23])
        // Assignment writes through views of the same storage.
        let view = t[0]
        t[0, .all, 0] = Tensor([-1.0, -2.0, -3.0], dtype: .float32)
        XCTAssertEqual(view[.all, 0].toArray(Float.self), [-1, -2, -3])
        t[m] = Tensor(scalar: Float(0))
        XCTAssertEqual(t[1, 2].toArray(Float.self), [20, 0, 0, 0])
        t.indexFill_([1, Tensor([0, 2] as [Int])], 9)
        XCTAssertEqual(t[1, .all, 0].toArray(Float.self), [9, 16, 9])
    }

    /// gather through a plan with several index tensors, checked element by element against
    /// a direct computation on a larger random tensor (exact).
    func testAdvancedIndexingLargerRandom() {
        let x = Tensor.arange(.int(40 * 30 * 20), dtype: .int64).view(40, 30, 20).permute(2, 0, 1)  // [20, 40, 30]
        let i = Tensor((0..<500).map { Int64(($0 * 7919) % 20) - 10 }, shape: [500])
        let j = Tensor((0..<500).map { Int64(($0 * 104_729) % 30) }, shape: [500])
        let out = x[i, .all, j]  // separated: [500, 40]
        XCTAssertEqual(out.shape, [500, 40])
        let values = out.toArray(Int64.self), iv = i.toArray(Int64.self), jv = j.toArray(Int64.self)
        for n in Swift.stride(from: 0, to: 500, by: 37) {
            for r in [0, 17, 39] {
                let a = Int(iv[n] < 0 ? iv[n] + 20 : iv[n]), c = Int(jv[n])
                XCTAssertEqual(values[n * 40 + r], Int64((r * 30 + c) * 20 + a))
            }
        }
    }
}
