#!/usr/bin/env python3
"""Exports the architectures users bring to ONNX (opset 17) with random weights, plus an
input and onnxruntime's logits for it, so Tabby's results can be checked against them.

    python tools/export_archs.py OUT_DIR [--archs resnet50,convnext_tiny] [--seed 0]

Writes into OUT_DIR:
  <arch>.onnx           the network (batch dimension left open, input "input", output "logits")
  <arch>.logits.npy     onnxruntime's logits for the images below, float32 [images, 1000]
  image<k>.png          256×256 RGB test images (Tabby's imagenet profile takes them unchanged:
                        a resize to 256 is the identity, then a 224 centre crop)
  input.npy             the preprocessed batch, float32 [images, 3, 224, 224], as Tabby makes it
  manifest.json         archs, image files, each model's operator counts, versions

The nets are defined here (no model package needed), following torchvision's definitions.
Weights are random but the networks are brought to a trained-like regime: batch-norm
statistics are calibrated on random batches (so normalisation is not the identity), norm
affines and ConvNeXt's layer scales are randomised (so no branch is silently near zero).
"""
import argparse
import json
import pathlib
import struct
import sys
import zlib

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

OPSET = 17
IMAGES = 2
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def conv_bn(cin, cout, k, stride=1, groups=1, act=None):
    layers = [nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act is not None:
        layers.append(act())
    return nn.Sequential(*layers)


# ResNet-50 (torchvision v1.5: the stride on the 3×3 convolution).
class Bottleneck(nn.Module):
    def __init__(self, cin, width, stride):
        super().__init__()
        cout = width * 4
        self.body = nn.Sequential(
            conv_bn(cin, width, 1, act=nn.ReLU), conv_bn(width, width, 3, stride, act=nn.ReLU), conv_bn(width, cout, 1))
        self.down = conv_bn(cin, cout, 1, stride) if stride != 1 or cin != cout else None

    def forward(self, x):
        return F.relu(self.body(x) + (x if self.down is None else self.down(x)))


def resnet50():
    layers = [conv_bn(3, 64, 7, 2, act=nn.ReLU), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for width, blocks, stride in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]:
        for b in range(blocks):
            layers.append(Bottleneck(cin, width, stride if b == 0 else 1))
            cin = width * 4
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, 1000))


# MobileNetV2 (float; ReLU6 exports as Clip).
class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        layers = [] if expand == 1 else [conv_bn(cin, hidden, 1, act=nn.ReLU6)]
        layers += [conv_bn(hidden, hidden, 3, stride, groups=hidden, act=nn.ReLU6), conv_bn(hidden, cout, 1)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


def mobilenet_v2():
    layers = [conv_bn(3, 32, 3, 2, act=nn.ReLU6)]
    cin = 32
    for t, c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]:
        for i in range(n):
            layers.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
            cin = c
    layers += [conv_bn(cin, 1280, 1, act=nn.ReLU6), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2),
               nn.Linear(1280, 1000)]
    return nn.Sequential(*layers)


# EfficientNet-B0 (SiLU, squeeze-and-excitation, 5×5 depthwise).
class SqueezeExcitation(nn.Module):
    def __init__(self, channels, squeeze):
        super().__init__()
        self.fc1 = nn.Conv2d(channels, squeeze, 1)
        self.fc2 = nn.Conv2d(squeeze, channels, 1)

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        return x * torch.sigmoid(self.fc2(F.silu(self.fc1(s))))


