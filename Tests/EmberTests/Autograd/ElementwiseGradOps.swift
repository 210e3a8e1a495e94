import XCTest
@testable import Ember

/// The differentiable elementwise ops under test, by the keys `Scripts/fixtures/core_autograd_elementwise.py`
/// uses (a key carries the op's constant arguments: `softplus_b2_t1` is softplus(beta: 2,
/// threshold: 1)), with the input domain each one is checked on.
enum ElementwiseGradOps {
    /// Where an op's inputs are drawn from (away from poles and branch cuts).
    enum Domain {
        case normal(Double)
        case positive  // [0.3, 3]
        case unit  // [-0.85, 0.85]
        case aboveOne  // [1.2, 4]
        case nonzero  // ±[0.5, 2.5]
        case uniform(Double, Double)

        func sample(_ shape: [Int], _ generator: Generator) -> Tensor {
            func uniform(_ low: Double, _ high: Double) -> Tensor {
                Tensor.rand(shape, dtype: .float64, generator: generator).mul(.double(high - low)).add(.double(low))
            }
            switch self {
            case .normal(let scale): return Tensor.randn(shape, dtype: .float64, generator: generator).mul(.double(scale))
            case .positive: return uniform(0.3, 3)
            case .unit: return uniform(-0.85, 0.85)
            case .aboveOne: return uniform(1.2, 4)
            case .uniform(let low, let high): return uniform(low, high)
            case .nonzero:
                let sign = Tensor.rand(shape, dtype: .float64, generator: generator).lt(0.5)
                return Tensor.where(sign, -1.0, 1.0).mul(uniform(0.5, 2.5))
            }
        }
    }

    struct Op {
        let domains: [Domain]
        let call: ([Tensor]) -> Tensor
    }

    /// The fixture's mask ([3, 4]) for masked_fill and where.
    static let mask = Tensor(
        [true, false, true, false, false, false, true, true, true, true, false, false], shape: [3, 4])
    /// The fixture's `start` of `lerp_s_end`.
    static let lerpStart = Tensor([[0.5, -1.0, 2.0, 0.0], [1.5, 0.25, -0.75, 3.0], [-2.0, 1.0, 0.125, -0.5]])

    private static func unary(_ domain: Domain = .normal(1.5), _ f: @escaping (Tensor) -> Tensor) -> Op {
        Op(domains: [domain]) { f($0[0]) }
    }

    private static func binary(_ a: Domain = .normal(1.5), _ b: Domain = .normal(1.5), _ f: @escaping (Tensor, Tensor) -> Tensor) -> Op {
        Op(domains: [a, b]) { f($0[0], $0[1]) }
    }

    static let unaryOps: [String: Op] = [
        "neg": unary { -$0 },
        "reciprocal": unary(.nonzero) { $0.reciprocal() },
        "abs": unary { $0.abs() },
        "sign": unary { $0.sign() },
        "sqrt": unary(.positive) { $0.sqrt() },
        "rsqrt": unary(.positive) { $0.rsqrt() },
        "exp": unary { $0.exp() },
        "exp2": unary { $0.exp2() },
        "expm1": unary { $0.expm1() },
        "log": unary(.positive) { $0.log() },
        "log2": unary(.positive) { $0.log2() },
        "log10": unary(.positive) { $0.log10() },
        "log1p": unary(.positive) { $0.log1p() },
        "sin": unary { $0.sin() },
        "cos": unary { $0.cos() },
        "tan": unary(.unit) { $0.tan() },
        "asin": unary(.unit) { $0.asin() },
        "acos": unary(.unit) { $0.acos() },
        "atan": unary { $0.atan() },
        "sinh": unary { $0.sinh() },
        "cosh": unary { $0.cosh() },
        "tanh": unary { $0.tanh() },
        "asinh": unary { $0.asinh() },
        "acosh": unary(.aboveOne) { $0.acosh() },
        "atanh": unary(.unit) { $0.atanh() },
        "sigmoid": unary(.normal(3)) { $0.sigmoid() },
        "erf": unary { $0.erf() },
        "erfc": unary { $0.erfc() },
        "erfinv": unary(.unit) { $0.erfinv() },
        "floor": unary { $0.floor() },
        "ceil": unary { $0.ceil() },
        "round": unary { $0.round() },
        "round_d2": unary { $0.round(decimals: 2) },
        "trunc": unary { $0.trunc() },
        "frac": unary(.normal(3)) { $0.frac() },
        "nan_to_num": unary { $0.nanToNum() },
        "pow_2": unary { $0.pow(2) },
        "pow_3": unary { $0.pow(3) },
        "pow_0.5": unary(.positive) { $0.pow(0.5) },
        "pow_-1.5": unary(.positive) { $0.pow(-1.5) },
        "pow_0": unary { $0.pow(0) },
        "rpow_2.5": unary { Tensor.pow(2.5, $0) },
        "rpow_0": unary(.positive) { Tensor.pow(0.0, $0) },
        "add_s": unary { $0 + 2.5 },
        "add_s_alpha": unary { $0.add(2, alpha: 3) },
        "sub_s": unary { $0 - 2.5 },
        "rsub_s": unary { 2.5 - $0 },
        "mul_s": unary { $0 * 2.5 },
        "div_s": unary { $0 / 2.5 },
        "rdiv_s": unary(.nonzero) { 2.5 / $0 },
        "div_s_floor": unary { $0.div(0.7, roundingMode: .floor) },
        "remainder_s": unary { $0.remainder(0.7) },
        "fmod_s": unary { $0.fmod(0.7) },
        "clamp_s": unary { $0.clamp(min: -0.5, max: 0.5) },
        "clamp_min_s": unary { $0.clamp(min: 0.25) },
        "clamp_max_s": unary { $0.clamp(max: 0.25) },
        "relu": unary { $0.relu() },
        "relu6": unary { $0.mul(4).relu6() },
        "hardtanh": unary { $0.hardtanh(minVal: -0.5, maxVal: 0.75) },
        "gelu": unary(.normal(2)) { $0.gelu() },
        "gelu_tanh": unary(.normal(2)) { $0.gelu(approximate: .tanh) },
        "silu": unary(.normal(3)) { $0.silu() },
        "softplus": unary(.normal(3)) { $0.softplus() },
        "softplus_b2_t1": unary(.normal(2)) { $0.softplus(beta: 2, threshold: 1) },
        "elu": unary(.normal(2)) { $0.elu() },
        "elu_a0.5": unary(.normal(2)) { $0.elu(alpha: 0.5) },
        "selu": unary(.normal(2)) { $0.selu() },
        "celu_a2": unary(.normal(2)) { $0.celu(alpha: 2) },
        "leaky_relu": unary { $0.leakyRelu() },
        "leaky_relu_0.2": unary { $0.leakyRelu(negativeSlope: 0.2) },
        "hardswish": unary(.normal(3)) { $0.hardswish() },
        "hardsigmoid": unary(.normal(3)) { $0.hardsigmoid() },
        "mish": unary(.normal(3)) { $0.mish() },
        "logsigmoid": unary(.normal(3)) { $0.logsigmoid() },
        "tanhshrink": unary { $0.tanhshrink() },
        "masked_fill_s": unary { $0.maskedFill(mask, 1.5) },
        "where_ts": unary { Tensor.where(mask, $0, 0.5) },
        "where_st": unary { Tensor.where(mask, 0.5, $0) },
        "lerp_s_end": unary { lerpStart.to($0.dtype).lerp($0, weight: 0.3) },
    ]

