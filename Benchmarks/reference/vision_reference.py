"""Vision reference workloads (torchvision.io, transforms.v2); same names and inputs as
Benchmarks/Swift/VisionBenchmarks.swift."""
import os

import torch
import torchvision.transforms.v2.functional as F
from torchvision.io import decode_image, decode_jpeg, decode_png, encode_jpeg, encode_png

CHELSEA = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Fixtures", "Vision", "images", "chelsea.png")


def _frame():
    return F.resize(decode_image(CHELSEA), [1080, 1920], antialias=False).contiguous()


def _decode_jpeg():
    data = encode_jpeg(_frame(), quality=90)
    return lambda: decode_jpeg(data)


def _decode_png():
    data = encode_png(_frame(), compression_level=6)
    return lambda: decode_png(data)


def _resize():
    image = _frame()
    return lambda: F.resize(image, [224], interpolation=F.InterpolationMode.BILINEAR, antialias=True)


def workloads(threads):
    return [
        ("decode jpeg 1920x1080", _decode_jpeg),
        ("decode png 1920x1080", _decode_png),
        ("resize 3x1080x1920 uint8 to 224 antialias", _resize),
    ]
