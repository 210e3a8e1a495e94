import XCTest
@testable import Ember

/// Backward formulas of the reductions, scans, softmax family and order statistics: float64
/// gradcheck (central differences, gradcheck's default atol 1e-5 / rtol 1e-3) on tiny shapes,
/// gradgradcheck where the issue asks for second derivatives, exact checks of the
/// non-differentiable points (ties, zeros) against PyTorch's conventions, and a float32
/// fixture from PyTorch.
final class ReductionGradTests: XCTestCase {
    func testSumAndMean() {
        let x = gradLeaf([2, 3, 4], seed: 1)
        checkGradient([x]) { $0[0].sum() }
        checkGradient([x]) { $0[0].sum(dims: [0, -1]) }
        checkGradient([x]) { $0[0].sum(dim: 1, keepDim: true) }
        checkGradient([x]) { $0[0].mean() }
        checkGradient([x]) { $0[0].mean(dim: -2) }
        checkGradient([x]) { $0[0].mean(dims: [0, 2], keepDim: true) }
        let scalar = gradLeaf([1.5], [])
        checkGradient([scalar]) { $0[0].sum(dim: 0) }
        XCTAssertEqual(x.sum().gradFn?.name, "SumBackward0")
        XCTAssertEqual(x.sum(dim: 0).gradFn?.name, "SumBackward1")
        XCTAssertEqual(x.mean(dim: 0).gradFn?.name, "MeanBackward1")
    }

    func testSumToAnotherDTypeCastsTheGradientBack() {
        let x = Tensor([1.0, 2, 3], shape: [3]).float().requiresGrad_()
        let y = x.sum(dtype: .float64)
        XCTAssertEqual(y.dtype, .float64)
        y.backward()
        XCTAssertEqual(x.grad?.dtype, .float32)
        XCTAssertEqual(x.grad?.toArray(Float.self), [1, 1, 1])
    }

    func testProd() {
        let x = gradLeaf([3, 4], seed: 2)
        checkGradient([x]) { $0[0].prod() }
        checkGradient([x]) { $0[0].prod(dim: 1) }
        checkGradient([x]) { $0[0].prod(dim: -2, keepDim: true) }
        // Zeros: one per row, two in a row, and in the whole tensor.
        let zeros = gradLeaf([0, 2, 3, -1, 4, 0, 0.5, 0, 2, -3, 1.5, 2], [3, 4])
        checkGradient([zeros]) { $0[0].prod(dim: 1) }
        checkGradient([zeros]) { $0[0].prod(dim: 0, keepDim: true) }
        checkGradient([zeros]) { $0[0].prod() }
        let oneZero = gradLeaf([1.5, 0, -2, 3], [4])
        checkGradient([oneZero]) { $0[0].prod() }
        // With one zero, only the zero's gradient is non-zero: the product of the others.
        oneZero.prod().backward()
        XCTAssertEqual(oneZero.grad?.toArray(Double.self), [0, -9, 0, 0])
    }

    func testMaxAndMin() {
        let x = gradLeaf([2, 3, 4], seed: 3)
        checkGradient([x]) { $0[0].max() }
        checkGradient([x]) { $0[0].min() }
        checkGradient([x]) { $0[0].max(dim: 1).values }
        checkGradient([x]) { $0[0].min(dim: -1, keepDim: true).values }
        checkGradient([x]) { $0[0].amax(dims: [0, 2]) }
        checkGradient([x]) { $0[0].amin(dim: -1, keepDim: true) }
        checkGradient([x]) { $0[0].amax() }
        XCTAssertEqual(x.max().gradFn?.name, "MaxBackward1")
        XCTAssertEqual(x.max(dim: 0).values.gradFn?.name, "MaxBackward0")
        XCTAssertNil(x.max(dim: 0).indices.gradFn)
    }

