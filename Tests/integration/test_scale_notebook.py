"""`train(model, data, workers=N)` from a kernel: mpirun workers, live progress in the cell's
display, weights and history back in the session, interrupt, and the clear errors."""
import pathlib
import shutil
import time

import pytest

from test_scale import FASHION, MPI_ENV

pytestmark = [
    pytest.mark.skipif(shutil.which("mpirun") is None, reason="mpirun missing (Debian package openmpi-bin)"),
    pytest.mark.skipif(not (FASHION / "train-images-idx3-ubyte.gz").exists(),
                       reason="Fashion-MNIST missing (Debian package dataset-fashion-mnist)"),
]

# The kernel runs in the tests' working directory; the workers' checkpoints go there.
ROOT_DIR = pathlib.Path.cwd()
ROOT_VARS = {k: MPI_ENV[k] for k in ("OMPI_ALLOW_RUN_AS_ROOT", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM")}
SETUP = "data = mnist(limit=1024, test_limit=200)\nm = lenet(activation='relu')\nbefore = evaluate(m, data).accuracy"


def ok(k, code, timeout=60):
    _, reply = k.execute(code, timeout=timeout)
    assert reply["content"]["status"] == "ok", reply["content"]
    return reply


def value(k, expr):
    req, reply = k.execute(expr, timeout=30)
    assert reply["content"]["status"] == "ok", reply["content"]
    results = [m for m in k.iopub_for(req) if m["msg_type"] == "execute_result"]
    return results[0]["content"]["data"]["text/plain"]


def test_workers_train_with_live_progress_and_return_the_weights(raw_kernel):
    k = raw_kernel(extra_env=ROOT_VARS)
    ok(k, SETUP)
    req, reply = k.execute("h = train(m, data, epochs=2, batch=16, lr=0.02, workers=2)", timeout=180)
    assert reply["content"]["status"] == "ok", reply["content"]
    kinds = [m["msg_type"] for m in k.iopub_for(req)]
    assert kinds.count("display_data") >= 2 and kinds.count("update_display_data") >= 2, kinds
    assert value(k, "len(m.history.epochs)") == "2"
    assert value(k, "m.history.stopped") == "False"
    assert value(k, "evaluate(m, data).accuracy > before + 0.2") == "True"
    assert not list(ROOT_DIR.glob(".tabby-workers-*")), "the workers' checkpoint directory stays behind"


def test_interrupt_stops_every_worker_and_keeps_their_weights(raw_kernel):
    k = raw_kernel(extra_env=ROOT_VARS)
    ok(k, SETUP)
    req = k.send("shell", "execute_request",
                 {"code": "train(m, data, epochs=200, batch=16, lr=0.02, workers=2)", "silent": False})
    deadline = time.monotonic() + 60
    while True:
        msg = k.recv("iopub", timeout=max(0.1, deadline - time.monotonic()))
        assert msg is not None, "no progress from the workers"
        if msg["msg_type"] == "update_display_data":
            break
    start = time.monotonic()
    ireq = k.send("control", "interrupt_request")
    assert k.reply("control", ireq, 5)["content"]["status"] == "ok"
    reply = k.reply("shell", req, 30)
    assert reply is not None and time.monotonic() - start < 20
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    assert value(k, "m.history.stopped") == "True"
    assert int(value(k, "len(m.history.epochs)")) < 200
    assert value(k, "evaluate(m, data).accuracy > before") == "True"


@pytest.mark.parametrize("code, message", [
    ("train(m, data.train, workers=2)", "from mnist(path)"),
    ("train(m, data, workers=0)", "between 1 and 1024"),
])
def test_data_the_workers_cannot_read_is_a_clear_error(raw_kernel, code, message):
    k = raw_kernel(extra_env=ROOT_VARS)
    ok(k, SETUP)
    _, reply = k.execute(code, timeout=30)
    assert reply["content"]["status"] == "error" and message in reply["content"]["evalue"]


def test_missing_mpirun_names_the_package(raw_kernel):
    k = raw_kernel(extra_env=dict(ROOT_VARS, PATH="/nonexistent"))
    ok(k, SETUP)
    _, reply = k.execute("train(m, data, workers=2)", timeout=30)
    assert reply["content"]["status"] == "error" and "openmpi-bin" in reply["content"]["evalue"]
    assert value(k, "evaluate(m, data).accuracy == before") == "True"



def test_open_mpi_is_not_mapped_until_workers_are_used(raw_kernel):
    """An idle kernel (and one that trained in-process) never loads libmpi: Open MPI is
    dlopen'ed only by `tabby train` processes that mpirun started."""
    k = raw_kernel(extra_env=ROOT_VARS)
    ok(k, SETUP + "\ntrain(m, data, epochs=1, batch=64)", timeout=120)
    maps = pathlib.Path(f"/proc/{k.proc.pid}/maps").read_text()
    assert "libmpi" not in maps and "libopen-pal" not in maps


def test_workers_from_a_notebook_through_nbclient(tmp_path, monkeypatch):
    """The notebook path as a user runs it: nbclient, the installed tabby kernelspec."""
    import nbformat
    from test_notebooks import execute, errors, plain

    for name, v in ROOT_VARS.items():
        monkeypatch.setenv(name, v)  # the kernel, and so mpirun, inherit these
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "tabby", "display_name": "Tabby", "language": "tabby"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in (
        SETUP, "h = train(m, data, epochs=2, batch=16, lr=0.02, workers=2)",
        "[len(h.epochs), h.stopped, evaluate(m, data).accuracy > before + 0.2]")]
    client = execute(nb, tmp_path, timeout=240)
    assert [e for c in nb.cells for e in errors(c)] == []
    assert plain(nb.cells[2]) == "[2, False, True]"
    kinds = [kind for index, kind, _, _ in client.messages if index == 1]
    assert kinds.count("update_display_data") >= 2, kinds
    assert not list(tmp_path.glob(".tabby-workers-*"))
