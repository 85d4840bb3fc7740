"""`tabby train` end to end on the 512-image reference subset: JSON results, checkpoint
files, SIGINT handling and clear errors for bad data."""
import json
import os
import pathlib
import signal
import struct
import subprocess
import time

import pytest

from conftest import SHARED, require_shared

MNIST = SHARED / "reference" / "mnist"


@pytest.fixture
def data_dir(tmp_path):
    """A directory with the four MNIST file names, all pointing at the 512-image subset."""
    require_shared()
    for split in ("train", "t10k"):
        os.symlink(MNIST / "t10k-512-images-idx3-ubyte.gz", tmp_path / f"{split}-images-idx3-ubyte.gz")
        os.symlink(MNIST / "t10k-512-labels-idx1-ubyte", tmp_path / f"{split}-labels-idx1-ubyte")
    return tmp_path


def run_train(tabby_bin, *args, timeout=120):
    return subprocess.run([tabby_bin, "train", *args], capture_output=True, text=True, timeout=timeout)


def test_json_results_and_checkpoint(tabby_bin, data_dir, tmp_path):
    prefix = tmp_path / "ck" / "mlp"
    prefix.parent.mkdir()
    out = run_train(tabby_bin, "--net", "mlp", "--data", str(data_dir), "--epochs", "2", "--batch", "32",
                    "--json", "--save", str(prefix))
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["images_per_second"] > 0 and result["seconds_per_epoch"] > 0
    assert len(result["test_accuracy"]) == 2 and 0.3 < result["test_accuracy"][-1] <= 1
    assert 0 < result["peak_rss_mib"] < 1024
    assert "epoch 2/2" in out.stderr
    symbol = json.loads((tmp_path / "ck" / "mlp-symbol.json").read_text())
    names = [n["name"] for n in symbol["nodes"]]
    assert names[0] == "data" and names[-1] == "softmax" and "fc3_weight" in names
    params = (tmp_path / "ck" / "mlp-0002.params").read_bytes()
    magic, _, count = struct.unpack("<QQQ", params[:24])
    assert magic == 0x112 and count == 6
    assert b"arg:fc1_weight" in params


def test_same_seed_same_result(tabby_bin, data_dir):
    args = ("--net", "lenet", "--data", str(data_dir), "--epochs", "1", "--json", "--seed", "3", "--threads", "2")
    a, b = run_train(tabby_bin, *args), run_train(tabby_bin, *args)
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    assert json.loads(a.stdout)["test_accuracy"] == json.loads(b.stdout)["test_accuracy"]
    assert json.loads(a.stdout)["train_loss"] == json.loads(b.stdout)["train_loss"]


