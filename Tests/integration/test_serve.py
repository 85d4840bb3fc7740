"""`tabby serve` with real clients: Python requests (MMS/TorchServe and the seed's legacy
multipart request, also sent by curl), tritonclient[http] (Open Inference Protocol v2) and
prometheus-client's parser; bad input, queue limits, tokens, SIGTERM draining; and the
deployment manifests."""
import base64
import concurrent.futures
import json
import pathlib
import shutil
import socket
import subprocess
import time

import pytest
import requests

from serve_support import IMAGENET, MODELS, ROOT, SHARED, Server, build_legacy_archive, tabby_predict

needs_shared = pytest.mark.skipif(
    not (MODELS / "squeezenet1.1.onnx").exists() or not (IMAGENET / "synset.txt").exists(),
    reason="../shared (reference models and the ImageNet photos) is absent")

SQUEEZENET = MODELS / "squeezenet1.1.onnx"
MOBILENET = IMAGENET / "mobilenet_v2_1.0_224_quant.onnx"
PHOTOS = sorted((ROOT / "notebooks" / "photos").glob("*.[jp][pn]g"))
SYNSET = (IMAGENET / "synset.txt").read_text().splitlines() if (IMAGENET / "synset.txt").exists() else []


def imagenet_photos():
    manifest = json.loads((IMAGENET / "manifest.json").read_text())
    return [IMAGENET / "photos" / p["file"] for p in manifest["photos"]]


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("serve")


@pytest.fixture(scope="module")
def archive(work):
    return build_legacy_archive(work / "squeezenet_v1.1.model", IMAGENET / "synset.txt")


@pytest.fixture(scope="module")
def server(tabby_bin, work, archive):
    s = Server(tabby_bin, work, "--models", f"sq={SQUEEZENET}", f"squeezenet={archive}",
               f"mobilenet={MOBILENET}", "--max-body", "8MiB")
    yield s
    assert s.stop() == 0, s.output()


def mms_expected(top):
    """`tabby predict --json` entries in MMS's form."""
    return [{"class": SYNSET[t["index"]], "probability": t["probability"]} for t in top]


# -- MMS / TorchServe ---------------------------------------------------------------------

@needs_shared
def test_ping_and_model_listing(server):
    assert requests.get(server.url + "/ping").json() == {"status": "Healthy"}
    names = {m["modelName"]: m["status"] for m in requests.get(server.url + "/models").json()["models"]}
    assert names == {"sq": "READY", "squeezenet": "READY", "mobilenet": "READY"}
    described = requests.get(server.url + "/models/mobilenet").json()[0]
    assert described["input"]["shape"] == [-1, 224, 224, 3]
    assert described["input"]["datatype"] == "UINT8"
    assert described["classes"] == 1000 and described["outputs"] == 1001
    # Planned on the CPU, SqueezeNet gives up the file's weights (its plan keeps its own);
    # the tests below then run it that way, at every batch size. The quantized MobileNetV2
    # runs whole batches (a plan per size), so it keeps them.
    log = server.output()
    assert "sq: planned; its source weights released" in log, log
    assert "mobilenet: planned" not in log, log
    # The legacy archive's MXNet symbol leaves the image size open: it is served at the one
    # size its preprocessing makes (224x224), gives up its weights too, and says so.
    assert "squeezenet: planned; its source weights released" in log, log
    described = requests.get(server.url + "/models/squeezenet").json()[0]
    assert described["input"]["shape"] == [-1, 3, 224, 224], described


@needs_shared
def test_legacy_archive_and_seed_request(tabby_bin, work, server):
    """The seed's `curl -X POST http://host/squeezenet/predict -F "data=@kitten.jpg"` on an
    MMS legacy archive gives the seed's JSON shape and `tabby predict`'s top-5."""
    assert "mxnet_vision_service.py is ignored" in server.output()
    unpacked = work / "unpacked"
    unpacked.mkdir(exist_ok=True)
    for suffix in ("-symbol.json", "-0000.params"):
        shutil.copy(MODELS / f"squeezenet1.1{suffix}", unpacked / f"sq{suffix}")
    for photo in PHOTOS:
        kitten = work / "kitten.jpg"
        shutil.copy(photo, kitten)
        out = subprocess.run(
            ["curl", "-s", "-X", "POST", server.url + "/squeezenet/predict", "-F", f"data=@{kitten}"],
            capture_output=True, text=True, timeout=60, check=True)
        answer = json.loads(out.stdout)
        assert list(answer) == ["prediction"] and len(answer["prediction"]) == 1
        expected = tabby_predict(tabby_bin, work, ["--model", str(unpacked / "sq"), "--epoch", "0",
                                                   "--labels", str(IMAGENET / "synset.txt")], photo)
        assert answer["prediction"][0] == mms_expected(expected)
        with open(kitten, "rb") as f:
            again = requests.post(server.url + "/squeezenet/predict", files={"data": f}).json()
        assert again == answer


