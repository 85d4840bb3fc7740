"""Shared fixtures for the out-of-process tests: the tabby binary, the shared data, and
a raw kernel driven over ZeroMQ (pyzmq + jupyter_client's Session) for protocol tests."""
import os
import pathlib
import signal
import subprocess
import time
import uuid

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
# The reference data beside the repository (models, photos, reference outputs). A fresh
# clone has none: the tests that need it (marked `needs_shared`, or calling
# `require_shared()`) are skipped with one stated reason, or fail where
# TABBY_REQUIRE_SHARED=1 (.ci/run sets it: CI does have ../shared).
SHARED = pathlib.Path(os.environ.get("TABBY_SHARED_DIR") or ROOT.parent / "shared")
MXNET_PY = pathlib.Path(os.environ.get("TABBY_MXNET_PYTHON") or ROOT / ".venv-mxnet" / "bin" / "python")
REQUIRE_SHARED = os.environ.get("TABBY_REQUIRE_SHARED") == "1"
SHARED_REASON = "needs ../shared (reference models and data kept beside the repository, not in it)"
MXNET_REASON = "needs the MXNet venv .venv-mxnet (scripts/setup.sh makes it unless TABBY_MXNET=0)"


def shared_present():
    return all((SHARED / d).is_dir() for d in ("reference", "imagenet"))


def mxnet_present():
    return MXNET_PY.exists() and os.environ.get("TABBY_MXNET", "1") == "1"


def require_shared(mxnet=False):
    """Skips the calling test (or fixture) without ../shared (or the MXNet venv); fails
    instead where TABBY_REQUIRE_SHARED=1."""
    for present, reason in ((shared_present(), SHARED_REASON), (not mxnet or mxnet_present(), MXNET_REASON)):
        if not present:
            if REQUIRE_SHARED:
                pytest.fail(f"TABBY_REQUIRE_SHARED=1, but this test {reason} ({SHARED}, {MXNET_PY})")
            pytest.skip(reason)


def pytest_configure(config):
    config.addinivalue_line("markers", f"needs_shared: {SHARED_REASON}")
    config.addinivalue_line("markers", f"needs_mxnet: {MXNET_REASON}")


def pytest_runtest_setup(item):
    if item.get_closest_marker("needs_shared") or item.get_closest_marker("needs_mxnet"):
        require_shared(mxnet=item.get_closest_marker("needs_mxnet") is not None)


