"""Deployment groundwork: the image's entrypoint, its shared setup scripts and the Dockerfile.

No Docker engine runs here, so the pieces the image runs are tested directly: the
entrypoint with a fake `jupyter` on PATH (it records its arguments, environment and
config file) and once with the real JupyterLab on 127.0.0.1; install-runtime.sh into a
temporary prefix; fetch-models.sh against file:// URLs; and a lint of the Dockerfile.
"""
import hashlib
import http.cookiejar
import json
import os
import pathlib
import re
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from jupyter_server.auth import passwd, passwd_check

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"
ENTRYPOINT = DOCKER / "entrypoint.sh"
PASSWORD = "Tabby-Deploy-Pw ✓ 42"

FAKE_JUPYTER = textwrap.dedent(
    f"""\
    #!{sys.executable}
    # Stands in for `jupyter`: records how it was started, then exits.
    import json, os, sys
    config = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--config=")), None)
    record = {{"argv": sys.argv[1:], "env": dict(os.environ)}}
    if config:
        record["config"] = json.load(open(config))
        record["config_mode"] = os.stat(config).st_mode & 0o777
    json.dump(record, open(os.environ["FAKE_JUPYTER_OUT"], "w"))
    """
)


@pytest.fixture
def deploy_env(tmp_path, tabby_bin):
    """An environment for the entrypoint with the fake jupyter first on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "jupyter"
    fake.write_text(FAKE_JUPYTER)
    fake.chmod(0o755)
    shipped = tmp_path / "shipped"
    (shipped / "notebooks").mkdir(parents=True)
    (shipped / "notebooks" / "intro.ipynb").write_text("{}")
    (shipped / "models").mkdir()
    (shipped / "models" / "lenet.params").write_text("weights")
    return {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "TABBY_BIN": tabby_bin,
        "TABBY_HOME": str(tmp_path / "work"),
        "TABBY_SHIPPED": str(shipped),
        "TMPDIR": str(tmp_path),
        "FAKE_JUPYTER_OUT": str(tmp_path / "jupyter.json"),
    }


def start(env, **extra):
    env = {**env, **extra}
    proc = subprocess.run(["bash", str(ENTRYPOINT)], env=env, capture_output=True, timeout=60)
    out = pathlib.Path(env["FAKE_JUPYTER_OUT"])
    record = json.loads(out.read_text()) if out.exists() else None
    return proc, record


def option(argv, name):
    values = [a.split("=", 1)[1] for a in argv if a.startswith(f"--{name}=")]
    assert len(values) == 1, (name, argv)
    return values[0]


def test_password_is_hashed_and_removed_from_the_environment(deploy_env):
    proc, record = start(deploy_env, TABBY_PASSWORD=PASSWORD)
    assert proc.returncode == 0, proc.stderr.decode()
    argv, env, config = record["argv"], record["env"], record["config"]
    assert argv[0] == "lab"
    hashed = config["PasswordIdentityProvider"]["hashed_password"]
    assert hashed.startswith("argon2:$argon2id$")
    assert passwd_check(hashed, PASSWORD)
    assert not passwd_check(hashed, PASSWORD + "x")
    assert config["PasswordIdentityProvider"]["password_required"] is True
    assert config["IdentityProvider"]["token"] == ""
    assert record["config_mode"] == 0o600
    assert "TABBY_PASSWORD" not in env and "TABBY_PASSWORD_HASH" not in env
    assert (option(argv, "ip"), option(argv, "port")) == ("0.0.0.0", "8888")
    assert "--no-browser" in argv
    assert option(argv, "ServerApp.root_dir") == deploy_env["TABBY_HOME"]
    assert env["TABBY_MODELS"] == deploy_env["TABBY_HOME"] + "/models"
    everything = json.dumps(record) + proc.stdout.decode() + proc.stderr.decode()
    assert PASSWORD not in everything and json.dumps(PASSWORD) not in everything


FAKE_TINI = textwrap.dedent(
    f"""\
    #!{sys.executable}
    # Stands in for tini: records how it was started, then runs the command after --.
    import json, os, sys
    json.dump({{"argv": sys.argv[1:], "env": dict(os.environ)}},
              open(os.environ["FAKE_TINI_OUT"], "w"))
    assert sys.argv[1] == "--"
    os.execvp(sys.argv[2], sys.argv[2:])
    """
)


def test_tini_starts_only_after_the_password_is_gone(deploy_env, tmp_path):
    fake = pathlib.Path(deploy_env["PATH"].split(":")[0]) / "tini"
    fake.write_text(FAKE_TINI)
    fake.chmod(0o755)
    record_file = tmp_path / "tini.json"
    proc, record = start(deploy_env, TABBY_PASSWORD=PASSWORD, TABBY_USE_TINI="1",
                         FAKE_TINI_OUT=str(record_file))
    assert proc.returncode == 0, proc.stderr.decode()
    tini = json.loads(record_file.read_text())
    assert tini["argv"][:3] == ["--", "jupyter", "lab"]
    assert not any(k.startswith("TABBY_PASSWORD") for k in tini["env"])
    assert PASSWORD not in json.dumps(tini)
    assert record["argv"][0] == "lab", "jupyter ran under tini"


def test_a_given_hash_is_used_as_is(deploy_env):
    for algorithm in ["argon2", "sha1"]:
        given = passwd(PASSWORD, algorithm)
        proc, record = start(deploy_env, TABBY_PASSWORD_HASH=given)
        assert proc.returncode == 0, proc.stderr.decode()
        assert record["config"]["PasswordIdentityProvider"]["hashed_password"] == given
        assert "TABBY_PASSWORD_HASH" not in record["env"]


@pytest.mark.parametrize(
    "extra, message",
    [
        ({}, "refusing to start without a password"),
        ({"TABBY_PASSWORD": ""}, "refusing to start without a password"),
        ({"TABBY_PASSWORD_HASH": ""}, "refusing to start without a password"),
        ({"TABBY_PASSWORD_HASH": "sha1:nothex"}, "not a Jupyter password hash"),
        ({"TABBY_PASSWORD_HASH": "argon2:$argon2id$v=19$m=8"}, "not a Jupyter password hash"),
        ({"TABBY_PASSWORD": "two\nlines"}, "single line"),
        ({"TABBY_PASSWORD": "a", "TABBY_PASSWORD_HASH": passwd("a", "sha1")}, "not both"),
    ],
)
def test_refuses_to_start_without_a_usable_password(deploy_env, extra, message):
    proc, record = start(deploy_env, **extra)
    assert proc.returncode != 0
    assert record is None, "jupyter must not be started"
    assert message in proc.stderr.decode()


def test_seeds_the_volume_without_overwriting(deploy_env):
    home = pathlib.Path(deploy_env["TABBY_HOME"])
    proc, _ = start(deploy_env, TABBY_PASSWORD=PASSWORD)
    assert proc.returncode == 0, proc.stderr.decode()
    assert (home / "notebooks" / "intro.ipynb").read_text() == "{}"
    assert (home / "models" / "lenet.params").read_text() == "weights"
    (home / "notebooks" / "intro.ipynb").write_text('{"edited": true}')
    (home / "models" / "lenet.params").write_text("retrained")
    proc, _ = start(deploy_env, TABBY_PASSWORD=PASSWORD)
    assert proc.returncode == 0
    assert (home / "notebooks" / "intro.ipynb").read_text() == '{"edited": true}'
    assert (home / "models" / "lenet.params").read_text() == "retrained"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(base, proc, log, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "jupyter lab exited early:\n" + log.read_text()[-3000:]
        try:
            urllib.request.urlopen(base + "/api", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    pytest.fail("jupyter lab did not start")


def status(opener, url, data=None):
    try:
        return opener.open(url, data=data, timeout=10).status
    except urllib.error.HTTPError as e:
        return e.code


def test_real_jupyterlab_takes_the_password_and_no_token(deploy_env, tmp_path):
    """The entrypoint's config as JupyterLab itself reads it (on 127.0.0.1 here)."""
    port = free_port()
    env = {**deploy_env, "TABBY_PASSWORD": PASSWORD, "TABBY_IP": "127.0.0.1",
           "TABBY_PORT": str(port), "PATH": f"{pathlib.Path(sys.executable).parent}:/usr/bin:/bin"}
    for name in ["JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR"]:
        env[name] = str(tmp_path / name.lower())
    # Arguments pass through to jupyter lab; CI machines may run the tests as root.
    extra = ["--allow-root"] if os.geteuid() == 0 else []
    log = open(tmp_path / "jupyter.log", "wb")
    proc = subprocess.Popen(["bash", str(ENTRYPOINT), *extra], env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(base, proc, tmp_path / "jupyter.log")
        environ = pathlib.Path(f"/proc/{proc.pid}/environ").read_bytes().split(b"\0")
        assert not any(e.startswith(b"TABBY_PASSWORD") for e in environ)
        anonymous = urllib.request.build_opener()
        assert status(anonymous, base + "/api/contents") == 403
        assert status(anonymous, base + "/api/contents?token=") == 403
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        assert status(browser, base + "/login") == 200
        xsrf = next(c.value for c in jar if c.name == "_xsrf")
        for password, allowed in [(PASSWORD + "x", 403), (PASSWORD, 200)]:
            form = urllib.parse.urlencode({"password": password, "_xsrf": xsrf}).encode()
            status(browser, base + "/login", form)
            assert status(browser, base + "/api/contents") == allowed
        specs = json.load(browser.open(base + "/api/kernelspecs", timeout=10))
        assert specs["default"] == "tabby", "new notebooks open with the Tabby kernel"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        log.close()


# ---- install-runtime.sh ----------------------------------------------------------


def test_install_runtime_lists_the_runtime_packages():
    out = subprocess.run([str(DOCKER / "install-runtime.sh"), "--print-apt-packages"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0
    packages = set(out.stdout.split())
    assert {"libzmq5", "libopenblas0", "libjpeg62-turbo", "libpng16-16", "libargon2-1", "libssl3",
            "zlib1g", "libcurl4", "python3-venv", "tini", "dataset-fashion-mnist"} <= packages


# In debian:12-slim already (Essential or required by apt).
BASE_IMAGE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6"}


def owning_packages(paths):
    """{path: the Debian package that ships it}, trying the /lib and /usr/lib spellings
    (one dpkg call: each takes a while on a full dpkg database)."""
    spellings = {p: [p, os.path.realpath(p), "/usr" + p, os.path.realpath(p).removeprefix("/usr")]
                 for p in paths}
    out = subprocess.run(["dpkg", "-S", *{c for cs in spellings.values() for c in cs}],
                         capture_output=True, text=True, timeout=120)
    owner = {}
    for line in out.stdout.splitlines():
        packages, _, path = line.partition(": ")
        owner[path.strip()] = packages.split(",")[0].split(":")[0].strip()
    return {p: next((owner[c] for c in cs if c in owner), None) for p, cs in spellings.items()}


def apt_closure(packages):
    out = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends",
                          "--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces",
                          "--no-enhances", *packages], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    names = re.findall(r"^\s*(?:\|?(?:Pre)?Depends: )?<?([a-z0-9][a-z0-9+.-]+)", out.stdout, re.M)
    return {n.split(":")[0] for n in names}


def test_runtime_packages_cover_every_library_tabby_loads(tabby_bin):
    """A new C dependency of `tabby` must come with its runtime package in the image."""
    listed = subprocess.run([str(DOCKER / "install-runtime.sh"), "--print-apt-packages"],
                            capture_output=True, text=True, timeout=30).stdout.split()
    provided = apt_closure(listed) | BASE_IMAGE_PACKAGES
    ldd = subprocess.run(["ldd", tabby_bin], capture_output=True, text=True, timeout=30)
    assert ldd.returncode == 0, ldd.stderr
    missing = {}
    for path, package in owning_packages(re.findall(r"=> (/\S+)", ldd.stdout)).items():
        if package is None:
            # The Swift runtime of a non-static build; the image links it statically.
            assert "/swift" in path, f"{path} belongs to no Debian package"
        elif package not in provided:
            missing[path] = package
    assert not missing, f"install-runtime.sh does not install: {missing}"


def test_runtime_requirements_are_pinned():
    lines = [l.strip() for l in (DOCKER / "requirements-runtime.txt").read_text().splitlines()
             if l.strip() and not l.startswith("#")]
    assert any(l.startswith("jupyterlab==") for l in lines)
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][A-Za-z0-9.]*", l) for l in lines), lines


FAKE_TABBY = textwrap.dedent(
    """\
    #!/usr/bin/env bash
    # Records the install call and writes a kernelspec where it was asked to.
    echo "$@" >> "$FAKE_TABBY_LOG"
    [ "$1" = install ] && [ "$2" = --prefix ] || exit 1
    mkdir -p "$3/share/jupyter/kernels/tabby"
    echo '{"argv": ["tabby", "kernel", "-f", "{connection_file}"], "display_name": "Tabby",
      "language": "tabby"}' > "$3/share/jupyter/kernels/tabby/kernel.json"
    """
)


def run_install_runtime(prefix, tabby, env=None, extra=()):
    return subprocess.run(
        [str(DOCKER / "install-runtime.sh"), "--prefix", str(prefix), "--tabby", str(tabby),
         "--no-apt", "--no-pip", *extra],
        capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})})


