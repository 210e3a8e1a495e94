import Foundation

/// How `Functional.interpolate` computes each output element (`F.interpolate`'s `mode`).
public enum InterpolationMode: String, Sendable, CaseIterable {
    /// The element at `⌊o·scale⌋` (PyTorch's legacy rule, OpenCV's INTER_NEAREST).
    case nearest
    /// The element whose centre is nearest: `⌊(o + 0.5)·scale⌋` (`"nearest-exact"`, as in PIL).
    case nearestExact = "nearest-exact"
    /// Two-tap linear interpolation of 3-D input `[N, C, L]`.
    case linear
    /// Linear in both spatial dims of 4-D input `[N, C, H, W]`.
    case bilinear
    /// Cubic convolution (A = -0.75) over 4×4 neighbours of 4-D input; may overshoot the input range.
    case bicubic
    /// Linear in the three spatial dims of 5-D input.
    case trilinear
    /// Adaptive average pooling to the output size.
    case area
}

/// `F.interpolate`'s `scale_factor`: one value for every spatial dim, or one per dim.
public struct ScaleFactor: Sendable, Hashable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral {
    public let values: [Double]

    public init(_ values: [Double]) { self.values = values }
    public init(floatLiteral value: Double) { values = [value] }
    public init(integerLiteral value: Int) { values = [Double(value)] }
    public init(arrayLiteral elements: Double...) { values = elements }
}

extension Functional {
    /// Resizes the spatial dims of `input` (`F.interpolate`): 3-D `[N, C, L]`, 4-D
    /// `[N, C, H, W]` or 5-D `[N, C, D, H, W]`.
    ///
    /// Give exactly one of `size` and `scaleFactor`. With a scale factor the output size is
    /// `⌊in·scale⌋` and, unless `recomputeScaleFactor`, the given factor (not `in / out`) maps
    /// output to input coordinates — as in PyTorch, the two can differ by a fraction of a
    /// pixel. `alignCorners` (linear modes and bicubic only) maps the corner pixels' centres
    /// onto each other instead of the corners of the pixel grid.
    public static func interpolate(
        _ input: Tensor, size: IntOrTuple? = nil, scaleFactor: ScaleFactor? = nil, mode: InterpolationMode = .nearest,
        alignCorners: Bool? = nil, recomputeScaleFactor: Bool? = nil
    ) -> Tensor {
        let rank = input.dim - 2
        precondition(
            (1...3).contains(rank),
            "interpolate: Input Error: Only 3D, 4D and 5D input Tensors supported (got \(input.dim)D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got \(mode.rawValue))")
        switch mode {
        case .nearest, .nearestExact, .area:
            precondition(
                alignCorners == nil,
                "interpolate: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear")
        case .linear:
            precondition(rank == 1, "interpolate: Got \(input.dim)D input, but linear mode needs 3D input")
        case .bilinear, .bicubic:
            precondition(rank == 2, "interpolate: Got \(input.dim)D input, but \(mode.rawValue) mode needs 4D input")
        case .trilinear:
            precondition(rank == 3, "interpolate: Got \(input.dim)D input, but trilinear mode needs 5D input")
        }
        precondition(
            (size == nil) != (scaleFactor == nil),
            size == nil ? "interpolate: either size or scale_factor should be defined" : "interpolate: only one of size or scale_factor should be defined")
        let spatial = Array(input.shape.suffix(rank))
        var outSize: [Int]
        var scales: [Double?] = Array(repeating: nil, count: rank)
        if let size {
            outSize = size.expand(rank, "interpolate", "size")
        } else {
            let factors = scaleFactor!.values
            precondition(
                factors.count == 1 || factors.count == rank,
                "interpolate: Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of \(spatial) and scale_factor of shape \(factors).")
            let perDim = factors.count == 1 ? Array(repeating: factors[0], count: rank) : factors
            outSize = (0..<rank).map { Int((Double(spatial[$0]) * perDim[$0]).rounded(.down)) }
            if recomputeScaleFactor != true { scales = perDim }
        }
        precondition(
            spatial.allSatisfy { $0 > 0 } && outSize.allSatisfy { $0 > 0 },
            "interpolate: Input and output sizes should be greater than 0, but got input (\(spatial)) and output (\(outSize))")
        if mode == .area { return Pooling.adaptiveAverage(input, IntOrTuple(outSize), rank: rank, op: "interpolate") }
        precondition(input.dtype.isFloatingPoint || mode == .nearest || mode == .nearestExact,
            "interpolate: \"upsample_\(mode.rawValue)\" not implemented for '\(input.dtype.scalarTypeName)'")
        let x = input.dtype == .float16 || input.dtype == .bfloat16 ? input.to(.float32) : input
        let double = x.dtype == .float64
        let align = alignCorners ?? false
        let axes = (0..<rank).map { d -> InterpAxis in
            let (i, o, s) = (spatial[d], outSize[d], scales[d])
            switch mode {
            case .nearest: return Interpolation.nearestAxis(inSize: i, outSize: o, scale: s, exact: false)
            case .nearestExact: return Interpolation.nearestAxis(inSize: i, outSize: o, scale: s, exact: true)
            case .bicubic:
                return double
                    ? Interpolation.cubicAxis(inSize: i, outSize: o, alignCorners: align, scale: s, Double.self)
                    : Interpolation.cubicAxis(inSize: i, outSize: o, alignCorners: align, scale: s, Float.self)
            default:
                return double
                    ? Interpolation.linearAxis(inSize: i, outSize: o, alignCorners: align, scale: s, Double.self)
                    : Interpolation.linearAxis(inSize: i, outSize: o, alignCorners: align, scale: s, Float.self)
            }
        }
        let out = Resample.apply(x, InterpPlan(axes), rank: rank, name: "Upsample\(mode == .nearestExact ? "NearestExact" : mode.rawValue.capitalized)\(rank)DBackward0")
        return out.dtype == input.dtype ? out : out.to(input.dtype)
    }
}

