import Foundation

/// How tensors print (`torch.set_printoptions`).
public struct PrintOptions: Sendable, Equatable {
    /// Digits after the decimal point for floating values.
    public var precision = 4
    /// Above this many elements, tensors print summarized with `...`.
    public var threshold = 1000
    /// Items shown at each end of a summarized dimension.
    public var edgeItems = 3
    /// Characters per line before wrapping.
    public var lineWidth = 80
    /// Forces (true) or forbids (false) scientific notation; nil chooses as PyTorch does.
    public var sciMode: Bool? = nil

    public init() {}

    nonisolated(unsafe) private static var current = PrintOptions()
    private static let lock = NSLock()

    /// The options `description` uses (`torch.set_printoptions(...)` sets them).
    public static var shared: PrintOptions {
        get { lock.lock(); defer { lock.unlock() }; return current }
        set { lock.lock(); current = newValue; lock.unlock() }
    }
}

/// Tensors print as PyTorch's `repr` does, character for character: `tensor([[1., 2.],` /
/// `        [3., 4.]])`, `tensor([1, 2], dtype=torch.int32)`, `tensor([], size=(0, 3))`.
/// The dtype suffix keeps PyTorch's spelling (`dtype=torch.float64`) so that output can be
/// compared with PyTorch's and pasted into Python; it appears when the dtype is not float32,
/// int64 or bool (always for empty tensors that are not float32).
extension Tensor: CustomStringConvertible {
    public var description: String { format(options: PrintOptions.shared) }

    /// The PyTorch-style text of this tensor with the given options.
    public func format(options: PrintOptions) -> String {
        TensorPrinter(tensor: self, options: options).render()
    }
}

private struct TensorPrinter {
    let tensor: Tensor
    let options: PrintOptions

    private static let pythonDType: [DType: String] = [
        .float32: "torch.float32", .float64: "torch.float64", .float16: "torch.float16", .bfloat16: "torch.bfloat16",
        .int64: "torch.int64", .int32: "torch.int32", .int16: "torch.int16", .int8: "torch.int8", .uint8: "torch.uint8",
        .bool: "torch.bool", .float8e4m3fn: "torch.float8_e4m3fn", .float8e5m2: "torch.float8_e5m2",
        .complex64: "torch.complex64", .complex128: "torch.complex128",
        .uint16: "torch.uint16", .uint32: "torch.uint32", .uint64: "torch.uint64",
    ]

    func render() -> String {
        let prefix = "tensor("
        let indent = prefix.count
        var suffixes: [String] = []
        var body: String
        if tensor.count == 0 {
            if tensor.dim != 1 {
                suffixes.append("size=(" + tensor.shape.map(String.init).joined(separator: ", ") + (tensor.dim == 1 ? ",)" : ")"))
            }
            if tensor.dtype != .defaultFloat { suffixes.append("dtype=" + Self.pythonDType[tensor.dtype]!) }
            body = "[]"
        } else {
            // The default complex dtype (complex64 with float32 as the default) prints no suffix.
            if ![DType.defaultFloat, DType.defaultFloat.toComplex, .int64, .bool].contains(tensor.dtype) {
                suffixes.append("dtype=" + Self.pythonDType[tensor.dtype]!)
            }
            body = renderValues(indent: indent)
        }
        return addSuffixes(prefix + body, suffixes, indent: indent)
    }

    private func addSuffixes(_ text: String, _ suffixes: [String], indent: Int) -> String {
        var out = text
        let lastNewline = text.lastIndex(of: "\n").map { text.distance(from: text.startIndex, to: $0) } ?? -1
        var lastLineLength = text.count - lastNewline + 1
        for suffix in suffixes {
            if lastLineLength + suffix.count + 2 > options.lineWidth {
                out += ",\n" + String(repeating: " ", count: indent) + suffix
                lastLineLength = indent + suffix.count
            } else {
                out += ", " + suffix
                lastLineLength += suffix.count + 2
            }
        }
        return out + ")"
    }

