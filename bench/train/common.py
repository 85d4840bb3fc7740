"""What the PyTorch and MXNet references of bench/train share: the IDX data files, the classic
command line, and the JSON line they report (run.sh reads it through report.py)."""
import gzip
import json
import os
import resource
import sys

import numpy as np


def read_idx(path):
    """An IDX file (gzip or not) as a uint8 array of its dimensions."""
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


def split(directory, prefix):
    """(images N×1×28×28, labels N) of the `train` or `t10k` split, both uint8 (read-only)."""
    images = read_idx(find(directory, f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(find(directory, f"{prefix}-labels-idx1-ubyte"))
    return images.reshape(-1, 1, 28, 28), labels


def arguments(parser):
    """The classic train_mnist settings every reference takes (run.sh passes the same to tabby)."""
    parser.add_argument("--net", default="lenet")
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--wd", type=float, default=1e-4)
    return parser


def report(images, seconds, accuracy):
    """Prints the result line; the first epoch is a warm-up when there is more than one."""
    steady = seconds[1:] or seconds
    print(json.dumps({
        "images_per_second": images * len(steady) / sum(steady),
        "seconds_per_epoch": sum(steady) / len(steady),
        "test_accuracy": accuracy,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))
