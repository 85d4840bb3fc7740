#!/usr/bin/env bash
# bench/train: trains LeNet and the MLP with Tabby, PyTorch CPU and (when its venv exists)
# MXNet 1.9.1 on the same data with the classic settings, in one run, and prints the ratios.
#   EPOCHS (2: one warm-up + one timed), THREADS (2), NETS ("lenet mlp"), DATA (Fashion-MNIST)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
EPOCHS=${EPOCHS:-2}
THREADS=${THREADS:-2}
NETS=${NETS:-"lenet mlp"}
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
CLASSIC=(--epochs "$EPOCHS" --batch 64 --lr 0.05 --momentum 0.9 --wd 1e-4)
for net in $NETS; do
  echo "== $net: tabby" >&2
  "$TABBY" train --net "$net" "${CLASSIC[@]}" --optimizer sgd --schedule none --threads "$THREADS" \
    --data "$DATA" --json >"$OUT/tabby_$net.json"
  echo "== $net: pytorch" >&2
  OMP_NUM_THREADS=$THREADS "$VENV/bin/python" bench/train/torch_train.py --net "$net" "${CLASSIC[@]}" \
    --threads "$THREADS" --data "$DATA" >"$OUT/pytorch_$net.json"
  if [ -n "$MXPY" ]; then
    echo "== $net: mxnet (Module)" >&2
    OMP_NUM_THREADS=$THREADS MXNET_CPU_WORKER_NTHREADS=1 "$MXPY" bench/train/mxnet_train.py --net "$net" \
      "${CLASSIC[@]}" --data "$DATA" >"$OUT/mxnet_$net.json"
  fi
done
python3 bench/train/report.py "$OUT" $NETS
