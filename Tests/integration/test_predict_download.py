"""Zoo downloads of `tabby predict` against a loopback HTTP server (127.0.0.1 only):
success with a published checksum, an unverified entry, a checksum mismatch, a server that
is down, a transfer cut short, an HTTP error. TABBY_ZOO_URL points the zoo at the server."""
import hashlib
import http.server
import json
import os
import pathlib
import socket
import subprocess
import threading

import pytest
from conftest import SHARED

# The served model and the photo come from ../shared.
pytestmark = pytest.mark.needs_shared

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODEL = SHARED / "reference" / "models" / "squeezenet1.1.onnx"
IMAGE = str(SHARED / "reference" / "images" / "chelsea.png")
TIMEOUT = 120


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves `files` (path → bytes); paths in `truncate` announce the full length but send
    half and close; everything else is a 404."""
    files: dict = {}
    truncate: set = set()
    requests: list = []

    def do_GET(self):
        self.requests.append(self.path)
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.path in self.truncate:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Handler.files, Handler.truncate, Handler.requests = {}, set(), []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.timeout = 5
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield httpd, f"http://127.0.0.1:{httpd.server_address[1]}/zoo/"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)


def env_for(tmp_path, base_url, catalog=None):
    models = tmp_path / "models"
    models.mkdir(exist_ok=True)
    if catalog is not None:
        (models / "zoo.json").write_text(json.dumps({"models": catalog}))
    env = dict(os.environ)
    env.update(TABBY_MODELS=str(models), TABBY_CACHE=str(tmp_path / "cache"), TABBY_ZOO_URL=base_url)
    return env


def run(tabby_bin, model, env, *extra):
    return subprocess.run([tabby_bin, "predict", "--json", "--model", model, *extra, IMAGE],
                          capture_output=True, text=True, timeout=TIMEOUT, env=env)


def cache_files(tmp_path):
    cache = tmp_path / "cache"
    return sorted(p.name for p in cache.iterdir()) if cache.exists() else []


def test_download_success_then_cache(tabby_bin, server, tmp_path):
    httpd, base = server
    body = MODEL.read_bytes()
    Handler.files["/zoo/nets/testnet.onnx"] = body
    entry = {"name": "testnet", "url": "nets/testnet.onnx", "sha256": hashlib.sha256(body).hexdigest()}
    env = env_for(tmp_path, base, [entry])
    out = run(tabby_bin, "testnet", env)
    assert out.returncode == 0, out.stderr
    assert base + "nets/testnet.onnx" in out.stderr  # says where it downloads from
    assert "100%" in out.stderr  # progress reached the end
    assert len(json.loads(out.stdout)["predictions"][0]["top"]) == 5
    assert cache_files(tmp_path) == ["testnet.onnx"]
    assert (tmp_path / "cache" / "testnet.onnx").read_bytes() == body
    # Second load: served from the cache, no request made.
    Handler.requests.clear()
    again = run(tabby_bin, "testnet", env)
    assert again.returncode == 0, again.stderr
    assert Handler.requests == []
    assert json.loads(again.stdout) == json.loads(out.stdout)


def test_unverified_entry_records_its_checksum(tabby_bin, server, tmp_path):
    httpd, base = server
    body = MODEL.read_bytes()
    Handler.files["/zoo/u.onnx"] = body
    env = env_for(tmp_path, base, [{"name": "unverified", "url": "u.onnx"}])
    out = run(tabby_bin, "unverified", env)
    assert out.returncode == 0, out.stderr
    digest = hashlib.sha256(body).hexdigest()
    assert digest in out.stderr
    assert (tmp_path / "cache" / "u.onnx.sha256").read_text().startswith(digest)


def test_checksum_mismatch_keeps_nothing(tabby_bin, server, tmp_path):
    """The built-in squeezenet1.1 entry, served a generated file: the published sha256 fails."""
    httpd, base = server
    fake = bytes(range(256)) * 4096
    Handler.files["/zoo/squeezenet/model/squeezenet1.1-7.onnx"] = fake
    out = run(tabby_bin, "squeezenet1.1", env_for(tmp_path, base))
    assert out.returncode > 0
    assert hashlib.sha256(fake).hexdigest() in out.stderr
    assert "9456373b67f04e4a9cb0bb9be984f0db2d0ad141582d84d4b4ad9e84f7ec7785" in out.stderr
    assert "squeezenet1.1-7.onnx" in out.stderr
    assert cache_files(tmp_path) == []
    assert out.stdout == ""


def test_server_down_is_an_offline_error(tabby_bin, tmp_path):
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}/zoo/"
    out = run(tabby_bin, "resnet18", env_for(tmp_path, base))
    assert out.returncode > 0
    assert base + "resnet/model/resnet18-v1-7.onnx" in out.stderr
    assert "offline" in out.stderr
    assert str(tmp_path / "models" / "resnet18-v1-7.onnx") in out.stderr  # where to put it by hand
    assert cache_files(tmp_path) == []


def test_truncated_transfer_keeps_nothing(tabby_bin, server, tmp_path):
    httpd, base = server
    body = MODEL.read_bytes()
    Handler.files["/zoo/cut.onnx"] = body
    Handler.truncate.add("/zoo/cut.onnx")
    env = env_for(tmp_path, base, [{"name": "cut", "url": "cut.onnx",
                                    "sha256": hashlib.sha256(body).hexdigest()}])
    out = run(tabby_bin, "cut", env)
    assert out.returncode > 0
    assert "cut off" in out.stderr and base + "cut.onnx" in out.stderr
    assert cache_files(tmp_path) == []


def test_http_error_names_the_status(tabby_bin, server, tmp_path):
    httpd, base = server
    env = env_for(tmp_path, base, [{"name": "gone", "url": "gone.onnx"}])
    out = run(tabby_bin, "gone", env)
    assert out.returncode > 0
    assert "HTTP 404" in out.stderr and base + "gone.onnx" in out.stderr
    assert cache_files(tmp_path) == []
