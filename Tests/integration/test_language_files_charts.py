"""Issue #15 through a real `tabby kernel`: files (text, JSON, CSV, glob), path completion
inside strings, plot/bar/hist as SVG, predict over a list with a bad file, and the clear
errors of mnist(limit=0) and a file that is not a model."""
import pathlib

from test_language_robustness import run, stdout

FIXTURE = pathlib.Path(__file__).resolve().parents[1] / "ImagingTests" / "Fixtures" / "gray.png"


def results(messages):
    return [m["content"]["data"]["text/plain"] for m in messages if m["msg_type"] == "execute_result"]


def test_files_round_trip_and_errors_keep_the_session(raw_kernel, tmp_path):
    k = raw_kernel()
    d = str(tmp_path)
    content, _ = run(k, f"P = {d!r}\nwrite_csv(P + '/a.csv', [{{'name': 'cat', 'n': 3}}, {{'name': 'dog, big', 'n': 5}}])")
    assert content["status"] == "ok"
    assert (tmp_path / "a.csv").read_bytes() == b'name,n\r\ncat,3\r\n"dog, big",5\r\n'
    content, messages = run(k, "rows = read_csv(P + '/a.csv')\nwrite_json(P + '/s.json', {'total': sum([int(r['n']) for r in rows])})\nread_json(P + '/s.json'), rows[1]['name']")
    assert content["status"] == "ok", content
    assert results(messages) == ["({'total': 8}, 'dog, big')"]
    content, messages = run(k, "write_text(P + '/notes.txt', 'line 1\\n')\nglob(P + '/*.csv') + [read_text(P + '/notes.txt')]")
    assert results(messages) == [f"['{d}/a.csv', 'line 1\\n']"]
    content, _ = run(k, "read_text(P + '/nope.txt')")
    assert content["status"] == "error" and content["ename"] == "FileNotFoundError"
    assert "nope.txt" in content["evalue"]
    content, _ = run(k, "read_text('/dev/zero')")
    assert content["status"] == "error" and content["ename"] == "OSError"
    _, messages = run(k, "P")
    assert results(messages) == [repr(d)]
    k.assert_healthy()


def test_tab_completes_paths_inside_strings(raw_kernel, tmp_path):
    (tmp_path / "train.csv").write_text("x\n")
    (tmp_path / "trees").mkdir()
    k = raw_kernel()
    code = f"rows = read_csv('{tmp_path}/tr"
    reply = k.reply("shell", k.send("shell", "complete_request", {"code": code, "cursor_pos": len(code)}))
    content = reply["content"]
    assert content["status"] == "ok"
    assert content["matches"] == ["train.csv", "trees/"]
    assert content["cursor_start"] == len(code) - 2 and content["cursor_end"] == len(code)


def test_charts_are_svg_displays(raw_kernel):
    k = raw_kernel()
    content, messages = run(k, "plot([1, 2, 3], [2, -1, 4], title='t')\nbar({'a': 1, 'b': 2})\ncounts = hist([1, 2, 2, 3], bins=3)\ncounts")
    assert content["status"] == "ok", content
    svgs = [m["content"]["data"]["image/svg+xml"] for m in messages if m["msg_type"] == "display_data"]
    assert len(svgs) == 3 and all(s.startswith("<svg") for s in svgs)
    assert "<polyline" in svgs[0] and ">t<" in svgs[0]
    assert results(messages) == ["[1, 2, 1]"]
    content, _ = run(k, "plot([1, 2], [1])")
    assert content["status"] == "error" and content["ename"] == "ValueError"
    k.assert_healthy()


def test_predict_over_a_list_keeps_the_good_images(raw_kernel, tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_text("not a picture")
    k = raw_kernel()
    content, messages = run(k, f"m = lenet()\np = predict(m, [{str(FIXTURE)!r}, {str(bad)!r}])\n[x.error is None for x in p]")
    assert content["status"] == "ok", content
    assert results(messages) == ["[True, False]"]
    warnings = [m["content"]["text"] for m in messages if m["msg_type"] == "stream" and m["content"]["name"] == "stderr"]
    assert len(warnings) == 1 and "could not read 1 image of 2" in warnings[0]
    content, messages = run(k, f"q = predict(m, [{str(FIXTURE)!r}] * 3, show=False)\nlen(q)")
    assert results(messages) == ["3"]
    assert not [m for m in messages if m["msg_type"] in ("display_data", "update_display_data")]


def test_clear_errors_for_limits_and_non_models(raw_kernel, tmp_path):
    junk = tmp_path / "random.onnx"
    junk.write_bytes(bytes(range(256)) * 16)
    k = raw_kernel()
    content, _ = run(k, "mnist(limit=0)")
    assert content["status"] == "error" and content["ename"] == "ValueError"
    assert "limit must be at least 1" in content["evalue"]
    content, _ = run(k, f"load({str(junk)!r})")
    assert content["status"] == "error" and content["ename"] == "ModelLoadError"
    assert "not an ONNX model" in content["evalue"]
    k.assert_healthy()
