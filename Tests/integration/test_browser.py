"""End to end in a real browser: JupyterLab with a `tabby passwd` hash, headless chromium.

A wrong password is refused and the right one logs in; predict_imagenet.ipynb is run cell
by cell with Shift-Enter, the GPU cell's DeviceError is fixed by editing `gpu` to `cpu` in
the editor, and the photo and its top-5 labels appear; train_mnist.ipynb is run through
its training cell while the progress bar moves. Screenshots of the key moments go to
<repo>/artifacts/browser/ (CI keeps them as artifacts)."""
import os
import pathlib
import re
import shutil
import time

import pytest

from browser_support import (ARTIFACTS, CHROMEDRIVER, CHROMIUM, ROOT, SHARED, By, Deadline, LabServer,
                             NotebookPage, hash_password, make_driver, screenshot, shot_on_failure,
                             write_lab_settings)

PASSWORD = "Tabby-Browser-Pw ✓ 7"
OVERALL_SECONDS = 300
MOBILENET = SHARED / "imagenet" / "mobilenet_v2_1.0_224_quant.onnx"
FASHION = pathlib.Path("/usr/share/datasets/fashion-mnist")
CAT_LABELS = ("tabby", "tiger cat", "Egyptian cat", "Persian cat", "Siamese cat", "lynx")


def has_gpu():
    return pathlib.Path("/dev/nvidia0").exists()


@pytest.fixture
def lab_env(tmp_path, tabby_bin):
    """The notebooks copied into a temp root, the shared model behind TABBY_MODELS, and
    isolated Jupyter config/runtime dirs (the data dir is the one `tabby install` used)."""
    for needed in (MOBILENET, FASHION, pathlib.Path(CHROMIUM), pathlib.Path(CHROMEDRIVER)):
        if not needed.exists():
            pytest.skip(f"{needed} is not present")
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
    log_in(driver, page, base, PASSWORD)
    page.wait(60).until(lambda d: "/lab" in d.current_url, "the right password did not log in")


def run_until(page, source, timeout=120):
    """Shift-Enter from the selected cell on, through the cell whose source is `source`."""
    target = page.index_of(source)
    while True:
        index = page.run_active(timeout)
        if index >= target:
            return index


def check_predict(driver, page, base):
    page.open(base, "predict_imagenet.ipynb")
    screenshot(driver, "02-predict-opened")
    page.select(0)
    gpu = run_until(page, "ctx(gpu)")
    if has_gpu():
        assert not page.stderr_text(gpu), page.output_text(gpu)
    else:
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
    assert page.cells()[image_cell].find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output img")
    predict_cell = run_until(page, 'photos = ["photos/chelsea.png", "photos/coffee.png", "photos/rocket.jpg"]\n'
                                   'p = predict(model, photos, top=5)', timeout=180)
    outputs = page.output_text(predict_cell)
    assert not page.stderr_text(predict_cell), outputs
    assert page.cells()[predict_cell].find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output img")
    assert any(label in outputs for label in CAT_LABELS), outputs
    page.scroll_to(page.cells()[predict_cell])
    screenshot(driver, "05-predictions")
    last = run_until(page, 'for x in p:\n    print(x.source, "→", x.label, round(x.probability, 3))')
    first_line = page.output_text(last).strip().splitlines()[0]
    assert first_line.startswith("photos/chelsea.png") and any(l in first_line for l in CAT_LABELS), first_line


def check_training(driver, page, base):
    page.open(base, "train_mnist.ipynb")
    page.select(0)
    run_until(page, "model = lenet()\nsummary(model)")
    train = page.index_of("history = train(model, data, epochs=1, batch=64, lr=0.05)")
    page.select(train)
    before = page.prompt(page.cells()[train])
    page.shift_enter()
    looks, running_shot = [], False
    end = time.monotonic() + page.deadline.left(180)
    while time.monotonic() < end:
        done = re.match(r"^\[\d+\]:$", page.prompt(page.cells()[train])) and page.prompt(page.cells()[train]) != before
        outputs = page.outputs(train)
        if outputs:
            text = outputs[0].get_attribute("textContent")
            if not looks or looks[-1] != text:
                looks.append(text)
            if not done and not running_shot and "batch" in text:
                page.scroll_to(outputs[0])
                screenshot(driver, "06-training-running")
                running_shot = True
        if done:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"training did not finish; progress seen: {looks}")
    assert not page.stderr_text(train), page.output_text(train)
    # The last display update may land just after the execute reply numbers the prompt.
    page.wait(15).until(lambda d: "done" in page.outputs(train)[0].get_attribute("textContent"),
                        f"the bar never said done: {looks[-1:]}")
    final = page.outputs(train)[0].get_attribute("textContent")
    if looks[-1] != final:
        looks.append(final)
    match = re.search(r"done: epoch 1/1\s+batch (\d+)/(\d+)", final)
    assert match and match.group(1) == match.group(2), f"the bar did not finish: {final!r}"
    bar = page.outputs(train)[0].find_element(By.TAG_NAME, "progress")
    assert float(bar.get_attribute("value")) == 100
    print(f"progress looks while training: {len(looks)}: {[l[:60] for l in looks]}")
    page.scroll_to(page.outputs(train)[0])
    screenshot(driver, "07-training-done")
    return looks


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
        server.stop()
    print(f"browser test took {time.monotonic() - started:.1f} s; screenshots in {ARTIFACTS}")
