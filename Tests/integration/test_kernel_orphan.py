"""A kernel whose launcher dies without a shutdown request exits by itself (no orphans)."""
import os
import signal
import subprocess
import sys
import textwrap
import time

LAUNCHER = textwrap.dedent("""
    import sys, jupyter_client
    km = jupyter_client.KernelManager(kernel_name="tabby")
    km.start_kernel()
    print(km.provisioner.process.pid, flush=True)
    kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=60)
    print("ready", flush=True)
    sys.stdin.read()          # until the test kills us
""")


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:       # a zombie is gone for our purpose
        return f.read().split()[2] != "Z"


def test_kernel_exits_when_its_launcher_is_killed(tabby_bin):
    launcher = subprocess.Popen([sys.executable, "-c", LAUNCHER], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
    try:
        kernel_pid = int(launcher.stdout.readline())
        assert launcher.stdout.readline().strip() == "ready"
        assert alive(kernel_pid)
        launcher.send_signal(signal.SIGKILL)
        launcher.wait(timeout=10)
        deadline = time.monotonic() + 10
        while alive(kernel_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(kernel_pid), "the kernel outlived its launcher by 10 s"
    finally:
        launcher.kill()
        try:
            os.kill(kernel_pid, signal.SIGKILL)
        except (ProcessLookupError, UnboundLocalError):
            pass
