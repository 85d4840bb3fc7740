"""Numbers from the models through a real kernel: outputs() of the reference SqueezeNet
(ONNX) on a reference photo is an array that agrees with predict() and onnxruntime's logits."""
import array
import json

import pytest
from conftest import SHARED

pytestmark = pytest.mark.needs_shared

REFERENCE = SHARED / "reference"


def result(k, code, timeout=120.0):
    """The text/plain result of `code`, failing with the error when it raises."""
    req, reply = k.execute(code, timeout=timeout)
    assert reply is not None, f"no reply to {code!r}: {k.stderr()[-2000:]}"
    content = reply["content"]
    assert content["status"] == "ok", (code, content.get("ename"), content.get("evalue"))
    messages = k.iopub_for(req, timeout=timeout)
    texts = [m["content"]["data"]["text/plain"] for m in messages if m["msg_type"] == "execute_result"]
    return texts[-1] if texts else None


def test_outputs_of_a_pretrained_model_are_an_array(raw_kernel):
    model = REFERENCE / "models" / "squeezenet1.1.onnx"
    photo = REFERENCE / "images" / "chelsea.png"
    k = raw_kernel()
    result(k, f'm = load("{model}")\nimg = "{photo}"\na = outputs(m, img)')
    assert result(k, "a.shape") == "(1000,)"
    assert result(k, "len(a.tolist())") == "1000"
    top = int(result(k, "predict(m, img, show=False)[0].index"))
    assert int(result(k, "a.argmax()")) == top
    # The same numbers onnxruntime gives for this photo (the reference logits).
    ref = array.array("f", (REFERENCE / "outputs" / "squeezenet1.1" / "onnxruntime" / "chelsea.logits.f32").read_bytes())
    got = json.loads(result(k, "a.tolist()"))
    assert len(got) == len(ref) == 1000
    assert max(abs(g - r) for g, r in zip(got, ref)) < 2e-2
    want = json.loads((REFERENCE / "outputs" / "squeezenet1.1" / "top5.json").read_text())
    assert top == want["images"]["chelsea"]["onnxruntime"]["top5"][0]
    # Arithmetic and reductions on it, and a typed error that leaves the session working.
    assert abs(float(result(k, "(a - a.max()).max()"))) < 1e-9
    req, reply = k.execute("a + outputs(m, [img, img])[:, :10]")
    assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "ValueError"
    assert result(k, "outputs(m, [img, img]).shape") == "(2, 1000)"
    k.assert_healthy()
