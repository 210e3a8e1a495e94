import Ember
import Foundation

/// Power or magnitude spectrograms to decibels (`torchaudio.transforms.AmplitudeToDB`), with
/// amin 1e-10 and reference 1; see ``Functional/amplitudeToDB(_:multiplier:amin:dbMultiplier:topDB:)``.
public struct AmplitudeToDB: Sendable {
    /// What the input holds.
    public enum SType: String, Sendable {
        /// |X|² (10·log10).
        case power
        /// |X| (20·log10).
        case magnitude
    }

    public let stype: SType
    public let topDB: Double?
    public let multiplier: Double
    public let amin: Double = 1e-10
    public let refValue: Double = 1
    public var dbMultiplier: Double { Foundation.log10(Swift.max(amin, refValue)) }

    /// - Parameter topDB: the dynamic range kept below the maximum (80 is usual); nil keeps all.
    public init(stype: SType = .power, topDB: Double? = nil) {
        precondition(topDB.map { $0 >= 0 } ?? true, "AmplitudeToDB: top_db must be positive value, got \(topDB!)")
        self.stype = stype
        self.topDB = topDB
        multiplier = stype == .power ? 10 : 20
    }

    /// `x` in dB.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        Functional.amplitudeToDB(x, multiplier: multiplier, amin: amin, dbMultiplier: dbMultiplier, topDB: topDB)
    }
}
