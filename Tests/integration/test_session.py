"""The classifier built-ins through the real kernel (jupyter_client): context, errors,
inspection, live training updates and interrupting a training cell.

A cell error and a kernel crash are told apart: `run` fails with "kernel died" when the
process is gone, and returns the error reply otherwise."""
import os
import pathlib
import time

import pytest

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
    reply, messages = run(kernel, "ctx(gpu)", stop_on_error=False)
    assert reply["status"] == "error", "ctx(gpu) must fail: this build has no GPU backend"
    assert reply["ename"] == "DeviceError"
    if not has_gpu():
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
    assert reply["found"] and "predict(model, images, top=5)" in reply["data"]["text/plain"]
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
    assert queued["content"]["status"] in ("aborted", "error")
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
