"""MXNet checkpoints written by `tabby train --save` must load and run in Apache MXNet 1.9.1.

The checkpoint is trained briefly on the 512-image MNIST-format set from ../shared; MXNet
(the project's .venv-mxnet) then classifies the same images, and its accuracy must match the
accuracy Tabby reports for the same network on the same images."""
import json
import pathlib
import subprocess

import pytest
from conftest import MXNET_PY, SHARED, require_shared

ROOT = pathlib.Path(__file__).resolve().parents[2]
MNIST = SHARED / "reference" / "mnist"

MXNET_SCRIPT = r"""
import sys, json, numpy as np, mxnet as mx
prefix, epoch, images, labels = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
sym, args, aux = mx.model.load_checkpoint(prefix, epoch)
x = np.fromfile(images, dtype=np.uint8)[16:].reshape(-1, 1, 28, 28).astype(np.float32) / 255
y = np.fromfile(labels, dtype=np.uint8)[8:]
mod = mx.mod.Module(sym, context=mx.cpu(), label_names=["softmax_label"])
mod.bind(data_shapes=[("data", x.shape)], for_training=False)
mod.set_params(args, aux, allow_missing=False)
mod.forward(mx.io.DataBatch([mx.nd.array(x)]), is_train=False)
p = mod.get_outputs()[0].asnumpy()
print(json.dumps({"accuracy": float((p.argmax(1) == y).mean()), "shape": list(p.shape),
                  "row_sums": float(abs(p.sum(1) - 1).max())}))
"""


@pytest.fixture(scope="module")
def mnist_dir(tmp_path_factory):
    """The 512 images serve as both training and test set (a quick, real run)."""
    require_shared(mxnet=True)
    d = tmp_path_factory.mktemp("mnist")
    for split in ("train", "t10k"):
        (d / f"{split}-images-idx3-ubyte").symlink_to(MNIST / "t10k-512-images-idx3-ubyte")
        (d / f"{split}-labels-idx1-ubyte").symlink_to(MNIST / "t10k-512-labels-idx1-ubyte")
    return d


@pytest.mark.parametrize("net", ["lenet", "mlp"])
def test_mxnet_runs_tabby_checkpoint(tabby_bin, mnist_dir, tmp_path, net):
    prefix = tmp_path / net
    out = subprocess.run(
        [tabby_bin, "train", "--net", net, "--epochs", "1", "--batch", "64", "--threads", "2",
         "--data", str(mnist_dir), "--save", str(prefix), "--json"],
        capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout)
    symbol = json.loads((tmp_path / f"{net}-symbol.json").read_text())
    assert symbol["nodes"][-1]["op"] == "SoftmaxOutput"
    params = sorted(tmp_path.glob(f"{net}-*.params"))
    assert len(params) == 1
    epoch = int(params[0].name[len(net) + 1:len(net) + 5])
    mx = subprocess.run(
        [str(MXNET_PY), "-c", MXNET_SCRIPT, str(prefix), str(epoch),
         str(MNIST / "t10k-512-images-idx3-ubyte"), str(MNIST / "t10k-512-labels-idx1-ubyte")],
        capture_output=True, text=True, timeout=300)
    assert mx.returncode == 0, mx.stderr[-2000:]
    result = json.loads(mx.stdout)
    assert result["shape"] == [512, 10]
    assert result["row_sums"] < 1e-4
    # Same weights, same images: MXNet's accuracy equals the one Tabby measured (to one image).
    tabby_acc = report["test_accuracy"][-1]
    assert abs(result["accuracy"] - tabby_acc) <= 1 / 512 + 1e-9, (result, report)
