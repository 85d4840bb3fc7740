"""`tabby predict` end to end: the real MobileNetV2-quant on real photos, the reference
SqueezeNet (ONNX and MXNet) against onnxruntime/MXNet top-5, and bad inputs."""
import gzip
import json
import os
import pathlib
import shutil
import subprocess

import pytest
from conftest import SHARED, shared_present

# Every test here runs real models on reference photos from ../shared.
pytestmark = pytest.mark.needs_shared

ROOT = pathlib.Path(__file__).resolve().parents[2]
IMAGENET = SHARED / "imagenet"
REFERENCE = SHARED / "reference"
MOBILENET = (IMAGENET / "mobilenet_v2_1.0_224_quant.onnx").resolve()
# Read at import only where ../shared is present (without it every test here is skipped).
MANIFEST = json.loads((IMAGENET / "manifest.json").read_text()) if shared_present() else {"photos": []}
PHOTOS = [p["file"] for p in MANIFEST["photos"]]
SYNSET = (IMAGENET / "synset.txt").read_text().splitlines() if shared_present() else []
REF_IMAGES = ["chelsea", "coffee", "astronaut", "rocket", "camera"]
TIMEOUT = 300


def offline_env(tmp_path, **extra):
    """An environment in which nothing can be downloaded: a private cache, a dead zoo URL."""
    env = dict(os.environ)
    env.pop("TABBY_MODELS", None)
    env["TABBY_CACHE"] = str(tmp_path / "cache")
    env["TABBY_ZOO_URL"] = "http://127.0.0.1:9/"  # the discard port: connection refused
    env.update(extra)
    return env


def predict(tabby_bin, args, env, check=True):
    out = subprocess.run(
        [tabby_bin, "predict", *args], capture_output=True, text=True, timeout=TIMEOUT, env=env)
    if check:
        assert out.returncode == 0, out.stderr
    return out


def predict_json(tabby_bin, args, env):
    out = predict(tabby_bin, ["--json", *args], env)
    return json.loads(out.stdout)


def check_mobilenet_answers(result):
    preds = result["predictions"]
    assert [pathlib.Path(p["image"]).name for p in preds] == PHOTOS
    for photo, pred in zip(MANIFEST["photos"], preds):
        top1 = pred["top"][0]
        assert top1["index"] in photo["acceptable_imagenet_indices"], (photo["file"], pred["top"])
        assert top1["label"] == SYNSET[top1["index"]].split(" ", 1)[1]
        probs = [t["probability"] for t in pred["top"]]
        assert probs == sorted(probs, reverse=True)
        assert 0 < probs[0] <= 1 and sum(probs) <= 1.0 + 1e-6
        # uint8 softmax output: probabilities move in steps of 1/256
        assert all(abs(p * 256 - round(p * 256)) < 1e-4 for p in probs)


@pytest.fixture(scope="module")
def photo_paths():
    return [str(IMAGENET / "photos" / f) for f in PHOTOS]


def test_mobilenet_quant_by_path(tabby_bin, photo_paths, tmp_path):
    result = predict_json(tabby_bin, ["--model", str(MOBILENET), *photo_paths], offline_env(tmp_path))
    check_mobilenet_answers(result)


def test_mobilenet_quant_from_the_model_directory(tabby_bin, photo_paths, tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    (models / "mobilenetv2.onnx").symlink_to(MOBILENET)
    env = offline_env(tmp_path, TABBY_MODELS=str(models))
    result = predict_json(tabby_bin, ["--model", "mobilenetv2", "--top", "3", *photo_paths], env)
    check_mobilenet_answers(result)
    assert all(len(p["top"]) == 3 for p in result["predictions"])
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())


def test_text_output_names_the_label(tabby_bin, tmp_path):
    cat = str(IMAGENET / "photos" / "coral_cat.png")
    out = predict(tabby_bin, ["--model", str(MOBILENET), "--top", "2", cat], offline_env(tmp_path))
    lines = out.stdout.splitlines()
    assert lines[0] == cat
    assert len(lines) == 3
    assert any(name in lines[1] for name in ("tabby, tabby cat", "tiger cat", "Egyptian cat"))
    assert "%" in lines[1]


