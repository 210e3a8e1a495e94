import XCTest
@testable import Ember

/// complex64/complex128 against PyTorch (`Scripts/fixtures/core_complex.py`): every forward
/// op, the promotion table and printing.
final class ComplexForwardTests: XCTestCase {
    /// The Swift form of each forward fixture case (names without the `_128` suffix).
    private let ops: [String: ([String: Tensor]) -> Tensor] = [
        "add": { $0["a"]!.add($0["b"]!) },
        "sub": { $0["a"]!.sub($0["b"]!) },
        "mul": { $0["a"]!.mul($0["b"]!) },
        "div": { $0["a"]!.div($0["b"]!) },
        "neg": { $0["a"]!.neg() },
        "exp": { $0["a"]!.exp() },
        "abs": { $0["a"]!.abs() },
        "angle": { $0["a"]!.angle() },
        "conj": { $0["a"]!.conj() },
        "sgn": { $0["a"]!.sgn() },
        "real": { $0["a"]!.real },
        "imag": { $0["a"]!.imag },
        "sum": { $0["a"]!.sum() },
        "sum_dim1": { $0["a"]!.sum(dim: 1) },
        "mean": { $0["a"]!.mean() },
        "mean_dim0_keep": { $0["a"]!.mean(dim: 0, keepDim: true) },
        "eq": { i in
            let mask = Tensor([[true, false, true], [false, true, true]])
            return i["a"]!.eq(Tensor.where(mask, i["a"]!, i["b"]!))
        },
        "view_as_real": { $0["a"]!.viewAsReal() },
        "matmul": { $0["a"]!.matmul($0["b"]!.mT) },
        "mul_scalar": { $0["a"]!.mul(2.5) },
        "add_complex_scalar": { $0["a"]!.add(.complex(1, -2)) },
        "div_complex_scalar": { $0["a"]!.div(.complex(0.5, 1)) },
        "to_float": { $0["a"]!.to($0["a"]!.dtype.toReal) },
        "real_plus_complex": { $0["x"]!.add($0["a"]!) },
        "float64_times_complex64": { $0["x"]!.mul($0["a"]!) },
        "int_times_complex": { $0["i"]!.mul($0["a"]!) },
        "float_times_j": { $0["x"]!.mul(.complex(0, 1)) },
        "double_times_j": { $0["x"]!.mul(.complex(0, 1)) },
        "polar": { Tensor.polar(abs: $0["abs"]!, angle: $0["angle"]!) },
        "complex": { Tensor.complex(real: $0["real"]!, imag: $0["imag"]!) },
        "int_to_complex": { $0["i"]!.to(.complex64) },
        "complex_to_int": { $0["a"]!.to(.int64) },
        "complex_to_bool": { $0["a"]!.to(.bool) },
        "c128_to_c64": { $0["a"]!.to(.complex64) },
    ]

    /// Per-op tolerances. Additions, negation, conj, views, casts and exactly representable
    /// products are exact (inputs are dyadic rationals); division, exp, abs, angle, sgn and
    /// polar go through libm or a differently ordered formula than PyTorch's vectorised
    /// kernels, so they get a few ulps (rtol 1e-6 for complex64, 1e-14 for complex128).
    private func tolerance(_ name: String, _ dtype: DType) -> (rtol: Double, atol: Double) {
        let exact: Set<String> = [
            "add", "sub", "mul", "neg", "conj", "real", "imag", "eq", "view_as_real", "mul_scalar", "add_complex_scalar",
            "to_float", "real_plus_complex", "float64_times_complex64", "int_times_complex", "float_times_j",
            "double_times_j", "complex", "int_to_complex", "complex_to_int", "complex_to_bool", "c128_to_c64", "sum",
            "sum_dim1", "mean", "mean_dim0_keep", "matmul",
        ]
        if exact.contains(name) { return (0, 0) }
        let wide = dtype == .complex128 || dtype == .float64
        return wide ? (1e-14, 1e-15) : (2e-6, 1e-6)
    }

    func testForwardOpsMatchPyTorch() throws {
        var seen = 0
        for c in try Fixtures.cases("Core/complex.json") where c["kind"] as? String == "forward" {
            let name = c["name"] as! String
            let base = name.hasSuffix("_128") ? String(name.dropLast(4)) : name
            guard let op = ops[base] else {
                XCTFail("no Swift form for fixture case \(name)")
                continue
            }
            let inputs = (c["inputs"] as! [String: Any]).mapValues(Fixtures.tensor)
            let expected = Fixtures.tensor(c["expected"])
            let tol = tolerance(base, expected.dtype)
            assertClose(op(inputs), expected, rtol: tol.rtol, atol: tol.atol, name)
            seen += 1
        }
        XCTAssertEqual(seen, 2 * 22 + 13)
    }

