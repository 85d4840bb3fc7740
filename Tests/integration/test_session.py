"""The classifier built-ins through the real kernel (jupyter_client): context, errors,
inspection, live training updates and interrupting a training cell.

A cell error and a kernel crash are told apart: `run` fails with "kernel died" when the
process is gone, and returns the error reply otherwise."""
import os
import pathlib
import time

import pytest
from conftest import SHARED

ROOT = pathlib.Path(__file__).resolve().parents[2]
FASHION = pathlib.Path("/usr/share/datasets/fashion-mnist")
NO_GPU_MESSAGE = "no CUDA device found on this machine — use ctx(cpu)"


def has_gpu():
    return pathlib.Path("/dev/nvidia0").exists() or any(pathlib.Path("/proc/driver/nvidia/gpus").glob("*"))


@pytest.fixture(scope="module")
def kernel(tabby_bin):
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="tabby", startup_timeout=60)
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def run(kernel, code, timeout=120, stop_on_error=True):
    """Executes a cell; returns (reply content, IOPub messages of that cell). Cells expected
    to fail pass stop_on_error=False, so a quickly following cell is not aborted with them."""
    km, kc = kernel
    msg_id = kc.execute(code, stop_on_error=stop_on_error)
    return collect(kernel, msg_id, timeout)


def collect(kernel, msg_id, timeout):
    km, kc = kernel
    deadline = time.monotonic() + timeout
    messages = []
    while True:
        if not km.is_alive():
            pytest.fail("kernel died while running a cell (a crash, not a cell error)")
        try:
            m = kc.get_iopub_msg(timeout=1)
        except Exception:
            assert time.monotonic() < deadline, "no idle status before the deadline"
            continue
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        m["received"] = time.monotonic()
        messages.append(m)
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
    reply = kc.get_shell_msg(timeout=10)
    assert reply["parent_header"]["msg_id"] == msg_id
    return reply["content"], messages


def result_text(messages):
    for m in messages:
        if m["msg_type"] == "execute_result":
            return m["content"]["data"]["text/plain"]
    return None


def test_gpu_context_fails_clearly_and_keeps_the_context(kernel):
    reply, _ = run(kernel, "ctx(cpu, threads=1)")
    assert reply["status"] == "ok"
    if has_gpu():
        pytest.skip("this machine has a CUDA device: ctx(gpu) opens it (test_gpu_emulated covers the GPU path)")
    reply, messages = run(kernel, "ctx(gpu)", stop_on_error=False)
    assert reply["status"] == "error", "ctx(gpu) must fail on a machine without a CUDA device"
    assert reply["ename"] == "DeviceError"
    assert reply["evalue"] == NO_GPU_MESSAGE
    errors = [m for m in messages if m["msg_type"] == "error"]
    assert len(errors) == 1 and errors[0]["content"]["ename"] == "DeviceError"
    reply, messages = run(kernel, "ctx()")
    assert reply["status"] == "ok"
    assert result_text(messages) == "ctx(cpu, threads=1)"
    # `gpu` alone means gpu(0).
    reply, messages = run(kernel, "gpu(1), cpu == cpu, gpu(0) == gpu, gpu(1) == gpu")
    assert result_text(messages) == "(gpu(1), True, True, False)"


@pytest.mark.parametrize("code, ename", [
    ('load("no-such-model-anywhere")', "FileNotFoundError"),
    ('image("/nonexistent/photo.jpg")', "ImageError"),
    ("ctx(3)", "TypeError"),
    ('mnist("/nonexistent-directory")', "FileNotFoundError"),
    ('lenet(activation="swish")', "ValueError"),
    ("train(lenet(), 5)", "TypeError"),
    ('predict(lenet(), "x.png")', "ImageError"),
    ('predict(lenet(), 2.5)', "TypeError"),
    ("predict(1, [])", "TypeError"),
    ('save(lenet(), "")', "ValueError"),
    ('synset("/nonexistent/synset.txt")', "LabelsError"),
])
def test_bad_arguments_are_named_errors(kernel, code, ename):
    reply, _ = run(kernel, code, stop_on_error=False)
    assert reply["status"] == "error", code
    assert reply["ename"] == ename, (code, reply["ename"], reply["evalue"])
    km, _ = kernel
    assert km.is_alive()


def test_builtins_have_help_completion_and_inspection(kernel):
    km, kc = kernel
    code = "train(model, data, ep"
    kc.complete(code, len(code))
    reply = kc.get_shell_msg(timeout=10)["content"]
    assert "epochs=" in reply["matches"]
    kc.inspect("predict(", 8)
    reply = kc.get_shell_msg(timeout=10)["content"]
    assert reply["found"] and "predict(model, images, top=5, show=None)" in reply["data"]["text/plain"]
    _, messages = run(kernel, "help()")
    listing = "".join(m["content"].get("text", "") for m in messages if m["msg_type"] == "stream")
    for name in ("ctx", "load", "synset", "image", "predict", "mnist", "lenet", "mlp", "summary", "train",
                 "evaluate", "save"):
        assert name in listing, name