def pytest_terminal_summary(terminalreporter):
    """One line per stated reason: how many tests it skipped (0 where nothing is missing)."""
    skipped = terminalreporter.stats.get("skipped", [])
    for reason in (SHARED_REASON, MXNET_REASON):
        n = sum(1 for r in skipped if reason in str(r.longrepr))
        terminalreporter.write_line(f"skipped {n} tests: {reason}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """The conformance suite must run in full: a skipped jupyter_kernel_test method
    (a missing sample attribute) counts as a failure."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and "test_kernel_conformance" in item.nodeid:
        report.outcome = "failed"
        report.longrepr = f"conformance test skipped, which is not allowed: {report.longrepr}"


@pytest.fixture(scope="session")
def tabby_bin():
    path = os.environ.get("TABBY_BIN")
    if not path:
        pytest.fail("TABBY_BIN is not set: run the tests through scripts/test")
    return path


class RawKernel:
    """A `tabby kernel` process with client sockets on all five channels.

    Messages are signed with jupyter_client's Session, so the tests check Tabby against
    the reference implementation, and raw frames can be sent to attack the parser."""

    def __init__(self, tabby_bin, workdir, key=None, scheme="hmac-sha256", transport="tcp",
                 log_level="warning", extra_env=None):
        import zmq
        from jupyter_client.connect import write_connection_file
        from jupyter_client.session import Session

        self.key = str(uuid.uuid4()) if key is None else key
        workdir = pathlib.Path(workdir)
        ip = str(workdir / "kernel-ipc") if transport == "ipc" else "127.0.0.1"
        self.connection_file, self.info = write_connection_file(
            fname=str(workdir / f"kernel-{uuid.uuid4().hex[:8]}.json"), ip=ip, transport=transport,
            key=self.key.encode(), signature_scheme=scheme)
        self.stderr_path = workdir / f"stderr-{uuid.uuid4().hex[:8]}.log"
        env = dict(os.environ, **(extra_env or {}))
        with open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(
                [tabby_bin, "kernel", "-f", self.connection_file, "--log-level", log_level],
                stdout=subprocess.DEVNULL, stderr=err, env=env)
        self.session = Session(key=self.key.encode(), signature_scheme=scheme)
        self.ctx = zmq.Context()
        sep = "-" if transport == "ipc" else ":"
        url = lambda port: f"{transport}://{ip}{sep}{self.info[port]}"
        self.sockets = {}
        for name, kind in (("shell", zmq.DEALER), ("control", zmq.DEALER), ("stdin", zmq.DEALER),
                           ("iopub", zmq.SUB)):
            s = self.ctx.socket(kind)
            s.linger = 0
            s.setsockopt(zmq.RECONNECT_IVL, 10)
            if kind == zmq.SUB:
                s.setsockopt(zmq.SUBSCRIBE, b"")
            else:
                # As jupyter_client does: shell and stdin share the session id as identity,
                # which is how an input_request finds the client that asked.
                s.setsockopt(zmq.IDENTITY, self.session.bsession)
            s.connect(url(f"{name}_port"))
            self.sockets[name] = s
        self.hb_url = url("hb_port")
        self.wait_ready()

    # -- sending ---------------------------------------------------------------------
    def send(self, channel, msg_type, content=None, **kw):
        msg = self.session.msg(msg_type, content=content or {}, **kw)
        self.session.send(self.sockets[channel], msg)
        return msg

    def send_raw(self, channel, frames):
        self.sockets[channel].send_multipart(frames)

    def signed_frames(self, msg_type, content=None, parts=None):
        """Wire frames (after the delimiter) for a message, optionally with raw parts."""
        msg = self.session.msg(msg_type, content=content or {})
        frames = self.session.serialize(msg)
        if parts is not None:
            frames[2:6] = parts
            frames[1] = self.session.sign(parts)
        return frames

    # -- receiving -------------------------------------------------------------------
    def recv(self, channel, timeout=5.0):
        s = self.sockets[channel]
        if not s.poll(int(timeout * 1000)):
            return None
        _, msg = self.session.feed_identities(s.recv_multipart())
        return self.session.deserialize(msg)

    def reply(self, channel, request, timeout=5.0):
        """The reply to `request`, skipping stale replies to earlier requests."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = self.recv(channel, deadline - time.monotonic())
            if msg and msg["parent_header"].get("msg_id") == request["header"]["msg_id"]:
                return msg
        return None

    def iopub_for(self, request, timeout=5.0):
        """IOPub messages parented to `request`, through its idle status."""
        out, deadline = [], time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = self.recv("iopub", deadline - time.monotonic())
            if msg is None:
                break
            if msg["parent_header"].get("msg_id") != request["header"]["msg_id"]:
                continue
            out.append(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        return out

    def execute(self, code, timeout=10.0, **content):
        req = self.send("shell", "execute_request", dict(
            {"code": code, "silent": False, "store_history": True, "user_expressions": {},
             "allow_stdin": False, "stop_on_error": True}, **content))
        return req, self.reply("shell", req, timeout)

    def drain(self, channel, quiet=0.1):
        while self.recv(channel, quiet) is not None:
            pass

    # -- health ----------------------------------------------------------------------
    def heartbeat(self, timeout=2.0):
        import zmq
        s = self.ctx.socket(zmq.REQ)
        s.linger = 0
        s.connect(self.hb_url)
        try:
            s.send(b"ping")
            return bool(s.poll(int(timeout * 1000))) and s.recv() == b"ping"
        finally:
            s.close()

    def kernel_info(self, channel="shell", timeout=5.0):
        return self.reply(channel, self.send(channel, "kernel_info_request"), timeout)

    def assert_healthy(self):
        assert self.proc.poll() is None, f"kernel exited with {self.proc.returncode}: {self.stderr()}"
        assert self.heartbeat(), "heartbeat did not answer"
        for channel in ("shell", "control"):
            reply = self.kernel_info(channel)
            assert reply is not None and reply["content"]["status"] == "ok", f"no kernel_info on {channel}"

    def wait_ready(self, timeout=10.0):
        """Until kernel_info answers and IOPub has welcomed our subscription (before
        that, IOPub messages could be published before our SUB socket is connected)."""
        deadline = time.monotonic() + timeout
        answered = welcomed = False
        while time.monotonic() < deadline and not (answered and welcomed):
            if self.proc.poll() is not None:
                raise RuntimeError(f"kernel exited at start-up: {self.stderr()}")
            answered = answered or self.kernel_info(timeout=0.2) is not None
            while not welcomed:
                msg = self.recv("iopub", 0.05)
                if msg is None:
                    break
                welcomed = msg["msg_type"] == "iopub_welcome"
        if not (answered and welcomed):
            raise RuntimeError(f"kernel not ready (kernel_info: {answered}, iopub_welcome: {welcomed})")
        self.drain("iopub", 0.05)

    def stderr(self):
        return self.stderr_path.read_text(errors="replace")

    def interrupt_signal(self):
        self.proc.send_signal(signal.SIGINT)

    def close(self):
        if self.proc.poll() is None:
            self.send("control", "shutdown_request", {"restart": False})
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for s in self.sockets.values():
            s.close()
        self.ctx.term()


@pytest.fixture
def raw_kernel(tabby_bin, tmp_path):
    """A fresh kernel per test (start-up is tens of milliseconds)."""
    kernels = []

    def start(**kw):
        k = RawKernel(tabby_bin, tmp_path, **kw)
        kernels.append(k)
        return k

    yield start
    for k in kernels:
        k.close()
