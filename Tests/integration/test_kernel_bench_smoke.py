"""A short run of bench/protocol so the benchmark keeps working; it asserts no timings
(speed is judged by running the benchmark by hand, never by a timed test)."""
import os
import subprocess
import sys

from conftest import ROOT


def test_protocol_bench_smoke(tabby_bin):
    out = subprocess.run([sys.executable, str(ROOT / "bench/protocol/bench.py"), "--smoke"],
                         capture_output=True, text=True, timeout=120, env=dict(os.environ, TABBY_BIN=tabby_bin))
    assert out.returncode == 0, out.stderr
    row = [line for line in out.stdout.splitlines() if line.startswith("tabby")]
    assert len(row) == 1 and len(row[0].split()) == 7
