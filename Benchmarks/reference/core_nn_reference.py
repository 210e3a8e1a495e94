"""nn workloads (issue 4's performance rows); same names as CoreNNBenchmarks.swift."""
import torch
from torch import nn


def _mlp_step():
    g = torch.Generator().manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(32, 64, generator=g)
    y = torch.randint(0, 10, (32,), generator=g)

    def step():
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return step


def _conv(batch):
    def prepare():
        g = torch.Generator().manual_seed(0)
        conv = nn.Conv2d(64, 64, 3, padding=1)
        x = torch.randn(batch, 64, 56, 56, generator=g)

        def forward():
            with torch.no_grad():
                conv(x)
        return forward
    return prepare


def mnist_cnn():
    """conv-relu-pool ×2, two linears: the same model as the Swift side."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))


def _cnn_step():
    g = torch.Generator().manual_seed(0)
    model = mnist_cnn()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(64, 1, 28, 28, generator=g)
    y = torch.randint(0, 10, (64,), generator=g)

    def step():
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return step


def _encoder_layer():
    g = torch.Generator().manual_seed(0)
    layer = nn.TransformerEncoderLayer(384, 12, dim_feedforward=1536, batch_first=True).eval()
    x = torch.randn(1, 128, 384, generator=g)

    def forward():
        with torch.no_grad():
            layer(x)
    return forward


def workloads(threads):
    return [
        ("MLP 64-128-10 training step, batch 32", _mlp_step),
        ("Conv3x3 64→64 56×56 batch 1 forward", _conv(1)),
        ("Conv3x3 64→64 56×56 batch 8 forward", _conv(8)),
        ("MNIST-like CNN training step, batch 64", _cnn_step),
        ("TransformerEncoderLayer 384-d 12 heads seq 128 forward", _encoder_layer),
    ]
