"""End to end in a real browser: JupyterLab with a `tabby passwd` hash, headless chromium.

A wrong password is refused and the right one logs in; predict_imagenet.ipynb is run cell
by cell with Shift-Enter, the GPU cell's DeviceError is fixed by editing `gpu` to `cpu` in
the editor, and the photo and its top-5 labels appear; train_mnist.ipynb is run through
its training cell while the progress bar and the curve move, and the history's chart has no
overlapping texts. Screenshots of the key moments go to
<repo>/artifacts/browser/ (CI keeps them as artifacts)."""
import os
import pathlib
import re
import shutil
import time

import pytest
from conftest import require_shared
from selenium.common.exceptions import StaleElementReferenceException

from browser_support import (ARTIFACTS, CHROMEDRIVER, CHROMIUM, DONE_PROMPT, ROOT, SHARED, By, Deadline,
                             LabServer, NotebookPage, hash_password, make_driver, screenshot,
                             shot_on_failure, write_lab_settings)

PASSWORD = "Tabby-Browser-Pw ✓ 7"
OVERALL_SECONDS = 300
MOBILENET = SHARED / "imagenet" / "mobilenet_v2_1.0_224_quant.onnx"
FASHION = pathlib.Path("/usr/share/datasets/fashion-mnist")
CAT_LABELS = ("tabby", "tiger cat", "Egyptian cat", "Persian cat", "Siamese cat", "lynx")


@pytest.fixture
def lab_env(tmp_path, tabby_bin):
    """The notebooks copied into a temp root, the shared model behind TABBY_MODELS, and
    isolated Jupyter config/runtime dirs (the data dir is the one `tabby install` used)."""
    if os.environ.get("TABBY_BROWSER_TESTS", "1") != "1":
        pytest.skip("TABBY_BROWSER_TESTS is not 1 (scripts/setup.sh installed no chromium)")
    require_shared()
    if not FASHION.exists():
        pytest.skip(f"{FASHION} is not present")
    for needed in (CHROMIUM, CHROMEDRIVER):
        assert pathlib.Path(needed).exists(), f"{needed} is missing: scripts/setup.sh installs it"
    root = tmp_path / "root"
    shutil.copytree(ROOT / "notebooks", root)
    models = tmp_path / "models"
    models.mkdir()
    (models / "mobilenetv2.onnx").symlink_to(MOBILENET.resolve())
    config = tmp_path / "jupyter-config"
    write_lab_settings(config)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config), JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               TABBY_MODELS=str(models), TABBY_CACHE=str(tmp_path / "cache"),
               TABBY_DATA_DIR=str(tmp_path / "tabby-data"),
               TABBY_ZOO_URL="http://127.0.0.1:9/")  # the discard port: nothing downloads
    return root, env


def log_in(driver, page, base, password):
    driver.get(base + "/login")
    page.wait(30).until(lambda d: d.find_elements(By.ID, "password_input"), "no login form")
    field = driver.find_element(By.ID, "password_input")
    field.clear()
    field.send_keys(password)
    driver.find_element(By.ID, "login_submit").click()


def check_login(driver, page, base):
    log_in(driver, page, base, PASSWORD + "x")
    page.wait(30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".message.error, .alert-danger"),
                        "no error shown for a wrong password")
    assert "/login" in driver.current_url and driver.find_elements(By.ID, "password_input")
    screenshot(driver, "01-wrong-password-refused")
    driver.get(base + "/lab")
    page.wait(30).until(lambda d: d.find_elements(By.ID, "password_input"), "/lab let us in unrefused")
    assert "/login" in driver.current_url
    log_in(driver, page, base, PASSWORD)
    page.wait(60).until(lambda d: "/lab" in d.current_url and d.find_elements(By.CSS_SELECTOR, ".jp-LabShell"),
                        "the right password did not open JupyterLab")


def run_until(page, source, timeout=120):
    """Shift-Enter from the selected cell on, through the cell whose source is `source`."""
    target = page.index_of(source)
    for _ in range(len(page.cells())):
        page.deadline.left(1)
        index = page.run_active(timeout)
        if index >= target:
            return index
    raise AssertionError(f"Shift-Enter never reached the cell {source!r}")


def photos_shown(page, index):
    """How many <img> in the cell's output have loaded with a real size."""
    images = page.cells()[index].find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output img")
    script = "return arguments[0].complete && arguments[0].naturalWidth > 0"
    return sum(1 for img in images if page.driver.execute_script(script, img))


