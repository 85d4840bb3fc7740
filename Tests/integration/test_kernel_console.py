"""`jupyter console` drives the installed tabby kernelspec unchanged: output, results
and input() over stdin, through a piped (non-terminal) session."""
import os
import shutil
import subprocess
import sys

import pytest


def test_jupyter_console_session(tabby_bin):
    console = os.path.join(os.path.dirname(sys.executable), "jupyter-console")
    if not shutil.which(console):
        pytest.fail("jupyter-console is missing: it is in scripts/requirements-test.txt")
    session = 'print("hello, world")\n1+2\nx = input("name? ")\nbob\nx\n'
    out = subprocess.run([console, "--kernel", "tabby", "--simple-prompt"], input=session,
                         capture_output=True, text=True, timeout=120)
    transcript = f"stdout:\n{out.stdout}\nstderr:\n{out.stderr}"
    assert "hello, world" in out.stdout, transcript
    assert "Out[2]: 3" in out.stdout, transcript
    assert "name? " in out.stdout, transcript
    assert "'bob'" in out.stdout, transcript
    assert "Error" not in out.stdout, transcript
