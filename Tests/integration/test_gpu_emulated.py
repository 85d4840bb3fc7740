"""The GPU path of a session through the real kernel, on the host-emulated device.

TABBY_EMULATED_GPU=1 (a testing aid, docs/gpu.md) makes gpu(0) a device whose memory is host
memory and whose launches run the same kernel sources compiled as C: ctx(gpu), training,
evaluation, prediction and save go through the code a real GPU runs (placement, transfers,
DeviceTrainer, copying weights back). Without the variable, ctx(gpu) on a machine without a
GPU is the clear DeviceError, and the session keeps its state."""
import json
import math
import os
import pathlib
import subprocess

import pytest
import requests
from conftest import SHARED, require_shared

ROOT = pathlib.Path(__file__).resolve().parents[2]
FASHION = pathlib.Path("/usr/share/datasets/fashion-mnist")
NO_GPU_MESSAGE = "no CUDA device found on this machine — use ctx(cpu)"


def has_gpu():
    return pathlib.Path("/dev/nvidia0").exists() or any(pathlib.Path("/proc/driver/nvidia/gpus").glob("*"))


def run(kernel, code, timeout=120):
    """Executes a cell: (reply content, its IOPub messages), failing on a dead kernel."""
    request, reply = kernel.execute(code, timeout=timeout)
    assert kernel.proc.poll() is None, f"kernel died: {kernel.stderr()}"
    assert reply is not None, f"no reply to {code!r} within {timeout} s"
    return reply["content"], kernel.iopub_for(request, timeout=10)


def value(kernel, expression):
    reply, messages = run(kernel, expression)
    assert reply["status"] == "ok", f"{expression}: {reply.get('ename')}: {reply.get('evalue')}"
    results = [m for m in messages if m["msg_type"] == "execute_result"]
    assert results, f"{expression} showed no result"
    return results[0]["content"]["data"]["text/plain"]


@pytest.mark.skipif(not FASHION.is_dir(), reason=f"needs Fashion-MNIST in {FASHION} (scripts/setup.sh)")
def test_emulated_gpu_trains_evaluates_predicts_and_saves(raw_kernel, tmp_path):
    k = raw_kernel(extra_env={"TABBY_EMULATED_GPU": "1"})
    # The same run on the CPU first (one thread: one shard, the device's summation order).
    value(k, "ctx(cpu, threads=1)")
    reply, _ = run(k, "d = mnist(limit=256, test_limit=100)\nc = lenet()\nhc = train(c, d, epochs=1, batch=64)")
    assert reply["status"] == "ok", f"{reply.get('ename')}: {reply.get('evalue')}"
    assert value(k, "ctx(gpu)") == "ctx(gpu(0))"
    reply, _ = run(k, "m = lenet()\nh = train(m, d, epochs=1, batch=64)")
    assert reply["status"] == "ok", f"{reply.get('ename')}: {reply.get('evalue')}"
    loss, cpu_loss = float(value(k, "h.loss[0]")), float(value(k, "hc.loss[0]"))
    assert math.isfinite(loss) and abs(loss - cpu_loss) <= 1e-3 * cpu_loss, f"device {loss} vs CPU {cpu_loss}"
    test_accuracy = float(value(k, "h.test_accuracy[0]"))
    assert abs(test_accuracy - float(value(k, "hc.test_accuracy[0]"))) <= 0.01
    # Evaluation on the device sees the trained weights; on the CPU too (they came back).
    assert float(value(k, "evaluate(m, d).accuracy")) == test_accuracy
    assert value(k, "ctx(cpu)").startswith("ctx(cpu")
    cpu_accuracy = float(value(k, "evaluate(m, d).accuracy"))
    assert abs(cpu_accuracy - test_accuracy) <= 0.01, f"CPU {cpu_accuracy} vs device {test_accuracy}"
    assert value(k, "ctx(gpu)") == "ctx(gpu(0))"
    reply, messages = run(k, "predict(m, d.test[0])")
    assert reply["status"] == "ok", f"{reply.get('ename')}: {reply.get('evalue')}"
    prefix = tmp_path / "gpu-lenet"
    reply, _ = run(k, f"save(m, '{prefix}')")
    assert reply["status"] == "ok", f"{reply.get('ename')}: {reply.get('evalue')}"
    assert (tmp_path / "gpu-lenet-symbol.json").is_file() and (tmp_path / "gpu-lenet-0001.params").is_file()
    # The checkpoint holds the device's weights: read back on the CPU, the same accuracy.
    value(k, "ctx(cpu)")
    assert float(value(k, f"evaluate(load('{prefix}'), d).accuracy")) == cpu_accuracy
    k.assert_healthy()


