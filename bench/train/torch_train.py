"""PyTorch CPU reference for bench/train: the same nets, data and settings as `tabby train`."""
import argparse, gzip, json, os, resource, sys, time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def find(directory, stem):
    for name in (stem, stem + ".gz"):
        if os.path.exists(os.path.join(directory, name)):
            return os.path.join(directory, name)
    sys.exit(f"{directory}: missing {stem}")


def nets(name):
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                             nn.Linear(64, 10))
    return nn.Sequential(nn.Conv2d(1, 20, 5), nn.Tanh(), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.Tanh(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(800, 500), nn.Tanh(), nn.Linear(500, 10))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--net", default="lenet")
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--wd", type=float, default=1e-4)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--limit", type=int, default=0, help="train on the first N images only")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xtr = torch.from_numpy(read_idx(find(a.data, "train-images-idx3-ubyte")).copy()).unsqueeze(1)
    ytr = torch.from_numpy(read_idx(find(a.data, "train-labels-idx1-ubyte")).astype(np.int64))
    if a.limit:
        xtr, ytr = xtr[:a.limit], ytr[:a.limit]
    xte = torch.from_numpy(read_idx(find(a.data, "t10k-images-idx3-ubyte")).copy()).unsqueeze(1)
    yte = torch.from_numpy(read_idx(find(a.data, "t10k-labels-idx1-ubyte")).astype(np.int64))
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
    steady = seconds[1:] or seconds
    print(json.dumps({
        "images_per_second": len(xtr) * len(steady) / sum(steady),
        "seconds_per_epoch": sum(steady) / len(steady),
        "test_accuracy": accuracy,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
