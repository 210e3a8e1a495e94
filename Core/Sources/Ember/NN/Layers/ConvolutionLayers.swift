/// Convolution layers: `Conv1d`, `Conv2d`, `Conv3d` (`nn.Conv1d/2d/3d`) and their shared base.

/// What `Conv1d`/`Conv2d`/`Conv3d` and the transposed layers share (PyTorch's `_ConvNd`): the
/// hyper-parameters, `weight` and `bias`, and the default initialisation.
///
/// `weight` is `[outChannels, inChannels / groups, kernel...]` for convolutions and
/// `[inChannels, outChannels / groups, kernel...]` for transposed ones, as in PyTorch; both are
/// drawn from `kaimingUniform_(a: √5)` and the bias from U(±1/√fanIn), in that order, so a seed
/// gives PyTorch's numbers.
public class ConvolutionLayer: Module {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: [Int]
    public let stride: [Int]
    public let padding: ConvPadding
    public let dilation: [Int]
    public let transposed: Bool
    public let outputPadding: [Int]
    public let groups: Int
    public let paddingMode: PaddingMode
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor?

    init(
        rank: Int, inChannels: Int, outChannels: Int, kernelSize: IntOrTuple, stride: IntOrTuple, padding: ConvPadding,
        dilation: IntOrTuple, transposed: Bool, outputPadding: IntOrTuple, groups: Int, bias: Bool, paddingMode: PaddingMode,
        dtype: DType, generator: Generator?
    ) {
        let op = transposed ? "ConvTranspose\(rank)d" : "Conv\(rank)d"
        precondition(groups > 0, "\(op): groups must be a positive integer")
        precondition(inChannels % groups == 0, "\(op): in_channels must be divisible by groups")
        precondition(outChannels % groups == 0, "\(op): out_channels must be divisible by groups")
        let stride = stride.expand(rank, op, "stride")
        if padding == .same {
            precondition(stride.allSatisfy { $0 == 1 }, "\(op): padding='same' is not supported for strided convolutions")
        }
        switch paddingMode {
        case .constant(let value):
            precondition(value == 0, "\(op): padding_mode must be zeros, reflect, replicate or circular")
        default:
            precondition(!transposed, "\(op): Only \"zeros\" padding mode is supported for \(op)")
        }
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize.expand(rank, op, "kernel_size")
        self.stride = stride
        if case .explicit(let sizes) = padding {
            self.padding = .explicit(IntOrTuple(sizes.expand(rank, op, "padding")))
        } else {
            self.padding = padding
        }
        self.dilation = dilation.expand(rank, op, "dilation")
        self.transposed = transposed
        self.outputPadding = outputPadding.expand(rank, op, "output_padding")
        self.groups = groups
        self.paddingMode = paddingMode
        let channels = transposed ? [inChannels, outChannels / groups] : [outChannels, inChannels / groups]
        weight = Tensor(empty: channels + self.kernelSize, dtype: dtype)
        self.bias = bias ? Tensor(empty: [outChannels], dtype: dtype) : nil
        super.init()
        resetParameters(generator: generator)
    }

    /// Re-draws the parameters with the default initialisation (`reset_parameters`).
    public func resetParameters(generator: Generator? = nil) {
        Init.kaimingUniform_(weight, a: 5.0.squareRoot(), generator: generator)
        if let bias {
            let fanIn = Init.fanInAndFanOut(weight).fanIn
            let bound = fanIn > 0 ? 1 / Double(fanIn).squareRoot() : 0
            Init.uniform_(bias, a: -bound, b: bound, generator: generator)
        }
    }

    /// The explicit padding per spatial dim (before, after), outermost first; `.same` splits
    /// an odd total with the extra element after, as PyTorch does.
    var paddingPairs: [(before: Int, after: Int)] {
        switch padding {
        case .explicit(let sizes): return sizes.values.map { ($0, $0) }
        case .valid: return kernelSize.map { _ in (0, 0) }
        case .same:
            return (0..<kernelSize.count).map { d in
                let total = dilation[d] * (kernelSize[d] - 1)
                return (total / 2, total - total / 2)
            }
        }
    }