def test_install_runtime_makes_a_venv_and_installs_the_kernelspec_into_it(tmp_path):
    fake = tmp_path / "tabby"
    fake.write_text(FAKE_TABBY)
    fake.chmod(0o755)
    log = tmp_path / "calls.log"
    prefix = tmp_path / "prefix"
    out = run_install_runtime(prefix, fake, {"FAKE_TABBY_LOG": str(log)})
    assert out.returncode == 0, out.stderr
    assert log.read_text().split() == ["install", "--prefix", str(prefix)]
    assert (prefix / "bin" / "python").exists()
    assert subprocess.run([prefix / "bin" / "python", "-c", "import sys; print(sys.prefix)"],
                          capture_output=True, text=True).stdout.strip() == str(prefix)


def test_install_runtime_with_the_real_binary(tmp_path, tabby_bin):
    prefix = tmp_path / "prefix"
    out = run_install_runtime(prefix, tabby_bin)
    assert out.returncode == 0, out.stderr
    spec = json.loads((prefix / "share/jupyter/kernels/tabby/kernel.json").read_text())
    assert pathlib.Path(spec["argv"][0]).resolve() == pathlib.Path(tabby_bin).resolve()


def test_install_runtime_rejects_bad_arguments(tmp_path):
    no_prefix = subprocess.run([str(DOCKER / "install-runtime.sh"), "--no-apt"],
                               capture_output=True, text=True, timeout=30)
    assert no_prefix.returncode != 0 and "--prefix" in no_prefix.stderr
    no_tabby = run_install_runtime(tmp_path / "p", tmp_path / "missing-tabby")
    assert no_tabby.returncode != 0 and "no tabby binary" in no_tabby.stderr