def test_emulated_gpu_predicts_with_pretrained_models(raw_kernel):
    """load() + predict() of a pretrained model in a cell on ctx(gpu): the ModelIO plan runs on
    the (emulated) device and gives the CPU's classes: SqueezeNet's top-5, and the top-1 of
    the quantized MobileNetV2 the predict notebook uses (its uint8 scores may move a code)."""
    require_shared()
    k = raw_kernel(extra_env={"TABBY_EMULATED_GPU": "1"})
    photo = SHARED / "imagenet" / "photos" / "coral_cat.png"
    models = [(SHARED / "reference" / "models" / "squeezenet1.1.onnx", 5),
              (SHARED / "imagenet" / "mobilenet_v2_1.0_224_quant.onnx", 1)]
    for path, compared in models:
        classes = {}
        for device in ("cpu", "gpu"):
            value(k, f"ctx({device})")
            reply, _ = run(k, f"m = load('{path}')")
            assert reply["status"] == "ok", f"{reply.get('ename')}: {reply.get('evalue')}"
            reply, _ = run(k, f"p = predict(m, '{photo}', top=5)")
            assert reply["status"] == "ok", f"{reply.get('ename')}: {reply.get('evalue')}"
            classes[device] = [int(value(k, f"p[0].top[{i}].index")) for i in range(5)]
        assert len(classes["cpu"]) == 5, classes
        assert classes["cpu"][:compared] == classes["gpu"][:compared], (path, classes)
    k.assert_healthy()


def test_without_emulation_ctx_gpu_is_the_clear_error(raw_kernel):
    if has_gpu():
        pytest.skip("this machine has a CUDA device: ctx(gpu) opens it")
    k = raw_kernel(extra_env={"TABBY_EMULATED_GPU": ""})
    assert value(k, "x = 41\nctx(cpu, threads=1)") == "ctx(cpu, threads=1)"
    reply, messages = run(k, "ctx(gpu)")
    assert reply["status"] == "error" and reply["ename"] == "DeviceError"
    assert reply["evalue"] == NO_GPU_MESSAGE
    assert value(k, "x + 1") == "42"
    assert value(k, "ctx()") == "ctx(cpu, threads=1)"
    k.assert_healthy()


def tabby(tabby_bin, *args, emulated=True, timeout=300):
    env = dict(os.environ, TABBY_EMULATED_GPU="1" if emulated else "")
    return subprocess.run([tabby_bin, *args], capture_output=True, text=True, timeout=timeout, env=env)


