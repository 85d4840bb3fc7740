"""Hostile and unusual traffic against a real `tabby kernel`: after each case the
heartbeat and kernel_info (shell and control) still answer, and the right thing happened."""
import json
import signal
import subprocess
import time

import pytest

DELIM = b"<IDS|MSG>"


def no_reply(k, channel="shell", wait=0.5):
    return k.recv(channel, wait) is None


def test_bad_empty_and_short_signatures_are_dropped(raw_kernel):
    k = raw_kernel()
    frames = k.signed_frames("kernel_info_request")
    sig = frames[1]
    # One hex digit changed: same length, always a different MAC (an upper-cased copy is
    # not wrong — the kernel reads hex either case — so it must not be used as "bad").
    flipped = (b"1" if sig[:1] == b"0" else b"0") + sig[1:]
    for bad in (b"", sig[:-1], sig[:10], b"0" * len(sig), sig + b"00", flipped):
        k.send_raw("shell", [frames[0], bad] + frames[2:])
    assert no_reply(k)
    k.assert_healthy()


def test_wrong_key_is_dropped_and_key_never_logged(raw_kernel):
    from jupyter_client.session import Session
    k = raw_kernel(log_level="debug")
    other = Session(key=b"not-the-key")
    other.send(k.sockets["shell"], other.msg("kernel_info_request"))
    assert no_reply(k)
    k.assert_healthy()
    log = k.stderr()
    assert "dropped" in log
    assert k.key not in log


def test_byte_identical_replay_is_refused(raw_kernel):
    k = raw_kernel()
    frames = k.signed_frames("kernel_info_request")
    k.send_raw("shell", frames)
    assert k.recv("shell") is not None
    k.send_raw("shell", frames)
    assert no_reply(k)
    k.assert_healthy()


@pytest.mark.parametrize("part,text", [
    (3, b"not json at all"), (3, b"[1, 2]"), (3, b'{"code": '), (0, b"{}"), (0, b"\xff\xfe"),
    (0, b'{"msg_type": 5}'), (1, b"null"),
])
def test_non_json_or_non_object_parts_are_dropped(raw_kernel, part, text):
    k = raw_kernel()
    parts = k.signed_frames("execute_request", {"code": "1"})[2:6]
    parts[part] = text
    k.send_raw("shell", k.signed_frames("execute_request", parts=parts))
    assert no_reply(k)
    k.assert_healthy()


@pytest.mark.parametrize("frames", [
    [], [b""], [b"x"], [DELIM], [DELIM, b"sig"], [b"a", b"b", b"c", b"d", b"e", b"f"],
    [DELIM] * 7, [b"id"] * 500, [DELIM, b"", b"{}", b"{}", b"{}"], [b"\x00" * 1_000_000],
])
def test_garbage_frame_lists_are_dropped(raw_kernel, frames):
    k = raw_kernel()
    for channel in ("shell", "control"):
        if frames:
            k.send_raw(channel, frames)
        assert no_reply(k, channel, 0.2)
    k.assert_healthy()


def test_unknown_message_types_get_busy_idle_and_no_reply(raw_kernel):
    k = raw_kernel()
    for channel in ("shell", "control"):
        req = k.send(channel, "definitely_not_a_request", {"x": 1})
        states = [m["content"].get("execution_state") for m in k.iopub_for(req)]
        assert states == ["busy", "idle"]
        assert no_reply(k, channel, 0.2)
    k.assert_healthy()


def test_empty_key_turns_signing_off(raw_kernel):
    k = raw_kernel(key="")
    frames = k.signed_frames("kernel_info_request")
    assert frames[1] == b""
    k.send_raw("shell", frames)
    assert k.recv("shell")["msg_type"] == "kernel_info_reply"
    k.assert_healthy()


def test_ipc_transport(raw_kernel):
    k = raw_kernel(transport="ipc")
    k.assert_healthy()


def test_sha512_scheme(raw_kernel):
    k = raw_kernel(scheme="hmac-sha512")
    k.assert_healthy()


def test_unknown_scheme_is_a_clear_startup_error(tabby_bin, tmp_path):
    from jupyter_client.connect import write_connection_file
    path, _ = write_connection_file(fname=str(tmp_path / "c.json"), key=b"secret-key-123",
                                    signature_scheme="hmac-sha256")
    info = json.loads(open(path).read())
    info["signature_scheme"] = "hmac-bogus"
    open(path, "w").write(json.dumps(info))
    out = subprocess.run([tabby_bin, "kernel", "-f", path], capture_output=True, text=True, timeout=10)
    assert out.returncode != 0
    assert "hmac-bogus" in out.stderr
    assert "secret-key-123" not in out.stderr + out.stdout


def test_missing_connection_file_is_a_clear_error(tabby_bin, tmp_path):
    out = subprocess.run([tabby_bin, "kernel", "-f", str(tmp_path / "nope.json")],
                         capture_output=True, text=True, timeout=10)
    assert out.returncode != 0
    assert "nope.json" in out.stderr


