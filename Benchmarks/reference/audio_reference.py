"""Audio reference workloads (torchaudio 2.11); same names and signals as AudioBenchmarks.swift."""
import math
import os
import tempfile

import torch
import torchaudio
import torchaudio.functional as F

FOLDER = os.path.join(tempfile.gettempdir(), "ember-bench-audio")


def _signal(seconds, rate, channels):
    """Two tones and a chirp, computed in double and rounded to float32 as the Swift side does."""
    t = torch.arange(seconds * rate, dtype=torch.float64) / rate
    rows = []
    for c in range(channels):
        tone = 0.4 * torch.sin(2 * math.pi * (440 + 110 * c) * t)
        chirp = 0.2 * torch.sin(2 * math.pi * (100 + 400 * t) * t)
        rows.append((tone + chirp).float())
    return torch.stack(rows)


def _resample():
    wave = _signal(10, 44100, 1)
    return lambda: F.resample(wave, 44100, 16000)


def _mel_spectrogram():
    wave = _signal(10, 16000, 1)
    mel = torchaudio.transforms.MelSpectrogram(sample_rate=16000, n_fft=400, hop_length=160, n_mels=80)

    def run():
        with torch.no_grad():
            assert mel(wave).shape == (1, 80, 1001)
    return run


def _decode_flac():
    os.makedirs(FOLDER, exist_ok=True)
    path = os.path.join(FOLDER, "torch-60s-stereo.flac")
    if not os.path.exists(path):
        torchaudio.save(path, _signal(60, 44100, 2), 44100, bits_per_sample=16)

    def run():
        wave, _ = torchaudio.load(path)
        assert wave.shape == (2, 2646000)
    return run


def workloads(threads):
    return [("resample 10s 44.1k to 16k", _resample), ("MelSpectrogram 10 s 16 kHz", _mel_spectrogram),
            ("decode flac 60s 44.1k stereo", _decode_flac)]