/// PyTorch's source-index rules (`aten/src/ATen/native/UpSample.h`), reproduced with the same
/// float/double roundings.
enum Interpolation {
    /// `compute_scales_value`: `1 / scale` when a scale factor is used, else `in / out`.
    static func scaleValue<T: FloatElement>(_ scale: Double?, _ inSize: Int, _ outSize: Int, _: T.Type) -> T {
        if let scale, scale > 0 { return T(1.0 / scale) }
        return T(inSize) / T(outSize)
    }

    /// `area_pixel_compute_scale`.
    static func areaScale<T: FloatElement>(_ inSize: Int, _ outSize: Int, alignCorners: Bool, scale: Double?, _: T.Type) -> T {
        guard outSize > 1 else { return 0 }
        return alignCorners ? T(inSize - 1) / T(outSize - 1) : scaleValue(scale, inSize, outSize, T.self)
    }

    /// `area_pixel_compute_source_index`: the half-pixel offset is applied in double, then
    /// rounded to `T`; linear modes clamp negative positions to 0, cubic does not.
    static func sourceIndex<T: FloatElement>(_ scale: T, _ o: Int, alignCorners: Bool, cubic: Bool) -> T {
        if alignCorners { return scale * T(o) }
        let source = T(Double(scale) * (Double(o) + 0.5) - 0.5)
        return !cubic && source < 0 ? 0 : source
    }

    /// `guard_index_and_lambda`: the integer part (at most `inSize - 1`) and the fraction in [0, 1].
    static func indexAndLambda<T: FloatElement>(_ real: T, _ inSize: Int) -> (Int, T) {
        let index = Swift.min(Int(Float(real).rounded(.down)), inSize - 1)
        return (index, Swift.min(Swift.max(real - T(index), 0), 1))
    }

    static func nearestAxis(inSize: Int, outSize: Int, scale: Double?, exact: Bool) -> InterpAxis {
        let s = scaleValue(scale, inSize, outSize, Float.self)
        let index = (0..<outSize).map { o -> Int in
            if exact { return Swift.min(Int(Float((Double(o) + 0.5) * Double(s)).rounded(.down)), inSize - 1) }
            if outSize == inSize { return o }
            if outSize == 2 * inSize { return o >> 1 }
            return Swift.min(Int((Float(o) * s).rounded(.down)), inSize - 1)
        }
        return InterpAxis.map(inSize: inSize, index)
    }

    static func linearAxis<T: FloatElement>(inSize: Int, outSize: Int, alignCorners: Bool, scale: Double?, _: T.Type) -> InterpAxis {
        let s = areaScale(inSize, outSize, alignCorners: alignCorners, scale: scale, T.self)
        var index = [Int](), weight = [Double]()
        for o in 0..<outSize {
            let (i0, lambda) = indexAndLambda(sourceIndex(s, o, alignCorners: alignCorners, cubic: false), inSize)
            index += [i0, i0 + (i0 < inSize - 1 ? 1 : 0)]
            weight += [Double(1 - lambda), Double(lambda)]
        }
        return InterpAxis(inSize: inSize, taps: 2, index: index, weight: weight)
    }

