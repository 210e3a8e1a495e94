import Foundation

/// The kernels behind every op that reads or writes elements at positions held in index
/// tensors: advanced indexing and index_put, gather/scatter, index_select/index_add.
///
/// An `IndexPlan` describes the loop once: over `shape`, the element of the indexed tensor is
/// at `Σ coord·dataStrides + Σₖ index_k(coord)·dimStrides[k]`, where each index tensor is read
/// with its own strides over `shape` (0 where it broadcasts). The plan runs through
/// `StridedLoop`, so any layout of the output, the data and the indices works.
struct IndexPlan {
    var shape: [Int]
    /// Strides of the indexed tensor over `shape` (0 on the dims the indices select).
    var dataStrides: [Int]
    /// Int64 index tensors.
    var indices: [Tensor]
    /// Each index tensor's strides over `shape`.
    var indexStrides: [[Int]]
    /// The size of the dimension each index selects in (for bounds and negative indices).
    var dimSizes: [Int]
    /// The stride of that dimension in the indexed tensor.
    var dimStrides: [Int]
    /// The dimension each index selects in, as the error message names it.
    var dimNames: [Int]
    /// Advanced indexing counts negative indices from the end; gather, scatter and
    /// index_select/index_add reject them, as PyTorch does.
    var allowsNegative: Bool = false
}

/// Moving elements needs only their width: kernels are specialised on an unsigned integer of
/// the element's size, so one specialisation serves float32, int32, ... alike.
protocol ElementWidthVisitor {
    associatedtype Result
    func visit<W: FixedWidthInteger & UnsignedInteger>(_ type: W.Type) -> Result
}

extension DType {
    func visitWidth<V: ElementWidthVisitor>(_ visitor: V) -> V.Result {
        switch itemSize {
        case 1: return visitor.visit(UInt8.self)
        case 2: return visitor.visit(UInt16.self)
        case 4: return visitor.visit(UInt32.self)
        default: return visitor.visit(UInt64.self)
        }
    }
}

enum IndexKernels {
    /// Elements per task below which gathering runs on one thread.
    static let grain = 16_384

    @inline(__always)
    static func wrap(_ raw: Int64, size: Int, dim: Int, negative: Bool = true) -> Int {
        let i = Int(raw)
        let j = i < 0 && negative ? i + size : i
        precondition(j >= 0 && j < size, "index \(i) is out of bounds for dimension \(dim) with size \(size)")
        return j
    }

    /// `out[coord] = data[plan(coord)]`; `out` has the plan's shape, any strides.
    static func gather(_ plan: IndexPlan, from data: Tensor, into out: Tensor) {
        precondition(out.shape == plan.shape && out.dtype == data.dtype, "internal: gather plan mismatch")
        if out.count == 0 { return }
        out.dtype.visitWidth(GatherKernel(plan: plan, data: data, out: out))
    }

    /// `data[plan(coord)] = source[coord]` (or combined by `reduce`); `source` is read with
    /// `sourceStrides` over the plan's shape and already has `data`'s dtype. Runs on one thread
    /// so repeated indices resolve in order (the last write wins, sums are deterministic).
    static func scatter(
        _ plan: IndexPlan, into data: Tensor, from source: Tensor, sourceStrides: [Int], reduce: ScatterReduce?
    ) {
        precondition(source.dtype == data.dtype, "internal: scatter dtype mismatch")
        if plan.shape.reduce(1, *) == 0 { return }
        if let reduce {
            data.dtype.visit(
                AccumulateKernel(plan: plan, data: data, source: source, sourceStrides: sourceStrides, reduce: reduce))
        } else {
            data.dtype.visitWidth(
                ScatterKernel(plan: plan, data: data, source: source, sourceStrides: sourceStrides))
        }
    }

    /// The pointers of the index tensors, for use inside kernels.
    static func indexPointers(_ plan: IndexPlan) -> [UnsafeMutablePointer<Int64>] {
        plan.indices.map { $0.pointer(as: Int64.self) }
    }

    /// Offset contribution of all indices at one element of a run.
    @inline(__always)
    static func indexOffset(
        _ plan: IndexPlan, _ pointers: [UnsafeMutablePointer<Int64>], _ offsets: UnsafePointer<Int>,
        first: Int, inner: [Int], at i: Int
    ) -> Int {
        var offset = 0
        for k in 0..<pointers.count {
            let raw = pointers[k][offsets[first + k] + i * inner[first + k]]
            offset += wrap(raw, size: plan.dimSizes[k], dim: plan.dimNames[k], negative: plan.allowsNegative) * plan.dimStrides[k]
        }
        return offset
    }
}

