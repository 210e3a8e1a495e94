import Ember

/// A transform object of `torchvision.transforms.v2`: a `[..., C, H, W]` image (or batch, which
/// gets one set of random parameters, as in torchvision) in, an image out.
///
/// Random transforms draw their parameters from the `generator` they are called with, in the
/// order and with the same draws (`torch.rand(1)`, `uniform_`, `randint`, `randperm`) as
/// torchvision, so a seeded ``Generator`` reproduces a pipeline exactly; calling without one
/// draws from `Random.defaultGenerator` (torch's global generator).
///
/// ```swift
/// let augment = Compose([RandomResizedCrop(size: [224]), RandomHorizontalFlip()])
/// let generator = Generator(seed: 7)
/// let out = augment(image, generator: generator)
/// ```
public protocol ImageTransform {
    /// Applies the transform, drawing any random parameters from `generator`.
    func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor
}

extension ImageTransform {
    /// Applies the transform with the default generator.
    public func callAsFunction(_ image: Tensor) -> Tensor { self(image, generator: Random.defaultGenerator) }
}

/// `v2.Compose`: applies transforms in order.
public struct Compose: ImageTransform {
    public var transforms: [any ImageTransform]

    public init(_ transforms: [any ImageTransform]) {
        precondition(!transforms.isEmpty, "Compose: pass at least one transform")
        self.transforms = transforms
    }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        transforms.reduce(image) { $1($0, generator: generator) }
    }
}

/// `v2.RandomApply`: applies all of `transforms` (in order) with probability `p`, else none.
public struct RandomApply: ImageTransform {
    public var transforms: [any ImageTransform]
    public var p: Double

    public init(_ transforms: [any ImageTransform], p: Double = 0.5) {
        precondition(!transforms.isEmpty, "RandomApply: pass at least one transform")
        precondition((0...1).contains(p), "RandomApply: `p` should be a floating point value in the interval [0.0, 1.0].")
        (self.transforms, self.p) = (transforms, p)
    }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        if Draw.rand(generator) >= Float(p) { return image }
        return transforms.reduce(image) { $1($0, generator: generator) }
    }
}

/// `v2.RandomChoice`: applies one of `transforms`, picked with probabilities `p` (normalised to
/// sum to 1; nil for equal chances) by `torch.multinomial`'s distribution. Ember's multinomial
/// draws differ from PyTorch's numbers, so this pick does not follow torch's seeded stream.
public struct RandomChoice: ImageTransform {
    public var transforms: [any ImageTransform]
    public var p: [Double]

    public init(_ transforms: [any ImageTransform], p: [Double]? = nil) {
        precondition(!transforms.isEmpty, "RandomChoice: pass at least one transform")
        let weights = p ?? Array(repeating: 1, count: transforms.count)
        precondition(
            weights.count == transforms.count,
            "RandomChoice: length of p doesn't match the number of transforms: \(weights.count) != \(transforms.count)")
        let total = weights.reduce(0, +)
        (self.transforms, self.p) = (transforms, weights.map { $0 / total })
    }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        let probabilities = Tensor(p.map { Float($0) }, shape: [p.count])
        let index = Int(probabilities.multinomial(1, generator: generator).item(Int64.self))
        return transforms[index](image, generator: generator)
    }
}

/// `v2.RandomOrder`: applies all of `transforms` in a random order (`torch.randperm`).
public struct RandomOrder: ImageTransform {
    public var transforms: [any ImageTransform]

    public init(_ transforms: [any ImageTransform]) {
        precondition(!transforms.isEmpty, "RandomOrder: pass at least one transform")
        self.transforms = transforms
    }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        Draw.randperm(generator, transforms.count).reduce(image) { transforms[$1]($0, generator: generator) }
    }
}

/// `v2.Lambda`: a closure as a transform.
public struct Lambda: ImageTransform {
    public var body: (Tensor) -> Tensor

    public init(_ body: @escaping (Tensor) -> Tensor) { self.body = body }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor { body(image) }
}

/// torchvision's parameter draws, made with Core's PyTorch-exact random kernels so that a seed
/// gives torch's numbers: `torch.rand(1)`, `torch.empty(1).uniform_(a, b).item()`,
/// `torch.randint(low, high, (1,))`, `torch.randperm(n)`.
enum Draw {
    /// `torch.rand(1)` (float32), compared against probabilities in float32 as torch compares.
    static func rand(_ g: Generator) -> Float { Tensor.rand([1], dtype: .float32, generator: g).item(Float.self) }

    /// `torch.empty(1).uniform_(a, b).item()`: a float32 draw, widened.
    static func uniform(_ g: Generator, _ a: Double, _ b: Double) -> Double {
        Double(Tensor(empty: [1], dtype: .float32).uniform_(from: a, to: b, generator: g).item(Float.self))
    }

    /// `int(torch.randint(low, high, size))`.
    static func randint(_ g: Generator, _ low: Int, _ high: Int) -> Int {
        Int(Tensor.randint(low, high, [1], generator: g).item(Int64.self))
    }

    /// `torch.randperm(n).tolist()`.
    static func randperm(_ g: Generator, _ n: Int) -> [Int] {
        Tensor.randperm(n, generator: g).toArray(Int64.self).map { Int($0) }
    }

    /// `torch.log(torch.tensor(values))` in float32 (torchvision's `_log_ratio`).
    static func logFloat(_ values: [Double]) -> [Double] {
        Tensor(values.map { Float($0) }, shape: [values.count]).log().toArray(Float.self).map { Double($0) }
    }

    /// `torch.exp` of a float32 value, widened.
    static func expFloat(_ value: Double) -> Double {
        Double(Tensor([Float(value)], shape: [1]).exp().item(Float.self))
    }
}
