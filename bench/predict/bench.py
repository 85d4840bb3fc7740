"""Runs `tabby predict --bench` and onnxruntime on the same ONNX models and images and prints
one table. Both get 2 threads (`--threads 2` for Tabby, intra_op_num_threads for
onnxruntime). Latency is the network run on a prepared batch of 1 (Tabby's `latency_ms`,
onnxruntime's `session.run`); preprocessing is left out of both, and shown separately for
Tabby as `predict_ms`. Load is timed in a fresh process for both (a `tabby predict` per
model; an onnxruntime session made in a child Python process). In the ratio row, above 1
means Tabby is slower for load and latency, and faster for img/s."""
import argparse
import gzip
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnxruntime as ort

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
THREADS = 2
BATCH = 16
IMAGES = [SHARED / "reference" / "images" / "chelsea.png", SHARED / "imagenet" / "photos" / "coral_cat.png"]


def models(tmp):
    resnet = tmp / "resnet18_v1.onnx"
    with gzip.open(SHARED / "reference" / "models" / "resnet18_v1.onnx.gz") as src, open(resnet, "wb") as dst:
        shutil.copyfileobj(src, dst)
    return [
        ("squeezenet1.1", SHARED / "reference" / "models" / "squeezenet1.1.onnx"),
        ("resnet18", resnet),
        ("mobilenetv2-quant", SHARED / "imagenet" / "mobilenet_v2_1.0_224_quant.onnx"),
    ]


def percentile(values, q):
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(np.ceil(q * len(ordered))) - 1))
    return ordered[rank]