def test_sigint_while_idle_is_ignored(raw_kernel):
    k = raw_kernel()
    for _ in range(3):
        k.interrupt_signal()
        time.sleep(0.05)
    k.assert_healthy()
    _, reply = k.execute("")
    assert reply["content"]["status"] == "ok"


def test_sigint_interrupts_a_running_cell(raw_kernel):
    k = raw_kernel()
    start = time.monotonic()
    req = k.send("shell", "execute_request", {"code": "sleep(8)", "silent": False, "stop_on_error": True})
    time.sleep(0.5)
    # Heartbeat and control keep answering while the cell runs.
    assert k.heartbeat()
    assert k.kernel_info("control", 1.0) is not None
    k.interrupt_signal()
    reply = k.reply("shell", req, 5)
    assert reply is not None and time.monotonic() - start < 4
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    k.assert_healthy()
    _, again = k.execute("1+2")
    assert again["content"]["status"] == "ok"


def test_interrupt_request_during_a_long_cell(raw_kernel):
    k = raw_kernel()
    start = time.monotonic()
    req = k.send("shell", "execute_request", {"code": "sleep(8)", "silent": False})
    time.sleep(0.5)
    ireq = k.send("control", "interrupt_request")
    ireply = k.reply("control", ireq, 1.0)
    assert ireply is not None and ireply["content"]["status"] == "ok"
    reply = k.reply("shell", req, 5)
    assert reply is not None and time.monotonic() - start < 4
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    k.assert_healthy()


def test_input_over_stdin(raw_kernel):
    k = raw_kernel()
    req, _ = k.send("shell", "execute_request", {"code": 'input("prompt> ")', "allow_stdin": True}), None
    ask = k.recv("stdin", 5)
    assert ask["msg_type"] == "input_request"
    assert ask["content"]["prompt"] == "prompt> "
    assert ask["parent_header"]["msg_id"] == req["header"]["msg_id"]
    k.send("stdin", "input_reply", {"value": "typed text"}, parent=ask["header"])
    reply = k.reply("shell", req, 5)
    assert reply["content"]["status"] == "ok"
    results = [m for m in k.iopub_for(req) if m["msg_type"] == "execute_result"]
    assert "typed text" in results[0]["content"]["data"]["text/plain"]


def test_stdin_replies_are_checked_like_every_message(raw_kernel):
    """A replayed input_reply (an earlier cell's, byte for byte) and one parented to another
    request are dropped; the reply to this input_request is the one the cell reads."""
    k = raw_kernel()
    first = k.send("shell", "execute_request", {"code": 'input("one> ")', "allow_stdin": True})
    ask = k.recv("stdin", 5)
    old = k.session.msg("input_reply", content={"value": "first"}, parent=ask["header"])
    old_frames = k.session.serialize(old)
    k.send_raw("stdin", old_frames)
    assert k.reply("shell", first, 5)["content"]["status"] == "ok"

    second = k.send("shell", "execute_request", {"code": 'input("two> ")', "allow_stdin": True})
    ask2 = k.recv("stdin", 5)
    assert ask2["msg_type"] == "input_request"
    k.send_raw("stdin", old_frames)  # the first cell's reply, replayed
    k.send("stdin", "input_reply", {"value": "forged"}, parent=first["header"])  # wrong parent
    k.send("stdin", "input_reply", {"value": "second"}, parent=ask2["header"])
    reply = k.reply("shell", second, 5)
    assert reply["content"]["status"] == "ok"
    results = [m for m in k.iopub_for(second) if m["msg_type"] == "execute_result"]
    text = results[0]["content"]["data"]["text/plain"]
    assert "second" in text and "forged" not in text and "first" not in text
    log = k.stderr()
    assert "dropped" in log and "another request" in log
    k.assert_healthy()


def peak_rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


@pytest.mark.parametrize("channel", ["shell", "control", "stdin"])
def test_an_oversize_frame_is_refused_before_it_is_read(raw_kernel, channel):
    """ZMQ_MAXMSGSIZE (256 MiB): a peer announcing a larger frame is disconnected when its
    length arrives, so the kernel's memory does not grow by the frame, and it still answers."""
    import zmq
    k = raw_kernel()
    before = peak_rss_kib(k.proc.pid)
    attacker = k.ctx.socket(zmq.DEALER)
    attacker.linger = 0
    attacker.connect(f"tcp://127.0.0.1:{k.info[channel + '_port']}")
    frame = bytes(257 << 20)  # one byte-identical frame of 257 MiB, just over the bound
    try:
        attacker.send_multipart([DELIM, b"0" * 64, frame], copy=False)
        time.sleep(1.5)  # unbounded, the kernel would have taken in the whole frame by now
    finally:
        attacker.close()
    del frame
    k.assert_healthy()
    grown = peak_rss_kib(k.proc.pid) - before
    assert grown < 64 << 10, f"the kernel's peak memory grew by {grown} KiB"