class MBConv(nn.Module):
    def __init__(self, cin, cout, k, stride, expand):
        super().__init__()
        hidden = cin * expand
        layers = [] if expand == 1 else [conv_bn(cin, hidden, 1, act=nn.SiLU)]
        layers += [conv_bn(hidden, hidden, k, stride, groups=hidden, act=nn.SiLU),
                   SqueezeExcitation(hidden, max(1, cin // 4)), conv_bn(hidden, cout, 1)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


def efficientnet_b0():
    layers = [conv_bn(3, 32, 3, 2, act=nn.SiLU)]
    cin = 32
    for t, k, s, c, n in [(1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3), (6, 5, 1, 112, 3),
                          (6, 5, 2, 192, 4), (6, 3, 1, 320, 1)]:
        for i in range(n):
            layers.append(MBConv(cin, c, k, s if i == 0 else 1, t))
            cin = c
    layers += [conv_bn(cin, 1280, 1, act=nn.SiLU), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2),
               nn.Linear(1280, 1000)]
    return nn.Sequential(*layers)


# DenseNet-121 (each layer reads the concatenation of all before it; batch norms after a
# concatenation cannot fold into a convolution).
class DenseLayer(nn.Module):
    def __init__(self, cin, growth=32, bn_size=4):
        super().__init__()
        self.body = nn.Sequential(
            nn.BatchNorm2d(cin), nn.ReLU(), nn.Conv2d(cin, bn_size * growth, 1, bias=False),
            nn.BatchNorm2d(bn_size * growth), nn.ReLU(), nn.Conv2d(bn_size * growth, growth, 3, 1, 1, bias=False))

    def forward(self, features):
        return self.body(torch.cat(features, 1))


class DenseBlock(nn.Module):
    def __init__(self, layers, cin, growth=32):
        super().__init__()
        self.layers = nn.ModuleList(DenseLayer(cin + i * growth, growth) for i in range(layers))

    def forward(self, x):
        features = [x]
        for layer in self.layers:
            features.append(layer(features))
        return torch.cat(features, 1)


def densenet121():
    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    c = 64
    for i, n in enumerate([6, 12, 24, 16]):
        layers.append(DenseBlock(n, c))
        c += n * 32
        if i < 3:
            layers += [nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, c // 2, 1, bias=False), nn.AvgPool2d(2, 2)]
            c //= 2
    layers += [nn.BatchNorm2d(c), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, 1000)]
    return nn.Sequential(*layers)


# ConvNeXt-Tiny (LayerNorm, GELU, 7×7 depthwise, Linear layers on NHWC-permuted tensors).
class LayerNorm2d(nn.LayerNorm):
    def forward(self, x):
        return super().forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class CNBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.fc1 = nn.Linear(dim, 4 * dim)
        self.fc2 = nn.Linear(4 * dim, dim)
        self.layer_scale = nn.Parameter(torch.full((dim, 1, 1), 1e-6))

    def forward(self, x):
        y = self.dwconv(x).permute(0, 2, 3, 1)
        y = self.fc2(F.gelu(self.fc1(self.norm(y)))).permute(0, 3, 1, 2)
        return x + self.layer_scale * y


def convnext_tiny():
    dims = [96, 192, 384, 768]
    layers = [nn.Conv2d(3, dims[0], 4, 4), LayerNorm2d(dims[0], eps=1e-6)]
    for i, n in enumerate([3, 3, 9, 3]):
        if i > 0:
            layers += [LayerNorm2d(dims[i - 1], eps=1e-6), nn.Conv2d(dims[i - 1], dims[i], 2, 2)]
        layers += [CNBlock(dims[i]) for _ in range(n)]
    layers += [nn.AdaptiveAvgPool2d(1), LayerNorm2d(dims[-1], eps=1e-6), nn.Flatten(), nn.Linear(dims[-1], 1000)]
    return nn.Sequential(*layers)


ARCHS = {
    "resnet50": resnet50,
    "mobilenet_v2": mobilenet_v2,
    "efficientnet_b0": efficientnet_b0,
    "densenet121": densenet121,
    "convnext_tiny": convnext_tiny,
}


def randomise(model, generator):
    """Non-trivial norm parameters and statistics, as a trained network has."""
    def uniform(t, lo, hi):
        with torch.no_grad():
            t.copy_(torch.rand(t.shape, generator=generator) * (hi - lo) + lo)

    for m in model.modules():
        if isinstance(m, (nn.BatchNorm2d, nn.LayerNorm)):
            uniform(m.weight, 0.5, 1.5)
            uniform(m.bias, -0.3, 0.3)
        if isinstance(m, nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None  # a cumulative average over the calibration batches
        if isinstance(m, CNBlock):
            uniform(m.layer_scale, 0.1, 1.0)
    if any(isinstance(m, nn.BatchNorm2d) for m in model.modules()):
        model.train()
        with torch.no_grad():
            for _ in range(2):
                model(torch.randn(4, 3, 224, 224, generator=generator))
    model.eval()


def write_png(path, rgb):
    """An 8-bit RGB PNG (no dependency beyond zlib)."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    pathlib.Path(path).write_bytes(png)


def test_images(seed):
    """Smooth colour fields with texture and noise: deterministic, photo-like statistics."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:256, 0:256].astype(np.float32) / 255
    images = []
    for k in range(IMAGES):
        f = rng.uniform(2, 9, size=(3, 2))
        phase = rng.uniform(0, 6.3, size=3)
        planes = [0.5 + 0.35 * np.sin(f[c, 0] * x * 3.1 + f[c, 1] * y * 2.3 + phase[c]) * np.cos((k + 1) * 4 * x * y)
                  for c in range(3)]
        img = np.stack(planes, -1) * 255 + rng.normal(0, 12, size=(256, 256, 3))
        images.append(np.clip(np.rint(img), 0, 255).astype(np.uint8))
    return images


def preprocess(rgb):
    """Tabby's imagenet profile on a 256×256 image: centre crop 224, (p/255 − mean)/std in float32."""
    crop = rgb[16:240, 16:240].astype(np.float32)
    return ((crop / np.float32(255) - MEAN) / STD).transpose(2, 0, 1)


def export(name, out, batch, seed):
    import onnx
    import onnxruntime as ort

    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model = ARCHS[name]()
    randomise(model, generator)
    path = out / f"{name}.onnx"
    with torch.no_grad():
        torch.onnx.export(
            model, (torch.from_numpy(batch[:1]),), str(path), opset_version=OPSET, dynamo=False,
            input_names=["input"], output_names=["logits"], dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    ops = {}
    for node in onnx.load(str(path)).graph.node:
        ops[node.op_type] = ops.get(node.op_type, 0) + 1
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    logits = session.run(None, {"input": batch})[0].astype(np.float32)
    np.save(out / f"{name}.logits.npy", logits)
    with torch.no_grad():
        torch_logits = model(torch.from_numpy(batch)).numpy()
    scale = float(np.abs(logits).max())
    drift = float(np.abs(torch_logits - logits).max()) / scale
    return {"ops": dict(sorted(ops.items())), "max_abs_logit": scale, "torch_vs_onnxruntime": drift}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=pathlib.Path)
    parser.add_argument("--archs", default=",".join(ARCHS))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    archs = [a for a in args.archs.split(",") if a]
    unknown = [a for a in archs if a not in ARCHS]
    if unknown:
        parser.error(f"unknown architectures {unknown}; known: {', '.join(ARCHS)}")
    args.out.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(2)
    images = test_images(args.seed)
    files = []
    for k, img in enumerate(images):
        files.append(f"image{k}.png")
        write_png(args.out / files[-1], img)
    batch = np.ascontiguousarray(np.stack([preprocess(img) for img in images]))
    np.save(args.out / "input.npy", batch)
    import onnxruntime

    manifest = {"archs": {}, "images": files, "opset": OPSET, "seed": args.seed,
                "torch": torch.__version__, "onnxruntime": onnxruntime.__version__}
    for name in archs:
        manifest["archs"][name] = export(name, args.out, batch, args.seed)
        print(name, json.dumps(manifest["archs"][name]), file=sys.stderr)
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=1))


if __name__ == "__main__":
    main()
