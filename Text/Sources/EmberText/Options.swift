/// How `encodeBatch` (and `encode`, for a fixed length) pads.
public struct PaddingOptions: Sendable, Equatable {
    public enum Strategy: Sendable, Equatable {
        /// Pad to the longest encoding of the batch.
        case longest
        /// Pad to this many tokens.
        case fixed(Int)
    }
    public var strategy: Strategy
    public var direction: PaddingDirection
    /// Round the target length up to a multiple of this (8 suits tensor cores).
    public var padToMultipleOf: Int?
    public var padId: Int
    public var padTypeId: Int
    public var padToken: String

    public init(strategy: Strategy = .longest, direction: PaddingDirection = .right, padToMultipleOf: Int? = nil,
                padId: Int = 0, padTypeId: Int = 0, padToken: String = "[PAD]") {
        self.strategy = strategy
        self.direction = direction
        self.padToMultipleOf = padToMultipleOf
        self.padId = padId
        self.padTypeId = padTypeId
        self.padToken = padToken
    }
}

/// How encodings longer than `maxLength` are cut.
public struct TruncationOptions: Sendable, Equatable {
    public enum Strategy: String, Sendable {
        case longestFirst = "LongestFirst"
        case onlyFirst = "OnlyFirst"
        case onlySecond = "OnlySecond"
    }
    /// The length including the special tokens the post-processor adds.
    public var maxLength: Int
    /// How many tokens consecutive overflowing windows share.
    public var stride: Int
    public var strategy: Strategy
    public var direction: TruncationDirection

    public init(maxLength: Int, stride: Int = 0, strategy: Strategy = .longestFirst, direction: TruncationDirection = .right) {
        self.maxLength = maxLength
        self.stride = stride
        self.strategy = strategy
        self.direction = direction
    }
}
