/// Summation kernels. Floating sums are pairwise over blocks, each block summed with several
/// SIMD accumulators: the rounding error grows with log(n) rather than n, which is what keeps
/// large float32 sums close to PyTorch's cascade summation.
enum SumKernels {
    /// Block length below which a block is summed with flat accumulators.
    static let block = 1024

    @inline(__always)
    static func sum<T: FloatElement & SIMDScalar>(_ p: UnsafePointer<T>, count n: Int, stride: Int) -> T {
        if stride == 1 { return contiguous(p, n) }
        return strided(p, n, stride)
    }

    static func contiguous<T: FloatElement & SIMDScalar>(_ p: UnsafePointer<T>, _ n: Int) -> T {
        if n <= block { return flatContiguous(p, n) }
        let half = (n / 2 + 63) & ~63
        return contiguous(p, half) + contiguous(p + half, n - half)
    }

    @inline(__always)
    static func flatContiguous<T: FloatElement & SIMDScalar>(_ p: UnsafePointer<T>, _ n: Int) -> T {
        let raw = UnsafeRawPointer(p)
        let width = SIMD16<T>.scalarCount
        var a0 = SIMD16<T>(), a1 = SIMD16<T>(), a2 = SIMD16<T>(), a3 = SIMD16<T>()
        var i = 0
        let step = 4 * width * MemoryLayout<T>.stride
        var byte = 0
        while i + 4 * width <= n {
            a0 += raw.loadUnaligned(fromByteOffset: byte, as: SIMD16<T>.self)
            a1 += raw.loadUnaligned(fromByteOffset: byte + width * MemoryLayout<T>.stride, as: SIMD16<T>.self)
            a2 += raw.loadUnaligned(fromByteOffset: byte + 2 * width * MemoryLayout<T>.stride, as: SIMD16<T>.self)
            a3 += raw.loadUnaligned(fromByteOffset: byte + 3 * width * MemoryLayout<T>.stride, as: SIMD16<T>.self)
            i += 4 * width
            byte += step
        }
        while i + width <= n {
            a0 += raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.stride, as: SIMD16<T>.self)
            i += width
        }
        var tail: T = 0
        while i < n {
            tail += p[i]
            i += 1
        }
        return ((a0 + a1) + (a2 + a3)).sum() + tail
    }

    static func strided<T: FloatElement>(_ p: UnsafePointer<T>, _ n: Int, _ stride: Int) -> T {
        if n > block {
            let half = n / 2
            return strided(p, half, stride) + strided(p + half * stride, n - half, stride)
        }
        var a0: T = 0, a1: T = 0, a2: T = 0, a3: T = 0
        var i = 0
        while i + 4 <= n {
            a0 += p[i * stride]
            a1 += p[(i + 1) * stride]
            a2 += p[(i + 2) * stride]
            a3 += p[(i + 3) * stride]
            i += 4
        }
        while i < n {
            a0 += p[i * stride]
            i += 1
        }
        return (a0 + a1) + (a2 + a3)
    }

    @inline(__always)
    static func sum(_ p: UnsafePointer<Int64>, count n: Int, stride: Int) -> Int64 {
        var total: Int64 = 0
        if stride == 1 {
            for i in 0..<n { total &+= p[i] }
        } else {
            for i in 0..<n { total &+= p[i * stride] }
        }
        return total
    }
}

/// Sums runs of float32 or float64.
struct FloatSumReducer<T: FloatElement & SIMDScalar>: RunReducer {
    @inline(__always) func reduce(_ p: UnsafePointer<T>, count: Int, stride: Int, start: Int) -> T {
        SumKernels.sum(p, count: count, stride: stride)
    }
    @inline(__always) func combine(_ a: T, _ b: T) -> T { a + b }
}

/// Sums runs of int64 with wrap-around, as PyTorch's integer sums do.
struct IntSumReducer: RunReducer {
    @inline(__always) func reduce(_ p: UnsafePointer<Int64>, count: Int, stride: Int, start: Int) -> Int64 {
        SumKernels.sum(p, count: count, stride: stride)
    }
    @inline(__always) func combine(_ a: Int64, _ b: Int64) -> Int64 { a &+ b }
}

/// Multiplies the elements of runs (float or int64; integers wrap).
struct ProdReducer<T: ArithmeticElement>: RunReducer {
    let multiply: (T, T) -> T
    @inline(__always) func reduce(_ p: UnsafePointer<T>, count: Int, stride: Int, start: Int) -> T {
        var total: T = 1
        for i in 0..<count { total = multiply(total, p[i * stride]) }
        return total
    }
    @inline(__always) func combine(_ a: T, _ b: T) -> T { multiply(a, b) }
}
