"""Vision reference workloads (torchvision.io, transforms.v2); same names and inputs as
Benchmarks/Swift/VisionBenchmarks.swift."""
import os

import torch
import torchvision.transforms.v2.functional as F
from torchvision.io import ImageReadMode, decode_image, decode_jpeg, decode_png, encode_jpeg, encode_png

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


def _image_folder():
    """256 JPEGs (quality 90) in 4 class folders: four committed photos resized to 375x500, 64 copies
    each, as Benchmarks/Swift/VisionBenchmarks.swift writes them."""
    import tempfile

    images = os.path.dirname(CHELSEA)
    folder = os.path.join(tempfile.gettempdir(), f"ember-bench-imagefolder-ref-{os.getpid()}")
    for k, name in enumerate(["chelsea.png", "coffee.png", "astronaut.png", "rocket.jpg"]):
        image = F.resize(decode_image(os.path.join(images, name), mode=ImageReadMode.RGB), [375, 500])
        data = encode_jpeg(image, quality=90).numpy().tobytes()
        os.makedirs(os.path.join(folder, f"class{k}"), exist_ok=True)
        for i in range(64):
            with open(os.path.join(folder, f"class{k}", f"img{i}.jpg"), "wb") as f:
                f.write(data)
    return folder


def _decode_rgb(path):
    return decode_image(path, mode=ImageReadMode.RGB)


def _image_folder_pipeline():
    """The tensor path of transforms.v2: torchvision.io decoding, then RandomResizedCrop 224,
    RandomHorizontalFlip, ToDtype(float32, scale=True), Normalize; DataLoader(batch 64, shuffle, 2
    worker processes). One epoch is 4 batches; the row is per batch."""
    from torchvision import datasets
    from torchvision.transforms import v2

    transform = v2.Compose([
        v2.RandomResizedCrop(224), v2.RandomHorizontalFlip(), v2.ToDtype(torch.float32, scale=True),
        v2.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
    ])
    dataset = datasets.ImageFolder(_image_folder(), loader=_decode_rgb, transform=transform)
    loader = torch.utils.data.DataLoader(dataset, batch_size=64, shuffle=True, num_workers=2,
                                         generator=torch.Generator().manual_seed(0))

    def epoch():
        for images, _ in loader:
            assert images.shape == (64, 3, 224, 224)
    return epoch


def workloads(threads):
    return [
        ("decode jpeg 1920x1080", _decode_jpeg),
        ("decode png 1920x1080", _decode_png),
        ("resize 3x1080x1920 uint8 to 224 antialias", _resize),
        ("ImageFolder pipeline batch 64 (ms/batch)", _image_folder_pipeline, 4),
    ]
