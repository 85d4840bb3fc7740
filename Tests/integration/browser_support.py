"""Helpers for the browser test: a password-protected JupyterLab on 127.0.0.1, headless
Debian chromium through the system chromedriver, and a notebook page driven the way a
person drives it (click a cell, Shift-Enter, read the prompt and the outputs).

Every wait is bounded by its own timeout and by one overall deadline for the test."""
import contextlib
import json
import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parents[2]
from conftest import SHARED  # noqa: E402  (TABBY_SHARED_DIR aware)
ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
DONE_PROMPT = re.compile(r"^\[(\d+)\]:$")


class Deadline:
    """One bound for the whole test; each wait takes the smaller of its own and what is left."""

    def __init__(self, seconds):
        self.end = time.monotonic() + seconds
        self.seconds = seconds

    def left(self, wanted):
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"the browser test ran past its overall bound of {self.seconds} s")
        return min(wanted, left)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def jupyter_executable():
    """<repo>/.venv/bin/jupyter (as scripts/setup.sh makes it), else the one beside this Python."""
    for candidate in (ROOT / ".venv" / "bin" / "jupyter", pathlib.Path(sys.executable).parent / "jupyter"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError("no jupyter executable in <repo>/.venv/bin or beside " + sys.executable)


def hash_password(tabby_bin, password):
    out = subprocess.run([tabby_bin, "passwd", "--stdin"], input=(password + "\n").encode(),
                         capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr.decode()
    return out.stdout.decode().strip()


def write_lab_settings(config_dir):
    """User settings that keep the news/update toast (and its network requests) away."""
    settings = config_dir / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))


class LabServer:
    """`jupyter lab` on 127.0.0.1 with a hashed password, no token and isolated dirs."""

    def __init__(self, root_dir, hashed, env, log_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.kernels_at_stop = []
        args = [str(jupyter_executable()), "lab", "--no-browser", "--ip=127.0.0.1",
                f"--port={self.port}", "--port-retries=0", f"--ServerApp.root_dir={root_dir}",
                "--IdentityProvider.token=", f"--PasswordIdentityProvider.hashed_password={hashed}",
                "--PasswordIdentityProvider.password_required=True",
                "--LabApp.news_url=None"]
        if os.geteuid() == 0:
            args.append("--allow-root")  # CI containers run the tests as root
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(args, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def wait_ready(self, deadline, timeout=60):
        end = time.monotonic() + deadline.left(timeout)
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.url + "/login", timeout=5) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.25)
        raise TimeoutError(f"jupyter lab did not answer on {self.url} in {timeout} s:\n{self.tail()}")

    def tail(self, n=4000):
        self.log.flush()
        return pathlib.Path(self.log_path).read_text(errors="replace")[-n:]

    def children(self):
        """Pids whose parent is the server: the kernels it started."""
        pids = []
        for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                pids.append(int(stat.parent.name))
        return pids

    def stop(self):
        """SIGTERM to the server's process group (it shuts its kernels down), SIGKILL if it
        lingers. Returns the kernels that outlived the server (killed here)."""
        kernels = self.children() if self.proc.poll() is None else []
        self.kernels_at_stop = kernels
        try:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGTERM)
                try:
                    self.proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait(timeout=10)
        finally:
            self.log.close()
        end = time.monotonic() + 10
        while time.monotonic() < end and any(alive(pid) for pid in kernels):
            time.sleep(0.1)
        leftover = [pid for pid in kernels if alive(pid)]
        for pid in leftover:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return leftover


def alive(pid):
    """True while `pid` runs (a zombie counts as gone)."""
    try:
        state = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def make_driver():
    """Headless Debian chromium through the system chromedriver; Selenium Manager stays off."""
    os.environ["SE_OFFLINE"] = "true"  # selenium must never fetch a browser or a driver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update"):
        options.add_argument(arg)
    options.unhandled_prompt_behavior = "accept"  # a leave-page prompt must not stall the test
    # With the driver's path given, selenium skips Selenium Manager altogether.
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(30)
    return driver