def top_rows(page, index):
    """The top-k of each table in the cell's output (one table per photo): the classes shown
    plus those its note says were left out at probability 0 (a quantized model's zeros)."""
    tables = page.cells()[index].find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output table")
    counts = []
    for t in tables:
        rows = [r.text.strip() for r in t.find_elements(By.XPATH, ".//tr[td]")]
        notes = [r for r in rows if r.endswith("with probability 0 not shown")]
        counts.append(len(rows) - len(notes) + sum(int(n.split()[0]) for n in notes))
    return counts


def check_predict(driver, page, base):
    page.open(base, "predict_imagenet.ipynb")
    screenshot(driver, "02-predict-opened")
    page.select(0)
    gpu = run_until(page, "ctx(gpu)")
    # Tabby has no CUDA backend: ctx(gpu) is a DeviceError with or without a GPU present.
    assert "DeviceError" in page.stderr_text(gpu), page.output_text(gpu)
    page.scroll_to(page.cells()[gpu], "center")
    screenshot(driver, "03-device-error")
    page.replace_source(gpu, "ctx(cpu)")
    page.run_active()
    assert not page.stderr_text(gpu), page.output_text(gpu)
    assert "cpu" in page.output_text(gpu)
    page.scroll_to(page.cells()[gpu], "center")
    screenshot(driver, "04-cpu-context")
    image_cell = run_until(page, 'image("photos/chelsea.png")')
    assert photos_shown(page, image_cell) == 1, page.output_text(image_cell)
    predict_cell = run_until(page, 'photos = ["photos/chelsea.png", "photos/coffee.png", "photos/rocket.jpg"]\n'
                                   'p = predict(model, photos, top=5)', timeout=180)
    outputs = page.output_text(predict_cell)
    assert not page.stderr_text(predict_cell), outputs
    assert photos_shown(page, predict_cell) == 3, outputs
    assert top_rows(page, predict_cell) == [5, 5, 5], outputs
    assert any(label in outputs for label in CAT_LABELS), outputs
    page.scroll_to(page.cells()[predict_cell])
    screenshot(driver, "05-predictions")
    listing = run_until(page, 'for x in p:\n    print(x.source, "→", x.label, round(x.probability, 3))')
    first_line = page.output_text(listing).strip().splitlines()[0]
    assert first_line.startswith("photos/chelsea.png") and any(l in first_line for l in CAT_LABELS), first_line
    again = run_until(page, "p[0]")
    assert photos_shown(page, again) == 1 and top_rows(page, again) == [5], page.output_text(again)
    assert any(label in page.output_text(again) for label in CAT_LABELS), page.output_text(again)
    run_until(page, '# predict(model, "my_photo.jpg")')


def chart_source(page, index):
    """The src of the cell's live chart (an <img> of the image/svg+xml output), or None
    (also when JupyterLab replaced the image between finding and reading it)."""
    try:
        images = page.cells()[index].find_elements(By.CSS_SELECTOR, ".jp-RenderedSVG img")
        return images[0].get_attribute("src") if images else None
    except StaleElementReferenceException:
        return None


def watch_training(driver, page, train, timeout=180):
    """Shift-Enter on the training cell, then look at its progress display every 0.2 s
    until the prompt is numbered. Returns the distinct texts seen, in order, and the
    distinct charts shown while the epoch was under way."""
    before = page.prompt(page.cells()[train])
    page.shift_enter()
    looks, charts, shot = [], set(), None
    end = time.monotonic() + page.deadline.left(timeout)
    while time.monotonic() < end:
        prompt = page.prompt(page.cells()[train])
        done = DONE_PROMPT.match(prompt) and prompt != before
        try:
            outputs = page.outputs(train)
            text = outputs[0].get_attribute("textContent") if outputs else None
        except StaleElementReferenceException:  # redrawn while we looked: look again
            time.sleep(0.05)
            continue
        if text and (not looks or looks[-1] != text):
            looks.append(text)
        batch = re.search(r"batch (\d+)/(\d+)", text or "")
        third = batch and 3 * int(batch[1]) >= int(batch[2])
        chart = chart_source(page, train) if batch and int(batch[1]) < int(batch[2]) else None
        if chart:
            charts.add(chart)
        # A shot at the first look, replaced once by one a third of the way in.
        if batch and not done and (shot is None or (shot == "early" and third)):
            page.scroll_to(page.cells()[train])
            screenshot(driver, "06-training-running")
            shot = "third" if third else "early"
        if done:
            return looks, charts
        time.sleep(0.2)
    pytest.fail(f"training did not finish in {timeout} s; progress seen: {looks}")


