"""Data-parallel `tabby train` under Open MPI's mpirun: identical weights on every rank,
the same trajectory as one process with the global batch, accuracy, clean stops and a
killed rank ending the job. Every run is bounded in time; the tests skip with a reason when
mpirun or Fashion-MNIST is missing."""
import json
import os
import pathlib
import shutil
import signal
import struct
import subprocess
import time

import pytest

FASHION = pathlib.Path("/usr/share/datasets/fashion-mnist")

pytestmark = [
    pytest.mark.skipif(shutil.which("mpirun") is None, reason="mpirun missing (Debian package openmpi-bin)"),
    pytest.mark.skipif(not (FASHION / "train-images-idx3-ubyte.gz").exists(),
                       reason="Fashion-MNIST missing (Debian package dataset-fashion-mnist)"),
]

# Tests run as root in CI containers; Open MPI refuses that unless told explicitly. Set here,
# for the tests' own mpirun only.
MPI_ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")


def mpirun(ranks):
    # --oversubscribe: more ranks than this machine's cores; --bind-to none: let the ranks
    # share the cores rather than pin two to one.
    return ["mpirun", "-np", str(ranks), "--oversubscribe", "--bind-to", "none"]


def train_cmd(tabby_bin, *args, ranks=1):
    base = [tabby_bin, "train", "--data", str(FASHION), "--threads", "1", *args]
    return (mpirun(ranks) + base) if ranks > 1 else base


def run(cmd, timeout=240):
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=MPI_ENV)
    assert out.returncode == 0, out.stderr[-3000:]
    return out


def read_params(path):
    """Arrays of an MXNet .params file as written by Tabby (V2 float32 arrays, named)."""
    raw = pathlib.Path(path).read_bytes()
    magic, _, count = struct.unpack_from("<QQQ", raw, 0)
    assert magic == 0x112
    pos, arrays = 24, []
    for _ in range(count):
        _, _, ndim = struct.unpack_from("<Iii", raw, pos)
        pos += 12
        shape = struct.unpack_from(f"<{ndim}q", raw, pos)
        pos += 8 * ndim + 12
        n = 1
        for d in shape:
            n *= d
        arrays.append(struct.unpack_from(f"<{n}f", raw, pos))
        pos += 4 * n
    (names,) = struct.unpack_from("<Q", raw, pos)
    pos += 8
    keys = []
    for _ in range(names):
        (size,) = struct.unpack_from("<Q", raw, pos)
        keys.append(raw[pos + 8:pos + 8 + size].decode())
        pos += 8 + size
    return dict(zip(keys, arrays))


@pytest.mark.parametrize("ranks", [2, 4])
def test_every_rank_holds_the_same_weights(tabby_bin, ranks):
    out = run(train_cmd(tabby_bin, "--net", "lenet", "--limit", "384", "--test-limit", "100",
                        "--epochs", "1", "--batch", "16", "--json", ranks=ranks))
    lines = [l for l in out.stdout.splitlines() if l.strip()]
    assert len(lines) == 1, out.stdout  # only rank 0 reports
    result = json.loads(lines[0])
    assert result["ranks"] == ranks and result["global_batch"] == 16 * ranks
    assert len(result["rank_checksums"]) == ranks
    assert len(set(result["rank_checksums"])) == 1, result["rank_checksums"]
    assert 0 < result["allreduce_share"] < 1
    assert out.stderr.count("training lenet") == 1  # progress from rank 0 only