# ---- fetch-models.sh -------------------------------------------------------------


def fetch(tmp_path, lock_lines, *names):
    lock = tmp_path / "models.sha256"
    lock.write_text("\n".join(lock_lines) + "\n")
    return subprocess.run([str(DOCKER / "fetch-models.sh"), str(tmp_path / "models"), *names],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "TABBY_MODELS_LOCK": str(lock)})


def test_fetch_models_verifies_checksums(tmp_path):
    source = tmp_path / "lenet.params"
    source.write_bytes(b"not really weights")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    good = fetch(tmp_path, [f"lenet {digest} file://{source}"], "lenet")
    assert good.returncode == 0, good.stderr
    assert (tmp_path / "models" / "lenet.params").read_bytes() == source.read_bytes()
    (tmp_path / "models" / "lenet.params").unlink()
    bad = fetch(tmp_path, [f"lenet {'0' * 64} file://{source}"], "lenet")
    assert bad.returncode != 0 and "checksum mismatch" in bad.stderr
    assert list((tmp_path / "models").iterdir()) == []


def test_fetch_models_refuses_models_without_a_checksum(tmp_path):
    out = fetch(tmp_path, ["# nothing yet"], "resnet18")
    assert out.returncode != 0
    assert "no checksum is known for model 'resnet18'" in out.stderr


