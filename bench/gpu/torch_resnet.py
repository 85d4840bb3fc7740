"""PyTorch eager ResNet-18 v1 inference on the GPU, the reference for tabby-gpu-check's
resnet18 figures: batch-1 latency (median of 50, host input in and host logits out, as
Tabby's DeviceModel.run) and batch-64 throughput (median of 10). Random weights: the
timing does not depend on them. Prints JSON."""
import json
import sys
import time

import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = torch.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        return torch.relu(y + (self.down(x) if self.down is not None else x))


def resnet18():
    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
        layers += [Block(cin, cout, stride), Block(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 1000)]
    return nn.Sequential(*layers)


def median_seconds(fn, runs, warmup):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


dev = torch.device("cuda")
torch.manual_seed(0)
net = resnet18().to(dev).eval()
batch = int(sys.argv[1]) if len(sys.argv) > 1 else 64
x1 = torch.rand(1, 3, 224, 224)
xb = torch.rand(batch, 3, 224, 224)
with torch.no_grad():
    latency = median_seconds(lambda: net(x1.to(dev)).cpu(), runs=50, warmup=10)
    seconds = median_seconds(lambda: net(xb.to(dev)).cpu(), runs=10, warmup=3)
print(json.dumps({"torch": torch.__version__, "device": torch.cuda.get_device_name(0),
                  "resnet18_batch1_latency_ms": latency * 1000, "batch": batch,
                  "resnet18_images_per_s": batch / seconds}))
