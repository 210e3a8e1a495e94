/// How `Functional.pad` fills the new border (`F.pad`'s `mode` and `value`).
public enum PaddingMode: Sendable, Hashable {
    /// A constant value (PyTorch's default, 0).
    case constant(Double)
    /// Mirror without repeating the edge: `[a b c]` padded by 2 is `c b [a b c] b a`.
    case reflect
    /// Repeat the edge: `a a [a b c] c c`.
    case replicate
    /// Wrap around: `b c [a b c] a b`.
    case circular

    /// `.constant(0)`.
    public static let zeros = PaddingMode.constant(0)
}

extension Functional {
    /// Pads `input` (`F.pad`). `pad` lists (before, after) pairs starting from the last dim:
    /// `[left, right]` pads the last dim, `[left, right, top, bottom]` the last two, and so on.
    /// Negative sizes crop.
    ///
    /// Constant padding works on any number of dims; reflect, replicate and circular pad the
    /// last 1, 2 or 3 dims of an input with one or two more dims (a batch and/or channel dim),
    /// as in PyTorch. Reflect padding must be smaller than the padded dim; circular padding
    /// at most its size.
    public static func pad(_ input: Tensor, _ pad: [Int], mode: PaddingMode = .zeros) -> Tensor {
        precondition(pad.count % 2 == 0, "pad: Padding length must be divisible by 2")
        precondition(
            pad.count / 2 <= input.dim,
            "pad: Padding length should be less than or equal to two times the input dimension but got padding length \(pad.count) and input of dimension \(input.dim)")
        if case .constant(let value) = mode { return Padding.constant(input, pad, value: value) }
        let rank = pad.count / 2
        precondition(
            (1...3).contains(rank) && (input.dim == rank + 1 || input.dim == rank + 2),
            "pad: Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now (got padding length \(pad.count) for input of size \(input.shape))")
        if input.dtype == .float16 || input.dtype == .bfloat16 {
            return Functional.pad(input.to(.float32), pad, mode: mode).to(input.dtype)
        }
        var axes: [InterpAxis] = []
        for d in 0..<rank {
            let dim = input.dim - rank + d
            let n = input.shape[dim]
            let (before, after) = (pad[2 * (rank - 1 - d)], pad[2 * (rank - 1 - d) + 1])
            let outSize = n + before + after
            precondition(
                outSize > 0,
                "pad: input size \(n), plus padding \(before) and \(after) resulted in a non-positive output size \(outSize) at dimension \(dim) of input \(input.shape)")
            let index: [Int]
            switch mode {
            case .reflect:
                precondition(
                    before < n && after < n,
                    "pad: Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (\(before), \(after)) at dimension \(dim) of input \(input.shape)")
                index = (0..<outSize).map { o in
                    let i = o - before
                    return i < 0 ? -i : (i >= n ? 2 * (n - 1) - i : i)
                }
            case .replicate:
                index = (0..<outSize).map { Swift.min(Swift.max($0 - before, 0), n - 1) }
            case .circular:
                precondition(
                    before <= n && after <= n,
                    "pad: Padding value causes wrapping around more than once (padding (\(before), \(after)) at dimension \(dim) of input \(input.shape)).")
                index = (0..<outSize).map { (($0 - before) % n + n) % n }
            case .constant:
                preconditionFailure("unreachable")
            }
            axes.append(InterpAxis.map(inSize: n, index))
        }
        let name: String
        switch mode {
        case .reflect: name = "ReflectionPad\(rank)DBackward0"
        case .replicate: name = "ReplicationPad\(rank)DBackward0"
        default: name = "CircularPad\(rank)DBackward0"
        }
        return Resample.apply(input, InterpPlan(axes), rank: rank, name: name)
    }
}

enum Padding {
    /// Constant padding of any number of dims: the overlap of input and output is copied into
    /// a filled tensor. Its adjoint is constant padding by the negated sizes with zeros (crop
    /// what was added, zero-fill what was cropped), which is also its backward.
    static func constant(_ input: Tensor, _ pad: [Int], value: Double) -> Tensor {
        let rank = pad.count / 2
        var outShape = input.shape
        var source: [(dim: Int, start: Int, length: Int)] = [], target: [(dim: Int, start: Int, length: Int)] = []
        for k in 0..<rank {
            let dim = input.dim - 1 - k
            let (before, after) = (pad[2 * k], pad[2 * k + 1])
            let n = input.shape[dim]
            let size = n + before + after
            precondition(
                size >= 0,
                "pad: The input size \(n), plus negative padding \(before) and \(after) resulted in a negative output size, which is invalid. Check dimension \(dim) of your input.")
            outShape[dim] = size
            let (srcStart, dstStart) = (Swift.max(0, -before), Swift.max(0, before))
            let length = Swift.max(0, Swift.min(n - srcStart, size - dstStart))
            source.append((dim, srcStart, length))
            target.append((dim, dstStart, length))
        }
        let fill: Scalar = input.dtype.isFloatingPoint ? .double(value) : (input.dtype == .bool ? .bool(value != 0) : .int(Int64(value)))
        let out = Tensor.full(outShape, fill, dtype: input.dtype)
        if out.count > 0 && source.allSatisfy({ $0.length > 0 }) {
            withNoGrad {
                var src = input.detach(), dst = out
                for (s, t) in zip(source, target) {
                    src = src.narrow(s.dim, start: s.start, length: s.length)
                    dst = dst.narrow(t.dim, start: t.start, length: t.length)
                }
                _ = dst.copy_(src)
            }
        }
        let negated = pad.map { -$0 }
        return Autograd.record("ConstantPadNdBackward0", inputs: [input], output: out) { grad, _ in
            [constant(grad, negated, value: 0)]
        }
    }
}
