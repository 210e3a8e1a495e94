/// Default collation (`torch.utils.data.default_collate`): how a list of samples becomes a
/// batch. Tensors are stacked along a new first dimension, numbers become 1-D tensors,
/// strings stay a list, and arrays, dictionaries and tuples are collated element by element.

/// A sample type that `defaultCollate` and `DataLoader` know how to batch.
///
/// Swift numbers map to dtypes as PyTorch maps Python and NumPy scalars: `Int` → int64 (a
/// Python int), `Double` → float64 (a Python float), `Float` → float32, `Bool` → bool, and
/// fixed-width integers to their own dtype. Conform your own sample types to batch them with
/// the default loader, or pass a `collate:` closure. Samples are made and batched on worker
/// threads, hence `Sendable` (value types of `Sendable` parts are).
public protocol Collatable: Sendable {
    /// What a batch of `Self` becomes.
    associatedtype Collated: Sendable
    /// Collates a non-empty list of samples.
    static func collate(_ samples: [Self]) -> Collated
}

/// `default_collate(samples)` for any collatable sample type.
public func defaultCollate<T: Collatable>(_ samples: [T]) -> T.Collated {
    precondition(!samples.isEmpty, "defaultCollate: the batch is empty")
    return T.collate(samples)
}

/// `default_collate` for tuple samples: each position is collated on its own, so
/// `[(image, label)]` becomes `(images, labels)`.
/// (Tuples have two or more elements, which keeps this overload apart from the one above.)
public func defaultCollate<A: Collatable, B: Collatable, each Rest: Collatable>(
    _ samples: [(A, B, repeat each Rest)]
) -> (A.Collated, B.Collated, repeat (each Rest).Collated) {
    precondition(!samples.isEmpty, "defaultCollate: the batch is empty")
    return collateColumns(samples)
}

/// Collates each tuple position on its own: one column per position, filled in one pass
/// (in boxes, so that appending does not copy).
private func collateColumns<each T: Collatable>(_ samples: [(repeat each T)]) -> (repeat (each T).Collated) {
    let columns = (repeat CollateColumn<each T>(capacity: samples.count))
    for sample in samples {
        repeat (each columns).values.append(each sample)
    }
    return (repeat (each T).collate((each columns).values))
}

private final class CollateColumn<T> {
    var values: [T] = []
    init(capacity: Int) { values.reserveCapacity(capacity) }
}

extension Tensor: Collatable {
    /// `torch.stack(samples, 0)`: every sample must have the same shape.
    public static func collate(_ samples: [Tensor]) -> Tensor { Tensor.stack(samples, dim: 0) }
}

extension Int: Collatable {
    /// An int64 tensor, as PyTorch makes from Python ints.
    public static func collate(_ samples: [Int]) -> Tensor { Tensor(samples.map { Int64($0) }, shape: [samples.count]) }
}

extension Double: Collatable {
    /// A float64 tensor, as PyTorch makes from Python floats.
    public static func collate(_ samples: [Double]) -> Tensor { Tensor(samples, shape: [samples.count]) }
}

extension Float: Collatable {
    public static func collate(_ samples: [Float]) -> Tensor { Tensor(samples, shape: [samples.count]) }
}

extension Bool: Collatable {
    public static func collate(_ samples: [Bool]) -> Tensor { Tensor(samples, shape: [samples.count]) }
}

extension Int64: Collatable {
    public static func collate(_ samples: [Int64]) -> Tensor { Tensor(samples, shape: [samples.count]) }
}

extension Int32: Collatable {
    public static func collate(_ samples: [Int32]) -> Tensor { Tensor(samples, shape: [samples.count]) }
}

extension Int16: Collatable {
    public static func collate(_ samples: [Int16]) -> Tensor { Tensor(samples, shape: [samples.count]) }
}

extension Int8: Collatable {
    public static func collate(_ samples: [Int8]) -> Tensor { Tensor(samples, shape: [samples.count]) }
}

extension UInt8: Collatable {
    public static func collate(_ samples: [UInt8]) -> Tensor { Tensor(samples, shape: [samples.count]) }
}

extension String: Collatable {
    /// Strings are not tensors: the batch is the list of strings, as in PyTorch.
    public static func collate(_ samples: [String]) -> [String] { samples }
}

extension Array: Collatable where Element: Collatable {
    /// Position `i` of the result collates position `i` of every sample; all samples must
    /// have the same length.
    public static func collate(_ samples: [[Element]]) -> [Element.Collated] {
        let length = samples[0].count
        precondition(
            samples.allSatisfy { $0.count == length },
            "default_collate: each element in list of batch should be of equal size (lengths \(samples.map(\.count)))")
        return (0..<length).map { i in Element.collate(samples.map { $0[i] }) }
    }
}

extension Dictionary: Collatable where Key == String, Value: Collatable {
    /// Each key of the first sample collates that key's values; every sample must have it.
    /// (Keys are strings, the usual named fields, which keeps batches `Sendable`.)
    public static func collate(_ samples: [[Key: Value]]) -> [Key: Value.Collated] {
        var result = [Key: Value.Collated]()
        for key in samples[0].keys {
            result[key] = Value.collate(samples.map { sample in
                guard let value = sample[key] else { preconditionFailure("default_collate: a sample lacks the key \(key)") }
                return value
            })
        }
        return result
    }
}