    func testPromotionMatchesResultType() throws {
        let table = try Fixtures.cases("Core/complex.json").first { $0["kind"] as? String == "promotion" }!["table"] as! [[String: Any]]
        XCTAssertGreaterThan(table.count, 40)
        for row in table {
            let a = DType(rawValue: row["a"] as! String)!
            let expected = DType(rawValue: row["tensors"] as! String)!
            let left = Tensor.ones([2], dtype: a)
            let b = row["b"] as! String
            switch b {
            case "python_complex": XCTAssertEqual(resultType([left], scalars: [.complex(0, 1)]), expected, "\(a) * 1j")
            case "python_int": XCTAssertEqual(resultType([left], scalars: [2]), expected, "\(a) * 2")
            case "python_float": XCTAssertEqual(resultType([left], scalars: [2.5]), expected, "\(a) * 2.5")
            case "python_bool": XCTAssertEqual(resultType([left], scalars: [true]), expected, "\(a) * True")
            default:
                let other = DType(rawValue: b)!
                XCTAssertEqual(DType.promote(a, other), expected, "promote_types(\(a), \(other))")
                XCTAssertEqual(resultType([left, Tensor.ones([2], dtype: other)]), expected, "\(a) with \(other)")
                // float16 with a 0-d complex tensor is complex32 in PyTorch, a dtype Ember lacks.
                guard let zeroDim = DType(rawValue: row["zero_dim"] as! String) else {
                    XCTAssertEqual(a, .float16, "only float16 promotes to complex32")
                    continue
                }
                XCTAssertEqual(resultType([left, Tensor.ones([], dtype: other)]), zeroDim, "\(a) with 0-d \(other)")
            }
        }
    }

    func testPrintingMatchesPyTorchRepr() throws {
        let reprs = try Fixtures.cases("Core/complex.json").first { $0["kind"] as? String == "print" }!["reprs"] as! [String: String]
        let arange = Tensor.arange(2000.0)
        let wide = Tensor.arange(12.0)
        let tensors: [String: Tensor] = [
            "simple": Tensor([Complex<Float>(1, 2), Complex(3, -4)]),
            "matrix": Tensor([[Complex<Float>(1.5, 2), Complex(-3.25, 0.5), Complex(0, 0)],
                              [Complex(2, -1), Complex(-0.5, -4), Complex(7, 0.25)]]),
            "fractional": Tensor([[Complex<Float>(0.125, 1.5), Complex(-2.75, -0.0625)],
                                  [Complex(3, 0), Complex(-0.0, -1)]]),
            "c128": Tensor([Complex<Double>(1.5, 2), Complex(-3, 0.25)]),
            "zero_dim": Tensor(scalar: Complex<Float>(2.5, -1)),
            "sci": Tensor([Complex<Float>(1e-5, 2), Complex(3e6, -1)]),
            "nonfinite": Tensor([Complex<Float>(.nan, 1), Complex(1, .infinity), Complex(-.infinity, -2)]),
            "empty": Tensor.zeros([0], dtype: .complex64),
            "summarized": Tensor.complex(real: arange, imag: arange.neg().div(4)).reshape([40, 50]),
            "wide": Tensor.complex(real: wide.mul(1.5), imag: wide.sub(6)),
        ]
        XCTAssertEqual(Set(tensors.keys), Set(reprs.keys))
        for (name, tensor) in tensors {
            XCTAssertEqual(tensor.description, reprs[name], name)
        }
    }

    func testCreationItemAndConversion() {
        let t = Tensor([Complex<Float>(1, 2), Complex(3, -4)])
        XCTAssertEqual(t.dtype, .complex64)
        XCTAssertEqual(t.dtype.itemSize, 8)
        XCTAssertEqual(DType.complex128.itemSize, 16)
        XCTAssertTrue(t.isComplex)
        XCTAssertFalse(DType.complex64.isFloatingPoint)
        XCTAssertEqual(DType.complex64.toReal, .float32)
        XCTAssertEqual(DType.complex128.toReal, .float64)
        XCTAssertEqual(DType.float64.toComplex, .complex128)
        XCTAssertEqual(t[1].item(Complex<Float>.self), Complex(3, -4))
        XCTAssertEqual(t.toArray(Complex<Double>.self), [Complex(1, 2), Complex(3, -4)])
        // Complex to real drops the imaginary part (PyTorch's cast).
        XCTAssertEqual(t.toArray(Float.self), [1, 3])
        // Real to complex has a zero imaginary part; fills take complex scalars.
        XCTAssertEqual(Tensor([1.5, -2]).to(.complex128).toArray(Complex<Double>.self), [Complex(1.5, 0), Complex(-2, 0)])
        XCTAssertEqual(
            Tensor.full([2], .complex(1, -1), dtype: .complex64).toArray(Complex<Float>.self), [Complex(1, -1), Complex(1, -1)])
        XCTAssertEqual(Tensor.full([1], .complex(1, -1)).dtype, .complex64)
        XCTAssertEqual(Tensor(empty: [3, 2], dtype: .complex64).storage.byteCount, 48)
    }