def check_training(driver, page, base):
    page.open(base, "train_mnist.ipynb")
    page.select(0)
    run_until(page, "model = lenet()\nsummary(model)")
    train = page.index_of("history = train(model, data, epochs=1, batch=64, lr=0.05)")
    page.select(train)
    looks, charts = watch_training(driver, page, train)
    assert not page.stderr_text(train), page.output_text(train)
    # The last display update may land just after the execute reply numbers the prompt.
    page.wait(15).until(lambda d: "done" in page.outputs(train)[0].get_attribute("textContent"),
                        f"the bar never said done: {looks[-1:]}")
    final = page.outputs(train)[0].get_attribute("textContent")
    match = re.search(r"done: epoch 1/1\s+batch (\d+)/(\d+)", final)
    assert match and match.group(1) == match.group(2), f"the bar did not finish: {final!r}"
    bar = page.outputs(train)[0].find_element(By.TAG_NAME, "progress")
    assert float(bar.get_attribute("value")) == 100
    moving = [l for l in looks if "batch" in l and "done" not in l]
    # The bar moved: several looks while it ran, or (a run too quick to catch) it is full.
    print(f"{len(moving)} different progress lines seen while training ran, then {final!r}; "
          f"{len(charts)} different charts")
    # The curve is redrawn during the epoch, not only at its end (when the run was slow
    # enough for several looks at it).
    assert len(moving) < 4 or len(charts) >= 2, f"the chart did not change mid-epoch: {len(charts)}"
    page.scroll_to(page.cells()[train])
    screenshot(driver, "07-training-done")
    check_history_chart(driver, page, train)


OVERLAPPING_TEXTS = """
const boxes = [...arguments[0].querySelectorAll('text')].map(t => {
  const r = t.getBoundingClientRect();
  return {s: t.textContent, l: r.left, r: r.right, t: r.top, b: r.bottom};
});
const bad = [];
for (let i = 0; i < boxes.length; i++)
  for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.l < b.r - 0.5 && b.l < a.r - 0.5 && a.t < b.b - 0.5 && b.t < a.b - 0.5) bad.push([a.s, b.s]);
  }
return [boxes.length, bad];
"""


def check_history_chart(driver, page, train):
    """`model.history` shows the chart inline in HTML (the page's CSS around it): no two of
    its texts (title, legend, ticks) overlap as the browser laid them out."""
    page.select(train + 1)
    history = run_until(page, "model.history")
    svg = page.cells()[history].find_element(By.CSS_SELECTOR, ".jp-OutputArea-output svg")
    count, overlapping = driver.execute_script(OVERLAPPING_TEXTS, svg)
    assert count >= 12 and not overlapping, f"{count} texts; overlapping: {overlapping}"
    page.scroll_to(page.cells()[history])
    screenshot(driver, "08-history")


def test_browser_end_to_end(lab_env, tabby_bin, tmp_path):
    root, env = lab_env
    deadline = Deadline(OVERALL_SECONDS)
    started = time.monotonic()
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    server = LabServer(root, hash_password(tabby_bin, PASSWORD), env, tmp_path / "jupyter.log")
    driver = None
    try:
        server.wait_ready(deadline)
        driver = make_driver()
        page = NotebookPage(driver, deadline)
        with shot_on_failure(driver, "failed-login"):
            check_login(driver, page, server.url)
        with shot_on_failure(driver, "failed-predict"):
            check_predict(driver, page, server.url)
        with shot_on_failure(driver, "failed-training"):
            check_training(driver, page, server.url)
    except BaseException:
        print(server.tail())
        raise
    finally:
        if driver is not None:
            driver.quit()
        leftover = server.stop()
    assert not leftover, f"kernels outlived the server: {leftover}"
    print(f"the server stopped with its {len(server.kernels_at_stop)} kernel processes")
    print(f"browser test took {time.monotonic() - started:.1f} s; screenshots in {ARTIFACTS}")
