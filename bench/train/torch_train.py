"""PyTorch CPU reference for bench/train: the same nets, data and settings as `tabby train`."""
import argparse, sys, time

import numpy as np
import torch
from torch import nn

from common import arguments, report, split


def nets(name):
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                             nn.Linear(64, 10))
    return nn.Sequential(nn.Conv2d(1, 20, 5), nn.Tanh(), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.Tanh(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(800, 500), nn.Tanh(), nn.Linear(500, 10))


def main():
    p = arguments(argparse.ArgumentParser())
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--limit", type=int, default=0, help="train on the first N images only")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    (xtr, ytr), (xte, yte) = [(torch.from_numpy(x.copy()), torch.from_numpy(y.astype(np.int64)))
                              for x, y in (split(a.data, "train"), split(a.data, "t10k"))]
    if a.limit:
        xtr, ytr = xtr[:a.limit], ytr[:a.limit]
    model = nets(a.net)
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=a.momentum, weight_decay=a.wd)
    loss_fn = nn.CrossEntropyLoss()
    seconds, accuracy = [], []
    for epoch in range(a.epochs):
        model.train()
        order = torch.randperm(len(xtr))
        start = time.perf_counter()
        for i in range(0, len(xtr), a.batch):
            idx = order[i:i + a.batch]
            x = xtr[idx].float().div_(255)
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), ytr[idx])
            loss.backward()
            opt.step()
        seconds.append(time.perf_counter() - start)
        model.eval()
        with torch.no_grad():
            correct = sum(int((model(xte[i:i + 1000].float() / 255).argmax(1) == yte[i:i + 1000]).sum())
                          for i in range(0, len(xte), 1000))
        accuracy.append(correct / len(xte))
        print(f"torch {a.net} epoch {epoch + 1}: {len(xtr) / seconds[-1]:.0f} img/s test {accuracy[-1]:.4f}",
              file=sys.stderr, flush=True)
    report(len(xtr), seconds, accuracy)


if __name__ == "__main__":
    main()
