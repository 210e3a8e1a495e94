/// Interpolation taps along one axis, as PyTorch's CPU upsampling kernels compute them: for each
/// output index a first source index, a tap count, and `stride` weights (zero-padded).
struct ResizeTaps<W> {
    var first: [Int]
    var count: [Int]
    var weights: [W]
    var stride: Int
    /// Fixed-point precision (bits) of integer weights; 0 for floating weights.
    var precision: Int = 0
}

enum ResizeWeights {
    // Keys' cubic convolution kernel, in the float or double type the weights are computed in.
    @inline(__always) static func cubicNear<T: BinaryFloatingPoint>(_ x: T, _ a: T) -> T { ((a + 2) * x - (a + 3)) * x * x + 1 }
    @inline(__always) static func cubicFar<T: BinaryFloatingPoint>(_ x: T, _ a: T) -> T { ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }

    @inline(__always) static func filter<T: BinaryFloatingPoint>(_ x: T, cubic: Bool, a: T) -> T {
        let x = abs(x)
        if cubic {
            if x < 1 { return cubicNear(x, a) }
            if x < 2 { return cubicFar(x, a) }
            return 0
        }
        return x < 1 ? 1 - x : 0
    }

    /// Antialiased taps in float32 (`_compute_indices_min_size_weights_aa<float>`): the support widens
    /// with the downscale factor, weights are the filter at each source centre, normalised to sum 1.
    /// Mixed float/double steps follow the C++ promotions so the taps are bit-identical.
    static func antialiasFloat(input: Int, output: Int, cubic: Bool) -> ResizeTaps<Float> {
        let scale = Float(input) / Float(output)
        let interp = cubic ? 4.0 : 2.0
        let support = scale >= 1 ? Float(interp * 0.5 * Double(scale)) : Float(interp * 0.5)
        let stride = Int(support.rounded(.up)) * 2 + 1
        let invscale: Float = scale >= 1 ? Float(1.0 / Double(scale)) : 1
        var taps = ResizeTaps<Float>(
            first: .init(repeating: 0, count: output), count: .init(repeating: 0, count: output),
            weights: .init(repeating: 0, count: output * stride), stride: stride)
        for i in 0..<output {
            let center = Float(Double(scale) * (Double(i) + 0.5))
            let xmin = max(Int(Double(center - support) + 0.5), 0)
            var xsize = min(Int(Double(center + support) + 0.5), input) - xmin
            xsize = min(max(xsize, 0), stride)
            var total: Float = 0
            for j in 0..<xsize {
                let arg = Float((Double(Float(j + xmin) - center) + 0.5) * Double(invscale))
                let w = filter(arg, cubic: cubic, a: -0.5)
                taps.weights[i * stride + j] = w
                total += w
            }
            if total != 0 { for j in 0..<xsize { taps.weights[i * stride + j] /= total } }
            taps.first[i] = xmin
            taps.count[i] = xsize
        }
        return taps
    }

