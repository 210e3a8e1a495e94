import XCTest
@testable import Ember

/// Layout and arithmetic basics; tolerances are exact (integers and exactly representable floats).
final class TensorBasicsTests: XCTestCase {
    func testBroadcastAddAndPromotion() {
        let a = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        let b = Tensor([10, 20, 30])
        let c = a + b
        XCTAssertEqual(c.dtype, .float32)
        XCTAssertEqual(c.shape, [2, 3])
        XCTAssertEqual(c.toArray(Float.self), [11, 22, 33, 14, 25, 36])
        XCTAssertEqual((b * 2.5).dtype, .float32)
        XCTAssertEqual((b * 2).dtype, .int64)
        XCTAssertEqual((a.double() + a).dtype, .float64)
        XCTAssertEqual((Tensor([1, 2], dtype: .uint8) + Tensor([1, 2], dtype: .int8)).dtype, .int16)
        XCTAssertEqual((Tensor([1, 2], dtype: .int32) + Tensor(scalar: Int64(3))).dtype, .int32)
    }

    func testTransposedViewsShareStorage() {
        let a = Tensor.arange(6).reshape(2, 3)
        let t = a.t()
        XCTAssertFalse(t.isContiguous)
        XCTAssertEqual(t.contiguous().toArray(Int64.self), [0, 3, 1, 4, 2, 5])
        t.add_(100)
        XCTAssertEqual(a.toArray(Int64.self), [100, 101, 102, 103, 104, 105])
        let u = (t + 1)
        XCTAssertEqual(u.strides, t.strides)
        XCTAssertEqual(u.contiguous().toArray(Int64.self), [101, 104, 102, 105, 103, 106])
    }

    func testDivisionModes() {
        let a = Tensor([-7, 7]), b = Tensor([2, -2])
        XCTAssertEqual(a.div(b).toArray(Float.self), [-3.5, -3.5])
        XCTAssertEqual(a.div(b, roundingMode: .trunc).toArray(Int64.self), [-3, -3])
        XCTAssertEqual(a.div(b, roundingMode: .floor).toArray(Int64.self), [-4, -4])
    }

    /// Mixed layouts go through the tiled traversal (64×256 tiles, or 3 rows × 5461 columns for
    /// an interleaved image; edges not multiples of either), with strided inputs copied tile
    /// by tile into row-major scratch. Results must equal values computed element by element in Swift, exactly.
    func testTiledTraversalOfMixedLayouts() {
        // [100, 70] transposed view of a row-major [70, 100]: element (i, j) is 100·j + i.
        let a = Tensor.arange(7000).float().reshape(70, 100).t()
        let b = Tensor.arange(7000).float().reshape(100, 70).mul(0.5)
        let expectedSum = (0..<7000).map { k -> Float in
            let (i, j) = k.quotientAndRemainder(dividingBy: 70)
            return Float(100 * j + i) + Float(k) * 0.5
        }
        XCTAssertEqual((a + b).contiguous().toArray(Float.self), expectedSum)
        XCTAssertEqual((b + a).toArray(Float.self), expectedSum)  // the output follows b's row-major layout
        XCTAssertEqual(a.contiguous().toArray(Float.self), expectedSum.indices.map { k in
            let (i, j) = k.quotientAndRemainder(dividingBy: 70)
            return Float(100 * j + i)
        })
        // [37, 600]: a partial last tile both ways; int64 and a three-operand op.
        let wide = Tensor.arange(22_200).reshape(600, 37).t()
        let wideExpected = (0..<22_200).map { k -> Int64 in
            let (i, j) = k.quotientAndRemainder(dividingBy: 600)
            return Int64(37 * j + i)
        }
        XCTAssertEqual((wide * Tensor(wideExpected, shape: [37, 600])).contiguous().toArray(Int64.self), wideExpected.map { $0 * $0 })
        let chosen = Tensor.where(wide.remainder(3).eq(0), wide.float(), Tensor(wideExpected, shape: [37, 600]).float().neg())
        XCTAssertEqual(chosen.contiguous().toArray(Float.self), wideExpected.map { $0 % 3 == 0 ? Float($0) : -Float($0) })
        // A batch of transposed planes, and a view strided in both dims (stride 2 across columns).
        let batched = Tensor.arange(6000).float().reshape(3, 50, 40).transpose(1, 2)  // [3, 40, 50]
        XCTAssertEqual((batched + batched.contiguous()).contiguous().toArray(Float.self),
                       batched.contiguous().mul(2).toArray(Float.self))
        let base = Tensor.arange(40_000).float().reshape(200, 200)
        let stepped = base[.all, .range(0, 200, step: 2)]  // [200, 100], column stride 2
        let steppedExpected = (0..<20_000).map { k -> Float in
            let (i, j) = k.quotientAndRemainder(dividingBy: 100)
            return Float(200 * i + 2 * j)
        }
        XCTAssertEqual((stepped + Tensor.zeros([200, 100])).toArray(Float.self), steppedExpected)
        XCTAssertEqual((stepped.t() + Tensor.zeros([100, 200])).contiguous().t().contiguous().toArray(Float.self), steppedExpected)
        // A large output (8.8 MB, beyond the caches): [1100, 2000] float32, many tiles per thread.
        let (m, n) = (1100, 2000)
        let source = Tensor((0..<(m * n)).map { Float($0 % 1000) }, shape: [n, m]).t()  // [m, n], transposed
        let streamed = (source + Tensor.ones([m, n])).toArray(Float.self)
        XCTAssertEqual(streamed, (0..<(m * n)).map { k -> Float in
            let (i, j) = k.quotientAndRemainder(dividingBy: n)
            return Float((j * m + i) % 1000) + 1
        })
        XCTAssertEqual(source.contiguous().toArray(Float.self), streamed.map { $0 - 1 })
        // An interleaved (HWC) image made planar: 3 rows of a long staged run, uint8.
        let (h, w) = (37, 211)
        let interleaved = Tensor((0..<(h * w * 3)).map { UInt8($0 % 251) }, shape: [h, w, 3])
        let planar = interleaved.permute(2, 0, 1).contiguous()
        XCTAssertEqual(planar.toArray(UInt8.self), (0..<(3 * h * w)).map { k -> UInt8 in
            let (c, pixel) = k.quotientAndRemainder(dividingBy: h * w)
            return UInt8((pixel * 3 + c) % 251)
        })
    }