@needs_shared
@pytest.mark.parametrize("model,path", [("sq", SQUEEZENET), ("mobilenet", MOBILENET)])
def test_predictions_equal_tabby_predict(tabby_bin, work, server, model, path):
    photos = PHOTOS + imagenet_photos()
    for photo in photos:
        expected = mms_expected(tabby_predict(tabby_bin, work, ["--model", str(path)], photo))
        raw = requests.post(f"{server.url}/predictions/{model}", data=photo.read_bytes())
        assert raw.status_code == 200, raw.text
        assert raw.json() == expected, photo
        with open(photo, "rb") as f:
            form = requests.post(f"{server.url}/predictions/{model}?topk=3", files={"data": f}).json()
        assert form == expected[:3]


@needs_shared
def test_real_mobilenet_recognises_the_photos(server):
    manifest = json.loads((IMAGENET / "manifest.json").read_text())
    for entry in manifest["photos"]:
        data = (IMAGENET / "photos" / entry["file"]).read_bytes()
        best = requests.post(server.url + "/predictions/mobilenet", data=data).json()[0]
        assert SYNSET.index(best["class"]) in entry["acceptable_imagenet_indices"], entry["file"]


@needs_shared
def test_bad_input_answers_and_the_server_lives_on(server):
    bad = requests.post(server.url + "/predictions/sq", data=b"GIF89a not really")
    assert bad.status_code == 400 and "GIF" in bad.json()["error"]
    truncated = requests.post(server.url + "/predictions/sq", data=PHOTOS[0].read_bytes()[:300])
    assert truncated.status_code == 400 and truncated.json()["error"]
    assert requests.post(server.url + "/predictions/nope", data=b"x").status_code == 404
    assert requests.post(server.url + "/sq/predict", files={"other": b"x"}).status_code == 400
    big = requests.post(server.url + "/predictions/sq", data=b"\0" * (9 << 20))
    assert big.status_code == 413 and "limit" in big.json()["error"]
    assert requests.get(server.url + "/ping").status_code == 200