    // MARK: Values

    /// Element values as doubles (floats), 64-bit integers or bools, row-major.
    private enum Values {
        case floating([Double])
        case integer([Int64])
        /// uint64 (values from 2^63 up are no Int64s).
        case unsigned([UInt64])
        case boolean([Bool])
    }

    private func renderValues(indent: Int) -> String {
        let summarize = tensor.count > options.threshold
        let values: Values
        switch tensor.dtype {
        case .bool: values = .boolean(tensor.toArray(Bool.self))
        case .complex64, .complex128: values = .floating([])
        case let d where d.isFloatingPoint:
            // Half types print through float32, as in PyTorch.
            values = .floating(d == .float64 ? tensor.toArray(Double.self) : tensor.to(.float32).toArray(Float.self).map(Double.init))
        case .uint64: values = .unsigned(tensor.toArray(UInt64.self))
        default: values = .integer(tensor.toArray(Int64.self))
        }
        let shown = summarize ? shownIndices() : Array(0..<tensor.count)
        if tensor.dtype.isComplex {
            // PyTorch formats complex tensors with one formatter for the real parts and one for
            // the imaginary parts (`_tensor_str`), joined as `re+imj`.
            let parts = tensor.rawViewAsReal()
            let (re, im) = (Self.floats(parts.select(-1, 0)), Self.floats(parts.select(-1, 1)))
            let formatter = ElementFormatter(
                real: Formatter(values: re, shown: shown, options: options),
                imag: Formatter(values: im, shown: shown, options: options))
            let strides = Shape.contiguousStrides(tensor.shape)
            return render(dim: 0, base: 0, indent: indent, summarize: summarize, strides: strides, formatter: formatter)
        }
        let formatter = ElementFormatter(real: Formatter(values: values, shown: shown, options: options), imag: nil)
        let strides = Shape.contiguousStrides(tensor.shape)
        return render(dim: 0, base: 0, indent: indent, summarize: summarize, strides: strides, formatter: formatter)
    }

    /// The values of a float32/float64 tensor as doubles, row-major.
    private static func floats(_ t: Tensor) -> Values {
        .floating(t.dtype == .float64 ? t.toArray(Double.self) : t.toArray(Float.self).map(Double.init))
    }

    /// Formats one element: a real value, or a complex one as PyTorch joins its parts
    /// (`1.+2.j`, `1.-2.j`; the imaginary text is padded, suffixed with `j`, then stripped).
    private struct ElementFormatter {
        let real: Formatter
        let imag: Formatter?

        /// The width of one element: the real width, plus the imaginary width and its `j`.
        var width: Int { real.width + (imag.map { $0.width + 1 } ?? 0) }

        func format(_ index: Int) -> String {
            let re = real.format(index)
            guard let imag else { return re }
            let im = String((imag.format(index) + "j").drop { $0 == " " })
            return im.first == "+" || im.first == "-" ? re + im : re + "+" + im
        }
    }

    /// Flat indices of the elements a summarized print shows (PyTorch's `get_summarized_data`).
    private func shownIndices() -> [Int] {
        let shape = tensor.shape, strides = Shape.contiguousStrides(shape)
        if shape.isEmpty { return [0] }
        var result: [Int] = []
        func visit(_ d: Int, _ base: Int) {
            for i in kept(shape[d]) {
                if d == shape.count - 1 { result.append(base + i) } else { visit(d + 1, base + i * strides[d]) }
            }
        }
        visit(0, 0)
        return result
    }

    private func kept(_ size: Int) -> [Int] {
        let edge = options.edgeItems
        if size > 2 * edge { return Array(0..<edge) + Array((size - edge)..<size) }
        return Array(0..<size)
    }