    /// Transposed 4- and 8-byte operands are copied into a tile in 4×4 and 2×2 register blocks;
    /// sizes that are no multiple of the block leave edge rows and columns to the element loop.
    /// Results of 8 MB and more leave each tile row through streaming stores. Every element is
    /// checked exactly against its index arithmetic.
    func testBlockTransposedStagingAndStreamedRows() {
        for (rows, columns) in [(67, 301), (5, 9), (4, 17), (130, 258)] {
            let count = rows * columns
            // Element (i, j) of the transposed view is j·rows + i; the sum adds the row-major index.
            let expected = (0..<count).map { k -> Int64 in
                let (i, j) = k.quotientAndRemainder(dividingBy: columns)
                return Int64(j * rows + i) + Int64(k)
            }
            let transposed = Tensor.arange(.int(Int64(count))).reshape(columns, rows).t()
            let rowMajor = Tensor.arange(.int(Int64(count))).reshape(rows, columns)
            // int16 (2-byte elements, moved one by one) where the sums fit.
            for dtype in [DType.float32, .float64, .int32, .int64] + (2 * count < 32768 ? [.int16] : []) {
                let sum = (rowMajor.to(dtype) + transposed.to(dtype)).to(.int64).toArray(Int64.self)
                XCTAssertTrue(sum == expected, "\(dtype) \(rows)×\(columns): first difference at \(String(describing: zip(sum, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset))")
            }
        }
        // Streamed results: unary (a copy), binary and three-operand, float32 and float64.
        let (m, n) = (1030, 2050)  // 8.4 MB of float32
        let index = Tensor.arange(.int(Int64(m * n))).reshape(n, m).t()  // element (i, j) is j·m + i
        let expected = (0..<(m * n)).map { k -> Double in
            let (i, j) = k.quotientAndRemainder(dividingBy: n)
            return Double(j * m + i)
        }
        XCTAssertTrue(index.float().contiguous().toArray(Float.self) == expected.map { Float($0) }, "streamed copy")
        XCTAssertTrue(
            (index.double() * Tensor.full([m, n], 0.5, dtype: .float64)).toArray(Double.self) == expected.map { $0 * 0.5 },
            "streamed float64 product")
        let chosen = Tensor.where(Tensor.ones([m, n], dtype: .bool), index.float(), Tensor.zeros([m, n]))
        XCTAssertTrue(chosen.toArray(Float.self) == expected.map { Float($0) }, "streamed where")
    }

    func testZeroDimReshapes() {
        let scalar = Tensor(scalar: Float(3))
        let viewed = scalar.reshape(1, 1, 1)
        XCTAssertEqual(viewed.shape, [1, 1, 1])
        XCTAssertTrue(viewed.storage === scalar.storage)
        XCTAssertEqual(scalar.view([]).item(Float.self), 3)
    }
}
