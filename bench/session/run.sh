#!/usr/bin/env bash
# The session built-ins through the real kernel: interrupt-to-reply latency, training
# throughput against `tabby train` on the same settings, and what `predict` adds over the
# engine's own latency (decoding, PNG/HTML/SVG output and the protocol included).
#   bench/session/run.sh [--quick]
# TABBY_BIN overrides the binary (default: a release build made here). Needs jupyter_client:
# PYTHON (default .venv/bin/python, else /work/main/.venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${TABBY_BIN:-}" ]; then
  swift build -c release --product tabby >&2
  TABBY_BIN="$(swift build -c release --show-bin-path)/tabby"
fi
PY="${PYTHON:-.venv/bin/python}"
[ -x "$PY" ] || PY=/work/main/.venv/bin/python
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export JUPYTER_DATA_DIR="$scratch/data" JUPYTER_CONFIG_DIR="$scratch/config" JUPYTER_RUNTIME_DIR="$scratch/runtime"
"$TABBY_BIN" install --user >/dev/null
exec env TABBY_BIN="$TABBY_BIN" "$PY" bench/session/bench.py "$@"
