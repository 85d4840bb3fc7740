"""A `tabby serve` process for the tests: started on a free port, ready-waited, and stopped
with SIGTERM (asserting a clean exit)."""
import json
import os
import pathlib
import re
import signal
import subprocess
import time
import zipfile

import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
MODELS = SHARED / "reference" / "models"
IMAGENET = SHARED / "imagenet"


class Server:
    """`tabby serve ARGS` on 127.0.0.1 and a port the kernel picks."""

    def __init__(self, tabby_bin, workdir, *args, env=None, ready=True, timeout=180):
        self.log_path = pathlib.Path(workdir) / f"serve-{time.monotonic_ns()}.log"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [tabby_bin, "serve", "--port", "0", *args], stdout=self.log, stderr=subprocess.STDOUT,
            env=env or offline_env(workdir))
        self.url = self._wait_for_port(timeout)
        if ready:
            self.wait_ready(timeout)

    def _wait_for_port(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(r"listening on (http://[0-9.]+:\d+)", self.output())
            if match:
                return match.group(1)
            if self.proc.poll() is not None:
                raise AssertionError(f"tabby serve exited {self.proc.returncode}:\n{self.output()}")
            time.sleep(0.05)
        raise AssertionError(f"tabby serve did not listen within {timeout} s:\n{self.output()}")

    def wait_ready(self, timeout=180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if requests.get(self.url + "/ping", timeout=5).status_code == 200:
                return
            assert self.proc.poll() is None, self.output()
            time.sleep(0.1)
        raise AssertionError(f"not ready within {timeout} s:\n{self.output()}")

    def output(self):
        return self.log_path.read_text(errors="replace")

    def stop(self, timeout=30):
        """SIGTERM; the process must drain and exit 0."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            self.log.close()
        return code


def offline_env(workdir):
    env = dict(os.environ)
    env.pop("TABBY_MODELS", None)
    env["TABBY_CACHE"] = str(pathlib.Path(workdir) / "cache")
    env["TABBY_ZOO_URL"] = "http://127.0.0.1:9/"
    return env


# What MMS 1.1 runs for the archive: its LegacyModelLoader executes the manifest's service
# file and serves the one SingleNodeService subclass defined there (the seed's file was
# MMS's own image-classification service). Tabby ignores the file.
MMS_VISION_SERVICE = """from mms.model_service.mxnet_vision_service import MXNetVisionService


class SqueezeNetService(MXNetVisionService):
    \"\"\"The seed's service: MMS's MXNet vision service (resize, top-5).\"\"\"
"""


def build_legacy_archive(path, synset, service="raise SystemExit('never run')\n"):
    """The seed's MMS 0.x `.model` archive around the reference SqueezeNet MXNet checkpoint:
    MANIFEST.json, symbol, params, signature.json, synset.txt and a Python service file
    (`MMS_VISION_SERVICE` for an archive that MMS itself serves)."""
    manifest = {
        "Engine": {"MXNet": 1.9},
        "Model-Archive-Description": "squeezenet_v1.1",
        "License": "Apache 2.0",
        "Model-Archive-Version": 0.2,
        "Model-Server": 0.4,
        "Model": {
            "Description": "squeezenet_v1.1",
            "Service": "mxnet_vision_service.py",
            "Symbol": "squeezenet_v1.1-symbol.json",
            "Parameters": "squeezenet_v1.1-0000.params",
            "Signature": "signature.json",
            "Model-Name": "squeezenet_v1.1",
            "Model-Format": "MXNet-Symbolic",
        },
    }
    signature = {
        "inputs": [{"data_name": "data", "data_shape": [0, 3, 224, 224]}],
        "input_type": "image/jpeg",
        "outputs": [{"data_name": "softmax", "data_shape": [0, 1000]}],
        "output_type": "application/json",
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("MANIFEST.json", json.dumps(manifest, indent=2))
        z.writestr("signature.json", json.dumps(signature))
        z.write(MODELS / "squeezenet1.1-symbol.json", "squeezenet_v1.1-symbol.json")
        z.write(MODELS / "squeezenet1.1-0000.params", "squeezenet_v1.1-0000.params")
        z.write(synset, "synset.txt")
        z.writestr("mxnet_vision_service.py", service)
    return path


def tabby_predict(tabby_bin, workdir, model_args, image, top=5):
    out = subprocess.run(
        [tabby_bin, "predict", *model_args, "--json", "--top", str(top), str(image)],
        capture_output=True, text=True, timeout=300, env=offline_env(workdir))
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["predictions"][0]["top"]
