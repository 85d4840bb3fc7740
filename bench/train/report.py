"""Prints bench/train results side by side with Tabby's ratios to each runtime and the targets."""
import json, os, sys

out, nets = sys.argv[1], sys.argv[2:]
TARGETS = {("lenet", "pytorch"): 1.0, ("lenet", "mxnet"): 1.5, ("mlp", "mxnet"): 2.5}
STRETCH = {("lenet", "pytorch"): 1.5, ("mlp", "pytorch"): 1.0}
print(f"{'net':6} {'runtime':8} {'images/s':>10} {'s/epoch':>8} {'test acc (last)':>16} {'peak RSS MiB':>13} {'tabby ×':>8}")
for net in nets:
    rows = {}
    for rt in ("tabby", "pytorch", "mxnet"):
        path = os.path.join(out, f"{rt}_{net}.json")
        if os.path.exists(path) and os.path.getsize(path) > 0:
            rows[rt] = json.load(open(path))
    tabby = rows.get("tabby", {}).get("images_per_second", 0)
    for rt, r in rows.items():
        ratio = tabby / r["images_per_second"] if rt != "tabby" and r["images_per_second"] else None
        note = ""
        if ratio is not None:
            need = TARGETS.get((net, rt))
            if need:
                note += f"  (target ≥{need}: {'ok' if ratio >= need else 'MISSED'})"
            want = STRETCH.get((net, rt))
            if want:
                note += f"  (stretch ≥{want}: {'ok' if ratio >= want else 'not yet'})"
        print(f"{net:6} {rt:8} {r['images_per_second']:10.0f} {r['seconds_per_epoch']:8.2f} "
              f"{r['test_accuracy'][-1]:16.4f} {r['peak_rss_mib']:13.1f} "
              f"{'' if ratio is None else f'{ratio:8.2f}'}{note}")
    if net == "lenet" and "tabby" in rows:
        rss = rows["tabby"]["peak_rss_mib"]
        print(f"lenet  tabby peak RSS {rss:.1f} MiB (target ≤ 250: {'ok' if rss <= 250 else 'MISSED'})")