def tabby(binary, model, runs):
    """Tabby's figures for one model (the same runs and batch as onnxruntime's below)."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(THREADS))
    env.pop("TABBY_MODELS", None)
    out = subprocess.run(
        [binary, "predict", "--json", "--model", str(model), "--bench", str(runs),
         "--batch-size", str(BATCH), "--threads", str(THREADS), *map(str, IMAGES)],
        capture_output=True, text=True, env=env, timeout=1800)
    if out.returncode != 0:
        sys.exit(f"tabby failed on {model}:\n{out.stderr}")
    r = json.loads(out.stdout)
    return {"load_ms": r["load_ms"], "p50": r["latency_ms"]["p50"], "p90": r["latency_ms"]["p90"],
            "ips": r["batch"]["images_per_s"], "predict_p50": r["predict_ms"]["p50"]}


def ort_input(session, batch):
    info = session.get_inputs()[0]
    dims = [d if isinstance(d, int) else 224 for d in info.shape]
    fixed = isinstance(info.shape[0], int)
    dims[0] = 1 if fixed else batch
    rng = np.random.default_rng(0)
    if info.type == "tensor(uint8)":
        return info.name, rng.integers(0, 256, dims, dtype=np.uint8), fixed
    return info.name, rng.standard_normal(dims, dtype=np.float32), fixed


def onnxruntime_load_ms(model):
    # In a fresh process, as each `tabby predict` is: a session made in this long-lived
    # process reuses the memory earlier sessions freed, where a fresh process (the user's
    # case, and Tabby's here) pays for every new page.
    script = pathlib.Path(__file__).with_name("ort_load.py")
    out = subprocess.run([sys.executable, str(script), str(model), str(THREADS)],
                         capture_output=True, text=True, check=True, timeout=300)
    return float(out.stdout.strip())


def onnxruntime(model, runs):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = THREADS
    opts.inter_op_num_threads = 1
    load_ms = onnxruntime_load_ms(model)
    session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
    name, x1, fixed = ort_input(session, 1)
    session.run(None, {name: x1})
    times = []
    for _ in range(runs * len(IMAGES)):
        t = time.perf_counter()
        session.run(None, {name: x1})
        times.append((time.perf_counter() - t) * 1000)
    _, xb, _ = ort_input(session, BATCH)
    calls = BATCH if fixed else 1  # a fixed batch-1 model runs 16 times per "batch"
    session.run(None, {name: xb})
    batch_times = []
    for _ in range(max(1, runs // 4)):
        t = time.perf_counter()
        for _ in range(calls):
            session.run(None, {name: xb})
        batch_times.append((time.perf_counter() - t) * 1000)
    return {"load_ms": load_ms, "p50": percentile(times, 0.5), "p90": percentile(times, 0.9),
            "ips": BATCH / percentile(batch_times, 0.5) * 1000}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure each model this many times, the runtimes alternating; report medians")
    parser.add_argument("--archs", type=pathlib.Path, help="also the nets tools/export_archs.py wrote here")
    args = parser.parse_args()
    binary = os.environ["TABBY_BIN"]
    print(f"{THREADS} threads, {args.runs} timed runs per image, {len(IMAGES)} images, batch {BATCH}, "
          f"{args.rounds} round(s); "
          f"onnxruntime {ort.__version__}")
    header = (f"{'model':<18} {'runtime':<12} {'load ms':>9} {'p50 ms':>8} {'p90 ms':>8} "
              f"{'img/s@16':>9} {'predict p50':>11}")
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        nets = models(pathlib.Path(tmp))
        if args.archs:
            manifest = json.loads((args.archs / "manifest.json").read_text())
            nets += [(arch, args.archs / f"{arch}.onnx") for arch in manifest["archs"]]
        for label, path in nets:
            # Rounds alternate which runtime goes first, so a busy spell on this shared
            # machine lands on both alike; the table shows each figure's median over the
            # rounds and, with several rounds, the spread of the per-round ratios.
            # With PINGPONG (run.sh builds spell.sh's probe), a round is kept only if the
            # CPU 0 <-> CPU 1 round trip was quiet before and after it (bench/README.md,
            # "slow spells"); the spell rounds are counted, and used only if all were.
            rounds, spells = [], []
            for r in range(args.rounds):
                before = round_trip()
                if r % 2 == 0:
                    t = tabby(binary, path, args.runs)
                    o = onnxruntime(path, args.runs)
                else:
                    o = onnxruntime(path, args.runs)
                    t = tabby(binary, path, args.runs)
                (rounds if max(before, round_trip()) < SPELL_NS else spells).append((t, o))
            if spells:
                print(f"{label:<18} ({len(spells)} of {args.rounds} rounds in a slow spell"
                      f"{', all used' if not rounds else ', left out'})")
            rounds = rounds or spells
            t = {k: median([r[0][k] for r in rounds]) for k in rounds[0][0]}
            o = {k: median([r[1][k] for r in rounds]) for k in rounds[0][1]}
            print(f"{label:<18} {'tabby':<12} {t['load_ms']:9.1f} {t['p50']:8.2f} {t['p90']:8.2f} "
                  f"{t['ips']:9.1f} {t['predict_p50']:11.2f}")
            print(f"{'':<18} {'onnxruntime':<12} {o['load_ms']:9.1f} {o['p50']:8.2f} {o['p90']:8.2f} "
                  f"{o['ips']:9.1f}")
            print(f"{'':<18} {'tabby/ort':<12} {t['load_ms'] / o['load_ms']:8.2f}x "
                  f"{t['p50'] / o['p50']:7.2f}x {t['p90'] / o['p90']:7.2f}x {t['ips'] / o['ips']:8.2f}x")
            if len(rounds) > 1:
                def spread(key):
                    ratios = sorted(a[key] / b[key] for a, b in rounds)
                    return f"{ratios[0]:.2f}-{ratios[-1]:.2f}"
                print(f"{'':<18} {'spread':<12} {spread('load_ms'):>9} {spread('p50'):>8} {spread('p90'):>8} "
                      f"{spread('ips'):>9}")


SPELL_NS = 200


def round_trip():
    """The CPU 0 <-> CPU 1 cache-line round trip in ns (0 without the probe)."""
    probe = os.environ.get("PINGPONG")
    if not probe:
        return 0
    out = subprocess.run([probe], capture_output=True, text=True)
    try:
        return float(out.stdout.strip())
    except ValueError:
        return 0


def median(values):
    return float(np.median(values))

if __name__ == "__main__":
    main()
