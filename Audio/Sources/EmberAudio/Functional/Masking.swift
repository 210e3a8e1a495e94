import Ember

extension Functional {
    /// SpecAugment masking with one mask for the whole batch
    /// (`torchaudio.functional.mask_along_axis`): a band of width v ~ U[0, maxV) starting at
    /// v₀ ~ U[0, size − v) along `axis` (the frequency or time axis, one of the last two) is
    /// set to `maskValue`, with maxV = maskParam, or min(maskParam, ⌊size·p⌋) when p < 1.
    ///
    /// The two draws are float32 `rand(1)` calls on `generator` (the default generator when
    /// nil), so a generator seeded like `torch.manual_seed(s)` gives torchaudio's mask.
    /// Differentiable (a `maskedFill`).
    public static func maskAlongAxis(
        _ specgram: Tensor, maskParam: Int, maskValue: Double, axis: Int, p: Double = 1, generator: Generator? = nil
    ) -> Tensor {
        let dim = specgram.dim
        precondition(dim >= 2, "mask_along_axis: Spectrogram must have at least two dimensions (time and frequency) (\(dim) given).")
        let axis = maskAxis(axis, dim: dim, op: "mask_along_axis")
        precondition((0...1).contains(p), "mask_along_axis: The value of p must be between 0.0 and 1.0 (\(p) given).")
        let size = specgram.size(axis)
        let param = effectiveMaskParam(maskParam, p: p, size: size)
        if param < 1 { return specgram }
        let value = Tensor.rand([1], generator: generator).mul(.int(Int64(param)))
        let minValue = Tensor.rand([1], generator: generator).mul(Scalar.int(Int64(size)) - value)
        let start = Int(minValue.long().item(Int64.self)), width = Int(value.long().item(Int64.self))
        var flags = [Bool](repeating: false, count: size)
        for i in start..<min(start + width, size) { flags[i] = true }
        var mask = Tensor(flags, shape: [size])
        if axis == dim - 2 { mask = mask.unsqueeze(-1) }
        return specgram.maskedFill(mask, .double(maskValue))
    }

    /// SpecAugment masking with an independent mask per example and channel
    /// (`torchaudio.functional.mask_along_axis_iid`): like
    /// ``maskAlongAxis(_:maskParam:maskValue:axis:p:generator:)`` but the widths and starts are
    /// drawn as two `rand(batchShape)` tensors in the spectrogram's dtype, one per leading
    /// index. `specgrams` needs at least three dimensions.
    public static func maskAlongAxisIID(
        _ specgrams: Tensor, maskParam: Int, maskValue: Double, axis: Int, p: Double = 1, generator: Generator? = nil
    ) -> Tensor {
        let dim = specgrams.dim
        precondition(dim >= 3, "mask_along_axis_iid: Spectrogram must have at least three dimensions (\(dim) given).")
        precondition(specgrams.dtype.isFloatingPoint, "mask_along_axis_iid: expected a floating spectrogram, got \(specgrams.dtype)")
        let axis = maskAxis(axis, dim: dim, op: "mask_along_axis_iid")
        precondition((0...1).contains(p), "mask_along_axis_iid: The value of p must be between 0.0 and 1.0 (\(p) given).")
        let size = specgrams.size(axis)
        let param = effectiveMaskParam(maskParam, p: p, size: size)
        if param < 1 { return specgrams }
        let batchShape = Array(specgrams.shape.prefix(dim - 2))
        let value = Tensor.rand(batchShape, dtype: specgrams.dtype, generator: generator).mul(.int(Int64(param)))
        let minValue = Tensor.rand(batchShape, dtype: specgrams.dtype, generator: generator)
            .mul(Scalar.int(Int64(size)) - value)
        let starts = minValue.long().toArray(Int64.self), widths = value.long().toArray(Int64.self)
        var flags = [Bool](repeating: false, count: starts.count * size)
        for b in 0..<starts.count {
            let start = Int(starts[b]), end = min(start + Int(widths[b]), size)
            for i in start..<max(start, end) { flags[b * size + i] = true }
        }
        let maskShape = batchShape + (axis == dim - 1 ? [1, size] : [size, 1])
        return specgrams.maskedFill(Tensor(flags, shape: maskShape), .double(maskValue))
    }

    /// torchaudio's `_get_mask_param`.
    static func effectiveMaskParam(_ maskParam: Int, p: Double, size: Int) -> Int {
        p == 1 ? maskParam : min(maskParam, Int(Double(size) * p))
    }

    /// `axis` (negative counts from the end) checked to be one of the last two dimensions.
    static func maskAxis(_ axis: Int, dim: Int, op: String) -> Int {
        let a = axis < 0 ? axis + dim : axis
        precondition(
            a == dim - 2 || a == dim - 1,
            "\(op): Only Frequency and Time masking are supported (axis \(dim - 2) and axis \(dim - 1) supported; \(axis) given).")
        return a
    }
}