@needs_shared
def test_oversized_body_is_refused_before_it_is_sent(server):
    """413 arrives after the headers alone: the server does not wait for 100 MB."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(b"POST /predictions/sq HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n" + b"\0" * 1000)
        reply = s.recv(4096).decode(errors="replace")
    assert reply.startswith("HTTP/1.1 413"), reply


# -- Open Inference Protocol v2 with tritonclient ------------------------------------------

@pytest.fixture(scope="module")
def triton(server):
    import tritonclient.http as httpclient
    client = httpclient.InferenceServerClient(url=server.url.removeprefix("http://"))
    yield client
    client.close()


@needs_shared
def test_triton_health_and_metadata(triton):
    assert triton.is_server_live() and triton.is_server_ready()
    assert triton.is_model_ready("sq") and not triton.is_model_ready("nope")
    assert "classification" in triton.get_server_metadata()["extensions"]
    meta = triton.get_model_metadata("sq")
    assert meta["inputs"] == [{"name": "data", "datatype": "FP32", "shape": [-1, 3, 224, 224]}]
    assert meta["outputs"][0]["shape"] == [-1, 1000]


@needs_shared
@pytest.mark.parametrize("binary", [True, False])
def test_triton_infer_tensor_matches_onnxruntime(triton, binary):
    import numpy as np
    import tritonclient.http as httpclient
    names = ["chelsea", "coffee"]
    batch = np.stack([np.fromfile(SHARED / "reference" / "inputs" / f"{n}.f32", dtype="<f4").reshape(3, 224, 224)
                      for n in names])
    inp = httpclient.InferInput("data", list(batch.shape), "FP32")
    inp.set_data_from_numpy(batch, binary_data=binary)
    out = httpclient.InferRequestedOutput("output", binary_data=binary)
    logits = triton.infer("sq", [inp], outputs=[out]).as_numpy("output")
    assert logits.shape == (2, 1000)
    for row, n in zip(logits, names):
        ref = np.fromfile(SHARED / "reference" / "outputs" / "squeezenet1.1" / "onnxruntime" / f"{n}.logits.f32", dtype="<f4")
        assert np.abs(row - ref).max() < 1e-3


@needs_shared
@pytest.mark.parametrize("binary", [True, False])
def test_triton_bytes_and_classification(server, triton, binary):
    import numpy as np
    import tritonclient.http as httpclient
    images = [p.read_bytes() for p in PHOTOS[:2]]
    inp = httpclient.InferInput("images", [len(images)], "BYTES")
    # JSON strings cannot carry raw bytes: without the binary extension images go as base64.
    elements = images if binary else [base64.b64encode(i).decode() for i in images]
    inp.set_data_from_numpy(np.array(elements, dtype=np.object_), binary_data=binary)
    outputs = [httpclient.InferRequestedOutput("output", binary_data=binary, class_count=5)]
    classes = triton.infer("sq", [inp], outputs=outputs).as_numpy("output")
    assert classes.shape == (2, 5)
    for row, data in zip(classes, images):
        mms = requests.post(server.url + "/predictions/sq", data=data).json()
        for text, entry in zip(row, mms):
            text = text.decode() if isinstance(text, bytes) else text
            value, index, label = text.split(":", 2)
            assert SYNSET[int(index)] == entry["class"] and entry["class"].endswith(label)
            assert abs(float(value) - entry["probability"]) < 1e-6


@needs_shared
def test_triton_uint8_tensor_on_mobilenet(triton):
    import numpy as np
    import tritonclient.http as httpclient
    pixels = np.random.default_rng(5).integers(0, 256, size=(1, 224, 224, 3), dtype=np.uint8)
    results = []
    for binary in (True, False):
        inp = httpclient.InferInput("input", [1, 224, 224, 3], "UINT8")
        inp.set_data_from_numpy(pixels, binary_data=binary)
        results.append(triton.infer("mobilenet", [inp]).as_numpy("output"))
    assert results[0].shape == (1, 1001)
    assert np.array_equal(results[0], results[1])
    # A quantized softmax: dequantized uint8 steps of 1/256 in [0, 1].
    assert results[0].min() >= 0 and results[0].max() <= 1 and results[0].max() > 0
    assert np.array_equal(results[0] * 256, np.round(results[0] * 256))


@needs_shared
def test_triton_errors_are_json(server):
    wrong = {"inputs": [{"name": "data", "shape": [1, 3, 10, 10], "datatype": "FP32", "data": [0.0] * 300}]}
    r = requests.post(server.url + "/v2/models/sq/infer", json=wrong)
    assert r.status_code == 400 and "shape" in r.json()["error"]
    # The archive's open size became the one it was planned for: another is refused, not run.
    r = requests.post(server.url + "/v2/models/squeezenet/infer", json=wrong)
    assert r.status_code == 400 and "[-1, 3, 224, 224]" in r.json()["error"], r.text
    assert requests.post(server.url + "/v2/models/nope/infer", json=wrong).status_code == 404
    assert requests.post(server.url + "/v2/models/sq/infer", data=b"{not json").status_code == 400


# -- metrics -------------------------------------------------------------------------------

@needs_shared
def test_metrics_parse_with_prometheus_client(server):
    from prometheus_client.parser import text_string_to_metric_families
    requests.post(server.url + "/predictions/sq", data=PHOTOS[0].read_bytes())
    text = requests.get(server.url + "/metrics").text
    families = {f.name: f for f in text_string_to_metric_families(text)}
    ok = [s for s in families["tabby_requests"].samples
          if s.labels.get("model") == "sq" and s.labels.get("status") == "200" and s.name.endswith("_total")]
    assert ok and sum(s.value for s in ok) >= 1
    assert families["tabby_request_duration_seconds"].type == "histogram"
    assert families["tabby_batch_size_items"].type == "histogram"
    assert {s.labels["model"] for s in families["tabby_queue_depth_items"].samples} == {"sq", "squeezenet", "mobilenet"}
    assert all(s.value > 0 for s in families["tabby_model_load_seconds"].samples)


# -- batching, limits, tokens, shutdown ------------------------------------------------------

def post_all(url, bodies, workers=16):
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda b: requests.post(url, data=b, timeout=120), bodies))


@needs_shared
def test_batched_answers_equal_unbatched(tabby_bin, work, server):
    s = Server(tabby_bin, work, "--models", f"sq={SQUEEZENET}", "--max-batch", "8", "--batch-delay-ms", "400")
    try:
        bodies = [p.read_bytes() for p in PHOTOS + imagenet_photos()][:8]
        together = post_all(s.url + "/predictions/sq", bodies)
        alone = [requests.post(server.url + "/predictions/sq", data=b).json() for b in bodies]
        assert [r.json() for r in together] == alone
        from prometheus_client.parser import text_string_to_metric_families
        fam = {f.name: f for f in text_string_to_metric_families(requests.get(s.url + "/metrics").text)}
        count = [x.value for x in fam["tabby_batch_size_items"].samples if x.name.endswith("_count")][0]
        assert count < len(bodies), "no request shared a batch"
    finally:
        assert s.stop() == 0


@needs_shared
def test_full_queue_is_503_with_retry_after(tabby_bin, work):
    s = Server(tabby_bin, work, "--models", f"sq={SQUEEZENET}", "--max-batch", "1", "--max-queue", "1",
               "--batch-delay-ms", "0", "--threads", "1")
    try:
        replies = post_all(s.url + "/predictions/sq", [PHOTOS[0].read_bytes()] * 16)
        codes = [r.status_code for r in replies]
        assert 200 in codes and 503 in codes, codes
        assert all(r.headers.get("Retry-After") == "1" for r in replies if r.status_code == 503)
        assert requests.get(s.url + "/ping").status_code == 200
    finally:
        assert s.stop() == 0


@needs_shared
def test_slow_client_times_out(tabby_bin, work):
    s = Server(tabby_bin, work, "--models", f"sq={SQUEEZENET}", "--timeout", "2")
    try:
        host, port = s.url.removeprefix("http://").split(":")
        start = time.monotonic()
        with socket.create_connection((host, int(port)), timeout=20) as c:
            c.sendall(b"POST /predictions/sq HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc")
            reply = c.recv(4096)
        assert time.monotonic() - start < 15
        assert reply == b"" or reply.startswith(b"HTTP/1.1 408"), reply
        assert requests.get(s.url + "/ping").status_code == 200
    finally:
        assert s.stop() == 0


@needs_shared
def test_bearer_token_guards_all_but_health(tabby_bin, work):
    token = work / "token"
    token.write_text("t0ken-123\n")
    s = Server(tabby_bin, work, "--models", f"sq={SQUEEZENET}", "--token-file", str(token))
    try:
        assert requests.get(s.url + "/ping").status_code == 200
        assert requests.get(s.url + "/v2/health/ready").status_code == 200
        assert requests.get(s.url + "/models").status_code == 401
        assert requests.get(s.url + "/metrics").status_code == 401
        auth = {"Authorization": "Bearer t0ken-123"}
        assert requests.get(s.url + "/models", headers=auth).status_code == 200
        import tritonclient.http as httpclient
        client = httpclient.InferenceServerClient(url=s.url.removeprefix("http://"))
        assert client.get_model_metadata("sq", headers=auth)["name"] == "sq"
    finally:
        assert s.stop() == 0


@needs_shared
def test_sigterm_drains_requests_in_flight(tabby_bin, work):
    s = Server(tabby_bin, work, "--models", f"sq={SQUEEZENET}", "--batch-delay-ms", "1500")
    body = PHOTOS[0].read_bytes()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(requests.post, s.url + "/predictions/sq", data=body, timeout=60) for _ in range(4)]
        time.sleep(0.5)
        s.proc.send_signal(__import__("signal").SIGTERM)
        replies = [f.result() for f in futures]
    assert [r.status_code for r in replies] == [200] * 4
    assert s.stop() == 0
    assert "stopped" in s.output()


def test_serve_refuses_bad_flags(tabby_bin):
    out = subprocess.run([tabby_bin, "serve", "--max-body", "lots", "--models", "x=y"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "--max-body" in out.stderr


def test_unloadable_model_exits_with_its_error(tabby_bin, tmp_path):
    out = subprocess.run([tabby_bin, "serve", "--port", "0", "--models", f"x={tmp_path}/missing.onnx"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "cannot load model 'x'" in out.stderr


# -- deployment manifests ---------------------------------------------------------------------

MANIFESTS = [ROOT / "deploy" / "k8s" / "serve.yaml", ROOT / "deploy" / "kserve" / "inferenceservice.yaml"]


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifests_pass_yamllint(path):
    from yamllint import linter
    from yamllint.config import YamlLintConfig
    config = YamlLintConfig("extends: default\nrules: {line-length: {max: 120}}")
    problems = list(linter.run(path.read_text(), config, str(path)))
    assert not problems, "\n".join(str(p) for p in problems)


def test_k8s_manifest_validates_against_the_schemas():
    import kubernetes_validate
    import yaml
    docs = [d for d in yaml.safe_load_all((MANIFESTS[0]).read_text()) if d]
    assert {d["kind"] for d in docs} == {"Deployment", "Service"}
    for doc in docs:
        kubernetes_validate.validate(doc, "1.30.0", strict=True)
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["livenessProbe"]["httpGet"]["path"] == "/v2/health/live"
    assert container["readinessProbe"]["httpGet"]["path"] == "/v2/health/ready"
    assert container["args"][0] == "serve"


def test_kserve_predictor_containers_validate():
    """InferenceService is a CRD the schemas lack: its predictor containers are checked as a
    core/v1 Pod's containers."""
    import kubernetes_validate
    import yaml
    doc = yaml.safe_load(MANIFESTS[1].read_text())
    assert doc["apiVersion"] == "serving.kserve.io/v1beta1" and doc["kind"] == "InferenceService"
    predictor = doc["spec"]["predictor"]
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "check"},
           "spec": {"containers": predictor["containers"], "volumes": predictor.get("volumes", [])}}
    kubernetes_validate.validate(pod, "1.30.0", strict=True)
    assert predictor["containers"][0]["args"][0] == "serve"
    assert any(p.get("protocol", "TCP") == "TCP" for p in predictor["containers"][0]["ports"])


