import CEmberKernels

/// Gradient clipping, PyTorch's `torch.nn.utils.clip_grad_norm_`, `clip_grad_value_`,
/// `get_total_norm` and `clip_grads_with_norm_`, as free functions with Swift argument labels:
///
/// ```swift
/// loss.backward()
/// let norm = try clipGradNorm_(model.parameters(), maxNorm: 1.0)   // total norm before clipping
/// optimizer.step()
/// ```
///
/// The trailing underscore marks in-place work on the parameters' `.grad`, as Ember's
/// in-place tensor ops do. Parameters without a gradient are skipped.

/// The total norm is NaN or infinite and `errorIfNonfinite` was set.
public struct NonfiniteGradientNormError: Error, CustomStringConvertible {
    public let normType: Double
    public let norm: Double

    public var description: String {
        "The total norm of order \(normType) for gradients from `parameters` is non-finite (\(norm)), so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set errorIfNonfinite: false"
    }
}

/// Scales the gradients of `parameters` in place so that their total `normType`-norm is at
/// most `maxNorm` (`torch.nn.utils.clip_grad_norm_`); returns the total norm before clipping
/// as a 0-d tensor.
///
/// The total norm is the norm of the per-gradient norms, as if all gradients were one vector;
/// `normType` may be `.infinity`. Every gradient is multiplied by
/// `min(maxNorm / (total + 1e-6), 1)`. Throws `NonfiniteGradientNormError` when the norm is
/// NaN or infinite and `errorIfNonfinite` is set (the gradients are then left alone).
@discardableResult
public func clipGradNorm_(
    _ parameters: [Tensor], maxNorm: Double, normType: Double = 2, errorIfNonfinite: Bool = false
) throws -> Tensor {
    let total = try gradTotalNorm(parameters.compactMap(\.grad), normType: normType, errorIfNonfinite: errorIfNonfinite)
    clipGradsWithNorm_(parameters, maxNorm: maxNorm, totalNorm: total)
    return total
}

/// The `normType`-norm of `tensors` seen as one vector (`torch.nn.utils.get_total_norm`): the
/// norm of their norms, in the promoted dtype of the tensors; 0 for no tensors.
public func gradTotalNorm(_ tensors: [Tensor], normType: Double = 2, errorIfNonfinite: Bool = false) throws -> Tensor {
    let total: Tensor = withNoGrad {
        guard let first = tensors.first else { return Tensor(scalar: Float(0)) }
        let dtype = tensors.dropFirst().reduce(first.dtype) { DType.promote($0, $1.dtype) }
        let norms = tensors.compactMap { GradientNorm.norm($0, p: normType) }
        if norms.count == tensors.count {
            return Tensor(scalar: .double(GradientNorm.combine(norms, p: normType)), dtype: dtype)
        }
        let tensorNorms = tensors.map { $0.norm(p: .p(normType)) }
        return Tensor.stack(tensorNorms.map { $0.to(dtype) }).norm(p: .p(normType))
    }
    if errorIfNonfinite {
        let value = total.item(Double.self)
        if !value.isFinite { throw NonfiniteGradientNormError(normType: normType, norm: value) }
    }
    return total
}

/// Scales every gradient by `min(maxNorm / (totalNorm + 1e-6), 1)` in place
/// (`torch.nn.utils.clip_grads_with_norm_`), for a norm computed beforehand.
public func clipGradsWithNorm_(_ parameters: [Tensor], maxNorm: Double, totalNorm: Tensor) {
    let grads = parameters.compactMap(\.grad)
    guard !grads.isEmpty else { return }
    withNoGrad {
        // PyTorch evaluates `max_norm / (total_norm + 1e-6)` as reciprocal times max_norm, in
        // the norm's dtype, then clamps to 1 (NaN stays NaN).
        let coefficient: Tensor
        switch totalNorm.dtype {
        case .float32:
            let c = Float(maxNorm) * (1 / (totalNorm.item(Float.self) + Float(1e-6)))
            coefficient = Tensor(scalar: c > 1 ? 1 : c)
        case .float64:
            let c = maxNorm * (1 / (totalNorm.item(Double.self) + 1e-6))
            coefficient = Tensor(scalar: c > 1 ? 1 : c)
        default:
            coefficient = totalNorm.add(1e-6).reciprocal().mul(.double(maxNorm)).clamp(max: 1.0)
        }
        for grad in grads { GradientNorm.scale_(grad, by: coefficient) }
    }
}