@pytest.mark.parametrize("ranks", [2, 4])
def test_ranks_follow_one_process_with_the_global_batch(tabby_bin, tmp_path, ranks):
    # 50 steps of a global batch of 32: 1600 images, one epoch. A learning rate where training
    # is stable: at LeNet's default 0.05 the first steps amplify float rounding (differences of
    # 1e-5 grow to 3e-2 in 50 steps) and the comparison would measure chaos, not correctness.
    common = ("--net", "lenet", "--limit", "1600", "--test-limit", "10", "--epochs", "1",
              "--schedule", "none", "--lr", "0.01")
    run(train_cmd(tabby_bin, *common, "--batch", "32", "--save", str(tmp_path / "one")))
    run(train_cmd(tabby_bin, *common, "--batch", str(32 // ranks), "--save", str(tmp_path / "many"),
                  ranks=ranks))
    one = read_params(tmp_path / "one-0001.params")
    many = read_params(tmp_path / "many-0001.params")
    assert one.keys() == many.keys() and len(one) == 8
    worst = max(abs(a - b) for k in one for a, b in zip(one[k], many[k]))
    assert worst < 1e-4, worst


def test_two_epoch_accuracy_matches_one_process(tabby_bin):
    common = ("--net", "lenet", "--limit", "2048", "--test-limit", "1000", "--epochs", "2", "--json",
              "--lr", "0.02")
    one = json.loads(run(train_cmd(tabby_bin, *common, "--batch", "32")).stdout)
    two = json.loads(run(train_cmd(tabby_bin, *common, "--batch", "16", ranks=2)).stdout)
    assert one["test_accuracy"][-1] > 0.6
    assert abs(one["test_accuracy"][-1] - two["test_accuracy"][-1]) <= 0.005, (one, two)


def rank_pids(mpirun_pid, rank):
    """PIDs of tabby processes under mpirun whose environment says OMPI_COMM_WORLD_RANK=rank."""
    found = []
    for proc in pathlib.Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            env = (proc / "environ").read_bytes().split(b"\0")
            stat = (proc / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == mpirun_pid and f"OMPI_COMM_WORLD_RANK={rank}".encode() in env:
            found.append(int(proc.name))
    return found


def start_long_run(tabby_bin, tmp_path, *extra):
    # --json: progress goes to stderr (the log), the result to stdout.
    log = open(tmp_path / "stderr.log", "w+")
    proc = subprocess.Popen(
        train_cmd(tabby_bin, "--net", "lenet", "--limit", "4000", "--test-limit", "100", "--epochs", "50",
                  "--batch", "16", "--json", *extra, ranks=2),
        stdout=subprocess.PIPE, stderr=log, text=True, env=MPI_ENV)
    deadline = time.monotonic() + 90
    while "img/s" not in (tmp_path / "stderr.log").read_text():
        assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "stderr.log").read_text()
        time.sleep(0.2)
    return proc, log


def test_a_killed_rank_ends_the_job_within_ten_seconds(tabby_bin, tmp_path):
    proc, _ = start_long_run(tabby_bin, tmp_path)
    try:
        victims = rank_pids(proc.pid, 1)
        assert len(victims) == 1, victims
        os.kill(victims[0], signal.SIGKILL)
        killed = time.monotonic()
        proc.wait(timeout=30)
        elapsed = time.monotonic() - killed
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = (tmp_path / "stderr.log").read_text()
    assert proc.returncode != 0
    assert elapsed < 10, elapsed
    assert "rank 1" in stderr, stderr[-2000:]
    assert not rank_pids(proc.pid, 0)


def test_sigusr1_to_mpirun_stops_every_rank_and_saves(tabby_bin, tmp_path):
    prefix = tmp_path / "stopped"
    proc, _ = start_long_run(tabby_bin, tmp_path, "--save", str(prefix))
    try:
        proc.send_signal(signal.SIGUSR1)
        stdout, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = (tmp_path / "stderr.log").read_text()
    assert proc.returncode == 0, stderr[-2000:]
    result = json.loads(stdout)
    assert result["interrupted"] is True and len(set(result["rank_checksums"])) == 1
    saved = list(tmp_path.glob("stopped-*.params"))
    assert len(saved) == 1 and "interrupted" in stderr


def test_ranks_given_different_data_fail_fast_naming_the_rank(tabby_bin):
    # Open MPI's MPMD form starts rank 0 and rank 1 with different --limit values.
    def part(limit):
        return ["-np", "1", tabby_bin, "train", "--data", str(FASHION), "--threads", "1", "--limit", limit,
                "--epochs", "1", "--json"]
    start = time.monotonic()
    out = subprocess.run(mpirun(1)[:1] + ["--oversubscribe", "--bind-to", "none"] + part("64") + [":"]
                         + part("63"), capture_output=True, text=True, timeout=120, env=MPI_ENV)
    assert out.returncode != 0 and time.monotonic() - start < 60
    # Either rank may be the one whose message gets out first (mpirun stops the other):
    # rank 0 reports "rank 1 has training images 63 but rank 0 has 64", rank 1 the mirror.
    mismatch = ("rank 1 has training images 63 but rank 0 has 64" in out.stderr
                or "rank 0 has training images 64 but rank 1 has 63" in out.stderr)
    assert mismatch and "rank 1 of 2 failed" in out.stderr, out.stderr[-2000:]