    func testViewsShareStorage() {
        let x = Tensor([[Complex<Double>(1, 2), Complex(3, 4)], [Complex(5, 6), Complex(7, 8)]])
        let pairs = x.viewAsReal()
        XCTAssertEqual(pairs.shape, [2, 2, 2])
        XCTAssertEqual(pairs.strides, [4, 2, 1])
        XCTAssertEqual(x.real.strides, [4, 2])
        XCTAssertEqual(x.imag.toArray(Double.self), [2, 4, 6, 8])
        // Writes through the real views reach the complex tensor.
        x.imag.mul_(-1)
        XCTAssertEqual(x.toArray(Complex<Double>.self), [Complex(1, -2), Complex(3, -4), Complex(5, -6), Complex(7, -8)])
        let back = pairs.viewAsComplex()
        XCTAssertTrue(back.storage === x.storage)
        XCTAssertEqual(back.shape, [2, 2])
        // A column of the transposed complex tensor: strides stay even after view_as_real.
        let column = x.mT[1]
        XCTAssertEqual(column.viewAsReal().strides, [4, 1])
        XCTAssertEqual(column.viewAsReal().viewAsComplex().toArray(Complex<Double>.self), [Complex(3, -4), Complex(7, -8)])
        // A float tensor's view as complex, and its real part as a view again.
        let floats = Tensor([1, 2, 3, 4, 5, 6], dtype: .float32).reshape([3, 2])
        XCTAssertEqual(floats.viewAsComplex().real.toArray(Float.self), [1, 3, 5])
        XCTAssertEqual(floats.viewAsComplex().storageOffset, 0)
        XCTAssertEqual(floats[1...].viewAsComplex().storageOffset, 1)
    }

    func testEqualityIsComponentwiseIEEE() {
        let a = Tensor([Complex<Float>(.nan, 0), Complex(.infinity, 1), Complex(1, 2), Complex(0, -0.0)])
        let b = Tensor([Complex<Float>(.nan, 0), Complex(.infinity, 2), Complex(1, 2), Complex(-0.0, 0)])
        XCTAssertEqual(a.eq(b).toArray(Bool.self), [false, false, true, true])
        XCTAssertEqual(a.ne(b).toArray(Bool.self), [true, true, false, false])
        XCTAssertEqual(a.eq(.complex(1, 2)).toArray(Bool.self), [false, false, true, false])
    }

    func testComplexMatmulAgainstComponentProducts() {
        // A non-contiguous operand (transposed view) and a batched product.
        let g = Generator(seed: 3)
        let a = Tensor.complex(real: Tensor.randn([2, 4, 3], dtype: .float64, generator: g), imag: Tensor.randn([2, 4, 3], dtype: .float64, generator: g))
        let b = Tensor.complex(real: Tensor.randn([2, 5, 3], dtype: .float64, generator: g), imag: Tensor.randn([2, 5, 3], dtype: .float64, generator: g))
        let product = a.matmul(b.mT)
        let re = a.real.matmul(b.real.mT).sub(a.imag.matmul(b.imag.mT))
        let im = a.real.matmul(b.imag.mT).add(a.imag.matmul(b.real.mT))
        // Same real products, summed in the same order: equal to the last bit.
        assertClose(product, Tensor.complex(real: re, imag: im), rtol: 0, atol: 0)
    }

    /// Ops that only move elements work on complex tensors as on any dtype (bit copies).
    func testMovementOps() {
        let x = Tensor([[Complex<Float>(1, 2), Complex(3, 4)], [Complex(5, 6), Complex(7, 8)]])
        let flat = { (t: Tensor) in t.toArray(Complex<Float>.self) }
        XCTAssertEqual(flat(Tensor.cat([x, x.mT], dim: 0)).count, 8)
        XCTAssertEqual(flat(Tensor.stack([x[0], x[1]], dim: 1)), [Complex(1, 2), Complex(5, 6), Complex(3, 4), Complex(7, 8)])
        XCTAssertEqual(flat(x.flip([1])), [Complex(3, 4), Complex(1, 2), Complex(7, 8), Complex(5, 6)])
        XCTAssertEqual(flat(x.indexSelect(0, Tensor([1]))), [Complex(5, 6), Complex(7, 8)])
        XCTAssertEqual(flat(x.mT.contiguous()), [Complex(1, 2), Complex(5, 6), Complex(3, 4), Complex(7, 8)])
        XCTAssertEqual(flat(x[0].expand([2, 2]).contiguous()), [Complex(1, 2), Complex(3, 4), Complex(1, 2), Complex(3, 4)])
        XCTAssertEqual(
            flat(Tensor.where(Tensor([true, false]), x[0], x[1])), [Complex(1, 2), Complex(7, 8)])
        XCTAssertEqual(flat(x.maskedFill(Tensor([[true, false], [false, true]]), .complex(0, -1))),
                       [Complex(0, -1), Complex(3, 4), Complex(5, 6), Complex(0, -1)])
    }
}
