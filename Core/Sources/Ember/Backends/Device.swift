/// Where a tensor's storage lives. Ember computes on the CPU; `cuda` is reserved for the
/// run-time-loaded CUDA backend.
public enum Device: Sendable, Hashable, CustomStringConvertible {
    case cpu
    case cuda(Int)

    public var description: String {
        switch self {
        case .cpu: return "cpu"
        case .cuda(let index): return "cuda:\(index)"
        }
    }
}
