"""FFT workloads (issue 9); same names as CoreFFTBenchmarks.swift."""
import torch


def _rfft(n):
    def prepare():
        x = torch.randn(n, generator=torch.Generator().manual_seed(0))
        return lambda: torch.fft.rfft(x)
    return prepare


def _stft():
    def prepare():
        x = torch.randn(160_000, generator=torch.Generator().manual_seed(0))
        window = torch.hann_window(400)
        return lambda: torch.stft(x, 400, hop_length=160, window=window, return_complex=True)
    return prepare


def workloads(threads):
    return [
        ("rfft 2^20", _rfft(1 << 20)),
        ("rfft 1000003 (prime)", _rfft(1_000_003)),
        ("stft n_fft=400 hop=160, 10 s at 16 kHz", _stft()),
    ]
