"""Inputs that used to end the kernel process (SIGILL, abort) through the real binary: each
cell now gets an error reply with a clear ename/evalue, and the session keeps its variables.
The bad files are written by the tests themselves; nothing comes from ../shared."""
import struct
import subprocess

import pytest


def idx(dims, payload=b""):
    return bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + payload


def tiny_mnist(directory, count=64):
    directory.mkdir(parents=True, exist_ok=True)
    pixels = bytes((i * 31) % 256 for i in range(count * 28 * 28))
    labels = bytes(i % 10 for i in range(count))
    for split in ("train", "t10k"):
        (directory / f"{split}-images-idx3-ubyte").write_bytes(idx([count, 28, 28], pixels))
        (directory / f"{split}-labels-idx1-ubyte").write_bytes(idx([count], labels))
    return directory


def varint(v):
    out = bytearray()
    v &= (1 << 64) - 1
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def field(number, payload):
    """A length-delimited protobuf field."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def value_info(name, dims):
    shape = b"".join(field(1, varint(1 << 3) + varint(d)) for d in dims)
    tensor_type = varint(1 << 3) + varint(1) + field(2, shape)
    return field(1, name.encode()) + field(2, field(1, tensor_type))


def onnx_model(nodes, inputs, outputs):
    graph = b"".join(field(1, n) for n in nodes)
    graph += b"".join(field(11, value_info(*i)) for i in inputs)
    graph += b"".join(field(12, value_info(*o)) for o in outputs)
    opset = varint(2 << 3) + varint(13)
    return varint(1 << 3) + varint(8) + field(8, opset) + field(7, graph)


def node(op, inputs, outputs, name):
    return (b"".join(field(1, i.encode()) for i in inputs) + b"".join(field(2, o.encode()) for o in outputs)
            + field(3, name.encode()) + field(4, op.encode()))


@pytest.fixture
def kernel(raw_kernel):
    k = raw_kernel()
    _, reply = k.execute("keep = 'still here'")
    assert reply["content"]["status"] == "ok"
    return k


def expect_error(k, code, ename, *fragments, timeout=60):
    _, reply = k.execute(code, timeout=timeout, stop_on_error=False)
    assert reply is not None, f"no reply to {code!r}: {k.stderr()}"
    content = reply["content"]
    assert content["status"] == "error", content
    names = ename if isinstance(ename, tuple) else (ename,)
    assert content["ename"] in names, content
    for f in fragments:
        assert f in content["evalue"], content["evalue"]
    k.assert_healthy()
    _, kept = k.execute("print(keep)")
    assert kept["content"]["status"] == "ok"


def test_huge_hidden_layer(kernel):
    expect_error(kernel, "m = mlp(hidden=[2**40])", "MemoryError", "1,099,511,627,776 × 784", "this machine has")


def test_epochs_that_cannot_be_counted(kernel, tmp_path):
    data = tiny_mnist(tmp_path / "mnist", count=8)
    _, r = kernel.execute(f"d = mnist('{data}')\nm = mlp(hidden=[4])", timeout=60)
    assert r["content"]["status"] == "ok", r["content"]
    expect_error(kernel, "train(m, d, epochs=2**62)", "TensorError", "4,611,686,018,427,387,904 epochs")


def test_idx_header_of_all_ones(kernel, tmp_path):
    data = tiny_mnist(tmp_path / "mnist", count=2)
    (data / "train-images-idx3-ubyte").write_bytes(idx([0xFFFFFFFF] * 3, b"\1\2\3"))
    # A malformed (not missing) data file is a DataError (a ValueError) naming it.
    expect_error(kernel, f"d = mnist('{data}')", ("DataError",), "4,294,967,295",
                 "this machine has")


def test_onnx_node_without_outputs(kernel, tmp_path):
    path = tmp_path / "no-outputs.onnx"
    path.write_bytes(onnx_model([node("Relu", ["x"], [], "relu")], [("x", [1, 3, 4, 4])], [("y", [1, 10])]))
    _, reply = kernel.execute(f"m = load('{path}')", timeout=30, stop_on_error=False)
    content = reply["content"]
    assert content["status"] == "error" and "Relu node 'relu'" in content["evalue"], content
    assert "has no outputs" in content["evalue"]
    kernel.assert_healthy()


def test_onnx_output_dimensions_of_2_to_the_40(kernel, tmp_path):
    path = tmp_path / "huge-output.onnx"
    path.write_bytes(onnx_model([node("Relu", ["x"], ["y"], "relu")], [("x", [1, 3, 4, 4])],
                                [("y", [1, 1 << 40, 1 << 40])]))
    _, reply = kernel.execute(f"m = load('{path}')", timeout=30, stop_on_error=False)
    content = reply["content"]
    assert content["status"] == "error" and "1,099,511,627,776" in content["evalue"], content
    kernel.assert_healthy()


def test_kernel_answers_after_a_run_of_bad_cells(kernel, tmp_path):
    cells = ["mlp(hidden=[2**62, 2**62])", "mlp(hidden=[-1])", "lenet(seed=-2**62)", "train(None, None)",
             "mnist('/nonexistent')", "summary(3)", "predict(1, 2, top=2**62)", "ctx(float('nan'))",
             "ctx(threads=2**62)", "ctx(threads=-5)", "ctx(threads=1)"]
    for code in cells:
        _, reply = kernel.execute(code, timeout=30, stop_on_error=False)
        assert reply is not None and reply["content"]["status"] in ("ok", "error"), code
    kernel.assert_healthy()
    _, kept = kernel.execute("keep")
    assert kept["content"]["status"] == "ok"


@pytest.mark.parametrize("args", [["--lr", "1e30"], ["--lr", "nan"], ["--epochs", str(2**62)], ["--limit", "-5"]])
def test_train_flags_end_cleanly(tabby_bin, tmp_path, args):
    data = tiny_mnist(tmp_path / "mnist")
    proc = subprocess.run([tabby_bin, "train", "--net", "mlp", "--data", str(data), "--epochs", "2",
                           "--batch", "16", *args], capture_output=True, text=True, timeout=120)
    # A clean exit (0 or an error status), never a signal.
    assert proc.returncode >= 0, f"killed by signal {-proc.returncode}: {proc.stderr[-2000:]}"
    if proc.returncode != 0:
        assert proc.stderr.strip(), "an error exit must say why"