    func testFullMaxTiesShareTheGradientEvenly() {
        // PyTorch's evenly_distribute_backward: three maxima get a third each.
        let x = gradLeaf([1, 3, 3, 2, 3, -1], [2, 3])
        x.max().backward()
        XCTAssertEqual(x.grad?.toArray(Double.self), [0, 1.0 / 3, 1.0 / 3, 0, 1.0 / 3, 0])
        // amax shares per run, max along a dim picks the first index.
        let y = gradLeaf([1, 3, 3, 2, 3, -1], [2, 3])
        y.amax(dim: 1).sum().backward()
        XCTAssertEqual(y.grad?.toArray(Double.self), [0, 0.5, 0.5, 0, 1, 0])
        let z = gradLeaf([1, 3, 3, 2, 3, -1], [2, 3])
        z.max(dim: 1).values.sum().backward()
        XCTAssertEqual(z.grad?.toArray(Double.self), [0, 1, 0, 0, 1, 0])
        // A NaN maximum sends the gradient to the NaNs.
        let n = gradLeaf([1, .nan, 3, .nan], [4])
        n.max().backward()
        XCTAssertEqual(n.grad?.toArray(Double.self), [0, 0.5, 0, 0.5])
    }

    func testVarAndStd() {
        let x = gradLeaf([3, 4], seed: 4)
        checkGradient([x]) { $0[0].var() }
        checkGradient([x]) { $0[0].var(dim: 1) }
        checkGradient([x]) { $0[0].var(dims: [0], correction: 0, keepDim: true) }
        checkGradient([x]) { $0[0].std() }
        checkGradient([x]) { $0[0].std(dim: -1, correction: 2) }
        checkGradient([x]) { $0[0].std(dims: [0, 1], unbiased: false, keepDim: true) }
        XCTAssertEqual(x.var(dim: 0).gradFn?.name, "VarBackward0")
        XCTAssertEqual(x.std().gradFn?.name, "StdBackward0")
    }

    func testVarWithoutDegreesOfFreedom() {
        // n == correction: PyTorch's gradient is NaN where x equals the mean, inf elsewhere.
        let x = gradLeaf([2], [1])
        x.var().backward()
        XCTAssertTrue(x.grad!.toArray(Double.self)[0].isNaN)
        // A constant tensor has std 0: its gradient is 0, not NaN.
        let c = gradLeaf([1, 1, 1], [3])
        c.std().backward()
        XCTAssertEqual(c.grad?.toArray(Double.self), [0, 0, 0])
    }

    func testNorms() {
        // Values away from 0 and without equal magnitudes: every order is differentiable there.
        let x = gradLeaf([0.7, -1.3, 2.1, -0.4, 1.1, 0.9, -2.6, 0.5, 1.7, -0.8, 0.3, 1.4], [3, 4])
        checkGradient([x]) { $0[0].norm() }
        checkGradient([x]) { $0[0].norm(p: 2, dim: 1) }
        checkGradient([x]) { $0[0].norm(p: 1, dims: [0], keepDim: true) }
        checkGradient([x]) { $0[0].norm(p: .inf, dim: -1) }
        checkGradient([x]) { $0[0].norm(p: .negativeInf) }
        checkGradient([x]) { $0[0].norm(p: .fro, dims: [0, 1]) }
        checkGradient([x]) { $0[0].norm(p: 3, dim: 0) }
        checkGradient([x]) { $0[0].norm(p: 1.5, dim: 1, keepDim: true) }
        checkGradient([x]) { $0[0].norm(p: 0.5) }
        XCTAssertEqual(x.norm().gradFn?.name, "LinalgVectorNormBackward0")
        // The 2-norm of zeros has gradient 0 (not NaN), as in PyTorch.
        let zero = gradLeaf([0, 0], [2])
        zero.norm().backward()
        XCTAssertEqual(zero.grad?.toArray(Double.self), [0, 0])
    }

    func testSoftmaxFamily() {
        let x = gradLeaf([2, 3, 4], seed: 5)
        checkGradient([x]) { $0[0].logsumexp(dim: 1) }
        checkGradient([x]) { $0[0].logsumexp(dims: [0, -1], keepDim: true) }
        checkGradient([x]) { $0[0].softmax(dim: -1) }
        checkGradient([x]) { $0[0].softmax(dim: 0) }
        checkGradient([x]) { $0[0].logSoftmax(dim: 1) }
        checkGradient([x]) { $0[0].logSoftmax(dim: -1) }
    }

