import XCTest
@testable import Ember

/// Thread count and OpenBLAS: results must not depend on the thread count, and OpenBLAS must
/// run the kernels chosen for this CPU rather than its generic fallback.
final class ThreadingTests: XCTestCase {
    override func tearDown() {
        Threading.setNumThreads(ProcessInfo.processInfo.activeProcessorCount)
    }

    func testMatmulIdenticalWithOneAndTwoThreads() {
        let gen = Generator(seed: 9)
        let a = Tensor.randn([257, 513], generator: gen), b = Tensor.randn([513, 129], generator: gen)
        let a64 = a.double(), b64 = b.double()
        let batchA = Tensor.randn([6, 33, 65], generator: gen), batchB = Tensor.randn([6, 65, 17], generator: gen)
        Threading.setNumThreads(1)
        let one = [a.matmul(b), a64.matmul(b64), batchA.matmul(batchB), a.t().matmul(a)].map { $0.toArray(Double.self) }
        Threading.setNumThreads(2)
        XCTAssertEqual(Threading.numThreads, 2)
        let two = [a.matmul(b), a64.matmul(b64), batchA.matmul(batchB), a.t().matmul(a)].map { $0.toArray(Double.self) }
        // Exact equality: OpenBLAS splits work by output blocks, so each element is summed in
        // the same order whatever the thread count.
        for (x, y) in zip(one, two) { XCTAssertEqual(x, y) }
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