@pytest.mark.skipif(not FASHION.is_dir(), reason="Fashion-MNIST is not installed")
def test_training_streams_updates_and_stops_on_interrupt(kernel):
    km, kc = kernel
    reply, messages = run(kernel, "data = mnist(limit=30000, test_limit=1000)\nmodel = lenet()")
    assert reply["status"] == "ok"
    assert any(m["msg_type"] == "display_data" and "image/png" in m["content"]["data"]
               or "data:image/png" in m["content"].get("data", {}).get("text/html", "")
               for m in messages if m["msg_type"] == "display_data")
    train_id = kc.execute("h = train(model, data, epochs=3)")
    queued_id = kc.execute("queued = 1")
    # Wait for the run to be under way (two progress updates), then interrupt.
    updates = []
    deadline = time.monotonic() + 120
    first_display = None
    while len(updates) < 2:
        assert km.is_alive(), "kernel died during training"
        assert time.monotonic() < deadline, "no progress updates within 120 s"
        m = kc.get_iopub_msg(timeout=60)
        if m["parent_header"].get("msg_id") != train_id:
            continue
        if m["msg_type"] == "display_data" and first_display is None:
            first_display = m
        if m["msg_type"] == "update_display_data":
            updates.append(m)
    assert first_display is not None and first_display["content"]["transient"]["display_id"]
    ids = {u["content"]["transient"]["display_id"] for u in updates}
    assert first_display["content"]["transient"]["display_id"] in ids
    assert "text/plain" in updates[0]["content"]["data"] and "text/html" in updates[0]["content"]["data"]
    assert "loss" in updates[-1]["content"]["data"]["text/plain"]
    sent = time.monotonic()
    km.interrupt_kernel()
    reply, messages = collect(kernel, train_id, timeout=30)
    elapsed = max(m["received"] for m in messages) - sent
    assert elapsed < 10, f"the train cell took {elapsed:.1f} s to end after the interrupt"
    assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt"
    text = "".join(m["content"].get("text", "") for m in messages if m["msg_type"] == "stream")
    assert "interrupted at epoch 1/3, batch" in text
    queued = kc.get_shell_msg(timeout=30)
    assert queued["parent_header"]["msg_id"] == queued_id
    assert queued["content"]["status"] == "aborted"
    # The kernel aborts whatever is queued when it drains its shell socket (as ipykernel does);
    # give it that moment so the next cell is not caught in the abort.
    time.sleep(0.5)
    # The model keeps what it learnt, the partial history is there, and the kernel goes on.
    reply, messages = run(kernel, "model.history.stopped, len(model.history.epochs)")
    assert reply["status"] == "ok" and result_text(messages) == "(True, 1)", reply
    reply, messages = run(kernel, "p = predict(model, 0)\np[0].label in data.classes")
    assert reply["status"] == "ok" and result_text(messages) == "True"
    reply, messages = run(kernel, "1 + 1")
    assert reply["status"] == "ok" and result_text(messages) == "2"


@pytest.mark.skipif(not FASHION.is_dir(), reason="Fashion-MNIST is not installed")
def test_checkpoint_round_trip_predicts_the_same(kernel, tmp_path):
    prefix = str(tmp_path / "mlp")
    code = (f'd = mnist(limit=2000, test_limit=200)\nm = mlp(hidden=[32])\nh = train(m, d, epochs=1)\n'
            f'save(m, "{prefix}")\nr = load("{prefix}")\n'
            f'a = predict(m, [0, 1, 2])\nb = predict(r, [0, 1, 2])\n'
            f'[round(x.probability, 5) for x in a] == [round(x.probability, 5) for x in b], r.classes == d.classes')
    reply, messages = run(kernel, code)
    assert reply["status"] == "ok", reply
    assert result_text(messages) == "(True, True)"
    assert (tmp_path / "mlp-symbol.json").exists() and (tmp_path / "mlp-0001.params").exists()


def polyline_points(svg):
    """How many points the chart's polylines hold in all."""
    return sum(len(line.split('points="')[1].split('"')[0].split()) for line in svg.splitlines()
               if line.startswith("<polyline"))