@pytest.mark.skipif(not FASHION.is_dir(), reason=f"needs Fashion-MNIST in {FASHION} (scripts/setup.sh)")
def test_tabby_train_and_predict_with_device_gpu_match_the_cpu(tabby_bin, tmp_path):
    runs = {}
    for device in ("cpu", "gpu"):
        out = tabby(tabby_bin, "train", "--device", device, "--limit", "256", "--test-limit", "100",
                    "--epochs", "1", "--threads", "1", "--json", "--save", str(tmp_path / device))
        assert out.returncode == 0, out.stderr
        runs[device] = json.loads(out.stdout)
        assert runs[device]["device"] == ("cpu" if device == "cpu" else "gpu(0)")
    assert "on gpu(0) (emulated)" in out.stderr
    cpu, gpu = runs["cpu"], runs["gpu"]
    assert abs(cpu["train_loss"][0] - gpu["train_loss"][0]) <= 1e-3 * (1 + cpu["train_loss"][0]), (cpu, gpu)
    assert abs(cpu["test_accuracy"][0] - gpu["test_accuracy"][0]) <= 0.01, (cpu, gpu)
    photo = str(ROOT / "notebooks" / "photos" / "chelsea.png")
    outputs = {}
    for device in ("cpu", "gpu"):
        out = tabby(tabby_bin, "predict", "--device", device, "--model", str(tmp_path / "gpu"), "--json", photo)
        assert out.returncode == 0, out.stderr
        outputs[device] = json.loads(out.stdout)["predictions"][0]["top"]
    assert [t["index"] for t in outputs["cpu"]] == [t["index"] for t in outputs["gpu"]]
    for a, b in zip(outputs["cpu"], outputs["gpu"]):
        assert abs(a["probability"] - b["probability"]) <= 1e-4


def test_tabby_predict_runs_a_pretrained_model_on_the_gpu(tabby_bin):
    """An ONNX model (ModelIO's plan lowered onto the device by DeviceInference) gives the
    CPU's top classes and probabilities."""
    require_shared()
    model = SHARED / "reference" / "models" / "lenet_fmnist1ep.onnx"
    photo = str(ROOT / "notebooks" / "photos" / "chelsea.png")
    outputs = {}
    for device in ("cpu", "gpu"):
        out = tabby(tabby_bin, "predict", "--device", device, "--model", str(model), "--json", photo)
        assert out.returncode == 0, out.stderr
        outputs[device] = json.loads(out.stdout)["predictions"][0]["top"]
    assert [t["index"] for t in outputs["cpu"]] == [t["index"] for t in outputs["gpu"]]
    for a, b in zip(outputs["cpu"], outputs["gpu"]):
        assert abs(a["probability"] - b["probability"]) <= 1e-4


def test_tabby_train_device_gpu_without_a_gpu_is_the_clear_error(tabby_bin):
    if has_gpu():
        pytest.skip("this machine has a CUDA device")
    out = tabby(tabby_bin, "train", "--device", "gpu", "--limit", "64", "--epochs", "1", emulated=False)
    assert out.returncode != 0 and NO_GPU_MESSAGE in out.stderr, out.stderr
    out = tabby(tabby_bin, "train", "--device", "tpu", emulated=False)
    assert out.returncode != 0 and "--device must be cpu, gpu or gpu:N" in out.stderr, out.stderr


def test_tabby_serve_device_gpu_answers_as_the_cpu_does(tabby_bin, tmp_path):
    """`tabby serve --device gpu` runs its batches on the device (DeviceInference): the same
    top-5 as a CPU server for the same photo; without a GPU the flag is the clear error."""
    require_shared()
    from serve_support import Server, offline_env
    model = SHARED / "reference" / "models" / "squeezenet1.1.onnx"
    photo = (ROOT / "notebooks" / "photos" / "rocket.jpg").read_bytes()
    answers = {}
    for device in ("cpu", "gpu"):
        env = dict(offline_env(tmp_path), TABBY_EMULATED_GPU="1")
        server = Server(tabby_bin, tmp_path, "--device", device, "--models", f"sq={model}", env=env)
        try:
            r = requests.post(server.url + "/predictions/sq", data=photo, timeout=120)
            assert r.status_code == 200, r.text
            answers[device] = r.json()
            assert ("batches run on gpu(0) (emulated)" in server.output()) == (device == "gpu"), server.output()
        finally:
            assert server.stop() == 0, server.output()
    assert [a["class"] for a in answers["cpu"]] == [a["class"] for a in answers["gpu"]]
    for a, b in zip(answers["cpu"], answers["gpu"]):
        assert abs(a["probability"] - b["probability"]) <= 1e-4
    if not has_gpu():
        out = tabby(tabby_bin, "serve", "--device", "gpu", "--models", f"sq={model}", emulated=False, timeout=60)
        assert out.returncode != 0 and NO_GPU_MESSAGE in out.stderr, out.stderr