    static func cubicAxis<T: FloatElement>(inSize: Int, outSize: Int, alignCorners: Bool, scale: Double?, _: T.Type) -> InterpAxis {
        let s = areaScale(inSize, outSize, alignCorners: alignCorners, scale: scale, T.self)
        var index = [Int](), weight = [Double]()
        let A: T = -0.75
        func near(_ x: T) -> T { ((A + 2) * x - (A + 3)) * x * x + 1 }
        func far(_ x: T) -> T { ((A * x - 5 * A) * x + 8 * A) * x - 4 * A }
        for o in 0..<outSize {
            let (i0, t) = indexAndLambda(sourceIndex(s, o, alignCorners: alignCorners, cubic: true), inSize)
            for j in 0..<4 { index.append(Swift.max(Swift.min(i0 - 1 + j, inSize - 1), 0)) }
            weight += [far(t + 1), near(t), near(1 - t), far(1 - t + 1)].map { Double($0) }
        }
        return InterpAxis(inSize: inSize, taps: 4, index: index, weight: weight)
    }
}

/// The differentiable separable resampling primitive: a plan applied to the last `rank` dims
/// and its adjoint, each the other's backward.
enum Resample {
    static func apply(_ x: Tensor, _ plan: InterpPlan, rank: Int, name: String) -> Tensor {
        let xc = x.detach().contiguous()
        let outShape = Array(x.shape.dropLast(rank)) + plan.axes.suffix(rank).map(\.outSize)
        let out = Tensor(empty: outShape, dtype: x.dtype)
        let planes = x.shape.dropLast(rank).reduce(1, *)
        switch x.dtype {
        case .float64: InterpolateKernels.forward(xc.pointer(as: Double.self), planes: planes, plan, into: out.pointer(as: Double.self))
        case .float32: InterpolateKernels.forward(xc.pointer(as: Float.self), planes: planes, plan, into: out.pointer(as: Float.self))
        default:
            // Index maps copy any dtype: move the bits through a same-width float or int view.
            precondition(plan.isGather, "internal: weighted resampling of \(x.dtype)")
            return gatherAny(xc, plan, outShape: outShape, planes: planes)
        }
        let inputShape = x.shape
        return Autograd.record(name, inputs: [x], output: out) { grad, _ in
            [adjoint(grad, plan, inputShape: inputShape, rank: rank, name: name)]
        }
    }

    static func adjoint(_ grad: Tensor, _ plan: InterpPlan, inputShape: [Int], rank: Int, name: String) -> Tensor {
        if grad.dtype == .float16 || grad.dtype == .bfloat16 {
            return adjoint(grad.to(.float32), plan, inputShape: inputShape, rank: rank, name: name).to(grad.dtype)
        }
        let g = grad.detach().contiguous()
        let result = Tensor.zeros(inputShape, dtype: g.dtype)
        let planes = inputShape.dropLast(rank).reduce(1, *)
        if g.dtype == .float64 {
            InterpolateKernels.adjoint(g.pointer(as: Double.self), planes: planes, plan, into: result.pointer(as: Double.self))
        } else {
            InterpolateKernels.adjoint(g.pointer(as: Float.self), planes: planes, plan, into: result.pointer(as: Float.self))
        }
        return Autograd.record("\(name)Backward", inputs: [grad], output: result) { grad, _ in
            [apply(grad, plan, rank: rank, name: name)]
        }
    }

    /// Index-map plans on integer, bool and half tensors (nearest modes, padding): copies of
    /// the element bits, through a float or integer type of the same width.
    private static func gatherAny(_ x: Tensor, _ plan: InterpPlan, outShape: [Int], planes: Int) -> Tensor {
        let out = Tensor(empty: outShape, dtype: x.dtype)
        func run<T: TensorElement>(_: T.Type) {
            let src = UnsafeRawPointer(x.dataPointer).assumingMemoryBound(to: T.self)
            let dst = out.dataPointer.assumingMemoryBound(to: T.self)
            let (ad, ah, aw) = (plan.axes[0], plan.axes[1], plan.axes[2])
            let (H, W) = (ah.inSize, aw.inSize)
            var o = 0
            for p in 0..<planes {
                let base = src + p * plan.inPlane
                for od in 0..<ad.outSize {
                    for oh in 0..<ah.outSize {
                        let row = base + (ad.index[od] * H + ah.index[oh]) * W
                        for ow in 0..<aw.outSize {
                            dst[o] = row[aw.index[ow]]
                            o += 1
                        }
                    }
                }
            }
        }
        switch x.dtype.itemSize {
        case 8: run(Int64.self)
        case 4: run(Int32.self)
        case 2: run(Int16.self)
        default: run(UInt8.self)
        }
        return out
    }
}
