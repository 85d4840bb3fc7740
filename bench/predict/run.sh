#!/usr/bin/env bash
# Tabby vs onnxruntime on the same ONNX files and images, 2 threads each: batch-1 latency
# p50/p90, images/s at batch 16, load time, and the ratios.
#   bench/predict/run.sh [RUNS]        (default 30 timed runs per image)
#   ARCHS=1 bench/predict/run.sh 10    also the five PyTorch-exported nets (tools/export_archs.py,
#                                      needs torch in .venv-bench; exported to a temporary folder)
#   ROUNDS=5 bench/predict/run.sh 10  each model measured 5 times, the runtimes alternating:
#                                      medians, and the spread of the per-round ratios, over
#                                      the rounds outside slow spells (spell.sh)
# TABBY_BIN overrides the binary (default: a release build made here).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-30}"

if [ -z "${TABBY_BIN:-}" ]; then
  swift build -c release --product tabby >&2
  TABBY_BIN="$(swift build -c release --show-bin-path)/tabby"
fi
if [ ! -x .venv-bench/bin/python ] || ! .venv-bench/bin/python -c "import onnxruntime, numpy" 2>/dev/null; then
  "${PYTHON:-python3}" -m venv .venv-bench
  .venv-bench/bin/pip install -q --disable-pip-version-check onnxruntime numpy
fi
EXTRA=()
if [ "${ARCHS:-0}" = 1 ]; then
  ARCH_DIR=$(mktemp -d)
  trap 'rm -rf "$ARCH_DIR"' EXIT
  .venv-bench/bin/python tools/export_archs.py "$ARCH_DIR" >&2
  EXTRA=(--archs "$ARCH_DIR")
fi
# The slow-spell probe (spell.sh's): rounds measured in a spell are left out of the medians.
PROBE_DIR=$(mktemp -d)
trap 'rm -rf "$PROBE_DIR" ${ARCH_DIR:+"$ARCH_DIR"}' EXIT
if [ "$(nproc)" -ge 2 ] && "${CC:-cc}" -O2 -pthread bench/predict/pingpong.c -o "$PROBE_DIR/pingpong" 2>/dev/null; then
  export PINGPONG="$PROBE_DIR/pingpong"
fi
env TABBY_BIN="$TABBY_BIN" .venv-bench/bin/python bench/predict/bench.py --runs "$RUNS" --rounds "${ROUNDS:-1}" "${EXTRA[@]}"
