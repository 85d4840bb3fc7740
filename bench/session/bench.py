"""Figures for the session built-ins, measured through a real kernel (see run.sh).

1. interrupt: a running `train` cell is interrupted with interrupt_request; the time from
   the request to its execute_reply (target ≤ 1 s).
2. training: images/s of the second epoch of `train(...)` in the kernel against the
   steady-state images/s of `tabby train --json` with the same net, data, batch and seed,
   alternating, best of each (target: within 5 %).
3. predict: the execute round trip of `_ = predict(model, img)` (img decoded beforehand,
   as the engine's figure is) against `tabby predict --bench`'s whole-prediction p50 on the
   same image (target: ≤ 10 ms more). An empty cell's round trip is shown for scale.
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import time

from jupyter_client.manager import start_new_kernel

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODEL = ROOT.parent / "shared" / "imagenet" / "mobilenet_v2_1.0_224_quant.onnx"
PHOTO = ROOT / "notebooks" / "photos" / "chelsea.png"
BIN = os.environ["TABBY_BIN"]


def execute(kc, code, timeout=600):
    """Runs a cell; returns (reply content, seconds from request to reply)."""
    start = time.monotonic()
    msg_id = kc.execute(code)
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"], time.monotonic() - start


def value(kc, expression):
    msg_id = kc.execute(f"__v = {expression}", user_expressions={"v": "__v"})
    while True:
        reply = kc.get_shell_msg(timeout=600)
        if reply["parent_header"].get("msg_id") == msg_id:
            assert reply["content"]["status"] == "ok", reply["content"]
            return reply["content"]["user_expressions"]["v"]["data"]["text/plain"]


def interrupt_latency(km, kc, rounds):
    ok, _ = execute(kc, "bench_data = mnist(limit=20000, test_limit=500)")
    assert ok["status"] == "ok", ok
    times = []
    for r in range(rounds):
        execute(kc, f"bench_model = lenet(seed={r})")
        msg_id = kc.execute("train(bench_model, bench_data, epochs=5)")
        updates = 0
        while updates < 3:
            m = kc.get_iopub_msg(timeout=120)
            if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "update_display_data":
                updates += 1
        start = time.monotonic()
        km.interrupt_kernel()
        while True:
            reply = kc.get_shell_msg(timeout=60)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        times.append(time.monotonic() - start)
        assert reply["content"].get("ename") == "KeyboardInterrupt", reply["content"]
    return {"rounds": rounds, "p50_s": statistics.median(times), "max_s": max(times)}


def training(kc, limit, batch, rounds):
    """Alternates CLI and kernel runs and keeps the best of each: on a shared machine the
    best run is the one least disturbed by other work."""
    execute(kc, f"tr_data = mnist(limit={limit}, test_limit=1000)")
    cli_rates, kernel_rates = [], []
    for r in range(rounds):
        cli = subprocess.run(
            [BIN, "train", "--net", "lenet", "--epochs", "2", "--batch", str(batch), "--limit", str(limit),
             "--test-limit", "1000", "--seed", "42", "--schedule", "none", "--json"],
            check=True, capture_output=True, text=True)
        cli_rates.append(json.loads(cli.stdout)["images_per_second"])
        execute(kc, "tr_model = lenet()")
        reply, _ = execute(kc, f"tr_h = train(tr_model, tr_data, epochs=2, batch={batch}, lr=0.05, seed=42)")
        assert reply["status"] == "ok", reply
        kernel_rates.append(float(value(kc, 'tr_h.epochs[1]["images_per_second"]')))
    best_cli, best_kernel = max(cli_rates), max(kernel_rates)
    return {"images": limit, "batch": batch, "rounds": rounds,
            "cli_images_per_s": [round(x, 1) for x in cli_rates],
            "kernel_images_per_s": [round(x, 1) for x in kernel_rates],
            "best_kernel_vs_best_cli": round(best_kernel / best_cli, 3)}


def predict(kc, runs):
    engine = subprocess.run(
        [BIN, "predict", "--json", "--model", str(MODEL), "--bench", str(runs), str(PHOTO)],
        check=True, capture_output=True, text=True)
    engine_ms = json.loads(engine.stdout)["predict_ms"]["p50"]
    reply, _ = execute(kc, f'pm = load("{MODEL}")\nimg = image("{PHOTO}")\n_ = predict(pm, img)')
    assert reply["status"] == "ok", reply
    kernel = [execute(kc, "_ = predict(pm, img)")[1] * 1000 for _ in range(runs)]
    by_path = [execute(kc, f'_ = predict(pm, "{PHOTO}")')[1] * 1000 for _ in range(runs)]
    empty = [execute(kc, "1")[1] * 1000 for _ in range(runs)]
    k50 = statistics.median(kernel)
    return {"runs": runs, "engine_predict_ms_p50": round(engine_ms, 2), "kernel_predict_ms_p50": round(k50, 2),
            "kernel_predict_by_path_ms_p50": round(statistics.median(by_path), 2),
            "empty_cell_ms_p50": round(statistics.median(empty), 2), "added_ms": round(k50 - engine_ms, 2)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer rounds and images")
    args = parser.parse_args()
    km, kc = start_new_kernel(kernel_name="tabby", startup_timeout=60)
    try:
        results = {
            "interrupt": interrupt_latency(km, kc, 2 if args.quick else 5),
            "training": training(kc, 4000 if args.quick else 12000, 64, 2 if args.quick else 4),
        }
        if MODEL.exists():
            results["predict"] = predict(kc, 5 if args.quick else 20)
        print(json.dumps(results, indent=1))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