def test_stop_on_error_aborts_queued_cells(raw_kernel):
    k = raw_kernel()
    # The failing cell runs long enough for the next request to be queued behind it.
    bad = k.send("shell", "execute_request", {"code": "sleep(0.3)\n1/0", "stop_on_error": True})
    queued = k.send("shell", "execute_request", {"code": "1+2"})
    assert k.reply("shell", bad)["content"]["ename"] == "ZeroDivisionError"
    aborted = k.reply("shell", queued)
    assert aborted["content"]["status"] == "aborted"
    assert "ename" not in aborted["content"]
    _, later = k.execute("1+2")
    assert later["content"]["status"] == "ok"


def test_execute_reply_order_and_counts_over_the_wire(raw_kernel):
    k = raw_kernel()
    req, reply = k.execute("")
    types = [m["msg_type"] for m in k.iopub_for(req)]
    assert types[0] == "status" and types[1] == "execute_input" and types[-1] == "status"
    first = reply["content"]["execution_count"]
    _, r2 = k.execute("", store_history=False)
    _, r3 = k.execute("", silent=True)
    _, r4 = k.execute("")
    assert r2["content"]["execution_count"] == first
    assert r3["content"]["execution_count"] == first
    assert r4["content"]["execution_count"] == first + 1


def test_shutdown_with_restart(raw_kernel):
    k = raw_kernel()
    req = k.send("control", "shutdown_request", {"restart": True})
    reply = k.reply("control", req, 2)
    assert reply["content"] == {"status": "ok", "restart": True}
    assert k.proc.wait(3) == 0


def test_shutdown_during_a_long_cell_exits_promptly(raw_kernel):
    k = raw_kernel()
    k.send("shell", "execute_request", {"code": "sleep(8)"})
    time.sleep(0.3)
    start = time.monotonic()
    k.send("control", "shutdown_request", {"restart": False})
    assert k.proc.wait(5) == 0
    assert time.monotonic() - start < 4


def test_history_survives_restarts_and_concurrent_kernels(raw_kernel, tmp_path):
    env = {"TABBY_DATA_DIR": str(tmp_path / "tabby-data")}
    a, b = raw_kernel(extra_env=env), raw_kernel(extra_env=env)
    for i in range(20):
        a.execute(f"# a{i}")
        b.execute(f"# b{i}")
    a.close()
    c = raw_kernel(extra_env=env)
    req = c.send("shell", "history_request", {"hist_access_type": "search", "pattern": "# [ab]*",
                                              "output": False, "raw": True})
    hist = c.reply("shell", req)["content"]["history"]
    inputs = {h[2] for h in hist}
    assert {f"# a{i}" for i in range(20)} <= inputs and {f"# b{i}" for i in range(20)} <= inputs
    assert len(hist) == 40
    assert len({h[0] for h in hist if h[2].startswith("# a")}) == 1
    assert len({h[0] for h in hist}) == 2
    # The restarted kernel is a new session, numbered after both earlier ones.
    c.execute("# c")
    req = c.send("shell", "history_request", {"hist_access_type": "tail", "n": 1, "output": False, "raw": True})
    assert c.reply("shell", req)["content"]["history"][0][0] > max(h[0] for h in hist)


def test_pager_and_shift_tab_show_the_same_help(raw_kernel):
    k = raw_kernel()
    texts = []
    for code in ("print?", "?print"):
        _, reply = k.execute(code)
        page = reply["content"]["payload"]
        assert len(page) == 1 and page[0]["source"] == "page"
        texts.append(page[0]["data"]["text/plain"])
    inspected = k.reply("shell", k.send("shell", "inspect_request",
                                        {"code": "print", "cursor_pos": 5, "detail_level": 0}))
    assert inspected["content"]["found"]
    assert texts[0] == texts[1] == inspected["content"]["data"]["text/plain"]


def test_completion_of_pri_is_exactly_print(raw_kernel):
    k = raw_kernel()
    reply = k.reply("shell", k.send("shell", "complete_request", {"code": "pri", "cursor_pos": 3}))
    assert reply["content"]["matches"] == ["print"]
    assert (reply["content"]["cursor_start"], reply["content"]["cursor_end"]) == (0, 3)


def test_user_expressions_and_is_complete_indent(raw_kernel):
    k = raw_kernel()
    _, reply = k.execute("x = 20", user_expressions={"y": "x + 1", "bad": "1/0"})
    ue = reply["content"]["user_expressions"]
    assert ue["y"]["status"] == "ok" and ue["y"]["data"]["text/plain"] == "21"
    assert ue["bad"]["status"] == "error" and ue["bad"]["ename"] == "ZeroDivisionError"
    r = k.reply("shell", k.send("shell", "is_complete_request", {"code": 'print("a",'}))
    assert r["content"]["status"] == "incomplete" and "indent" in r["content"]
