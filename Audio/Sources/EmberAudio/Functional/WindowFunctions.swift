import Ember

/// Window functions with `torch.hann_window`'s conventions, under the names EmberAudio has
/// always used. They are Core's `Tensor.hannWindow`, ... (which `stft` takes); these
/// spellings delegate to them.
public enum Windows {
    /// `torch.hann_window`; see `Tensor.hannWindow`.
    public static func hann(_ length: Int, periodic: Bool = true, dtype: DType = .float32) -> Tensor {
        Tensor.hannWindow(length, periodic: periodic, dtype: dtype)
    }

    /// `torch.hamming_window`; see `Tensor.hammingWindow`.
    public static func hamming(
        _ length: Int, periodic: Bool = true, alpha: Double = 0.54, beta: Double = 0.46, dtype: DType = .float32
    ) -> Tensor {
        Tensor.hammingWindow(length, periodic: periodic, alpha: alpha, beta: beta, dtype: dtype)
    }

    /// `torch.blackman_window`; see `Tensor.blackmanWindow`.
    public static func blackman(_ length: Int, periodic: Bool = true, dtype: DType = .float32) -> Tensor {
        Tensor.blackmanWindow(length, periodic: periodic, dtype: dtype)
    }

    /// `torch.bartlett_window`; see `Tensor.bartlettWindow`.
    public static func bartlett(_ length: Int, periodic: Bool = true, dtype: DType = .float32) -> Tensor {
        Tensor.bartlettWindow(length, periodic: periodic, dtype: dtype)
    }

    /// `torch.kaiser_window`; see `Tensor.kaiserWindow`.
    public static func kaiser(_ length: Int, periodic: Bool = true, beta: Double = 12, dtype: DType = .float32) -> Tensor {
        Tensor.kaiserWindow(length, periodic: periodic, beta: beta, dtype: dtype)
    }
}
