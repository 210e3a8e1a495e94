/// `nn.Identity`: returns its input, a placeholder where a layer is optional.
public final class Identity: Module, UnaryLayer {
    public override init() { super.init() }

    public func callAsFunction(_ input: Tensor) -> Tensor { input }
}
