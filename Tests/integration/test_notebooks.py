"""Runs the shipped notebooks with nbclient against the installed `tabby` kernelspec.

A cell error and a kernel crash are different failures: a crash surfaces as nbclient's
DeadKernelError and fails with "kernel crashed"; cell errors are collected from the outputs
and named with their cell."""
import copy
import json
import os
import pathlib
import shutil
import time

import subprocess
import sys

import nbformat
import pytest
from conftest import SHARED, require_shared
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
IMAGENET = SHARED / "imagenet"
FASHION = pathlib.Path("/usr/share/datasets/fashion-mnist")
NO_GPU_MESSAGE = "no CUDA device found on this machine — use ctx(cpu)"


def has_gpu():
    return pathlib.Path("/dev/nvidia0").exists() or any(pathlib.Path("/proc/driver/nvidia/gpus").glob("*"))


class RecordingClient(NotebookClient):
    """An nbclient that also records every IOPub message per cell (nbclient folds
    update_display_data into the first output, so the updates are counted here)."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.messages = []

    def process_message(self, msg, cell, cell_index):
        self.messages.append((cell_index, msg["msg_type"], msg["content"], time.monotonic()))
        return super().process_message(msg, cell, cell_index)


def execute(nb, workdir, timeout=600, allow_errors=True):
    client = RecordingClient(nb, kernel_name="tabby", timeout=timeout, allow_errors=allow_errors,
                             resources={"metadata": {"path": str(workdir)}})
    try:
        client.execute()
    except DeadKernelError as e:
        pytest.fail(f"kernel crashed (not a cell error): {e}")
    return client


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def errors(cell):
    return [o for o in cell.get("outputs", []) if o.output_type == "error"]


def all_errors(nb):
    return [(i, c.source, e.ename, e.evalue) for i, c in enumerate(code_cells(nb)) for e in errors(c)]


def plain(cell):
    for o in cell.outputs:
        if o.output_type == "execute_result":
            return o.data["text/plain"]
    return None


@pytest.fixture
def models_dir(tmp_path, monkeypatch):
    """TABBY_MODELS with `mobilenetv2.onnx` → the shared quantized MobileNetV2."""
    require_shared()
    model = IMAGENET / "mobilenet_v2_1.0_224_quant.onnx"
    d = tmp_path / "models"
    d.mkdir()
    (d / "mobilenetv2.onnx").symlink_to(model.resolve())
    monkeypatch.setenv("TABBY_MODELS", str(d))
    monkeypatch.setenv("TABBY_CACHE", str(tmp_path / "cache"))
    return d


def load(name):
    return nbformat.read(NOTEBOOKS / name, as_version=4)


@pytest.mark.parametrize("name", ["predict_imagenet.ipynb", "train_mnist.ipynb"])
def test_notebooks_are_saved_clean_with_the_tabby_kernelspec(name):
    nb = load(name)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "tabby"
    assert nb.metadata.language_info.name == "tabby"
    for c in code_cells(nb):
        assert c.outputs == [] and c.execution_count is None, f"{name} was saved with outputs"
    assert sum(c.cell_type == "markdown" for c in nb.cells) >= 4


def test_predict_notebook_as_shipped_fails_only_on_the_gpu_cell(models_dir):
    if has_gpu():
        pytest.skip("on a GPU machine ctx(gpu) succeeds and the pretrained model predicts on the "
                    "device (DeviceInference, docs/gpu.md): there is no failing cell to check")
    nb = load("predict_imagenet.ipynb")
    assert code_cells(nb)[1].source.strip() == "ctx(gpu)"
    # The tag nbclient honours: the expected DeviceError does not stop the notebook, so it
    # runs to the end without allow_errors (as `scripts/lab --execute` runs it).
    assert "raises-exception" in code_cells(nb)[1].metadata.get("tags", [])
    execute(nb, NOTEBOOKS, allow_errors=False)
    found = all_errors(nb)
    gpu_cell = code_cells(nb)[1]
    assert [e.ename for e in errors(gpu_cell)] == ["DeviceError"], found
    if not has_gpu():
        assert errors(gpu_cell)[0].evalue == NO_GPU_MESSAGE
    assert len(found) == 1, f"cells other than ctx(gpu) failed: {found}"


def run_execute_script(tmp_path, *args, **env):
    """scripts/execute_notebooks.py (what `scripts/lab --execute` runs) with a private
    model directory and cache; `env` overrides the environment."""
    full = dict(os.environ, TABBY_CACHE=str(tmp_path / "cache"), **env)
    full.pop("TABBY_MODELS", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "execute_notebooks.py"),
         "--out", str(tmp_path / "out"), *args],
        capture_output=True, text=True, timeout=900, env=full)


def test_lab_execute_skips_a_notebook_whose_model_is_not_on_the_machine(tmp_path):
    """Offline and without ../shared, nothing is downloaded: the notebook that needs a
    model is skipped with a message that says what is missing and how to get it."""
    out = run_execute_script(tmp_path, str(NOTEBOOKS / "predict_imagenet.ipynb"),
                             TABBY_SHARED_DIR=str(tmp_path / "no-shared"), TABBY_ZOO_URL="http://127.0.0.1:9/")
    assert out.returncode == 0, out.stderr
    assert "SKIPPED: it loads mobilenetv2" in out.stdout and "--download" in out.stdout, out.stdout
    assert "0 notebook(s) executed, 0 failed, 1 skipped" in out.stdout
    assert not list((tmp_path / "out").glob("*.ipynb"))


def test_lab_execute_runs_the_predict_notebook_to_the_end(tmp_path):
    """With the reference model, the notebook runs to the end; without a GPU the ctx(gpu)
    cell's DeviceError is reported as expected, and the executed copy is where it says."""
    require_shared()
    if has_gpu():
        pytest.skip("on a GPU machine ctx(gpu) succeeds and the pretrained model predicts on the "
                    "device (DeviceInference, docs/gpu.md): there is no failing cell to check")
    out = run_execute_script(tmp_path, str(NOTEBOOKS / "predict_imagenet.ipynb"))
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"model mobilenetv2: the reference copy {IMAGENET}" in out.stdout
    executed = tmp_path / "out" / "predict_imagenet.ipynb"
    assert f"executed notebook: {executed}" in out.stdout
    if not has_gpu():
        assert f"`ctx(gpu)` (tagged raises-exception): DeviceError: {NO_GPU_MESSAGE}" in out.stdout
    nb = nbformat.read(executed, as_version=4)
    assert code_cells(nb)[-2].outputs, "the last cells ran"
    assert [e[2] for e in all_errors(nb)] == ([] if has_gpu() else ["DeviceError"])


