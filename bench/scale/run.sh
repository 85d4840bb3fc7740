#!/usr/bin/env bash
# bench/scale: images/s of one training run on this machine, four ways:
#   tabby 1 rank × 1 thread, tabby 2 ranks × 1 thread (mpirun), tabby 1 rank × 2 threads,
#   PyTorch DDP (gloo) 2 processes × 1 thread — same net, data and global batch (GLOBAL_BATCH).
# Run on a quiet machine (figures go to docs/scaling.md and bench/README.md).
#   EPOCHS (2: one warm-up + one timed), NET (lenet), GLOBAL_BATCH (64), LIMIT (0: all 60000),
#   DATA (Fashion-MNIST), TABBY (default: a release build of this checkout), ROUNDS (1: the four
#   runs once; 3 runs them three times interleaved, so a busy spell on this shared machine
#   lands on every configuration alike, and reports each one's median with the spread)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
EPOCHS=${EPOCHS:-2}
NET=${NET:-lenet}
GLOBAL_BATCH=${GLOBAL_BATCH:-64}
LIMIT=${LIMIT:-0}
ROUNDS=${ROUNDS:-1}
DATA=${DATA:-/usr/share/datasets/fashion-mnist}
cd "$ROOT"
command -v mpirun >/dev/null || { echo "bench/scale: mpirun missing (apt-get install openmpi-bin)" >&2; exit 1; }
if [ -z "${TABBY:-}" ]; then
  swift build -c release --product tabby >&2
  TABBY="$(swift build -c release --show-bin-path)/tabby"
fi
VENV="$ROOT/.venv-bench"
[ -x "$VENV/bin/python" ] || VENV=/work/main/.venv-bench
if ! "$VENV/bin/python" -c "import torch" 2>/dev/null; then
  VENV="$ROOT/.venv-bench"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q numpy 'torch==2.13.0+cpu' >&2
fi
# Root in containers and CI: Open MPI refuses root unless told (set for this script's mpirun only).
if [ "$(id -u)" = 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi

OUT=$(mktemp -d)
COMMON=(--net "$NET" --epochs "$EPOCHS" --lr 0.05 --momentum 0.9 --wd 1e-4 --data "$DATA")
TABBY_ONLY=(--optimizer sgd --schedule none --test-limit 1000 --json)
[ "$LIMIT" = 0 ] || TABBY_ONLY+=(--limit "$LIMIT")
HALF=$((GLOBAL_BATCH / 2))
MPI=(mpirun -np 2 --oversubscribe --bind-to none)

for round in $(seq "$ROUNDS"); do
  echo "== round $round/$ROUNDS: tabby 1 rank × 1 thread" >&2
  "$TABBY" train "${COMMON[@]}" "${TABBY_ONLY[@]}" --batch "$GLOBAL_BATCH" --threads 1 >"$OUT/r1t1.$round.json"
  echo "== round $round/$ROUNDS: tabby 2 ranks × 1 thread" >&2
  "${MPI[@]}" "$TABBY" train "${COMMON[@]}" "${TABBY_ONLY[@]}" --batch "$HALF" --threads 1 >"$OUT/r2t1.$round.json"
  echo "== round $round/$ROUNDS: tabby 1 rank × 2 threads" >&2
  "$TABBY" train "${COMMON[@]}" "${TABBY_ONLY[@]}" --batch "$GLOBAL_BATCH" --threads 2 >"$OUT/r1t2.$round.json"
  echo "== round $round/$ROUNDS: pytorch DDP gloo 2 processes × 1 thread" >&2
  OMP_NUM_THREADS=1 "$VENV/bin/python" bench/scale/torch_ddp.py "${COMMON[@]}" --batch "$HALF" --ranks 2 \
    --threads 1 --limit "$LIMIT" >"$OUT/ddp.$round.json"
done

"$VENV/bin/python" - "$OUT" "$ROUNDS" <<'PY'
import json, pathlib, statistics, sys
out, rounds = pathlib.Path(sys.argv[1]), int(sys.argv[2])
rows = [("tabby 1 rank × 1 thread", "r1t1"), ("tabby 2 ranks × 1 thread", "r2t1"),
        ("tabby 1 rank × 2 threads", "r1t2"), ("PyTorch DDP gloo 2 × 1", "ddp")]
def result(key, r):
    return json.loads((out / f"{key}.{r}.json").read_text().strip().splitlines()[-1])
runs = {key: [result(key, r) for r in range(1, rounds + 1)] for _, key in rows}
# Ratios within a round (the runs of one round share the machine's state), then medians.
ratios = {key: [runs[key][i]["images_per_second"] / runs["r1t1"][i]["images_per_second"] for i in range(rounds)]
          for _, key in rows}
median = {key: statistics.median(r["images_per_second"] for r in runs[key]) for _, key in rows}
print(f"{'run':28} {'images/s':>9} {'× 1×1':>6} {'test acc':>8} {'allreduce':>9}   rounds: × 1×1 each")
for label, key in rows:
    last = runs[key][-1]
    share = f"{100 * statistics.median(r['allreduce_share'] for r in runs[key]):.1f} %" \
        if "allreduce_share" in last else "-"
    each = " ".join(f"{x:.2f}" for x in ratios[key])
    print(f"{label:28} {median[key]:9.0f} {statistics.median(ratios[key]):6.2f} "
          f"{last['test_accuracy'][-1]:8.4f} {share:>9}   {each}")
ddp = [runs["r2t1"][i]["images_per_second"] / runs["ddp"][i]["images_per_second"] for i in range(rounds)]
print(f"2 ranks against PyTorch DDP: median {statistics.median(ddp):.2f}× (rounds: "
      + " ".join(f"{x:.2f}" for x in ddp) + ")")
PY
