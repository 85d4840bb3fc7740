"""`tabby install`, `uninstall` and `kernel` argument handling (`--version`: test_cli.py)."""
import json
import os
import subprocess
import sys

import pytest

JUPYTER = os.path.join(os.path.dirname(sys.executable), "jupyter")


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=30, **kw)


def test_install_user_is_listed_by_jupyter(tabby_bin, tmp_path):
    env = dict(os.environ, JUPYTER_DATA_DIR=str(tmp_path / "data"))
    assert run([tabby_bin, "install"], env=env).returncode == 0
    listed = json.loads(run([JUPYTER, "kernelspec", "list", "--json"], env=env).stdout)["kernelspecs"]
    spec = listed["tabby"]["spec"]
    assert spec["argv"][0] == os.path.realpath(tabby_bin)
    assert spec["argv"][1:] == ["kernel", "-f", "{connection_file}"]
    assert spec["interrupt_mode"] == "message"
    files = sorted(os.listdir(listed["tabby"]["resource_dir"]))
    assert files == ["kernel.json", "logo-32x32.png", "logo-64x64.png"]
    assert run([tabby_bin, "uninstall"], env=env).returncode == 0
    listed = json.loads(run([JUPYTER, "kernelspec", "list", "--json"], env=env).stdout)["kernelspecs"]
    assert "tabby" not in listed


def test_reinstall_replaces_a_stale_path(tabby_bin, tmp_path):
    spec_dir = tmp_path / "share/jupyter/kernels/tabby"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({"argv": ["/gone/tabby", "kernel", "-f", "{connection_file}"]}))
    assert run([tabby_bin, "install", "--prefix", str(tmp_path)]).returncode == 0
    spec = json.loads((spec_dir / "kernel.json").read_text())
    assert spec["argv"][0] == os.path.realpath(tabby_bin)


def test_sys_prefix_uses_the_jupyter_on_path(tabby_bin, tmp_path):
    bindir = tmp_path / "venv/bin"
    bindir.mkdir(parents=True)
    fake = bindir / "jupyter"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    env = dict(os.environ, PATH=f"{bindir}:{os.environ['PATH']}")
    out = run([tabby_bin, "install", "--sys-prefix"], env=env)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "venv/share/jupyter/kernels/tabby/kernel.json").exists()
    assert run([tabby_bin, "uninstall", "--sys-prefix"], env=env).returncode == 0
    assert not (tmp_path / "venv/share/jupyter/kernels/tabby").exists()


def test_conflicting_location_flags_are_rejected(tabby_bin, tmp_path):
    out = run([tabby_bin, "install", "--user", "--prefix", str(tmp_path)])
    assert out.returncode != 0 and "--prefix" in out.stderr


@pytest.mark.parametrize("args", [["kernel"], ["kernel", "-f", "x.json", "--log-level", "loud"]])
def test_kernel_argument_errors(tabby_bin, args):
    out = run([tabby_bin] + args)
    assert out.returncode != 0 and out.stderr.strip()
