"""PyTorch eager LeNet (tanh 20/50/500, SGD 0.05/0.9/1e-4) training throughput at batch 64
on the GPU, the reference tabby-gpu-check's LeNet figure is compared with. Prints JSON."""
import json
import time

import torch
import torch.nn as nn

dev = torch.device("cuda")
torch.manual_seed(0)
net = nn.Sequential(
    nn.Conv2d(1, 20, 5), nn.Tanh(), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.Tanh(),
    nn.MaxPool2d(2), nn.Flatten(), nn.Linear(800, 500), nn.Tanh(), nn.Linear(500, 10)).to(dev)
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
loss_fn = nn.CrossEntropyLoss()
# Host batches copied per step, as the Tabby check does.
xs = [torch.rand(64, 1, 28, 28) for _ in range(20)]
ys = [torch.randint(0, 10, (64,)) for _ in range(20)]


def step(i):
    x, y = xs[i % 20].to(dev, non_blocking=True), ys[i % 20].to(dev, non_blocking=True)
    opt.zero_grad(set_to_none=True)
    loss = loss_fn(net(x), y)
    loss.backward()
    opt.step()
    return loss


for i in range(30):
    step(i)
torch.cuda.synchronize()
steps = 300
start = time.perf_counter()
for i in range(steps):
    step(i)
torch.cuda.synchronize()
seconds = time.perf_counter() - start
print(json.dumps({"torch": torch.__version__, "device": torch.cuda.get_device_name(0),
                  "lenet_images_per_s_batch64": steps * 64 / seconds}))