def builtin_zoo():
    """{name: (sha256, url, file name)} for the built-in zoo entries with a checksum,
    read from Sources/Classifier/ModelZoo.swift."""
    src = (ROOT / "Sources" / "Classifier" / "ModelZoo.swift").read_text()
    base = re.search(r'defaultBaseURL = "([^"]+)"', src).group(1)
    block = src[src.index("static let builtin"):]
    zoo = {}
    for entry in block[:block.index("\n  ])")].split("ZooEntry(")[1:]:
        field = lambda key: re.search(key + r': "([^"]+)"', entry)
        if field("sha256"):
            zoo[field("name").group(1)] = (field("sha256").group(1), base + field("path").group(1),
                                           field("fileName").group(1))
    return zoo


def test_model_list_mirrors_the_zoo():
    listed = {}
    for line in (DOCKER / "models.sha256").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, sha, url = line.split()
            assert re.fullmatch(r"[0-9a-f]{64}", sha) and url.startswith("https://"), line
            listed[name] = (sha, url)
    zoo = builtin_zoo()
    assert zoo, "no checksummed entries found in ModelZoo.swift"
    assert listed == {name: (sha, url) for name, (sha, url, _) in zoo.items()}
    for name, (_, url, file_name) in zoo.items():
        assert url.rsplit("/", 1)[1] == file_name, "fetched files must keep the zoo's file name"