    static let binaryOps: [String: Op] = [
        "add": binary { $0 + $1 },
        "add_alpha": binary { $0.add($1, alpha: 2.5) },
        "sub": binary { $0 - $1 },
        "sub_alpha": binary { $0.sub($1, alpha: 0.5) },
        "mul": binary { $0 * $1 },
        "div": binary(.normal(1.5), .nonzero) { $0 / $1 },
        "div_trunc": binary(.normal(1.5), .nonzero) { $0.div($1, roundingMode: .trunc) },
        "div_floor": binary(.normal(1.5), .nonzero) { $0.div($1, roundingMode: .floor) },
        "remainder": binary(.normal(3), .nonzero) { $0.remainder($1) },
        "fmod": binary(.normal(3), .nonzero) { $0.fmod($1) },
        "pow": binary(.positive, .normal(1.5)) { $0.pow($1) },
        "atan2": binary { $0.atan2($1) },
        "maximum": binary { $0.maximum($1) },
        "minimum": binary { $0.minimum($1) },
        "clamp_min_t": binary { $0.clamp(min: $1) },
        "clamp_max_t": binary { $0.clamp(max: $1) },
        "lerp_s": binary { $0.lerp($1, weight: 0.3) },
        "where": binary { Tensor.where(mask, $0, $1) },
        "masked_fill_t": binary { $0.maskedFill(mask, $1) },
    ]

    static let ternaryOps: [String: Op] = [
        "clamp_t": Op(domains: [.normal(1.5), .normal(1.5), .normal(1.5)]) { $0[0].clamp(min: $0[1], max: $0[2]) },
        "lerp_t": Op(domains: [.normal(1.5), .normal(1.5), .uniform(-0.2, 1.2)]) { $0[0].lerp($0[1], weight: $0[2]) },
    ]

    static var all: [String: Op] { unaryOps.merging(binaryOps) { a, _ in a }.merging(ternaryOps) { a, _ in a } }

    /// In-place ops of the in-place fixture: (target, others) -> edits target.
    static let inPlaceOps: [String: (Tensor, [Tensor]) -> Void] = [
        "mul_s": { t, _ in t.mul_(2) },
        "mul_t": { t, o in t.mul_(o[0]) },
        "add_t_alpha": { t, o in t.add_(o[0], alpha: 2) },
        "sub_s": { t, _ in t.sub_(1.5) },
        "div_t": { t, o in t.div_(o[0]) },
        "pow_s": { t, _ in t.pow_(2) },
        "exp_": { t, _ in t.exp_() },
        "relu_": { t, _ in t.relu_() },
        "sigmoid_": { t, _ in t.sigmoid_() },
        "tanh_": { t, _ in t.tanh_() },
        "clamp_": { t, _ in t.clamp_(min: -0.5, max: 0.5) },
        "elu_": { t, _ in t.elu_() },
        "leaky_relu_": { t, _ in t.leakyRelu_(negativeSlope: 0.1) },
        "hardtanh_": { t, _ in t.hardtanh_() },
        "masked_fill_": { t, _ in t.maskedFill_(maskLike(t), 0.5) },
        "lerp_": { t, o in t.lerp_(o[0], weight: 0.25) },
        "fill_": { t, _ in t.fill_(1.5) },
        "zero_": { t, _ in t.zero_() },
    ]

    /// Every third element in row-major order, as the fixture's `mask_like`.
    static func maskLike(_ t: Tensor) -> Tensor {
        Tensor.arange(.int(Int64(t.count))).remainder(3).eq(0).reshape(t.shape)
    }
}
