#!/usr/bin/env bash
# Load time only, Tabby against onnxruntime, each load in a fresh process and the two runtimes
# interleaved ROUNDS times (a busy spell then lands on both), medians and the ratio:
#   bench/predict/load.sh [ROUNDS]      (default 7; TABBY_BIN overrides the binary)
# bench/predict/run.sh's load column is timed the same way (both fresh), once per round
# next to the latency runs; this script is the load alone, more rounds.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS="${1:-7}"
SHARED=../shared
TABBY_BIN="${TABBY_BIN:-$(swift build -c release --show-bin-path)/tabby}"
PY=.venv-bench/bin/python
"$PY" -c "import onnxruntime" 2>/dev/null || { echo "needs .venv-bench with onnxruntime (bench/predict/run.sh makes it)" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$PY" -c "import gzip, shutil, sys; shutil.copyfileobj(gzip.open(sys.argv[1]), open(sys.argv[2], 'wb'))" \
  "$SHARED/reference/models/resnet18_v1.onnx.gz" "$TMP/resnet18_v1.onnx"
IMAGE="$SHARED/reference/images/chelsea.png"
for model in "$SHARED/reference/models/squeezenet1.1.onnx" "$TMP/resnet18_v1.onnx" \
  "$SHARED/imagenet/mobilenet_v2_1.0_224_quant.onnx"; do
  tabby=() ort=()
  for _ in $(seq "$ROUNDS"); do
    tabby+=("$("$TABBY_BIN" predict --json --model "$model" --bench 1 --batch-size 16 --threads 2 "$IMAGE" 2>/dev/null |
      "$PY" -c "import json, sys; print(round(json.load(sys.stdin)['load_ms'], 1))")")
    ort+=("$("$PY" bench/predict/ort_load.py "$model" 2)")
  done
  "$PY" - "$(basename "$model")" "${tabby[*]}" "${ort[*]}" <<'PY'
import statistics, sys
name, t, o = sys.argv[1], [float(v) for v in sys.argv[2].split()], [float(v) for v in sys.argv[3].split()]
print(f"{name:34} tabby {statistics.median(t):7.1f} ms  onnxruntime {statistics.median(o):7.1f} ms  "
      f"ratio {statistics.median(t) / statistics.median(o):.2f}×   (tabby {t}, onnxruntime {o})")
PY
done
