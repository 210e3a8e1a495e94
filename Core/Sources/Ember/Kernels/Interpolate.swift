/// Separable resampling: every output element is a weighted sum over a small grid of input
/// elements, the grid being the product of per-axis taps. Interpolation (nearest, linear,
/// cubic) and index-mapping padding (reflect, replicate, circular) are all plans of this kind.
///
/// Along one axis, output `o` reads input positions `index[o·taps + t]` with weights
/// `weight[o·taps + t]`. Weights are stored as doubles holding values already rounded to the
/// element type the plan was built for (PyTorch computes them in the element type).
struct InterpAxis: Sendable {
    let inSize: Int
    let taps: Int
    let index: [Int]
    let weight: [Double]

    var outSize: Int { taps == 0 ? 0 : index.count / taps }

    /// An axis of size 1 that the kernels walk once.
    static let unit = InterpAxis(inSize: 1, taps: 1, index: [0], weight: [1])

    /// A pure index map (one tap of weight 1 per output).
    static func map(inSize: Int, _ index: [Int]) -> InterpAxis {
        InterpAxis(inSize: inSize, taps: 1, index: index, weight: Array(repeating: 1, count: index.count))
    }
}

/// Three axes (depth, height, width); 1-d and 2-d plans get leading unit axes.
struct InterpPlan: Sendable {
    let axes: [InterpAxis]

    init(_ axes: [InterpAxis]) { self.axes = Array(repeating: InterpAxis.unit, count: 3 - axes.count) + axes }

    var inPlane: Int { axes[0].inSize * axes[1].inSize * axes[2].inSize }
    var outPlane: Int { axes[0].outSize * axes[1].outSize * axes[2].outSize }
    /// True when every axis is an index map: the plan copies elements.
    var isGather: Bool { axes.allSatisfy { $0.taps == 1 && $0.weight.allSatisfy { $0 == 1 } } }
}

enum InterpolateKernels {
    private static func grain(_ plan: InterpPlan) -> Int {
        Swift.max(1, elementwiseGrain / Swift.max(plan.outPlane * plan.axes.map(\.taps).reduce(1, *), 1))
    }

    /// The plan's offsets (premultiplied by their axis's stride) and weights as raw pointers:
    /// reading arrays inside hot loops costs reference counting.
    private struct Table<T> {
        let id, ih, iw: UnsafePointer<Int>
        let wd, wh, ww: UnsafePointer<T>
    }

    private static func withTable<T: FloatElement, R>(_ plan: InterpPlan, _: T.Type, _ body: (Table<T>) -> R) -> R {
        let (ad, ah, aw) = (plan.axes[0], plan.axes[1], plan.axes[2])
        let (H, W) = (ah.inSize, aw.inSize)
        let offsets = ad.index.map { $0 * H * W } + ah.index.map { $0 * W } + aw.index
        let weights = (ad.weight + ah.weight + aw.weight).map { T($0) }
        let (nd, nh) = (ad.index.count, ah.index.count)
        return offsets.withUnsafeBufferPointer { o in
            weights.withUnsafeBufferPointer { w in
                let (o, w) = (o.baseAddress!, w.baseAddress!)
                return body(Table(id: o, ih: o + nd, iw: o + nd + nh, wd: w, wh: w + nd, ww: w + nd + nh))
            }
        }
    }

    /// `out[p] = plan(x[p])` for `planes` contiguous planes. Sums run over the last axis first,
    /// then outward, as PyTorch's separable kernels do.
    static func forward<T: FloatElement>(_ x: UnsafePointer<T>, planes: Int, _ plan: InterpPlan, into out: UnsafeMutablePointer<T>) {
        let (OD, OH, OW) = (plan.axes[0].outSize, plan.axes[1].outSize, plan.axes[2].outSize)
        let (td, th, tw) = (plan.axes[0].taps, plan.axes[1].taps, plan.axes[2].taps)
        let (inPlane, outPlane) = (plan.inPlane, plan.outPlane)
        let gather = plan.isGather
        let (px, po) = (UInt(bitPattern: x), UInt(bitPattern: out))
        withTable(plan, T.self) { t in
            parallelFor(planes, grain: grain(plan)) { range in
                for p in range {
                    let src = UnsafePointer<T>(bitPattern: px)! + p * inPlane
                    var dst = UnsafeMutablePointer<T>(bitPattern: po)! + p * outPlane
                    for od in 0..<OD {
                        for oh in 0..<OH {
                            if gather {
                                let row = src + t.id[od] + t.ih[oh]
                                for ow in 0..<OW { dst[ow] = row[t.iw[ow]] }
                                dst += OW
                                continue
                            }
                            for ow in 0..<OW {
                                var acc: T = 0
                                for a in 0..<td {
                                    var accH: T = 0
                                    for b in 0..<th {
                                        let row = src + t.id[od * td + a] + t.ih[oh * th + b]
                                        var accW = row[t.iw[ow * tw]] * t.ww[ow * tw]
                                        for c in 1..<Swift.max(tw, 1) { accW += row[t.iw[ow * tw + c]] * t.ww[ow * tw + c] }
                                        accH = b == 0 ? accW * t.wh[oh * th] : accH + accW * t.wh[oh * th + b]
                                    }
                                    acc = a == 0 ? accH * t.wd[od * td] : acc + accH * t.wd[od * td + a]
                                }
                                dst[ow] = acc
                            }
                            dst += OW
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of `forward`: each output gradient times the tap weights, added to its taps'
    /// input positions, into zeroed planes.
    static func adjoint<T: FloatElement>(_ grad: UnsafePointer<T>, planes: Int, _ plan: InterpPlan, into result: UnsafeMutablePointer<T>) {
        let (OD, OH, OW) = (plan.axes[0].outSize, plan.axes[1].outSize, plan.axes[2].outSize)
        let (td, th, tw) = (plan.axes[0].taps, plan.axes[1].taps, plan.axes[2].taps)
        let (inPlane, outPlane) = (plan.inPlane, plan.outPlane)
        let gather = plan.isGather
        let (pg, pr) = (UInt(bitPattern: grad), UInt(bitPattern: result))
        withTable(plan, T.self) { t in
            parallelFor(planes, grain: grain(plan)) { range in
                for p in range {
                    var g = UnsafePointer<T>(bitPattern: pg)! + p * outPlane
                    let dst = UnsafeMutablePointer<T>(bitPattern: pr)! + p * inPlane
                    for od in 0..<OD {
                        for oh in 0..<OH {
                            if gather {
                                let row = dst + t.id[od] + t.ih[oh]
                                for ow in 0..<OW { row[t.iw[ow]] += g[ow] }
                                g += OW
                                continue
                            }
                            for ow in 0..<OW {
                                let value = g[ow]
                                for a in 0..<td {
                                    for b in 0..<th {
                                        let row = dst + t.id[od * td + a] + t.ih[oh * th + b]
                                        let outer = t.wd[od * td + a] * t.wh[oh * th + b]
                                        for c in 0..<tw { row[t.iw[ow * tw + c]] += outer * t.ww[ow * tw + c] * value }
                                    }
                                }
                            }
                            g += OW
                        }
                    }
                }
            }
        }
    }
}