    /// Taps for the uint8 kernels (`_compute_index_ranges_int16_weights`): double weights —
    /// antialiased, or the plain bilinear/bicubic ones with out-of-range taps folded onto the edge —
    /// scaled to int16 with the largest precision that keeps the biggest weight below 2^15.
    static func fixedPoint(input: Int, output: Int, cubic: Bool, antialias: Bool) -> ResizeTaps<Int32> {
        let scale = Double(input) / Double(output)
        let interp = cubic ? 4 : 2
        let support: Double
        let stride: Int
        if antialias {
            support = scale >= 1 ? Double(interp) * 0.5 * scale : Double(interp) * 0.5
            stride = Int(support.rounded(.up)) * 2 + 1
        } else {
            support = Double(interp) * 0.5
            stride = interp
        }
        var first = [Int](repeating: 0, count: output), count = [Int](repeating: 0, count: output)
        var weights = [Double](repeating: 0, count: output * stride)
        var maxWeight = 0.0
        for i in 0..<output {
            if antialias {
                let center = scale * (Double(i) + 0.5)
                let invscale = scale >= 1 ? 1.0 / scale : 1.0
                let xmin = max(Int(center - support + 0.5), 0)
                let xsize = min(max(min(Int(center + support + 0.5), input) - xmin, 0), stride)
                var total = 0.0
                for j in 0..<xsize {
                    let w = filter((Double(j + xmin) - center + 0.5) * invscale, cubic: cubic, a: -0.5)
                    weights[i * stride + j] = w
                    total += w
                }
                if total != 0 {
                    for j in 0..<xsize {
                        weights[i * stride + j] /= total
                        maxWeight = max(maxWeight, weights[i * stride + j])
                    }
                }
                (first[i], count[i]) = (xmin, xsize)
            } else {
                var real = scale * (Double(i) + 0.5) - 0.5
                if !cubic && real < 0 { real = 0 }
                let index = min(Int(Float(real).rounded(.down)), input - 1)
                let lambda = min(max(real - Double(index), 0), 1)
                let half = interp / 2
                let unboundMin = index - half + 1, unboundMax = index + half + 1
                let indexMin = max(unboundMin, 0)
                let indexSize = min(max(min(unboundMax, input) - indexMin, 0), stride)
                var slot = 0
                for j in 0..<stride {
                    weights[i * stride + j] = 0
                    let w = filter(Double(j + 1 - half) - lambda, cubic: cubic, a: -0.75)
                    if unboundMin + j <= 0 { slot = 0 } else if unboundMin + j >= input - 1 { slot = indexSize - 1 }
                    weights[i * stride + slot] += w
                    maxWeight = max(maxWeight, weights[i * stride + slot])
                    slot += 1
                }
                (first[i], count[i]) = (indexMin, indexSize)
            }
        }
        var precision = 0
        while precision < 22 {
            if Int(0.5 + maxWeight * Double(1 << (precision + 1))) >= (1 << 15) { break }
            precision += 1
        }
        let fixed = weights.map { w -> Int32 in
            let v = w * Double(1 << precision)
            return Int32(Int16(truncatingIfNeeded: v < 0 ? Int(-0.5 + v) : Int(0.5 + v)))
        }
        return ResizeTaps(first: first, count: count, weights: fixed, stride: stride, precision: precision)
    }

    /// Plain (not antialiased) bilinear or bicubic taps for float32, computed like PyTorch's
    /// `compute_indices_weights_linear/cubic`: two or four source indices clamped to the edge.
    static func plainFloat(input: Int, output: Int, cubic: Bool) -> ResizeTaps<Float> {
        let scale = Float(input) / Float(output)
        let n = cubic ? 4 : 2
        var taps = ResizeTaps<Float>(
            first: .init(repeating: 0, count: output * n), count: .init(repeating: n, count: output),
            weights: .init(repeating: 0, count: output * n), stride: n)
        // For these taps `first` holds every tap's source index (n per output), not a run start.
        for i in 0..<output {
            if input == output {
                taps.first[i * n] = i
                for j in 1..<n { taps.first[i * n + j] = i }
                taps.weights[i * n + (cubic ? 1 : 0)] = 1
                continue
            }
            var real = scale * (Float(i) + 0.5) - 0.5
            if cubic {
                let index = min(Int(real.rounded(.down)), input - 1)
                let t = min(max(real - Float(index), 0), 1)
                let a: Float = -0.75
                let x2 = 1 - t
                let c = [cubicFar(t + 1, a), cubicNear(t, a), cubicNear(x2, a), cubicFar(x2 + 1, a)]
                for j in 0..<4 {
                    taps.first[i * 4 + j] = min(max(index - 1 + j, 0), input - 1)
                    taps.weights[i * 4 + j] = c[j]
                }
            } else {
                if real < 0 { real = 0 }
                let i0 = Int(real)
                let i1 = i0 + (i0 < input - 1 ? 1 : 0)
                let l1 = real - Float(i0)
                taps.first[i * 2] = i0
                taps.first[i * 2 + 1] = i1
                taps.weights[i * 2] = 1 - l1
                taps.weights[i * 2 + 1] = l1
            }
        }
        return taps
    }

    /// Source indices for `nearest` and `nearest-exact`, in float32 like PyTorch's kernels.
    static func nearest(input: Int, output: Int, exact: Bool) -> [Int] {
        if input == output { return Array(0..<output) }
        if !exact && output == 2 * input { return (0..<output).map { $0 >> 1 } }
        let scale = Float(input) / Float(output)
        return (0..<output).map { i in
            let real = exact ? Float((Double(i) + 0.5) * Double(scale)) : Float(i) * scale
            return min(Int(real.rounded(.down)), input - 1)
        }
    }
}