private struct GatherKernel: ElementWidthVisitor {
    let plan: IndexPlan, data: Tensor, out: Tensor
    func visit<W: FixedWidthInteger & UnsignedInteger>(_: W.Type) {
        let po = out.dataPointer.assumingMemoryBound(to: W.self)
        let pd = data.dataPointer.assumingMemoryBound(to: W.self)
        let loop = StridedLoop(shape: plan.shape, strides: [out.strides, plan.dataStrides] + plan.indexStrides)
        let inner = loop.innerStrides
        let pointers = IndexKernels.indexPointers(plan)
        let (so, sd) = (inner[0], inner[1])
        if pointers.count == 1 {
            let p = pointers[0], si = inner[2]
            let size = plan.dimSizes[0], dimStride = plan.dimStrides[0], dim = plan.dimNames[0]
            let negative = plan.allowsNegative
            loop.forEachRun(grain: IndexKernels.grain) { offsets, n in
                let o = po + offsets[0], d = pd + offsets[1], ip = p + offsets[2]
                if so == 1 && sd == 0 && dimStride == 1 {
                    for i in 0..<n { o[i] = d[IndexKernels.wrap(ip[i * si], size: size, dim: dim, negative: negative)] }
                } else {
                    for i in 0..<n {
                        o[i * so] = d[i * sd + IndexKernels.wrap(ip[i * si], size: size, dim: dim, negative: negative) * dimStride]
                    }
                }
            }
        } else {
            loop.forEachRun(grain: IndexKernels.grain) { offsets, n in
                let o = po + offsets[0], d = pd + offsets[1]
                for i in 0..<n {
                    let at = IndexKernels.indexOffset(plan, pointers, offsets, first: 2, inner: inner, at: i)
                    o[i * so] = d[i * sd + at]
                }
            }
        }
    }
}

private struct ScatterKernel: ElementWidthVisitor {
    let plan: IndexPlan, data: Tensor, source: Tensor, sourceStrides: [Int]
    func visit<W: FixedWidthInteger & UnsignedInteger>(_: W.Type) {
        let ps = source.dataPointer.assumingMemoryBound(to: W.self)
        let pd = data.dataPointer.assumingMemoryBound(to: W.self)
        let loop = StridedLoop(shape: plan.shape, strides: [sourceStrides, plan.dataStrides] + plan.indexStrides)
        let inner = loop.innerStrides
        let pointers = IndexKernels.indexPointers(plan)
        loop.forEachRun(grain: Int.max) { offsets, n in
            let s = ps + offsets[0], d = pd + offsets[1]
            for i in 0..<n {
                let at = IndexKernels.indexOffset(plan, pointers, offsets, first: 2, inner: inner, at: i)
                d[i * inner[1] + at] = s[i * inner[0]]
            }
        }
    }
}

/// How scatter-like ops combine a new value with the one already there (PyTorch's `reduce=`
/// of `scatter`, and the accumulation of `index_put_`, `scatter_add`, `index_add`).
public enum ScatterReduce: Sendable {
    case add, multiply
}

/// Combines instead of storing: the one place where the element type matters, so this kernel
/// dispatches on the dtype (half types compute in float32 and round once; bools add as `or`
/// and multiply as `and`, as PyTorch's do).
private struct AccumulateKernel: DTypeVisitor {
    let plan: IndexPlan, data: Tensor, source: Tensor, sourceStrides: [Int], reduce: ScatterReduce

    func visit<T: TensorElement>(_: T.Type) {
        let add = reduce == .add
        switch T.self {
        case is Float.Type: add ? run(Float.self) { $0 + $1 } : run(Float.self) { $0 * $1 }
        case is Double.Type: add ? run(Double.self) { $0 + $1 } : run(Double.self) { $0 * $1 }
        case is Float16.Type:
            add ? run(Float16.self) { Float16(Float($0) + Float($1)) } : run(Float16.self) { Float16(Float($0) * Float($1)) }
        case is BFloat16.Type:
            add ? run(BFloat16.self) { BFloat16($0.floatValue + $1.floatValue) }
                : run(BFloat16.self) { BFloat16($0.floatValue * $1.floatValue) }
        case is Int64.Type: add ? run(Int64.self) { $0 &+ $1 } : run(Int64.self) { $0 &* $1 }
        case is Int32.Type: add ? run(Int32.self) { $0 &+ $1 } : run(Int32.self) { $0 &* $1 }
        case is Int16.Type: add ? run(Int16.self) { $0 &+ $1 } : run(Int16.self) { $0 &* $1 }
        case is Int8.Type: add ? run(Int8.self) { $0 &+ $1 } : run(Int8.self) { $0 &* $1 }
        case is UInt8.Type: add ? run(UInt8.self) { $0 &+ $1 } : run(UInt8.self) { $0 &* $1 }
        default: add ? run(Bool.self) { $0 || $1 } : run(Bool.self) { $0 && $1 }
        }
    }

    @inline(__always)
    private func run<T: TensorElement>(_: T.Type, _ add: (T, T) -> T) {
        let ps = source.pointer(as: T.self), pd = data.pointer(as: T.self)
        let loop = StridedLoop(shape: plan.shape, strides: [sourceStrides, plan.dataStrides] + plan.indexStrides)
        let inner = loop.innerStrides
        let pointers = IndexKernels.indexPointers(plan)
        loop.forEachRun(grain: Int.max) { offsets, n in
            let s = ps + offsets[0], d = pd + offsets[1]
            for i in 0..<n {
                let at = IndexKernels.indexOffset(plan, pointers, offsets, first: 2, inner: inner, at: i)
                let p = d + (i * inner[1] + at)
                p.pointee = add(p.pointee, s[i * inner[0]])
            }
        }
    }
}

/// Copies `count` bytes on the intra-op pool (large contiguous moves: cat, stack, index_select).
func parallelCopyBytes(_ destination: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, count: Int) {
    let chunk = 1 << 20
    if count <= chunk {
        memcpy(destination, source, count)
        return
    }
    let pieces = (count + chunk - 1) / chunk
    parallelFor(pieces, grain: 4) { range in
        let start = range.lowerBound * chunk
        let end = min(range.upperBound * chunk, count)
        memcpy(destination + start, source + start, end - start)
    }
}
