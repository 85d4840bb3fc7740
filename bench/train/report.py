"""Prints bench/train results side by side with Tabby's ratios to each runtime and the targets.

run.sh writes RUNTIME_NET_ROUND.json for each round and probe_NET_ROUND (the spell probe's
round trips in ns before and after the round). A round is kept when both were under
SPELL_NS; if none was, all are used and the report says so. Figures are medians over the
kept rounds; with several rounds, Tabby's ratio to PyTorch is the median of the per-round
ratios (each round ran both, one after the other) and its spread is printed too."""
import json, os, statistics, sys

out, nets = sys.argv[1], sys.argv[2:]
TARGETS = {("lenet", "pytorch"): 1.0, ("lenet", "mxnet"): 1.5, ("mlp", "mxnet"): 2.5}
STRETCH = {("lenet", "pytorch"): 1.5, ("mlp", "pytorch"): 1.0}
SPELL_NS = 200
KEYS = ("images_per_second", "seconds_per_epoch", "peak_rss_mib")


def load(rt, net, rnd):
    path = os.path.join(out, f"{rt}_{net}_{rnd}.json")
    if os.path.exists(path) and os.path.getsize(path) > 0:
        return json.load(open(path))
    return None


def quiet(net, rnd):
    try:
        return max(float(v) for v in open(os.path.join(out, f"probe_{net}_{rnd}")).read().split()) < SPELL_NS
    except (OSError, ValueError):
        return True


def summary(runs):
    """The medians of a runtime's rounds (the last epoch's test accuracy of each)."""
    row = {k: statistics.median(r[k] for r in runs) for k in KEYS}
    row["accuracy"] = statistics.median(r["test_accuracy"][-1] for r in runs)
    return row


print(f"{'net':6} {'runtime':8} {'images/s':>10} {'s/epoch':>8} {'test acc (last)':>16} {'peak RSS MiB':>13} {'tabby ×':>8}")
for net in nets:
    rounds = []
    rnd = 1
    while load("tabby", net, rnd) or load("pytorch", net, rnd):
        rounds.append(rnd)
        rnd += 1
    both = [r for r in rounds if load("tabby", net, r) and load("pytorch", net, r)]
    kept = [r for r in both if quiet(net, r)]
    if len(rounds) > 1 or len(kept) < len(both):
        spells = len(both) - len(kept)
        print(f"{net:6} {len(both)} rounds, {spells} in a slow spell"
              f"{', all used' if not kept and spells else ', left out' if spells else ''}")
    kept = kept or both or rounds
    rows = {}
    for rt in ("tabby", "pytorch"):
        runs = [x for x in (load(rt, net, r) for r in kept) if x]
        if runs:
            rows[rt] = summary(runs)
    mx = load("mxnet", net, 1)
    if mx:
        rows["mxnet"] = summary([mx])
    ratios = sorted(load("tabby", net, r)["images_per_second"] / load("pytorch", net, r)["images_per_second"]
                    for r in kept if r in both)
    tabby = rows.get("tabby", {}).get("images_per_second", 0)
    for rt, r in rows.items():
        ratio = None
        if rt == "pytorch" and ratios:
            ratio = statistics.median(ratios)
        elif rt != "tabby" and r["images_per_second"]:
            ratio = tabby / r["images_per_second"]
        note = ""
        if ratio is not None:
            if rt == "pytorch" and len(ratios) > 1:
                note += f"  (spread {ratios[0]:.2f}-{ratios[-1]:.2f})"
            need = TARGETS.get((net, rt))
            if need:
                note += f"  (target ≥{need}: {'ok' if ratio >= need else 'MISSED'})"
            want = STRETCH.get((net, rt))
            if want:
                note += f"  (stretch ≥{want}: {'ok' if ratio >= want else 'not yet'})"
        print(f"{net:6} {rt:8} {r['images_per_second']:10.0f} {r['seconds_per_epoch']:8.2f} "
              f"{r['accuracy']:16.4f} {r['peak_rss_mib']:13.1f} "
              f"{'' if ratio is None else f'{ratio:8.2f}'}{note}")
    if net == "lenet" and "tabby" in rows:
        rss = rows["tabby"]["peak_rss_mib"]
        print(f"lenet  tabby peak RSS {rss:.1f} MiB (target ≤ 250: {'ok' if rss <= 250 else 'MISSED'})")
