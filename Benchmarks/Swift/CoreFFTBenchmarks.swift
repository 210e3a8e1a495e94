import Ember

/// FFT workloads (issue 9); `Benchmarks/reference/core_fft_reference.py` has the same names.
/// float32 input, one transform each: a power of two (the four-step path over a half-length
/// complex transform) and a large prime (Bluestein).
func coreFFTWorkloads() -> [Workload] {
    func rfft(_ n: Int) -> () -> Void {
        let x = Tensor.randn([n], generator: Generator(seed: 0))
        return { _ = FFT.rfft(x) }
    }
    return [
        Workload(name: "rfft 2^20") { rfft(1 << 20) },
        Workload(name: "rfft 1000003 (prime)") { rfft(1_000_003) },
        Workload(name: "stft n_fft=400 hop=160, 10 s at 16 kHz") {
            let x = Tensor.randn([160_000], generator: Generator(seed: 0))
            let window = Tensor.hannWindow(400)
            return { _ = x.stft(nFFT: 400, hopLength: 160, window: window) }
        },
    ]
}
