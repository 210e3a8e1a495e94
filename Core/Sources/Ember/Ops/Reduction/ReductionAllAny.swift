/// all and any: truth of every / some element (NaN is true, as any non-zero value).
extension Tensor {
    /// `torch.all(self)`: bool (uint8 for uint8 tensors, as in PyTorch); true for no elements.
    public func all() -> Tensor { Truth.reduce(self, dims: nil, keepDim: false, all: true) }

    /// `torch.all(self, dim, keepdim)`.
    public func all(dim: Int, keepDim: Bool = false) -> Tensor { Truth.reduce(self, dims: [dim], keepDim: keepDim, all: true) }

    /// `torch.all(self, dims, keepdim)` over several dims.
    public func all(dims: [Int], keepDim: Bool = false) -> Tensor { Truth.reduce(self, dims: dims, keepDim: keepDim, all: true) }

    /// `torch.any(self)`: false for no elements.
    public func any() -> Tensor { Truth.reduce(self, dims: nil, keepDim: false, all: false) }

    /// `torch.any(self, dim, keepdim)`.
    public func any(dim: Int, keepDim: Bool = false) -> Tensor { Truth.reduce(self, dims: [dim], keepDim: keepDim, all: false) }

    /// `torch.any(self, dims, keepdim)` over several dims.
    public func any(dims: [Int], keepDim: Bool = false) -> Tensor { Truth.reduce(self, dims: dims, keepDim: keepDim, all: false) }
}

/// Reduces runs of bools to their conjunction or disjunction, stopping at the first decider.
struct TruthReducer: RunReducer {
    let all: Bool

    @inline(__always) func reduce(_ p: UnsafePointer<Bool>, count: Int, stride: Int, start: Int) -> Bool {
        // all: stop at the first false; any: stop at the first true.
        let decider = !all
        for i in 0..<count where p[i * stride] == decider { return decider }
        return all
    }

    @inline(__always) func combine(_ a: Bool, _ b: Bool) -> Bool { all ? a && b : a || b }
}

enum Truth {
    static func reduce(_ input: Tensor, dims: [Int]?, keepDim: Bool, all: Bool) -> Tensor {
        let x = input.to(.bool)
        let plan = ReducePlan(x, dims: dims, keepDim: keepDim, op: all ? "all" : "any")
        let out = Tensor(empty: plan.outputShape, dtype: .bool)
        let po = out.pointer(as: Bool.self)
        plan.run(TruthReducer(all: all)) { po[$0] = $1 }
        return input.dtype == .uint8 ? out.to(.uint8) : out
    }
}