    /// The convolution of `input` with this layer's parameters, padding with `paddingMode`
    /// first when it is not zeros.
    func convolve(_ input: Tensor, rank: Int) -> Tensor {
        var x = input, padding = self.padding
        if paddingMode != .zeros {
            // `Functional.pad` lists pairs from the last dim.
            x = Functional.pad(input, paddingPairs.reversed().flatMap { [$0.before, $0.after] }, mode: paddingMode)
            padding = .valid
        }
        let args = (IntOrTuple(stride), IntOrTuple(dilation))
        switch rank {
        case 1: return Functional.conv1d(x, weight, bias: bias, stride: args.0, padding: padding, dilation: args.1, groups: groups)
        case 2: return Functional.conv2d(x, weight, bias: bias, stride: args.0, padding: padding, dilation: args.1, groups: groups)
        default: return Functional.conv3d(x, weight, bias: bias, stride: args.0, padding: padding, dilation: args.1, groups: groups)
        }
    }

    public override var extraRepr: String {
        var s = "\(inChannels), \(outChannels), kernel_size=\(pythonTuple(kernelSize)), stride=\(pythonTuple(stride))"
        switch padding {
        case .explicit(let sizes) where sizes.values.contains { $0 != 0 }: s += ", padding=\(pythonTuple(sizes.values))"
        case .same: s += ", padding=same"
        case .valid: s += ", padding=valid"
        default: break
        }
        if dilation.contains(where: { $0 != 1 }) { s += ", dilation=\(pythonTuple(dilation))" }
        if outputPadding.contains(where: { $0 != 0 }) { s += ", output_padding=\(pythonTuple(outputPadding))" }
        if groups != 1 { s += ", groups=\(groups)" }
        if bias == nil { s += ", bias=False" }
        switch paddingMode {
        case .reflect: s += ", padding_mode=reflect"
        case .replicate: s += ", padding_mode=replicate"
        case .circular: s += ", padding_mode=circular"
        case .constant: break
        }
        return s
    }
}

/// 1-d convolution over `[N, C_in, L]` or `[C_in, L]` (`nn.Conv1d`).
///
/// `padding` is explicit, `.valid` or `.same`; `paddingMode` (zeros, reflect, replicate,
/// circular) says what the padding holds.
public final class Conv1d: ConvolutionLayer, UnaryLayer {
    public init(
        inChannels: Int, outChannels: Int, kernelSize: IntOrTuple, stride: IntOrTuple = 1, padding: ConvPadding = 0,
        dilation: IntOrTuple = 1, groups: Int = 1, bias: Bool = true, paddingMode: PaddingMode = .zeros,
        dtype: DType = .defaultFloat, generator: Generator? = nil
    ) {
        super.init(
            rank: 1, inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride, padding: padding,
            dilation: dilation, transposed: false, outputPadding: 0, groups: groups, bias: bias, paddingMode: paddingMode,
            dtype: dtype, generator: generator)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { convolve(input, rank: 1) }
}

/// 2-d convolution over `[N, C_in, H, W]` or `[C_in, H, W]` (`nn.Conv2d`).
///
/// ```swift
/// let conv = Conv2d(inChannels: 3, outChannels: 16, kernelSize: 3, padding: 1)
/// let y = conv(Tensor.randn([8, 3, 32, 32]))   // [8, 16, 32, 32]
/// ```
public final class Conv2d: ConvolutionLayer, UnaryLayer {
    public init(
        inChannels: Int, outChannels: Int, kernelSize: IntOrTuple, stride: IntOrTuple = 1, padding: ConvPadding = 0,
        dilation: IntOrTuple = 1, groups: Int = 1, bias: Bool = true, paddingMode: PaddingMode = .zeros,
        dtype: DType = .defaultFloat, generator: Generator? = nil
    ) {
        super.init(
            rank: 2, inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride, padding: padding,
            dilation: dilation, transposed: false, outputPadding: 0, groups: groups, bias: bias, paddingMode: paddingMode,
            dtype: dtype, generator: generator)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { convolve(input, rank: 2) }
}

/// 3-d convolution over `[N, C_in, D, H, W]` or `[C_in, D, H, W]` (`nn.Conv3d`).
public final class Conv3d: ConvolutionLayer, UnaryLayer {
    public init(
        inChannels: Int, outChannels: Int, kernelSize: IntOrTuple, stride: IntOrTuple = 1, padding: ConvPadding = 0,
        dilation: IntOrTuple = 1, groups: Int = 1, bias: Bool = true, paddingMode: PaddingMode = .zeros,
        dtype: DType = .defaultFloat, generator: Generator? = nil
    ) {
        super.init(
            rank: 3, inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride, padding: padding,
            dilation: dilation, transposed: false, outputPadding: 0, groups: groups, bias: bias, paddingMode: paddingMode,
            dtype: dtype, generator: generator)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { convolve(input, rank: 3) }
}
