"""`load()` of a zoo model that is not on disk yet: the download's progress is one display
that is updated in place, and the second load comes from the cache. The zoo is a loopback
HTTP server (127.0.0.1 only) named by TABBY_ZOO_URL; the catalog entry comes from zoo.json."""
import hashlib
import http.server
import json
import pathlib
import threading
import time

import pytest
from conftest import SHARED, require_shared

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODEL = SHARED / "reference" / "models" / "squeezenet1.1.onnx"


class Handler(http.server.BaseHTTPRequestHandler):
    body = b""
    requests: list = []

    def do_GET(self):
        self.requests.append(self.path)
        if self.path != "/zoo/nets/testnet.onnx":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        # Sent in pieces so the kernel sees the transfer progress.
        for i in range(0, len(self.body), 1 << 20):
            self.wfile.write(self.body[i:i + (1 << 20)])
            self.wfile.flush()
            time.sleep(0.05)

    def log_message(self, *args):
        pass


@pytest.fixture
def zoo(tmp_path, monkeypatch):
    require_shared()
    Handler.body, Handler.requests = MODEL.read_bytes(), []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    models = tmp_path / "models"
    models.mkdir()
    entry = {"name": "testnet", "url": "nets/testnet.onnx", "sha256": hashlib.sha256(Handler.body).hexdigest()}
    (models / "zoo.json").write_text(json.dumps({"models": [entry]}))
    monkeypatch.setenv("TABBY_MODELS", str(models))
    monkeypatch.setenv("TABBY_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("TABBY_ZOO_URL", f"http://127.0.0.1:{httpd.server_address[1]}/zoo/")
    yield tmp_path
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)


def cell(kc, km, code, timeout=300):
    msg_id = kc.execute(code)
    messages = []
    deadline = time.monotonic() + timeout
    while True:
        assert km.is_alive(), "kernel died (a crash, not a cell error)"
        assert time.monotonic() < deadline
        try:
            m = kc.get_iopub_msg(timeout=1)
        except Exception:
            continue
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append(m)
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            return kc.get_shell_msg(timeout=10)["content"], messages


def maps_libcurl(km):
    """Whether the kernel process has libcurl mapped (it is dlopen'ed at the first download)."""
    maps = pathlib.Path(f"/proc/{km.provisioner.process.pid}/maps").read_text()
    return "/libcurl" in maps


def test_zoo_download_progress_updates_in_place_then_cache(tabby_bin, zoo):
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="tabby", startup_timeout=60)
    try:
        assert not maps_libcurl(km), "an idle kernel does not load libcurl"
        reply, messages = cell(kc, km, 'm = load("testnet")\nm.name')
        assert maps_libcurl(km)
        assert reply["status"] == "ok", reply
        shown = [m for m in messages if m["msg_type"] == "display_data"]
        assert len(shown) == 1 and shown[0]["content"]["data"]["text/plain"].startswith("downloading ")
        display_id = shown[0]["content"]["transient"]["display_id"]
        updates = [m for m in messages if m["msg_type"] == "update_display_data"]
        assert updates and all(u["content"]["transient"]["display_id"] == display_id for u in updates)
        assert updates[-1]["content"]["data"]["text/plain"] == "download complete"
        assert (zoo / "cache" / "testnet.onnx").read_bytes() == Handler.body
        Handler.requests.clear()
        reply, messages = cell(kc, km, 'm2 = load("testnet")\nm2.name')
        assert reply["status"] == "ok", reply
        assert Handler.requests == [], "the second load comes from the cache"
        assert not [m for m in messages if m["msg_type"] == "display_data"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