    func testScans() {
        let x = gradLeaf([3, 4], seed: 6)
        checkGradient([x]) { $0[0].cumsum(dim: 1) }
        checkGradient([x]) { $0[0].cumsum(dim: -2) }
        checkGradient([x]) { $0[0].cumprod(dim: 1) }
        checkGradient([x]) { $0[0].cumprod(dim: 0) }
        let zeros = gradLeaf([0, 2, 3, -1, 4, 0, 0.5, 0, 2, -3, 1.5, 2], [3, 4])
        checkGradient([zeros]) { $0[0].cumprod(dim: 1) }
        checkGradient([zeros]) { $0[0].cumprod(dim: 0) }
        XCTAssertEqual(x.cumsum(dim: 0).gradFn?.name, "CumsumBackward0")
        XCTAssertEqual(x.cumprod(dim: 0).gradFn?.name, "CumprodBackward0")
    }

    func testOrderStatistics() {
        let x = gradLeaf([2, 3, 5], seed: 7)
        checkGradient([x]) { $0[0].sort(dim: 1).values }
        checkGradient([x]) { $0[0].sort(dim: -1, descending: true).values }
        checkGradient([x]) { $0[0].topk(2, dim: 1).values }
        checkGradient([x]) { $0[0].topk(3, largest: false).values }
        checkGradient([x]) { $0[0].kthvalue(2, dim: 1).values }
        checkGradient([x]) { $0[0].kthvalue(4, dim: -1, keepDim: true).values }
        checkGradient([x]) { $0[0].median(dim: 2).values }
        checkGradient([x]) { $0[0].median(dim: 0, keepDim: true).values }
        checkGradient([x]) { $0[0].median() }
        XCTAssertEqual(x.sort(dim: 0).values.gradFn?.name, "SortBackward0")
        XCTAssertEqual(x.sort(dim: 0, stable: true).values.gradFn?.name, "SortBackward1")
        XCTAssertEqual(x.median().gradFn?.name, "MedianBackward0")
        XCTAssertEqual(x.median(dim: 0).values.gradFn?.name, "MedianBackward1")
    }

    func testOrderStatisticValues() {
        // Lower median, the k-th smallest, and NaN medians at the first NaN.
        let x = Tensor([1, 3, .nan, 2, .nan, 2, 2, 1, 2, 5], shape: [2, 5])
        let median = x.median(dim: 1)
        XCTAssertTrue(median.values.toArray(Double.self)[0].isNaN)
        XCTAssertEqual(median.values.toArray(Double.self)[1], 2)
        XCTAssertEqual(median.indices.toArray(Int64.self)[0], 2)
        let kth = x.kthvalue(5, dim: 1)
        XCTAssertEqual(kth.indices.toArray(Int64.self), [4, 4])
        XCTAssertEqual(Tensor([4.0, 1, 3, 2], shape: [4]).median().item(Double.self), 2)
        XCTAssertTrue(Tensor([Double](), shape: [0]).median().item(Double.self).isNaN)
        XCTAssertEqual(Tensor([4.0, 1, 3, 2], shape: [2, 2]).kthvalue(1, dim: 0).values.toArray(Double.self), [3, 1])
    }

    func testZeroDimensionalInputs() {
        let x = gradLeaf([1.25], [])
        checkGradient([x]) { $0[0].sum(dim: 0, keepDim: true) }
        checkGradient([x]) { $0[0].prod(dim: 0) }
        checkGradient([x]) { $0[0].max(dim: 0).values }
        checkGradient([x]) { $0[0].amin(dim: -1) }
        checkGradient([x]) { $0[0].logsumexp(dim: 0) }
        checkGradient([x]) { $0[0].softmax(dim: 0) }
        checkGradient([x]) { $0[0].logSoftmax(dim: -1) }
        checkGradient([x]) { $0[0].cumsum(dim: 0) }
        checkGradient([x]) { $0[0].cumprod(dim: 0) }
        checkGradient([x]) { $0[0].sort(dim: 0).values }
        checkGradient([x]) { $0[0].topk(1, dim: 0).values }
        checkGradient([x]) { $0[0].kthvalue(1, dim: 0).values }
        checkGradient([x]) { $0[0].median(dim: 0).values }
        checkGradient([x]) { $0[0].norm(p: 3) }
    }

