#!/usr/bin/env python3
"""Protocol speed of Tabby next to ipykernel and a do-nothing Python kernel (the floor).

For each kernel: start it N times (start → first kernel_info_reply, median), then run
sequential trivial cells (execute round trip = reply and idle both received: p50/p90/p99),
kernel CPU per cell (utime+stime of all its threads from /proc) and idle RSS.

  bench/protocol/bench.py [--cells 2000] [--starts 5] [--only tabby,ipykernel,floor]
  bench/protocol/bench.py --smoke      # a few cells, for CI

TABBY_BIN names the binary (default: the release build). Run it by hand: it is not a test.
"""
import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

import zmq
from jupyter_client.connect import write_connection_file
from jupyter_client.session import Session

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TICKS = os.sysconf("SC_CLK_TCK")


def commands(tabby):
    return {
        "tabby": [tabby, "kernel", "-f"],
        "ipykernel": [sys.executable, "-m", "ipykernel_launcher", "-f"],
        "floor": [sys.executable, str(HERE / "floor_kernel.py"), "-f"],
    }


class Client:
    def __init__(self, cmd, workdir):
        self.cf, info = write_connection_file(
            fname=os.path.join(workdir, f"bench-{uuid.uuid4().hex[:8]}.json"), key=uuid.uuid4().hex.encode())
        self.session = Session(key=info["key"].encode(), signature_scheme=info["signature_scheme"])
        self.ctx = zmq.Context()
        self.shell = self.ctx.socket(zmq.DEALER)
        self.iopub = self.ctx.socket(zmq.SUB)
        self.iopub.setsockopt(zmq.SUBSCRIBE, b"")
        self.control = self.ctx.socket(zmq.DEALER)
        for s in (self.shell, self.iopub, self.control):
            s.linger = 0
            # The sockets connect before the kernel binds; libzmq's default 100 ms retry
            # interval would dominate the start time measured, whichever the kernel.
            s.setsockopt(zmq.RECONNECT_IVL, 1)
        self.shell.connect(f"tcp://127.0.0.1:{info['shell_port']}")
        self.iopub.connect(f"tcp://127.0.0.1:{info['iopub_port']}")
        self.control.connect(f"tcp://127.0.0.1:{info['control_port']}")
        # The request is queued by ZeroMQ until the kernel binds: no polling loop skews the start time.
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd + [self.cf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.session.send(self.shell, "kernel_info_request", {})
        if not self.shell.poll(30_000):
            raise RuntimeError(f"{cmd[0]} did not answer kernel_info")
        self.shell.recv_multipart()
        self.start_ms = (time.perf_counter() - t0) * 1000

    def execute(self, code):
        msg = self.session.send(self.shell, "execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True})
        want = msg["header"]["msg_id"]
        got_reply = got_idle = False
        while not (got_reply and got_idle):
            for sock, _ in zmq.Poller.poll(self.poller, 10_000) or []:
                _, frames = self.session.feed_identities(sock.recv_multipart())
                m = self.session.deserialize(frames, content=True)
                if m["parent_header"].get("msg_id") != want:
                    continue
                if sock is self.shell:
                    got_reply = True
                elif m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                    got_idle = True

    @property
    def poller(self):
        if not hasattr(self, "_poller"):
            self._poller = zmq.Poller()
            self._poller.register(self.shell, zmq.POLLIN)
            self._poller.register(self.iopub, zmq.POLLIN)
        return self._poller

    def cpu_ms(self):
        fields = open(f"/proc/{self.proc.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / TICKS

    def rss_mib(self):
        for line in open(f"/proc/{self.proc.pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def close(self):
        self.session.send(self.control, "shutdown_request", {"restart": False})
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.ctx.destroy(linger=0)


def measure(name, cmd, starts, cells, workdir):
    start_times = []
    for i in range(starts):
        c = Client(cmd, workdir)
        start_times.append(c.start_ms)
        if i < starts - 1:
            c.close()
    time.sleep(0.5)  # let the iopub subscription settle; welcome messages are ignored
    for _ in range(min(100, cells)):
        c.execute("1")  # warm-up
    cpu0 = c.cpu_ms()
    rtts = []
    for _ in range(cells):
        t0 = time.perf_counter()
        c.execute("1")
        rtts.append((time.perf_counter() - t0) * 1000)
    cpu = (c.cpu_ms() - cpu0) / cells
    time.sleep(1.0)
    rss = c.rss_mib()
    c.close()
    q = statistics.quantiles(rtts, n=100)
    return {"name": name, "start": statistics.median(start_times), "p50": q[49], "p90": q[89], "p99": q[98],
            "cpu": cpu, "rss": rss}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cells", type=int, default=2000)
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--only", default="tabby,ipykernel,floor")
    ap.add_argument("--smoke", action="store_true", help="20 cells, 1 start, tabby only")
    a = ap.parse_args()
    if a.smoke:
        a.cells, a.starts, a.only = 20, 1, "tabby"
    tabby = os.environ.get("TABBY_BIN", str(ROOT / ".build/release/tabby"))
    cmds = commands(tabby)
    rows = []
    with tempfile.TemporaryDirectory() as d:
        os.environ.setdefault("TABBY_DATA_DIR", os.path.join(d, "tabby-data"))
        os.environ.setdefault("IPYTHONDIR", os.path.join(d, "ipython"))
        for name in a.only.split(","):
            rows.append(measure(name, cmds[name], a.starts, a.cells, d))
    print(f"{a.cells} sequential cells, {a.starts} starts each (times in ms)")
    print(f"{'kernel':<10} {'start':>8} {'p50':>7} {'p90':>7} {'p99':>7} {'cpu/cell':>9} {'idle RSS MiB':>13}")
    for r in rows:
        print(f"{r['name']:<10} {r['start']:8.1f} {r['p50']:7.3f} {r['p90']:7.3f} {r['p99']:7.3f} "
              f"{r['cpu']:9.3f} {r['rss']:13.1f}")


if __name__ == "__main__":
    main()