# -- the Docker entrypoint ---------------------------------------------------------------------

def test_entrypoint_runs_the_server_for_serve(tmp_path):
    """`docker run IMAGE serve ...` execs `tabby serve` on all interfaces (no password
    needed); with --host the user's choice stands. A stand-in tabby records its arguments."""
    fake = tmp_path / "tabby"
    fake.write_text("#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$OUT\"\n")
    fake.chmod(0o755)
    entrypoint = ROOT / "docker" / "entrypoint.sh"
    for extra, host in (([], "0.0.0.0"), (["--host", "127.0.0.1"], "127.0.0.1")):
        out = tmp_path / "args"
        env = {"PATH": "/usr/bin:/bin", "TABBY_BIN": str(fake), "OUT": str(out)}
        proc = subprocess.run(["bash", str(entrypoint), "serve", "--models", "m=/models/m.onnx", *extra],
                              env=env, capture_output=True, text=True, timeout=30)
        assert proc.returncode == 0, proc.stderr
        args = out.read_text().split()
        assert args[0] == "serve" and args[args.index("--host") + 1] == host
        assert "--models" in args and args.count("--host") == 1


# -- gray (one-channel) models ----------------------------------------------------------

MNIST = SHARED / "reference" / "mnist"
needs_lenet = pytest.mark.skipif(
    not (MODELS / "lenet_fmnist1ep-symbol.json").exists() or not (MNIST / "t10k-512-images-idx3-ubyte").exists(),
    reason="../shared (the reference LeNet and its MNIST-format images) is absent")


