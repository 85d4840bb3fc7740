#!/usr/bin/env bash
# bench/train: trains LeNet and the MLP with Tabby, PyTorch CPU and (when its venv exists)
# MXNet 1.9.1 on the same data with the classic settings, in one run, and prints the ratios.
#   EPOCHS (2: one warm-up + one timed), THREADS (2), NETS ("lenet mlp"), DATA (Fashion-MNIST)
#   ROUNDS (1): Tabby and PyTorch measured ROUNDS times per net, alternating which goes first;
#   the report gives medians and the spread of the per-round ratios over the rounds outside
#   slow spells (the probe bench/predict uses; MXNet, much slower, runs once per net)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
EPOCHS=${EPOCHS:-2}
THREADS=${THREADS:-2}
NETS=${NETS:-"lenet mlp"}
ROUNDS=${ROUNDS:-1}
DATA=${DATA:-/usr/share/datasets/fashion-mnist}
cd "$ROOT"

# TABBY_BIN: an existing build (scripts/test's static one); otherwise build one here.
if [ -n "${TABBY_BIN:-}" ]; then
  TABBY=$TABBY_BIN
else
  swift build -c release --product tabby >&2
  TABBY="$(swift build -c release --show-bin-path)/tabby"
fi

VENV="$ROOT/.venv-bench"
if ! "$VENV/bin/python" -c "import torch" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q numpy 'torch==2.13.0+cpu' >&2
fi
MXPY=""
for v in "$ROOT/.venv-mxnet" /work/main/.venv-mxnet; do
  if [ -z "$MXPY" ] && [ -x "$v/bin/python" ]; then MXPY="$v/bin/python"; fi
done

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# The slow-spell probe (bench/predict's): a round with a slow CPU 0 <-> CPU 1 round trip
# before or after it is left out of the medians (bench/README.md, "slow spells").
PINGPONG=""
if [ "$(nproc)" -ge 2 ] && "${CC:-cc}" -O2 -pthread bench/predict/pingpong.c -o "$OUT/pingpong" 2>/dev/null; then
  PINGPONG="$OUT/pingpong"
fi
probe() { if [ -n "$PINGPONG" ]; then "$PINGPONG"; else echo 0; fi; }

CLASSIC=(--epochs "$EPOCHS" --batch 64 --lr 0.05 --momentum 0.9 --wd 1e-4)
tabby() {
  echo "== $1 round $2: tabby" >&2
  "$TABBY" train --net "$1" "${CLASSIC[@]}" --optimizer sgd --schedule none --threads "$THREADS" \
    --data "$DATA" --json >"$OUT/tabby_$1_$2.json"
}
pytorch() {
  echo "== $1 round $2: pytorch" >&2
  OMP_NUM_THREADS=$THREADS "$VENV/bin/python" bench/train/torch_train.py --net "$1" "${CLASSIC[@]}" \
    --threads "$THREADS" --data "$DATA" >"$OUT/pytorch_$1_$2.json"
}
for net in $NETS; do
  for round in $(seq 1 "$ROUNDS"); do
    before=$(probe)
    if [ $((round % 2)) = 1 ]; then tabby "$net" "$round"; pytorch "$net" "$round"
    else pytorch "$net" "$round"; tabby "$net" "$round"; fi
    echo "$before $(probe)" >"$OUT/probe_${net}_$round"
  done
  if [ -n "$MXPY" ]; then
    echo "== $net: mxnet (Module)" >&2
    OMP_NUM_THREADS=$THREADS MXNET_CPU_WORKER_NTHREADS=1 "$MXPY" bench/train/mxnet_train.py --net "$net" \
      "${CLASSIC[@]}" --data "$DATA" >"$OUT/mxnet_${net}_1.json"
  fi
done
python3 bench/train/report.py "$OUT" $NETS
