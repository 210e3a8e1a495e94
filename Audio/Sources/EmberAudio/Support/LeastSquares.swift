/// Linear least squares in double by Householder QR, the solution LAPACK's `gels` (the
/// default driver of `torch.linalg.lstsq`) computes for a full-rank A: for an m×n A with
/// m ≥ n the X minimising ‖A·X − B‖, for m < n the minimum-norm X with A·X = B.
///
/// A is factorised once and reused for any number of right-hand sides (``InverseMelScale``
/// solves one system per spectrogram with the same filter bank).
struct LeastSquares {
    let rows: Int, cols: Int
    /// The factorised matrix: A (m ≥ n) or Aᵀ (m < n), `p × q` row-major with p ≥ q; R in
    /// its upper triangle after factorisation.
    private var factor: [Double]
    private let p: Int, q: Int
    /// Householder vectors, vector j living in rows j..<p, with their squared norms.
    private var reflectors: [[Double]] = []
    private var norms: [Double] = []

    /// Factorises the row-major `rows × cols` matrix `a`.
    init(_ a: [Double], rows: Int, cols: Int) {
        precondition(a.count == rows * cols, "lstsq: matrix of \(a.count) elements is not \(rows)x\(cols)")
        self.rows = rows
        self.cols = cols
        if rows >= cols {
            (p, q, factor) = (rows, cols, a)
        } else {
            var t = [Double](repeating: 0, count: rows * cols)
            for i in 0..<rows { for j in 0..<cols { t[j * rows + i] = a[i * cols + j] } }
            (p, q, factor) = (cols, rows, t)
        }
        for j in 0..<q {
            var v = (j..<p).map { factor[$0 * q + j] }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let alpha = v[0] >= 0 ? -norm : norm
            v[0] -= alpha
            let vn = v.reduce(0) { $0 + $1 * $1 }
            reflectors.append(v)
            norms.append(vn)
            guard vn > 0 else { continue }
            for c in j..<q {
                var s = 0.0
                for (k, vk) in v.enumerated() { s += vk * factor[(j + k) * q + c] }
                s = 2 * s / vn
                for (k, vk) in v.enumerated() { factor[(j + k) * q + c] -= s * vk }
            }
        }
    }

    /// Applies the reflections H_j (in `order`) to the `p × k` row-major block `c`.
    private func reflect(_ c: inout [Double], k: Int, order: [Int]) {
        for j in order where norms[j] > 0 {
            let v = reflectors[j]
            for col in 0..<k {
                var s = 0.0
                for (i, vi) in v.enumerated() { s += vi * c[(j + i) * k + col] }
                s = 2 * s / norms[j]
                for (i, vi) in v.enumerated() { c[(j + i) * k + col] -= s * vi }
            }
        }
    }

    /// X (`cols × k`, row-major) for the right-hand sides B (`rows × k`, row-major).
    func solve(_ b: [Double], k: Int) -> [Double] {
        precondition(b.count == rows * k, "lstsq: right-hand side of \(b.count) elements is not \(rows)x\(k)")
        func r(_ i: Int, _ j: Int) -> Double { factor[i * q + j] }
        if rows >= cols {
            // Qᵀ·B, then R·X = (Qᵀ·B)[0..<n] by back substitution
            var c = b
            reflect(&c, k: k, order: Array(0..<q))
            var x = [Double](repeating: 0, count: q * k)
            for col in 0..<k {
                for i in stride(from: q - 1, through: 0, by: -1) {
                    var s = c[i * k + col]
                    for j in (i + 1)..<q { s -= r(i, j) * x[j * k + col] }
                    x[i * k + col] = s / r(i, i)
                }
            }
            return x
        }
        // A = Rᵀ·Qᵀ: Rᵀ·Y = B by forward substitution, X = Q·[Y; 0]
        var z = [Double](repeating: 0, count: p * k)
        for col in 0..<k {
            for i in 0..<q {
                var s = b[i * k + col]
                for j in 0..<i { s -= r(j, i) * z[j * k + col] }
                z[i * k + col] = s / r(i, i)
            }
        }
        reflect(&z, k: k, order: Array((0..<q).reversed()))
        return z
    }
}