def screenshot(driver, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


@contextlib.contextmanager
def shot_on_failure(driver, name):
    """A screenshot of the page as it was when a step failed, for the CI artifacts."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):
            screenshot(driver, name)
        raise


class NotebookPage:
    """One open notebook in JupyterLab, driven with clicks and keys."""

    CELLS = ".jp-NotebookPanel .jp-Notebook .jp-Cell"

    def __init__(self, driver, deadline):
        self.driver = driver
        self.deadline = deadline

    def wait(self, timeout):

        return WebDriverWait(self.driver, self.deadline.left(timeout), poll_frequency=0.1)

    def open(self, base, name, timeout=60):
        """Opens `name` in a fresh workspace and waits until its Tabby kernel is idle."""
        self.driver.get(f"{base}/lab/tree/{name}?reset")

        def ready(_):
            dialogs = self.driver.find_elements(By.CSS_SELECTOR, ".jp-Dialog")
            assert not dialogs, "a dialog appeared on open: " + dialogs[0].text
            return self.kernel_name() not in (None, "", "No Kernel") and self.kernel_status() == "idle"

        self.wait(timeout).until(ready, f"{name} did not open with an idle kernel")
        assert self.kernel_name() == "Tabby", f"the notebook opened with kernel {self.kernel_name()!r}"

    def kernel_name(self):
        found = self.driver.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel .jp-KernelName")
        return found[0].text.strip() if found else None

    def kernel_status(self):
        """'idle', 'busy', … from the toolbar's execution indicator (None until it shows)."""

        found = self.driver.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel [data-status]")
        return found[0].get_attribute("data-status") if found else None

    def cells(self):

        return self.driver.find_elements(By.CSS_SELECTOR, self.CELLS)

    def source(self, cell):

        lines = cell.find_elements(By.CSS_SELECTOR, ".cm-content .cm-line")
        return "\n".join(line.get_attribute("textContent") for line in lines)

    def index_of(self, source):
        for i, cell in enumerate(self.cells()):
            if self.source(cell).strip() == source:
                return i
        raise AssertionError(f"no cell with source {source!r}")

    def prompt(self, cell):

        return cell.find_element(By.CSS_SELECTOR, ".jp-InputPrompt").text.strip()

    def active_index(self):
        return next(i for i, c in enumerate(self.cells()) if "jp-mod-active" in c.get_attribute("class"))

    def select(self, index):
        """Clicks a cell (its prompt area, as a person would) and leaves edit mode."""

        cell = self.cells()[index]
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
        cell.find_element(By.CSS_SELECTOR, ".jp-InputPrompt").click()
        ActionChains(self.driver).send_keys(Keys.ESCAPE).perform()
        self.wait(10).until(lambda d: self.active_index() == index, f"cell {index} was not selected")

    def shift_enter(self):

        ActionChains(self.driver).key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(Keys.SHIFT).perform()

    def run_active(self, timeout=120):
        """Shift-Enter on the selected cell; for a code cell, waits until [*] becomes [n]."""
        index = self.active_index()
        cell = self.cells()[index]
        before = self.prompt(cell)
        self.shift_enter()
        if "jp-CodeCell" in cell.get_attribute("class"):
            self.wait_done(index, before, timeout)
        return index

    def wait_done(self, index, before, timeout=120):
        def finished(_):
            now = self.prompt(self.cells()[index])
            return DONE_PROMPT.match(now) and now != before

        self.wait(timeout).until(finished, f"cell {index} did not finish in {timeout} s "
                                           f"(prompt {self.prompt(self.cells()[index])!r})")

    def outputs(self, index):

        return self.cells()[index].find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output")

    def output_text(self, index):
        return "\n".join(o.get_attribute("textContent") for o in self.outputs(index))

    def stderr_text(self, index):

        sel = '.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]'
        return "\n".join(e.get_attribute("textContent") for e in self.cells()[index].find_elements(By.CSS_SELECTOR, sel))

    def replace_source(self, index, text):
        """Clicks into the cell's CodeMirror editor, selects everything and types `text`."""

        editor = self.cells()[index].find_element(By.CSS_SELECTOR, ".cm-content")
        editor.click()
        self.wait(10).until(lambda d: "jp-mod-editMode" in self.notebook_classes(), "no edit mode")
        ActionChains(self.driver).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).perform()
        ActionChains(self.driver).send_keys(text).perform()
        self.wait(10).until(lambda d: self.source(self.cells()[index]) == text,
                            f"the editor did not end up holding {text!r}")

    def notebook_classes(self):

        return self.driver.find_element(By.CSS_SELECTOR, ".jp-NotebookPanel .jp-Notebook").get_attribute("class")

    def scroll_to(self, element, block="start"):
        """Scrolls `element` into view (below the sticky toolbar when at the start)."""
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: arguments[1]});"
            "if (arguments[1] === 'start') arguments[0].closest('.jp-WindowedPanel-outer')?.scrollBy(0, -40);",
            element, block)