def gray_png(pixels, width, height):
    """An 8-bit gray PNG of `pixels` (row-major bytes), written with zlib alone."""
    import struct
    import zlib

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\0" + bytes(pixels[y * width:(y + 1) * width]) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@needs_lenet
@pytest.mark.parametrize("source", ["lenet_fmnist1ep", "lenet_fmnist1ep.onnx"])
def test_gray_lenet_is_served_with_the_reference_probabilities(tabby_bin, work, source):
    """A one-channel LeNet (MXNet checkpoint or ONNX) loads with the gray profile (it used to
    fail with "normalisation mean has 3 values for 1 channels") and answers MNIST images with
    MXNet's own softmax: the input is pixel/255 at 28x28, as the reference was made."""
    import numpy as np
    images = (MNIST / "t10k-512-images-idx3-ubyte").read_bytes()[16:]
    softmax = np.fromfile(MNIST / "lenet_fmnist1ep.mxnet.softmax.f32", dtype="<f4").reshape(512, 10)
    s = Server(tabby_bin, work, "--models", f"lenet={MODELS / source}")
    try:
        assert "profile gray" in s.output(), s.output()
        for i in (0, 1, 7):
            png = gray_png(images[i * 784:(i + 1) * 784], 28, 28)
            reply = requests.post(s.url + "/predictions/lenet?topk=10", data=png, timeout=60)
            assert reply.status_code == 200, reply.text
            got = {int(e["class"]): e["probability"] for e in reply.json()}
            assert sorted(got) == list(range(10))
            assert max(got, key=got.get) == int(np.argmax(softmax[i]))
            assert max(abs(got[c] - float(softmax[i][c])) for c in range(10)) < 1e-4
        meta = requests.get(s.url + "/v2/models/lenet", timeout=10).json()
        assert meta["inputs"][0]["shape"][-3] == 1, meta
    finally:
        assert s.stop() == 0, s.output()


