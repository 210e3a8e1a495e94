/// Checks analytic gradients against finite differences (`torch.autograd.gradcheck`).

/// Why a gradient check failed: which input and output, and the two Jacobians' worst entry.
public struct GradcheckError: Error, CustomStringConvertible {
    public let description: String
}

/// Compares the gradients autograd computes for `function` with central finite differences,
/// entry by entry of the Jacobian, as `torch.autograd.gradcheck` does.
///
/// Inputs should be float64 tensors that require grad (others are held constant). An entry
/// passes when `|analytic - numeric| <= atol + rtol * |numeric|`. Throws a `GradcheckError`
/// naming the input, output and entry that failed.
public func gradcheck(
    inputs: [Tensor], eps: Double = 1e-6, atol: Double = 1e-5, rtol: Double = 1e-3,
    _ function: ([Tensor]) -> [Tensor]
) throws {
    let differentiable = inputs.indices.filter { inputs[$0].requiresGrad && inputs[$0].dtype.isFloatingPoint }
    let outputs = function(inputs).filter { $0.dtype.isFloatingPoint }
    precondition(!differentiable.isEmpty, "gradcheck: no input requires grad")
    for index in differentiable {
        precondition(
            inputs[index].dtype == .float64,
            "gradcheck: input \(index) is \(inputs[index].dtype); gradcheck needs float64 for meaningful finite differences")
    }

    // Numeric Jacobian: one column per input element.
    var numeric: [[[Double]]] = outputs.map { _ in differentiable.map { _ in [] } }  // [output][input][col * outCount + row]
    for (slot, index) in differentiable.enumerated() {
        let input = inputs[index]
        let flat = withNoGrad { input.detach() }
        for element in 0..<input.count {
            let original = flat.flatElement(element)
            flat.setFlatElement(element, original + eps)
            // Evaluated with grad mode on: the function may itself differentiate (gradgradcheck).
            let plus = function(inputs).filter { $0.dtype.isFloatingPoint }.map { $0.toArray(Double.self) }
            flat.setFlatElement(element, original - eps)
            let minus = function(inputs).filter { $0.dtype.isFloatingPoint }.map { $0.toArray(Double.self) }
            flat.setFlatElement(element, original)
            for o in outputs.indices {
                numeric[o][slot] += zip(plus[o], minus[o]).map { ($0 - $1) / (2 * eps) }
            }
        }
    }

    // Analytic Jacobian: one row per output element, from a backward pass with a one-hot seed.
    let differentiableInputs = differentiable.map { inputs[$0] }
    for (o, output) in outputs.enumerated() where output.requiresGrad {
        for row in 0..<output.count {
            let seed = Tensor.zeros(output.shape, dtype: output.dtype)
            seed.setFlatElement(row, 1)
            let grads = Autograd.grad(
                outputs: [output], inputs: differentiableInputs, gradOutputs: [seed], retainGraph: true, allowUnused: true)
            for (slot, index) in differentiable.enumerated() {
                let analytic = grads[slot].map { $0.toArray(Double.self) } ?? [Double](repeating: 0, count: inputs[index].count)
                for column in 0..<inputs[index].count {
                    let expected = numeric[o][slot][column * output.count + row]
                    let actual = analytic[column]
                    if !(abs(actual - expected) <= atol + rtol * abs(expected)) {
                        throw GradcheckError(
                            description: "gradcheck: Jacobian mismatch for output \(o) with respect to input \(index), entry (input element \(column), output element \(row)): analytic \(actual), numeric \(expected)")
                    }
                }
            }
        }
    }
    for (o, output) in outputs.enumerated() where !output.requiresGrad {
        for (slot, index) in differentiable.enumerated() where numeric[o][slot].contains(where: { abs($0) > atol }) {
            throw GradcheckError(
                description: "gradcheck: output \(o) does not require grad but depends on input \(index) numerically")
        }
    }
}

/// The single-output form of `gradcheck`.
public func gradcheck(
    inputs: [Tensor], eps: Double = 1e-6, atol: Double = 1e-5, rtol: Double = 1e-3, _ function: ([Tensor]) -> Tensor
) throws {
    try gradcheck(inputs: inputs, eps: eps, atol: atol, rtol: rtol) { [function($0)] }
}

/// Checks second derivatives (`torch.autograd.gradgradcheck`): the gradient of `function`
/// contracted with a fixed random `gradOutputs`, differentiated again, against finite differences.
public func gradgradcheck(
    inputs: [Tensor], eps: Double = 1e-6, atol: Double = 1e-5, rtol: Double = 1e-3,
    generator: Generator? = nil, _ function: ([Tensor]) -> [Tensor]
) throws {
    let probe = function(inputs).filter { $0.dtype.isFloatingPoint }
    let gradOutputs = probe.map { Tensor.randn($0.shape, dtype: .float64, generator: generator) }
    let differentiable = inputs.filter { $0.requiresGrad }
    try gradcheck(inputs: inputs, eps: eps, atol: atol, rtol: rtol) { current in
        let outputs = function(current).filter { $0.dtype.isFloatingPoint }
        let wanted = current.filter { $0.requiresGrad }
        precondition(wanted.count == differentiable.count, "gradgradcheck: inputs changed their requiresGrad")
        return Autograd.grad(
            outputs: outputs, inputs: wanted, gradOutputs: gradOutputs, createGraph: true, allowUnused: true
        ).enumerated().map { slot, grad in grad ?? Tensor.zeros(wanted[slot].shape, dtype: .float64) }
    }
}

/// The single-output form of `gradgradcheck`.
public func gradgradcheck(
    inputs: [Tensor], eps: Double = 1e-6, atol: Double = 1e-5, rtol: Double = 1e-3,
    generator: Generator? = nil, _ function: ([Tensor]) -> Tensor
) throws {
    try gradgradcheck(inputs: inputs, eps: eps, atol: atol, rtol: rtol, generator: generator) { [function($0)] }
}

extension Tensor {
    /// A 0-d view of the element at row-major position `index` (any layout).
    private func elementView(_ index: Int) -> Tensor {
        var offset = storageOffset, rest = index
        for d in Swift.stride(from: dim - 1, through: 0, by: -1) {
            offset += (rest % shape[d]) * strides[d]
            rest /= shape[d]
        }
        return Tensor(storage: storage, dtype: dtype, shape: [], strides: [], offset: offset)
    }

    /// The element at row-major position `index`, as a Double.
    func flatElement(_ index: Int) -> Double { elementView(index).itemScalar().doubleValue }

    /// Writes the element at row-major position `index` without autograd or version bump
    /// (finite differences perturb inputs the graph has saved).
    func setFlatElement(_ index: Int, _ value: Double) {
        let before = storage.version
        withNoGrad { _ = elementView(index).fill_(.double(value)) }
        storage.version = before
    }
}
