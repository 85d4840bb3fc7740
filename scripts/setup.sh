#!/usr/bin/env bash
# Installs everything Tabby needs on Debian 12 with the Swift 6 toolchain present:
# the C libraries (apt), the Fashion-MNIST data set, and the Python venvs that the
# tests use (Tabby itself never runs Python). Idempotent; run as root or with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

APT_PACKAGES=(
  pkg-config libzmq3-dev libssl-dev libargon2-dev libopenblas-dev
  libjpeg62-turbo-dev libpng-dev zlib1g-dev libcurl4-openssl-dev dataset-fashion-mnist
  curl
  openmpi-bin libopenmpi-dev
)
if [ "${TABBY_BROWSER_TESTS:-1}" = 1 ]; then
  APT_PACKAGES+=(chromium chromium-driver)
fi
# bench/serve/run.sh only (TABBY_SERVE_BENCH=1 scripts/setup.sh): wrk, and Java for MXNet
# Model Server 1.1, the server Tabby is compared with. No test needs them.
if [ "${TABBY_SERVE_BENCH:-0}" = 1 ]; then
  APT_PACKAGES+=(wrk openjdk-17-jre-headless)
fi
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PY=${PYTHON:-python3}
# Test tools: jupyter_client, the conformance suite, nbclient, JupyterLab, selenium.
if [ ! -x .venv/bin/python ] || [ scripts/requirements-test.txt -nt .venv/.stamp ]; then
  "$PY" -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r scripts/requirements-test.txt
  touch .venv/.stamp
fi
# Apache MXNet 1.9.1 imports only with numpy 1.23.5: it lives in a venv of its own,
# used by the tests that check our checkpoints load in MXNet itself.
if [ "${TABBY_MXNET:-1}" = 1 ] && { [ ! -x .venv-mxnet/bin/python ] || [ ! -f .venv-mxnet/.stamp ]; }; then
  "$PY" -m venv .venv-mxnet
  .venv-mxnet/bin/pip install -q --disable-pip-version-check 'mxnet==1.9.1' 'numpy==1.23.5'
  touch .venv-mxnet/.stamp
fi
# MXNet Model Server 1.1 beside MXNet 1.9.1 (numpy 1.23.5), for bench/serve/run.sh only.
if [ "${TABBY_SERVE_BENCH:-0}" = 1 ] && { [ ! -x .venv-mms/bin/python ] || [ ! -f .venv-mms/.stamp ]; }; then
  "$PY" -m venv .venv-mms
  .venv-mms/bin/pip install -q --disable-pip-version-check \
    'multi-model-server==1.1.11' 'mxnet==1.9.1' 'numpy==1.23.5'
  touch .venv-mms/.stamp
fi
# PyTorch (CPU), onnx and onnxruntime: the benchmarks' reference runtimes, and what
# Tests/integration/test_architectures.py exports ResNet-50, MobileNetV2, EfficientNet-B0,
# DenseNet-121 and ConvNeXt-Tiny with (about 1 GB installed; TABBY_ARCH_TESTS=0 skips
# both this install and those tests).
if [ "${TABBY_ARCH_TESTS:-1}" != 0 ] && ! .venv-bench/bin/python -c "import torch, onnx, onnxruntime" 2>/dev/null; then
  [ -x .venv-bench/bin/python ] || "$PY" -m venv .venv-bench
  .venv-bench/bin/pip install -q --disable-pip-version-check numpy 'torch==2.13.0+cpu' onnx onnxruntime
fi