@pytest.mark.skipif(not FASHION.is_dir(), reason="Fashion-MNIST is not installed")
def test_the_training_curve_is_redrawn_during_an_epoch(kernel):
    """The loss/accuracy chart is updated in place while the (only) epoch runs, not just at
    its end; every redraw carries a longer curve."""
    code = "cd = mnist(limit=6000, test_limit=100)\ncm = lenet()\nch = train(cm, cd, epochs=1, batch=32)"
    reply, messages = run(kernel, code, timeout=300)
    assert reply["status"] == "ok", reply
    shown = [m for m in messages if m["msg_type"] == "display_data"]
    chart_id = next(m["content"]["transient"]["display_id"] for m in shown
                    if "image/svg+xml" in m["content"]["data"])
    bar_text, mid_epoch = "", []
    for m in messages:
        if m["msg_type"] != "update_display_data":
            continue
        data = m["content"]["data"]
        if m["content"]["transient"]["display_id"] != chart_id:
            bar_text = data["text/plain"]
        elif "batch" in bar_text:
            done, total = bar_text.split("batch ")[1].split()[0].split("/")
            if int(done) < int(total):  # drawn after a report from inside the epoch
                mid_epoch.append(data["image/svg+xml"])
    print(f"{len(mid_epoch)} chart redraws during the epoch")
    assert len(mid_epoch) >= 2, "the curve is redrawn only at the epoch's end"
    counts = [polyline_points(svg) for svg in mid_epoch]
    assert counts == sorted(counts) and counts[-1] > counts[0], counts
    assert len(set(mid_epoch)) == len(mid_epoch)


REFERENCE_LENET = SHARED / "reference" / "models" / "lenet_fmnist1ep"


@pytest.mark.needs_shared
@pytest.mark.skipif(not FASHION.is_dir(), reason="Fashion-MNIST is not installed")
def test_an_mxnet_trained_lenet_predicts_and_trains_further(kernel):
    """A LeNet trained for one epoch by MXNet itself loads as a trainable model."""
    reply, messages = run(kernel, f'ref = load("{REFERENCE_LENET}")\nref')
    assert reply["status"] == "ok", reply
    assert "conv1 (Conv2D+tanh)" in result_text(messages)
    reply, messages = run(kernel, "fm = mnist(limit=1000, test_limit=1000)\nev = evaluate(ref, fm)\nev.accuracy")
    assert reply["status"] == "ok", reply
    assert float(result_text(messages)) > 0.8
    shown = [m for m in messages if m["msg_type"] == "display_data"]
    assert any("<svg" in m["content"]["data"].get("text/html", "") and "Ankle boot" in m["content"]["data"]["text/html"]
               for m in shown), "the confusion matrix names the data set's classes"
    reply, messages = run(kernel, "h = train(ref, fm, epochs=1, lr=0.01)\nlen(h.epochs), predict(ref, 0)[0].index")
    assert reply["status"] == "ok", reply
    count, index = eval(result_text(messages))
    assert count == 1 and 0 <= index < 10


@pytest.mark.skipif(not FASHION.is_dir(), reason="Fashion-MNIST is not installed")
def test_sigint_stops_training_like_an_interrupt_request(kernel):
    import signal

    km, kc = kernel
    reply, _ = run(kernel, "sd = mnist(limit=20000, test_limit=100)\nsm = mlp(hidden=[64])")
    assert reply["status"] == "ok"
    msg_id = kc.execute("train(sm, sd, epochs=20)")
    deadline = time.monotonic() + 120
    while True:
        assert time.monotonic() < deadline, "no progress update within 120 s"
        m = kc.get_iopub_msg(timeout=60)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "update_display_data":
            break
    sent = time.monotonic()
    os.kill(km.provisioner.process.pid, signal.SIGINT)
    reply, messages = collect(kernel, msg_id, timeout=30)
    assert max(m["received"] for m in messages) - sent < 10
    assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt"
    assert km.is_alive(), "SIGINT must interrupt the cell, not kill the kernel"
    time.sleep(0.5)  # let the kernel drain its abort (see the interrupt_request test)
    reply, messages = run(kernel, "sm.history.stopped")
    assert reply["status"] == "ok" and result_text(messages) == "True"


@pytest.mark.needs_shared
def test_synset_values(kernel):
    synset = SHARED / "imagenet" / "synset.txt"
    reply, messages = run(kernel, f'names = synset("{synset}")\nlen(names), names[281]')
    assert reply["status"] == "ok", reply
    assert eval(result_text(messages)) == (1000, "tabby, tabby cat")


def test_image_values(kernel):
    photo = ROOT / "notebooks" / "photos" / "chelsea.png"
    reply, messages = run(kernel, f'img = image("{photo}")\nimg')
    assert reply["status"] == "ok", reply
    result = next(m for m in messages if m["msg_type"] == "execute_result")["content"]["data"]
    assert result["image/png"] and result["text/plain"].startswith("Image(")
    reply, messages = run(kernel, "img.width, img.height, img.channels")
    assert result_text(messages) == "(451, 300, 3)"