    func testSecondDerivatives() {
        let x = gradLeaf([2, 3], seed: 8)
        checkSecondGradient([x]) { $0[0].sum(dim: 1).mul($0[0].sum(dim: 1)) }
        checkSecondGradient([x]) { $0[0].mean(dim: 0, keepDim: true).mul($0[0]) }
        checkSecondGradient([x]) { $0[0].prod(dim: 1) }
        checkSecondGradient([x]) { $0[0].prod() }
        let zero = gradLeaf([1.5, 0, -2, 3, 0.5, 1.2], [2, 3])
        checkSecondGradient([zero]) { $0[0].prod() }
        checkSecondGradient([zero]) { $0[0].prod(dim: 1) }
        checkSecondGradient([x]) { $0[0].softmax(dim: 1) }
        checkSecondGradient([x]) { $0[0].logSoftmax(dim: 0) }
        checkSecondGradient([x]) { $0[0].logsumexp(dim: 1) }
        checkSecondGradient([x]) { $0[0].var(dim: 1) }
        checkSecondGradient([x]) { $0[0].var() }
    }

    func testNoGraphWithoutGrad() {
        let x = Tensor.randn([3, 4], dtype: .float64)
        XCTAssertNil(x.sum().gradFn)
        let leaf = gradLeaf([3, 4], seed: 9)
        XCTAssertNil(withNoGrad { leaf.softmax(dim: 1) }.gradFn)
        XCTAssertNil(withNoGrad { leaf.max(dim: 1).values }.gradFn)
    }

    func testAgainstPyTorch() throws {
        let unary: [String: (Tensor) -> Tensor] = [
            "sum_all": { $0.sum() }, "sum_dims": { $0.sum(dims: [0, -1]) }, "sum_keepdim": { $0.sum(dim: 1, keepDim: true) },
            "mean_all": { $0.mean() }, "mean_dim": { $0.mean(dim: -2) },
            "prod_all": { $0.prod() }, "prod_dim": { $0.prod(dim: 1) },
            "prod_dim_zeros": { $0.prod(dim: 1, keepDim: true) }, "prod_all_zero": { $0.prod() },
            "max_all_ties": { $0.max() }, "min_all": { $0.min() }, "max_dim": { $0.max(dim: 1).values },
            "min_dim_keepdim": { $0.min(dim: -1, keepDim: true).values }, "amax_dims": { $0.amax(dim: 1) },
            "amin_all": { $0.amin(dims: [0, 1]) },
            "var_all": { $0.var() }, "var_dim_correction0": { $0.var(dim: 1, correction: 0) },
            "std_dim_keepdim": { $0.std(dim: -1, keepDim: true) },
            "norm_2": { $0.norm() }, "norm_1_dim": { $0.norm(p: 1, dim: 1) }, "norm_inf": { $0.norm(p: .inf) },
            "norm_fro_dim": { $0.norm(p: .fro, dims: [1, 2]) }, "norm_3_dim": { $0.norm(p: 3, dim: 0, keepDim: true) },
            "logsumexp": { $0.logsumexp(dim: 1) }, "softmax": { $0.softmax(dim: -1) }, "log_softmax": { $0.logSoftmax(dim: 0) },
            "cumsum": { $0.cumsum(dim: 1) }, "cumprod": { $0.cumprod(dim: 1) }, "cumprod_zeros": { $0.cumprod(dim: 1) },
            "sort": { $0.sort(dim: 1, descending: true).values }, "topk": { $0.topk(2, dim: -1).values },
            "kthvalue": { $0.kthvalue(2, dim: 1).values }, "median_dim": { $0.median(dim: -1).values },
            "median_all": { $0.median() },
        ]
        try runStructuralFixtures(unary.mapValues { op in { inputs, _ in [op(inputs[0])] } })
    }
}