# ---- Dockerfile lint ---------------------------------------------------------------


def dockerfile():
    """(instruction, argument) pairs with continuation lines joined and comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    text = re.sub(r"\\\n", " ", "\n".join(l for l in text.splitlines()
                                            if not l.lstrip().startswith("#")))
    return [tuple(l.strip().split(None, 1)) for l in text.splitlines() if l.strip()]


def test_dockerfile_sanity():
    steps = dockerfile()
    args = dict(a[1].split("=", 1) for a in steps if a[0] == "ARG" and "=" in a[1])
    stages, images = set(), []
    for op, arg in steps:
        if op == "FROM":
            words = arg.split()
            image = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], words[0])
            if image not in stages:
                images.append(image)
            if len(words) == 3 and words[1].upper() == "AS":
                stages.add(words[2])
    assert images, "no FROM"
    for image in images:
        name, _, tag = image.partition(":")
        assert tag and tag != "latest" and re.search(r"\d", tag), f"unpinned base image {image}"
    assert any(i.startswith("swift:6") for i in images)
    assert any(i.startswith("debian:12") and i.endswith("-slim") for i in images)
    users = [arg for op, arg in steps if op == "USER"]
    assert users and users[-1] not in ("root", "0"), "the server must not run as root"
    assert any(op == "EXPOSE" and "8888" in arg.split() for op, arg in steps)
    assert any(op == "VOLUME" and "/home/tabby/work" in arg for op, arg in steps)
    runs = " ".join(arg for op, arg in steps if op == "RUN")
    assert "--static-swift-stdlib" in runs and "-c release" in runs
    assert "install-runtime.sh" in runs, "the image must use the shared setup script"
    entry = [arg for op, arg in steps if op == "ENTRYPOINT"]
    assert entry and "tabby-entrypoint" in entry[-1]
    for op, arg in steps:
        if op == "COPY" and not arg.startswith("--from"):
            for source in arg.split()[:-1]:
                assert (ROOT / source).exists(), f"COPY source {source} is missing"
    assert any(op == "ARG" and arg.startswith("TABBY_PRETRAINED") for op, arg in steps)


def test_scripts_are_executable():
    for script in ["entrypoint.sh", "install-runtime.sh", "fetch-models.sh"]:
        mode = (DOCKER / script).stat().st_mode
        assert mode & stat.S_IXUSR, script
        check = subprocess.run(["bash", "-n", str(DOCKER / script)], capture_output=True)
        assert check.returncode == 0, check.stderr
    assert (DOCKER / "healthcheck.py").stat().st_mode & stat.S_IXUSR


def test_healthcheck_is_the_script_that_reads_tabby_port_and_ip():
    steps = dockerfile()
    checks = [arg for op, arg in steps if op == "HEALTHCHECK"]
    assert len(checks) == 1 and "tabby-healthcheck" in checks[0], checks
    assert "8888" not in checks[0], "the port comes from TABBY_PORT, not the Dockerfile"
    assert ("COPY", "docker/healthcheck.py /usr/local/bin/tabby-healthcheck") in steps
    # The same variables and defaults as the entrypoint.
    entry = ENTRYPOINT.read_text()
    assert '--ip="${TABBY_IP:-0.0.0.0}"' in entry and '--port="${TABBY_PORT:-8888}"' in entry
    script = (DOCKER / "healthcheck.py").read_text()
    assert 'os.environ.get("TABBY_IP") or "0.0.0.0"' in script
    assert 'os.environ.get("TABBY_PORT") or "8888"' in script


def run_healthcheck(**env):
    full = {"PATH": os.environ["PATH"], **env}
    return subprocess.run([sys.executable, str(DOCKER / "healthcheck.py")], env=full,
                          capture_output=True, text=True, timeout=30)


def test_healthcheck_asks_the_configured_address():
    """A server on 127.0.0.1 at a free port: healthy with that TABBY_PORT (and TABBY_IP
    unset, 0.0.0.0 or 127.0.0.1), unhealthy with another port or another address."""
    import http.server
    import threading

    class Api(http.server.BaseHTTPRequestHandler):
        paths = []

        def do_GET(self):
            Api.paths.append(self.path)
            self.send_response(200 if self.path == "/api" else 404)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Api)
    port = str(server.server_address[1])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for ip in (None, "0.0.0.0", "127.0.0.1"):
            out = run_healthcheck(TABBY_PORT=port, **({"TABBY_IP": ip} if ip else {}))
            assert out.returncode == 0, (ip, out.stderr)
        assert Api.paths == ["/api"] * 3
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed = str(s.getsockname()[1])
        out = run_healthcheck(TABBY_PORT=closed)
        assert out.returncode == 1 and f"127.0.0.1:{closed}/api" in out.stderr
        out = run_healthcheck(TABBY_PORT=port, TABBY_IP="127.0.0.2")  # nothing listens there
        assert out.returncode == 1 and f"127.0.0.2:{port}/api" in out.stderr
        assert len(Api.paths) == 3
    finally:
        server.shutdown()
        server.server_close()


def test_swift_dependencies_are_pinned_exactly():
    """No Package.resolved in git (these machines' package copies carry other commit ids):
    exact versions in Package.swift are what make the image build the same code."""
    manifest = (ROOT / "Package.swift").read_text()
    packages = re.findall(r"\.package\(([^)]*)\)", manifest)
    assert packages, "no dependencies found"
    for p in packages:
        assert re.search(r'exact:\s*"\d+\.\d+\.\d+"', p), f"not pinned exactly: {p}"
    tracked = subprocess.run(["git", "ls-files", "Package.resolved"], cwd=ROOT, capture_output=True, text=True)
    assert tracked.returncode != 0 or tracked.stdout.strip() == "", "Package.resolved must not be in git"
    copied = [arg for op, arg in dockerfile() if op == "COPY"]
    assert not any("Package.resolved" in c for c in copied)


def test_build_stage_installs_what_setup_installs_for_building():
    """The image's build stage and scripts/setup.sh must not drift apart."""
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    block = re.search(r"APT_PACKAGES=\(([^)]*)\)", setup).group(1)
    build_packages = [p for p in block.split() if p.endswith("-dev") or p == "pkg-config"]
    assert build_packages
    runs = " ".join(arg for op, arg in dockerfile() if op == "RUN").split()
    assert [p for p in build_packages if p not in runs] == []