@needs_shared
def test_docker_healthcheck_follows_tabby_serve(tabby_bin, work):
    """The image's HEALTHCHECK (docker/healthcheck.py) finds `tabby serve` (PID 1 in the
    container; here named by TABBY_HEALTHCHECK_PID), reads its --host/--port (both forms)
    and asks /v2/health/ready; a PID 1 that is no tabby serve leaves the JupyterLab check."""
    import sys
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    s = Server(tabby_bin, work, "--models", f"sq={SQUEEZENET}", "--port", str(port), "--host=127.0.0.1")
    check = [sys.executable, str(ROOT / "docker" / "healthcheck.py")]
    env = {"PATH": "/usr/bin:/bin", "TABBY_HEALTHCHECK_PID": str(s.proc.pid), "TABBY_PORT": "9"}
    try:
        assert s.url.endswith(f":{port}")
        out = subprocess.run(check, env=env, capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stderr
    finally:
        assert s.stop() == 0, s.output()
    env["TABBY_HEALTHCHECK_PID"] = "1"  # not a tabby serve here: the JupyterLab check at TABBY_PORT
    out = subprocess.run(check, env=env, capture_output=True, text=True, timeout=30)
    assert out.returncode == 1 and "127.0.0.1:9/api" in out.stderr


# -- the notebook's serve(model) -----------------------------------------------------------

def cell(kernel, code, timeout=180):
    """Runs a cell; returns (reply content, execute_result text or None, display texts)."""
    req, reply = kernel.execute(code, timeout=timeout)
    msgs = kernel.iopub_for(req, timeout)
    result = [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "execute_result"]
    shown = [m["content"]["data"].get("text/plain", "") for m in msgs if m["msg_type"] == "display_data"]
    return reply["content"], (result[0] if result else None), shown


@needs_shared
def test_notebook_serve_answers_like_tabby_predict_and_stops(raw_kernel, tabby_bin, work):
    """`serve(model, port=0)` in a cell serves the session's model in the background of the
    kernel (the cell returns its URL); the answers equal `tabby predict`'s; `serve.stop()`
    closes it and the kernel lives on. Bad arguments are Python-like errors."""
    kernel = raw_kernel()
    content, url, shown = cell(kernel, f'm = load("{SQUEEZENET}")\nserve(m, port=0, name="sq")')
    assert content["status"] == "ok", content
    url = url.strip("'\"")
    assert url.startswith("http://127.0.0.1:") and any("serve.stop()" in s for s in shown), shown
    assert requests.get(url + "/ping", timeout=10).json() == {"status": "Healthy"}
    photo = PHOTOS[0]
    expected = mms_expected(tabby_predict(tabby_bin, work, ["--model", str(SQUEEZENET)], photo))
    assert requests.post(url + "/predictions/sq", data=photo.read_bytes(), timeout=60).json() == expected
    content, url_again, _ = cell(kernel, "serve.url")
    assert url_again.strip("'\"") == url
    content, stopped, _ = cell(kernel, "serve.stop()")
    assert content["status"] == "ok" and stopped == "True", content
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/ping", timeout=5)
    content, again, _ = cell(kernel, "serve.stop()")
    assert again == "False"
    content, _, _ = cell(kernel, "serve(42)")
    assert content["status"] == "error" and content["ename"] == "TypeError", content
    content, _, _ = cell(kernel, "serve(m, port=70000)")
    assert content["status"] == "error" and content["ename"] == "ValueError", content
    content, value, _ = cell(kernel, "1 + 1")
    assert value == "2"
