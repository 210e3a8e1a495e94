import CEmberKernels

/// Fused `F.layer_norm` for contiguous float32 rows (what transformers run): one C pass for
/// the statistics and one for `(x·rstd − mean·rstd)·weight + bias`, PyTorch's CPU formula,
/// with `NativeLayerNormBackward0` built from differentiable ops (so double backward works).
enum LayerNormKernel {
    /// The normalised tensor, or nil when the fused path does not apply (other dtypes,
    /// non-contiguous operands); the composite formula then runs.
    static func forward(_ input: Tensor, normalizedCount k: Int, weight: Tensor?, bias: Tensor?, eps: Double) -> Tensor? {
        guard input.dtype == .float32, input.isContiguous, input.count > 0,
            weight.map({ $0.dtype == .float32 && $0.isContiguous }) ?? true,
            bias.map({ $0.dtype == .float32 && $0.isContiguous }) ?? true
        else { return nil }
        let n = input.shape.suffix(k).reduce(1, *)
        let rows = input.count / n
        var statShape = input.shape
        for d in (input.dim - k)..<input.dim { statShape[d] = 1 }
        let out = Tensor(empty: input.shape, dtype: .float32)
        let mean = Tensor(empty: statShape, dtype: .float32), rstd = Tensor(empty: statShape, dtype: .float32)
        let (px, py) = (UnsafePointer(input.pointer(as: Float.self)), out.pointer(as: Float.self))
        let (pm, pr) = (mean.pointer(as: Float.self), rstd.pointer(as: Float.self))
        let pw = weight.map { UnsafePointer($0.pointer(as: Float.self)) }
        let pb = bias.map { UnsafePointer($0.pointer(as: Float.self)) }
        parallelFor(rows, grain: Swift.max(1, elementwiseGrain / Swift.max(n, 1))) { range in
            let offset = range.lowerBound
            ember_layer_norm_f32(
                px + offset * n, pw, pb, py + offset * n, pm + offset, pr + offset, Int64(range.count), Int64(n), Float(eps))
        }
        withExtendedLifetime((input, weight, bias)) {}

        let inputs = [input] + [weight, bias].compactMap { $0 }
        let (hasWeight, hasBias) = (weight != nil, bias != nil)
        let outerDims = Array(0..<(input.dim - k)), normalizedDims = Array((input.dim - k)..<input.dim)
        let saving = [input, mean, rstd] + (weight.map { [$0] } ?? [])
        return Autograd.record("NativeLayerNormBackward0", inputs: inputs, output: out, saving: saving) { grad, saved in
            let (x, mean, rstd) = (saved[0], saved[1], saved[2])
            let normalized = (x - mean) * rstd
            let gradNormalized = hasWeight ? grad * saved[3] : grad
            let gradInput = rstd * (gradNormalized - gradNormalized.mean(dims: normalizedDims, keepDim: true)
                - normalized * (gradNormalized * normalized).mean(dims: normalizedDims, keepDim: true))
            var grads: [Tensor?] = [gradInput]
            if hasWeight { grads.append(outerDims.isEmpty ? grad * normalized : (grad * normalized).sum(dims: outerDims)) }
            if hasBias { grads.append(outerDims.isEmpty ? grad : grad.sum(dims: outerDims)) }
            return grads
        }
    }
}
