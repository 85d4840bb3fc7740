"""The architectures users bring: ResNet-50, MobileNetV2, EfficientNet-B0, DenseNet-121 and
ConvNeXt-Tiny, exported from PyTorch with random weights at opset 17 by tools/export_archs.py,
load in Tabby, and `tabby predict --json --logits` gives onnxruntime's logits within
1e-4 × max|logit| with the same top-5. An operator Tabby lacks fails with its name.

The export needs PyTorch, onnx and onnxruntime in .venv-bench (scripts/setup.sh installs them
unless TABBY_ARCH_TESTS=0); it runs once per version of the script and is cached under
$TABBY_CACHE (or the temp directory) in tabby-archs/<script hash>."""
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import tempfile

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "export_archs.py"
BENCH_PY = ROOT / ".venv-bench" / "bin" / "python"
ARCHS = ["resnet50", "mobilenet_v2", "efficientnet_b0", "densenet121", "convnext_tiny"]
TOLERANCE = 1e-4
EXPORT_TIMEOUT = 1800
PREDICT_TIMEOUT = 600


def bench_python():
    """The .venv-bench interpreter when it has what the export needs, else a skip."""
    if os.environ.get("TABBY_ARCH_TESTS") == "0":
        pytest.skip("TABBY_ARCH_TESTS=0: the PyTorch-exported architectures are not checked")
    if not BENCH_PY.exists():
        pytest.skip(f"{BENCH_PY} is missing: scripts/setup.sh makes it (with torch, onnx, onnxruntime)")
    probe = subprocess.run([str(BENCH_PY), "-c", "import torch, onnx, onnxruntime"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f".venv-bench cannot import torch, onnx and onnxruntime: {probe.stderr.strip()[-300:]}")
    return str(BENCH_PY)


@pytest.fixture(scope="module")
def exported():
    """The export directory for this version of the script, made once and then reused."""
    python = bench_python()
    digest = hashlib.sha256(SCRIPT.read_bytes()).hexdigest()[:16]
    cache = pathlib.Path(os.environ.get("TABBY_CACHE") or tempfile.gettempdir()) / "tabby-archs"
    target = cache / digest
    if not (target / "manifest.json").exists():
        cache.mkdir(parents=True, exist_ok=True)
        work = pathlib.Path(tempfile.mkdtemp(prefix=f"{digest}.", dir=cache))
        out = subprocess.run([python, str(SCRIPT), str(work)], capture_output=True, text=True,
                             timeout=EXPORT_TIMEOUT)
        assert out.returncode == 0, out.stderr[-3000:]
        # A complete export appears at once; a concurrent run that finished first wins.
        try:
            work.rename(target)
        except OSError:
            shutil.rmtree(work, ignore_errors=True)
    return target


def predict_logits(tabby_bin, model, images, tmp_path):
    env = dict(os.environ, TABBY_CACHE=str(tmp_path / "cache"), TABBY_ZOO_URL="http://127.0.0.1:9/")
    env.pop("TABBY_MODELS", None)
    out = subprocess.run(
        [tabby_bin, "predict", "--json", "--logits", "--model", str(model), *map(str, images)],
        capture_output=True, text=True, timeout=PREDICT_TIMEOUT, env=env)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["predictions"]


@pytest.mark.parametrize("arch", ARCHS)
def test_logits_match_onnxruntime(tabby_bin, exported, arch, tmp_path):
    manifest = json.loads((exported / "manifest.json").read_text())
    reference = np.load(exported / f"{arch}.logits.npy")
    images = [exported / name for name in manifest["images"]]
    predictions = predict_logits(tabby_bin, exported / f"{arch}.onnx", images, tmp_path)
    logits = np.array([p["logits"] for p in predictions], dtype=np.float32)
    assert logits.shape == reference.shape
    scale = float(np.abs(reference).max())
    worst = float(np.abs(logits - reference).max())
    print(f"{arch}: max |Δlogit| / max |logit| = {worst / scale:.2e}")
    assert worst <= TOLERANCE * scale, f"{arch}: max |Δ| {worst:.3g} against max |logit| {scale:.3g}"
    for k, p in enumerate(predictions):
        expected = list(np.argsort(-reference[k], kind="stable")[:5])
        assert list(np.argsort(-logits[k], kind="stable")[:5]) == expected, (arch, k)
        assert [t["index"] for t in p["top"]] == expected, (arch, k)


def test_the_exports_cover_the_operators_in_question(exported):
    """The exports carry what makes each architecture different, so a regression in the
    export (a fused or renamed op) cannot silently weaken the checks above."""
    ops = {name: set(a["ops"]) for name, a in json.loads((exported / "manifest.json").read_text())["archs"].items()}
    assert set(ops) == set(ARCHS)
    assert "Clip" in ops["mobilenet_v2"]
    assert {"Sigmoid", "Mul", "GlobalAveragePool"} <= ops["efficientnet_b0"]
    assert {"Concat", "BatchNormalization"} <= ops["densenet121"]
    assert {"LayerNormalization", "Erf", "MatMul", "Transpose"} <= ops["convnext_tiny"]


def test_an_unsupported_operator_is_named(tabby_bin, tmp_path):
    python = bench_python()
    model = tmp_path / "einsum.onnx"
    build = f"""
import numpy as np, onnx
from onnx import helper, TensorProto, numpy_helper
w = numpy_helper.from_array(np.ones((4, 3, 1, 1), np.float32), "w")
nodes = [helper.make_node("Conv", ["input", "w"], ["c"]),
         helper.make_node("Einsum", ["c"], ["logits"], equation="nchw->nc")]
graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 8, 8])],
                          [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 4])], [w])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), {str(model)!r})
"""
    subprocess.run([python, "-c", build], check=True, timeout=120)
    image = tmp_path / "x.png"
    shutil.copy(ROOT / "Tests" / "ImagingTests" / "Fixtures" / "gray.png", image)
    env = dict(os.environ, TABBY_CACHE=str(tmp_path / "cache"))
    out = subprocess.run([tabby_bin, "predict", "--model", str(model), str(image)],
                         capture_output=True, text=True, timeout=PREDICT_TIMEOUT, env=env)
    assert out.returncode != 0
    assert "Einsum" in out.stderr and "not supported" in out.stderr, out.stderr


def test_logits_need_json(tabby_bin, tmp_path):
    out = subprocess.run([tabby_bin, "predict", "--logits", "--model", "x.onnx", "x.png"],
                         capture_output=True, text=True, timeout=60, env=dict(os.environ, TABBY_CACHE=str(tmp_path)))
    assert out.returncode != 0 and "--logits goes with --json" in out.stderr, out.stderr