/// Clamps every gradient of `parameters` to `[-clipValue, clipValue]` in place
/// (`torch.nn.utils.clip_grad_value_`).
public func clipGradValue_(_ parameters: [Tensor], clipValue: Double) {
    withNoGrad {
        for grad in parameters.compactMap(\.grad) { grad.clamp_(min: .double(-clipValue), max: .double(clipValue)) }
    }
}

/// Gradient norms for p = 1, 2 and infinity without temporaries: one pass over each gradient
/// accumulating in double (PyTorch accumulates in the gradient's dtype, so the last bit of a
/// float32 norm can differ), split at fixed offsets so that any thread count gives the same sum.
enum GradientNorm {
    static let chunk = 1 << 16

    /// The `p`-norm of `t`, rounded to its dtype as PyTorch's per-tensor norm is; nil for
    /// orders other than 1, 2 and infinity.
    static func norm(_ t: Tensor, p: Double) -> Double? {
        let kind: Int32
        switch p {
        case 2: kind = 0
        case 1: kind = 1
        case .infinity: kind = 2
        default: return nil
        }
        let compute: DType = t.dtype == .float64 ? .float64 : .float32
        let x = t.dtype == compute && t.isContiguous ? t : t.to(compute).contiguous()
        let count = x.count
        let chunks = (count + chunk - 1) / chunk
        var partials = [Double](repeating: 0, count: chunks)
        partials.withUnsafeMutableBufferPointer { out in
            let base = UnsafeMutableRawPointer(x.dataPointer)
            parallelFor(chunks, grain: 1) { range in
                for c in range {
                    let start = c * chunk, n = Int64(min(chunk, count - start))
                    out[c] = compute == .float64
                        ? ember_norm_partial_f64(base.assumingMemoryBound(to: Double.self) + start, n, kind)
                        : ember_norm_partial_f32(base.assumingMemoryBound(to: Float.self) + start, n, kind)
                }
            }
        }
        let combined = combine(partials, kind: kind)
        let value = kind == 0 ? combined.squareRoot() : combined
        switch t.dtype {
        case .float64: return value
        case .float32: return Double(Float(value))
        default: return Tensor(scalar: .double(value), dtype: t.dtype).item(Double.self)
        }
    }

    /// Sums (or maxima, NaN-propagating) of partial results.
    private static func combine(_ partials: [Double], kind: Int32) -> Double {
        if kind == 2 { return partials.reduce(0) { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) } }
        return partials.reduce(0, +)
    }

    /// `grad.mul_(coefficient)` (a 0-d tensor): one pass for contiguous float32/float64
    /// gradients, with the coefficient rounded to the gradient's dtype as PyTorch's mul does.
    static func scale_(_ grad: Tensor, by coefficient: Tensor) {
        guard grad.isContiguous, grad.dtype == .float32 || grad.dtype == .float64 else {
            grad.mul_(coefficient)
            return
        }
        let c = coefficient.item(Double.self), count = grad.count
        let base = grad.dataPointer
        parallelFor(count, grain: elementwiseGrain) { range in
            if grad.dtype == .float64 {
                ember_scale_f64(base.assumingMemoryBound(to: Double.self) + range.lowerBound, Int64(range.count), c)
            } else {
                ember_scale_f32(base.assumingMemoryBound(to: Float.self) + range.lowerBound, Int64(range.count), Float(c))
            }
        }
        grad.storage.bumpVersion()
    }

    /// The norm of the per-tensor norms.
    static func combine(_ norms: [Double], p: Double) -> Double {
        switch p {
        case 2: return norms.reduce(0) { $0 + $1 * $1 }.squareRoot()
        case 1: return norms.reduce(0, +)
        default: return combine(norms, kind: 2)
        }
    }
}