def test_text_output_leaves_out_classes_at_probability_zero(tabby_bin, tmp_path):
    """The quantized model gives most classes exactly 0: the text lists only the others and
    says how many it left out, while --json keeps every row the model gave."""
    cat = str(IMAGENET / "photos" / "coral_cat.png")
    args = ["--model", str(MOBILENET), "--top", "50", cat]
    result = predict_json(tabby_bin, args, offline_env(tmp_path))
    probs = [t["probability"] for t in result["predictions"][0]["top"]]
    assert len(probs) == 50 and 0.0 in probs, probs
    nonzero = sum(p > 0 for p in probs)
    out = predict(tabby_bin, args, offline_env(tmp_path))
    lines = out.stdout.splitlines()
    assert len(lines) == 1 + nonzero + 1, out.stdout
    assert " 0.00%" not in out.stdout
    assert lines[-1] == f"  ({50 - nonzero} more of the top 50 with probability 0 not shown)"


def reference_top5(model):
    return json.loads((REFERENCE / "outputs" / model / "top5.json").read_text())["images"]


def check_reference(result, model):
    want = reference_top5(model)
    preds = result["predictions"]
    assert len(preds) == len(REF_IMAGES)
    for name, pred in zip(REF_IMAGES, preds):
        assert pathlib.Path(pred["image"]).stem == name
        assert [t["index"] for t in pred["top"]] == want[name]["onnxruntime"]["top5"], name
        for got, ref in zip(pred["top"], want[name]["onnxruntime"]["top5_softmax"]):
            assert abs(got["probability"] - ref) < 2e-3, (name, got, ref)


def ref_images():
    return [str(REFERENCE / "images" / f"{n}.png") for n in REF_IMAGES]


@pytest.mark.parametrize("model", [
    "squeezenet1.1.onnx", "squeezenet1.1", "squeezenet1.1-symbol.json", "squeezenet1.1-0000.params"])
def test_squeezenet_reference_top5(tabby_bin, tmp_path, model):
    path = str(REFERENCE / "models" / model)
    args = ["--model", path, "--profile", "imagenet", "--top", "5", *ref_images()]
    check_reference(predict_json(tabby_bin, args, offline_env(tmp_path)), "squeezenet1.1")


@pytest.mark.parametrize("model", ["resnet18_v1.onnx.gz", "resnet18_v1"])
def test_resnet18_gzipped_reference_top5(tabby_bin, tmp_path, model):
    """ONNX gzipped, and the MXNet checkpoint with a gzipped .params (epoch found on its own)."""
    path = str(REFERENCE / "models" / model)
    args = ["--model", path, "--profile", "imagenet", *ref_images()]
    check_reference(predict_json(tabby_bin, args, offline_env(tmp_path)), "resnet18_v1")


def test_mxnet_epoch_selection(tabby_bin, tmp_path):
    """A missing epoch is a clear error; the default is the highest epoch present."""
    prefix = str(REFERENCE / "models" / "squeezenet1.1")
    out = predict(tabby_bin, ["--model", prefix, "--epoch", "3", ref_images()[0]],
                  offline_env(tmp_path), check=False)
    assert out.returncode != 0
    assert "epoch 3" in out.stderr


def assert_clean_failure(out, *needles):
    assert out.returncode not in (0,) and out.returncode > 0, (out.returncode, out.stderr)
    assert "Fatal error" not in out.stderr and "Stack dump" not in out.stderr, out.stderr
    for needle in needles:
        assert needle in out.stderr, out.stderr


def test_missing_image(tabby_bin, tmp_path):
    missing = str(tmp_path / "nope.jpg")
    out = predict(tabby_bin, ["--model", str(MOBILENET), missing], offline_env(tmp_path), check=False)
    assert_clean_failure(out, missing)
    assert out.stdout == ""


