"""PyTorch DistributedDataParallel (gloo, CPU) reference for bench/scale: the nets, data and
settings of bench/train, N processes × 1 thread, each rank training on its shard of every
global batch as `mpirun -np N tabby train` does. Prints the JSON line bench/train reports."""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train"))
from common import arguments, report, split  # noqa: E402
from torch_train import nets  # noqa: E402


def worker(rank, a, port, queue):
    torch.set_num_threads(a.threads)
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    dist.init_process_group("gloo", rank=rank, world_size=a.ranks)
    torch.manual_seed(a.seed)
    (xtr, ytr), (xte, yte) = [(torch.from_numpy(x.copy()), torch.from_numpy(y.astype(np.int64)))
                              for x, y in (split(a.data, "train"), split(a.data, "t10k"))]
    if a.limit:
        xtr, ytr = xtr[:a.limit], ytr[:a.limit]
    # One bucket for the whole model, as Tabby fuses its gradients into one buffer.
    model = torch.nn.parallel.DistributedDataParallel(nets(a.net), bucket_cap_mb=64)
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=a.momentum, weight_decay=a.wd)
    loss_fn = torch.nn.CrossEntropyLoss()
    global_batch = a.batch * a.ranks
    seconds, accuracy = [], []
    for epoch in range(a.epochs):
        model.train()
        order = torch.randperm(len(xtr), generator=torch.Generator().manual_seed(a.seed + epoch))
        dist.barrier()
        start = time.perf_counter()
        for i in range(0, len(xtr), global_batch):
            chunk = order[i:i + global_batch]
            idx = chunk[rank * len(chunk) // a.ranks:(rank + 1) * len(chunk) // a.ranks]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xtr[idx].float().div_(255)), ytr[idx])
            loss.backward()
            opt.step()
        dist.barrier()
        seconds.append(time.perf_counter() - start)
        if rank == 0:
            model.eval()
            with torch.no_grad():
                correct = sum(int((model(xte[j:j + 1000].float() / 255).argmax(1) == yte[j:j + 1000]).sum())
                              for j in range(0, len(xte), 1000))
            accuracy.append(correct / len(xte))
            print(f"ddp {a.net} epoch {epoch + 1}: {len(xtr) / seconds[-1]:.0f} img/s test {accuracy[-1]:.4f}",
                  file=sys.stderr, flush=True)
    if rank == 0:
        queue.put((len(xtr), seconds, accuracy))
    dist.destroy_process_group()


def main():
    p = arguments(argparse.ArgumentParser())
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--port", type=int, default=29517)
    a = p.parse_args()
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    mp.spawn(worker, args=(a, a.port, queue), nprocs=a.ranks, join=True)
    report(*queue.get(timeout=10))


if __name__ == "__main__":
    main()