    private func render(
        dim d: Int, base: Int, indent: Int, summarize: Bool, strides: [Int], formatter: ElementFormatter
    ) -> String {
        let shape = tensor.shape
        if shape.isEmpty { return formatter.format(0) }
        let size = shape[d]
        let edge = options.edgeItems
        let elided = summarize && size > 2 * edge
        if d == shape.count - 1 {
            let width = formatter.width + 2
            let perLine = Swift.max(1, (options.lineWidth - indent) / width)
            var items: [String]
            if summarize && edge == 0 {
                items = ["..."]
            } else if elided {
                items = (0..<edge).map { formatter.format(base + $0) } + [" ..."]
                    + ((size - edge)..<size).map { formatter.format(base + $0) }
            } else {
                items = (0..<size).map { formatter.format(base + $0) }
            }
            var lines: [String] = []
            var i = 0
            while i < items.count {
                lines.append(items[i..<Swift.min(i + perLine, items.count)].joined(separator: ", "))
                i += perLine
            }
            return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
        }
        let child: (Int) -> String = {
            render(dim: d + 1, base: base + $0 * strides[d], indent: indent + 1, summarize: summarize, strides: strides, formatter: formatter)
        }
        let slices: [String] =
            elided ? (0..<edge).map(child) + ["..."] + ((size - edge)..<size).map(child) : (0..<size).map(child)
        let separator = "," + String(repeating: "\n", count: shape.count - 1 - d) + String(repeating: " ", count: indent + 1)
        return "[" + slices.joined(separator: separator) + "]"
    }

    /// PyTorch's `_Formatter`: one width for all elements; floats print as integers with a
    /// trailing dot when all shown finite values are integral, in scientific notation when
    /// the shown non-zero magnitudes span more than 1000× or leave [1e-4, 1e8] (unless
    /// `sciMode` decides), else with `precision` decimals.
    private struct Formatter {
        let values: Values
        let precision: Int
        var width = 1
        var intMode = true
        var sciMode = false

        init(values: Values, shown: [Int], options: PrintOptions) {
            self.values = values
            precision = options.precision
            switch values {
            case .boolean(let v):
                for i in shown { width = Swift.max(width, v[i] ? 4 : 5) }
            case .integer(let v):
                for i in shown { width = Swift.max(width, String(v[i]).count) }
            case .unsigned(let v):
                for i in shown { width = Swift.max(width, String(v[i]).count) }
            case .floating(let v):
                let finite = shown.map { v[$0] }.filter { $0.isFinite && $0 != 0 }
                if !finite.isEmpty {
                    let magnitudes = finite.map(Swift.abs)
                    let (lo, hi) = (magnitudes.min()!, magnitudes.max()!)
                    intMode = finite.allSatisfy { $0 == $0.rounded(.up) }
                    sciMode = options.sciMode ?? (hi / lo > 1000 || hi > 1e8 || lo < 1e-4)
                    for x in finite {
                        let text = sciMode ? Self.sci(x, precision) : intMode ? String(format: "%.0f", x) + "." : Self.fixed(x, precision)
                        width = Swift.max(width, text.count)
                    }
                }
            }
        }

        static func fixed(_ x: Double, _ precision: Int) -> String {
            if x.isNaN { return "nan" }
            if x.isInfinite { return x > 0 ? "inf" : "-inf" }
            return String(format: "%.\(precision)f", x)
        }

        static func sci(_ x: Double, _ precision: Int) -> String {
            if x.isNaN { return "nan" }
            if x.isInfinite { return x > 0 ? "inf" : "-inf" }
            return String(format: "%.\(precision)e", x)
        }

        func format(_ index: Int) -> String {
            let text: String
            switch values {
            case .boolean(let v): text = v[index] ? "True" : "False"
            case .integer(let v): text = String(v[index])
            case .unsigned(let v): text = String(v[index])
            case .floating(let v):
                let x = v[index]
                if sciMode {
                    text = Self.sci(x, precision)
                } else if intMode {
                    text = x.isFinite ? String(format: "%.0f", x) + "." : Self.fixed(x, 0)
                } else {
                    text = Self.fixed(x, precision)
                }
            }
            return String(repeating: " ", count: Swift.max(0, width - text.count)) + text
        }
    }
}