def test_sigint_stops_cleanly_saves_and_exits_130(tabby_bin, data_dir, tmp_path):
    prefix = tmp_path / "partial"
    proc = subprocess.Popen([tabby_bin, "train", "--net", "lenet", "--data", str(data_dir), "--epochs", "200",
                             "--json", "--save", str(prefix)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    time.sleep(3)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    # Cut short by Ctrl-C: the partial model is saved and reported, the status says so.
    assert proc.returncode == 130, stderr
    result = json.loads(stdout)
    assert result["interrupted"] is True and "interrupted" in stderr
    assert len(result["test_accuracy"]) < 200
    assert (tmp_path / "partial-symbol.json").exists()
    assert list(tmp_path.glob("partial-*.params"))


def test_save_into_a_missing_directory_fails_before_training(tabby_bin, tmp_path):
    start = time.monotonic()
    out = run_train(tabby_bin, "--data", str(tmp_path / "no-data"), "--save", str(tmp_path / "nodir" / "x"))
    assert out.returncode != 0
    assert "nodir does not exist" in out.stderr and "training" not in out.stdout
    assert time.monotonic() - start < 10


def test_negative_numbers_are_values_with_clear_messages(tabby_bin):
    out = run_train(tabby_bin, "--lr", "-0.1")
    assert out.returncode != 0 and "lr must be a finite number" in out.stderr
    assert "Missing value" not in out.stderr
    out = subprocess.run([tabby_bin, "predict", "--model", "x.onnx", "--top", "-3", "cat.jpg"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "--top must be at least 1, got -3" in out.stderr
    assert "Missing value" not in out.stderr


@pytest.mark.parametrize("damage", ["missing", "truncated"])
def test_bad_data_is_a_clear_error(tabby_bin, data_dir, damage):
    target = data_dir / "train-images-idx3-ubyte.gz"
    target.unlink()
    if damage == "truncated":
        raw = (MNIST / "t10k-512-images-idx3-ubyte").read_bytes()
        (data_dir / "train-images-idx3-ubyte").write_bytes(raw[:10000])
    out = run_train(tabby_bin, "--data", str(data_dir), "--epochs", "1")
    assert out.returncode != 0
    assert "train-images-idx3-ubyte" in out.stderr
    assert ("truncated" if damage == "truncated" else "missing") in out.stderr
    assert "Traceback" not in out.stderr and "Fatal error" not in out.stderr


def test_bad_arguments(tabby_bin):
    out = run_train(tabby_bin, "--net", "resnet")
    assert out.returncode != 0 and "--net must be lenet or mlp" in out.stderr


@pytest.mark.skipif(not MNIST.is_dir(), reason="the shared MNIST reference subset is not present")
def test_cli_and_cell_train_bit_identical_weights(tabby_bin, data_dir, tmp_path):
    """`tabby train` and `train()` in a cell share one TrainingConfiguration and one Trainer:
    the same seed, settings and threads give the same .params bytes."""
    from jupyter_client.manager import start_new_kernel

    settings = dict(epochs=2, batch=32, seed=3, limit=200, test_limit=100, threads=2)
    cli_prefix, cell_prefix = tmp_path / "cli", tmp_path / "cell"
    out = run_train(tabby_bin, "--net", "mlp", "--data", str(data_dir), "--epochs", "2", "--batch", "32",
                    "--seed", "3", "--threads", "2", "--limit", "200", "--test-limit", "100",
                    "--save", str(cli_prefix))
    assert out.returncode == 0, out.stderr
    km, kc = start_new_kernel(kernel_name="tabby", startup_timeout=60)
    try:
        code = (f"ctx(cpu, threads={settings['threads']})\n"
                f"d = mnist('{data_dir}', limit={settings['limit']}, test_limit={settings['test_limit']})\n"
                f"m = mlp(seed={settings['seed']})\n"
                f"h = train(m, d, epochs={settings['epochs']}, batch={settings['batch']}, seed={settings['seed']})\n"
                f"save(m, '{cell_prefix}')")
        reply = kc.execute_interactive(code, timeout=180)
        assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    cli = (tmp_path / "cli-0002.params").read_bytes()
    cell = (tmp_path / "cell-0002.params").read_bytes()
    assert len(cli) > 100_000
    assert cli == cell, "the same settings trained different weights through the CLI and a cell"


@pytest.mark.skipif(not MNIST.is_dir(), reason="the shared MNIST reference subset is not present")
def test_predict_loads_a_trained_checkpoint_as_the_trainable_model(tabby_bin, data_dir, tmp_path):
    """`tabby predict` resolves a checkpoint `tabby train` wrote as the same trainable model a
    notebook's load() gets: a photo is read as the model's gray 28×28 input."""
    prefix = tmp_path / "lenet"
    out = run_train(tabby_bin, "--data", str(data_dir), "--epochs", "1", "--limit", "64", "--test-limit", "32",
                    "--save", str(prefix))
    assert out.returncode == 0, out.stderr
    photo = str(pathlib.Path(__file__).resolve().parents[2] / "notebooks" / "photos" / "coffee.png")
    out = subprocess.run([tabby_bin, "predict", "--model", str(prefix), "--top", "3", "--json", photo],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    top = json.loads(out.stdout)["predictions"][0]["top"]
    assert len(top) == 3 and all(t["label"] in [str(d) for d in range(10)] for t in top)
    assert top[0]["probability"] >= top[1]["probability"] >= top[2]["probability"]
