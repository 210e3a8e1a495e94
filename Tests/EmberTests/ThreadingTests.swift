import Foundation
import XCTest
@testable import Ember

/// Thread count and OpenBLAS: products agree across thread counts and repeat exactly at one,
/// and OpenBLAS runs the kernels chosen for this CPU rather than its generic fallback.
final class ThreadingTests: XCTestCase {
    override func tearDown() {
        Threading.setNumThreads(ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Matrix products are cut into one block per thread, so their last bits may change with
    /// the thread count (as PyTorch's do with MKL or OpenBLAS threads); at a given thread count
    /// they are bit-identical from run to run. Tolerance across thread counts: float32 rtol
    /// 1e-5 with atol 1e-4 (sums of 513 products of unit normals, regrouped by OpenBLAS's
    /// blocking), float64 rtol 1e-12; batches of at least as many products as threads run whole
    /// products and stay exact.
    func testMatmulAcrossThreadCounts() {
        let gen = Generator(seed: 9)
        let a = Tensor.randn([257, 513], generator: gen), b = Tensor.randn([513, 129], generator: gen)
        let a64 = a.double(), b64 = b.double()
        let batchA = Tensor.randn([6, 33, 65], generator: gen), batchB = Tensor.randn([6, 65, 17], generator: gen)
        func products() -> [Tensor] { [a.matmul(b), a64.matmul(b64), batchA.matmul(batchB), a.t().matmul(a)] }
        Threading.setNumThreads(1)
        let one = products()
        Threading.setNumThreads(2)
        XCTAssertEqual(Threading.numThreads, 2)
        let two = products(), again = products()
        for (x, y) in zip(two, again) { XCTAssertEqual(x.toArray(Double.self), y.toArray(Double.self), "run to run") }
        assertClose(two[0], one[0], rtol: 1e-5, atol: 1e-4)
        assertClose(two[1], one[1], rtol: 1e-12, atol: 1e-12)
        XCTAssertEqual(two[2].toArray(Double.self), one[2].toArray(Double.self), "whole products per batch entry")
        assertClose(two[3], one[3], rtol: 1e-5, atol: 1e-4)
    }

    /// Ember's pool serves one op at a time; ops started on other threads meanwhile, and ops
    /// nested in a pool task, run on Dispatch. Many split ops from four threads at once, each
    /// checked exactly, must neither deadlock nor mix up their tasks.
    func testConcurrentAndNestedParallelOps() {
        Threading.setNumThreads(2)
        let x = Tensor.arange(300_000).float().remainder(.int(7))  // sums exactly in float32
        let expected = Float((0..<300_000).reduce(0) { $0 + $1 % 7 })
        let integers = x.long()  // products by an index stay exact
        let failures = NSLock()
        var wrong = 0
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<50 {
                let total = (x + x).sum().item(Float.self)
                if total != 2 * expected {
                    failures.lock()
                    wrong += 1
                    failures.unlock()
                }
            }
        }
        XCTAssertEqual(wrong, 0)
        var nested = [Int64](repeating: 0, count: 64)
        nested.withUnsafeMutableBufferPointer { slots in
            let base = slots.baseAddress!
            parallelFor(64, grain: 1) { range in
                for i in range { base[i] = integers.mul(.int(Int64(i))).sum().item(Int64.self) }
            }
        }
        XCTAssertEqual(nested, (0..<64).map { Int64($0) * Int64(expected) })
    }

    func testOpenBLASRunsTheKernelsForThisCPU() {
        let name = BLAS.coreName.lowercased()
        XCTAssertFalse(name.isEmpty, "OpenBLAS reports no core name")
        XCTAssertNotEqual(name, "prescott", "OpenBLAS fell back to its generic kernels")
        let chosen = BLAS.chosenCoreType.lowercased()
        if !chosen.isEmpty {
            // The loader chose a core type from CPUID; OpenBLAS must be running it.
            XCTAssertEqual(name, chosen, "loader chose \(chosen), OpenBLAS runs \(name)")
        }
    }
}