def photo_check_cell(paths):
    listing = ", ".join(json.dumps(str(p)) for p in paths)
    return nbformat.v4.new_code_cell(
        f"shared = predict(model, [{listing}], top=5)\n[(x.index, x.label) for x in shared]")


def test_predict_notebook_on_cpu_classifies_every_photo(models_dir):
    nb = load("predict_imagenet.ipynb")
    code_cells(nb)[1].source = "ctx(cpu)"
    manifest = json.loads((IMAGENET / "manifest.json").read_text())
    photos = manifest["photos"]
    nb.cells.append(photo_check_cell([IMAGENET / "photos" / p["file"] for p in photos]))
    client = execute(nb, NOTEBOOKS)
    assert all_errors(nb) == []
    cells = code_cells(nb)
    # The predict cell shows each of the three notebook photos: picture, table and bar chart.
    predict_cell = next(c for c in cells if "predict(model, photos" in c.source)
    shown = [o for o in predict_cell.outputs if o.output_type == "display_data"]
    assert len(shown) == 3
    for o in shown:
        html = o.data["text/html"]
        assert "data:image/png;base64," in html and "<table>" in html and "<svg" in html
        assert "1." in o.data["text/plain"]
    # The top-1 of every shared photo is in its acceptable set.
    result = eval(plain(cells[-1]))  # a list of (index, label) tuples printed by the kernel
    assert len(result) == len(photos)
    for (index, label), photo in zip(result, photos):
        assert index in photo["acceptable_imagenet_indices"], (photo["file"], index, label)
    assert all(kind != "error" for _, kind, _, _ in client.messages)


@pytest.mark.skipif(not FASHION.is_dir(), reason="Fashion-MNIST is not installed")
def test_train_notebook_runs_with_live_updates(tmp_path):
    nb = load("train_mnist.ipynb")
    cells = code_cells(nb)
    train_index = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "train(" in c.source)
    assert "epochs=1" in nb.cells[train_index].source, "the shipped notebook must train briefly"
    client = execute(nb, tmp_path)
    assert all_errors(nb) == []
    msgs = [(kind, content) for i, kind, content, _ in client.messages if i == train_index]
    displays = [c for kind, c in msgs if kind == "display_data" and c.get("transient", {}).get("display_id")]
    updates = [c for kind, c in msgs if kind == "update_display_data"]
    assert len(displays) == 2, "a progress bar and a curve, each with a display id"
    ids = {c["transient"]["display_id"] for c in displays}
    assert {c["transient"]["display_id"] for c in updates} == ids, "both displays are updated in place"
    assert len(updates) >= 3
    # At most ~10 updates a second.
    times = [t for i, kind, _, t in client.messages if i == train_index and kind == "update_display_data"]
    span = max(times[-1] - times[0], 1e-3)
    assert len(updates) <= 10 * span + 6, (len(updates), span)
    final = [c for c in updates if "text/html" in c["data"]][-1]
    assert "done" in final["data"]["text/plain"] and "images/s" in final["data"]["text/plain"]
    assert any("image/svg+xml" in c["data"] for c in updates)
    # Plausible accuracy after one epoch on 6,000 images (chance is 0.10).
    accuracy_cell = next(c for c in cells if "evaluate(" in c.source)
    accuracy = float(plain(accuracy_cell))
    assert 0.5 < accuracy <= 1.0, accuracy
    assert (tmp_path / "lenet-fashion-symbol.json").exists()
    assert (tmp_path / "lenet-fashion-0001.params").exists()
    last = cells[-1]
    label, truth = eval(plain(last))
    assert isinstance(label, str) and truth == "Ankle boot"
