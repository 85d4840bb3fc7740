"""Cells that used to end, hang or silence a real `tabby kernel`: each must give a result
or a named error, the kernel must stay healthy, and every output line and status must arrive."""
import os
import time

import pytest


def run(k, code, timeout=60.0, **content):
    """Executes `code`; returns the reply content and the IOPub messages through idle."""
    req, reply = k.execute(code, timeout=timeout, **content)
    assert reply is not None, f"no reply to {code!r}: {k.stderr()[-2000:]}"
    messages = k.iopub_for(req, timeout=timeout)
    assert messages and messages[-1]["msg_type"] == "status", f"no idle for {code!r}"
    assert messages[-1]["content"]["execution_state"] == "idle"
    return reply["content"], messages


def stdout(messages):
    return "".join(m["content"]["text"] for m in messages
                   if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")


@pytest.mark.parametrize("code,ename", [
    ("\tx = 1", "IndentationError"),
    ("x = 1\n\ty = 2", "IndentationError"),
    ("if True:\n        a = 5\n\tb = a", "TabError"),
])
def test_tab_indented_cells_are_errors_not_crashes(raw_kernel, code, ename):
    k = raw_kernel()
    content, _ = run(k, code)
    assert content["status"] == "error" and content["ename"] == ename
    content, messages = run(k, "if True:\n\tx = 41\n\ty = x + 1\ny")
    assert content["status"] == "ok"
    assert [m["content"]["data"]["text/plain"] for m in messages if m["msg_type"] == "execute_result"] == ["42"]
    k.assert_healthy()


def test_fifty_thousand_lines_all_arrive_with_a_slow_second_client(raw_kernel):
    import zmq
    from jupyter_client.session import Session
    k = raw_kernel()
    # A second frontend (its own session: a signature seen twice is refused as a replay)
    # that reads nothing until the cell is over.
    other = Session(key=k.key.encode(), signature_scheme="hmac-sha256")
    slow = k.ctx.socket(zmq.SUB)
    slow.linger = 0
    slow.setsockopt(zmq.SUBSCRIBE, b"")
    slow.connect(f"tcp://127.0.0.1:{k.info['iopub_port']}")
    try:
        time.sleep(0.3)
        content, messages = run(k, "for i in range(50000): print(i)", timeout=120)
        assert content["status"] == "ok"
        lines = stdout(messages).splitlines()
        assert len(lines) == 50000 and lines[-1] == "49999"
        streams = [m for m in messages if m["msg_type"] == "stream"]
        assert len(streams) < 1000, f"{len(streams)} stream messages: output is not coalesced"
        # The slow client got everything too, idle included.
        seen, idle = [], False
        while slow.poll(2000):
            _, msg = other.feed_identities(slow.recv_multipart())
            msg = other.deserialize(msg)
            if msg["msg_type"] == "stream":
                seen.append(msg["content"]["text"])
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
        assert len("".join(seen).splitlines()) == 50000
        assert idle
    finally:
        slow.close()
    k.assert_healthy()


def test_a_cell_printing_past_the_bound_says_it_was_truncated(raw_kernel):
    k = raw_kernel()
    content, messages = run(k, "for i in range(40):\n    print('x' * 2**20)")
    assert content["status"] == "ok"
    err = "".join(m["content"]["text"] for m in messages
                  if m["msg_type"] == "stream" and m["content"]["name"] == "stderr")
    assert "output truncated" in err and "bytes were printed and not shown" in err
    assert len(stdout(messages)) <= 32 * 2**20
    k.assert_healthy()


def test_deeply_nested_values_are_recursion_errors(raw_kernel):
    k = raw_kernel()
    content, _ = run(k, "a = []\nfor i in range(100000): a = [a]\nb = []\nfor i in range(30000): b = [b]")
    assert content["status"] == "ok"
    for code in ("a == b", "sorted([a, b])", "t = ()\nfor i in range(30000): t = (t,)\nd = {t: 1}"):
        content, _ = run(k, code)
        assert content["status"] == "error" and content["ename"] == "RecursionError", content
    content, _ = run(k, "del a\nb = None\nt = None\nd = {}\nfor i in range(100000): d = {'k': d}\nd = 0")
    assert content["status"] == "ok"
    k.assert_healthy()


def test_memory_budget_and_interrupt_in_long_builtins(raw_kernel):
    k = raw_kernel()
    content, _ = run(k, "[0] * (2 * 10**8)")
    assert content["ename"] == "MemoryError" and "200000000 items" in content["evalue"]
    content, _ = run(k, "s = 'ab'\nwhile True: s = s + s")
    assert content["ename"] == "MemoryError"
    run(k, "xs = list(range(10**7, 0, -1))")
    req = k.send("shell", "execute_request", {"code": "ys = sorted(xs)\nys = sorted(xs)\nys = sorted(xs)",
                                              "silent": False, "stop_on_error": True})
    time.sleep(0.5)
    sent = time.monotonic()
    k.send("control", "interrupt_request")
    reply = k.reply("shell", req, 60)
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    assert time.monotonic() - sent < 5
    k.assert_healthy()


def test_image_paths_that_are_not_files_do_not_hang(raw_kernel, tmp_path):
    k = raw_kernel()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "zero.png"
    link.symlink_to("/dev/zero")
    run(k, "m = mlp()")
    for path, kind in (("/dev/zero", "character device"), (str(link), "character device"), (str(fifo), "named pipe")):
        started = time.monotonic()
        content, _ = run(k, f"predict(m, {path!r})", timeout=20)
        assert content["status"] == "error" and kind in content["evalue"], content
        assert time.monotonic() - started < 10
    k.assert_healthy()


def test_queued_cells_after_an_error_are_aborted(raw_kernel):
    k = raw_kernel()
    bad = k.send("shell", "execute_request", {"code": "sleep(0.3)\n1/0", "stop_on_error": True})
    queued = k.send("shell", "execute_request", {"code": "1+2"})
    assert k.reply("shell", bad)["content"]["ename"] == "ZeroDivisionError"
    aborted = k.reply("shell", queued)
    assert aborted["content"]["status"] == "aborted"
    k.assert_healthy()
