#!/usr/bin/env bash
# Runs on the GPU machine (the device tool, ~8 minutes): unpacks the bundle from
# bench/gpu/bundle.sh, finds the CUDA libraries, runs tabby-gpu-check against the real
# device twice (cold kernel cache, then warm: start-up time; the warm run adds ResNet-18
# inference through DeviceInference), then PyTorch eager LeNet training and ResNet-18
# inference on the same GPU, and writes JSON to $OUT.
#   device tool: command "bench/gpu/device-check.sh", carry ["bench/gpu/out"]
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:-$(mktemp -d)}"
WORK="$(mktemp -d)"
tar -C "$WORK" -xzf bench/gpu/out/tabby-gpu-check.tar.gz || { echo "no bundle: run bench/gpu/bundle.sh first" >&2; exit 2; }
CHECK="$WORK/tabby-gpu-check"

# The driver's libcuda.so.1 is on the linker path; cuBLAS and NVRTC come from the
# toolkit or a Python environment's nvidia-* wheels: list every directory holding one.
dirs=$(find / -xdev \( -name 'libcublas.so.1[23]' -o -name 'libnvrtc.so.1[23]' \) 2>/dev/null \
  | xargs -r -n1 dirname | sort -u | paste -sd:)
export TABBY_CUDA_LIBS="$dirs"
export LD_LIBRARY_PATH="$CHECK/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export TABBY_CACHE="$WORK/cache"
{ echo "TABBY_CUDA_LIBS=$dirs"; nvidia-smi -L 2>&1; } > "$OUT/environment.txt"

timeout 240 "$CHECK/tabby-gpu-check" > "$OUT/gpu-check-cold.json" 2> "$OUT/gpu-check-cold.err"
echo "cold rc=$?" >> "$OUT/environment.txt"
MODELS=()
[ -f "$CHECK/models/resnet18_v1.onnx.gz" ] && MODELS+=(--resnet "$CHECK/models/resnet18_v1.onnx.gz")
for m in squeezenet1.1.onnx mobilenet_v2_1.0_224_quant.onnx; do
  [ -f "$CHECK/models/$m" ] && MODELS+=(--model "$CHECK/models/$m")
done
GPU_CHECK_BATCHES=20 timeout 150 "$CHECK/tabby-gpu-check" ${MODELS[@]+"${MODELS[@]}"} > "$OUT/gpu-check-warm.json" 2> "$OUT/gpu-check-warm.err"
echo "warm rc=$?" >> "$OUT/environment.txt"

PY=$(command -v python3 || command -v python)
timeout 120 "$PY" bench/gpu/torch_lenet.py > "$OUT/torch-lenet.json" 2> "$OUT/torch-lenet.err"
echo "torch rc=$?" >> "$OUT/environment.txt"
timeout 120 "$PY" bench/gpu/torch_resnet.py 64 > "$OUT/torch-resnet.json" 2> "$OUT/torch-resnet.err"
echo "torch resnet rc=$?" >> "$OUT/environment.txt"
cat "$OUT"/*.json