def test_corrupt_image(tabby_bin, tmp_path):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes((IMAGENET / "photos" / "darknet_dog.jpg").read_bytes()[:600])
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"this is not an image at all")
    for path in (bad, junk):
        out = predict(tabby_bin, ["--model", str(MOBILENET), str(path)], offline_env(tmp_path), check=False)
        assert_clean_failure(out, str(path))


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.5, 0.97])
def test_truncated_model(tabby_bin, tmp_path, fraction):
    data = MOBILENET.read_bytes()
    model = tmp_path / "cut.onnx"
    model.write_bytes(data[: int(len(data) * fraction)])
    cat = str(IMAGENET / "photos" / "coral_cat.png")
    out = predict(tabby_bin, ["--model", str(model), cat], offline_env(tmp_path), check=False)
    assert_clean_failure(out, "cut.onnx")


def test_truncated_gzip_model(tabby_bin, tmp_path):
    data = (REFERENCE / "models" / "squeezenet1.1.onnx").read_bytes()
    packed = gzip.compress(data)
    model = tmp_path / "cut.onnx.gz"
    model.write_bytes(packed[: len(packed) // 2])
    out = predict(tabby_bin, ["--model", str(model), ref_images()[0]], offline_env(tmp_path), check=False)
    assert_clean_failure(out, "cut.onnx.gz")


def test_unknown_zoo_name_offline(tabby_bin, tmp_path):
    out = predict(tabby_bin, ["--model", "alexnet-9000", ref_images()[0]], offline_env(tmp_path), check=False)
    assert_clean_failure(out, "alexnet-9000", "squeezenet1.1")


def test_zoo_model_offline_says_where_to_put_the_file(tabby_bin, tmp_path):
    out = predict(tabby_bin, ["--model", "squeezenet1.1", ref_images()[0]], offline_env(tmp_path), check=False)
    assert_clean_failure(out, "http://127.0.0.1:9/squeezenet/model/squeezenet1.1-7.onnx", "offline",
                         str(tmp_path / "cache" / "squeezenet1.1-7.onnx"))
    assert not (tmp_path / "cache" / "squeezenet1.1-7.onnx").exists()


def test_bad_arguments(tabby_bin, tmp_path):
    env = offline_env(tmp_path)
    cat = str(IMAGENET / "photos" / "coral_cat.png")
    for args, needle in [
        (["--model", str(MOBILENET), "--top", "0", cat], "--top"),
        (["--model", str(MOBILENET), "--profile", "vgg", cat], "vgg"),
        (["--model", str(MOBILENET), "--labels", str(tmp_path / "none.txt"), cat], "none.txt"),
        (["--model", str(MOBILENET)], "image"),
    ]:
        assert_clean_failure(predict(tabby_bin, args, env, check=False), needle)


def test_labels_override_with_wrong_count(tabby_bin, tmp_path):
    labels = tmp_path / "three.txt"
    labels.write_text("a\nb\nc\n")
    cat = str(IMAGENET / "photos" / "coral_cat.png")
    out = predict(tabby_bin, ["--model", str(MOBILENET), "--labels", str(labels), cat],
                  offline_env(tmp_path), check=False)
    assert_clean_failure(out, "three.txt", "1001")


def test_labels_override_plain_file(tabby_bin, tmp_path):
    """A plain label-per-line file of 1000 names: index k gets line k (background dropped)."""
    labels = tmp_path / "names.txt"
    labels.write_text("".join(f"class number {k}\n" for k in range(1000)))
    cat = str(IMAGENET / "photos" / "coral_cat.png")
    result = predict_json(tabby_bin, ["--model", str(MOBILENET), "--labels", str(labels), cat],
                          offline_env(tmp_path))
    top1 = result["predictions"][0]["top"][0]
    assert top1["label"] == f"class number {top1['index']}"
    assert top1["index"] in MANIFEST["photos"][0]["acceptable_imagenet_indices"]


def test_bench_figures(tabby_bin, tmp_path):
    cat = str(IMAGENET / "photos" / "coral_cat.png")
    result = predict_json(tabby_bin, ["--model", str(REFERENCE / "models" / "squeezenet1.1.onnx"),
                                      "--bench", "3", "--batch-size", "2", cat], offline_env(tmp_path))
    assert result["load_ms"] > 0
    assert 0 < result["latency_ms"]["p50"] <= result["latency_ms"]["p90"]
    assert result["batch"]["size"] == 2 and result["batch"]["images_per_s"] > 0
    assert len(result["predictions"]) == 1
