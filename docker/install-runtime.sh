#!/usr/bin/env bash
# The runtime half of a Tabby deployment, shared by the Dockerfile, CI
# (Tests/integration/test_deploy.py) and installs on a bare Debian 12 host, so all
# three run the very same steps:
#   1. the Debian runtime libraries `tabby` links against, Python, tini and the
#      Fashion-MNIST data (apt; only what is missing);
#   2. a Python venv at PREFIX with JupyterLab (versions pinned in
#      requirements-runtime.txt next to this script);
#   3. the Tabby kernelspec installed into that venv (`tabby install --prefix PREFIX`),
#      so the venv's `jupyter` finds it without touching anyone's home.
#
# Usage: install-runtime.sh --prefix DIR [--tabby BIN] [--no-apt] [--no-pip]
#        install-runtime.sh --print-apt-packages
# --no-apt and --no-pip skip steps 1 and 2's downloads (for hosts that provide them
# otherwise, and for the test that runs this script into a temporary prefix).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

# libcurl4 does not show in `ldd tabby`: it is dlopen'ed at the first zoo download (an idle
# kernel then does not map it and its TLS stack); without it downloads fail with a clear error.
# Likewise Open MPI's libmpi.so.40 (from openmpi-bin's libopenmpi3) is dlopen'ed only under
# mpirun; openssh-server lets a container be an MPI worker (deploy/mpijob.yaml).
APT_PACKAGES=(
  libzmq5 libopenblas0 libjpeg62-turbo libpng16-16 libargon2-1 libssl3 zlib1g libcurl4
  ca-certificates python3 python3-venv tini dataset-fashion-mnist
  openmpi-bin openssh-client openssh-server
)

prefix="" tabby="${TABBY_BIN:-tabby}" apt=1 pip=1
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="${2:?--prefix needs a directory}"; shift 2 ;;
    --tabby) tabby="${2:?--tabby needs the path of the tabby binary}"; shift 2 ;;
    --no-apt) apt=0; shift ;;
    --no-pip) pip=0; shift ;;
    --print-apt-packages) printf '%s\n' "${APT_PACKAGES[@]}"; exit 0 ;;
    *) echo "install-runtime.sh: unknown argument: $1" >&2; exit 64 ;;
  esac
done
[ -n "$prefix" ] || { echo "install-runtime.sh: --prefix DIR is required" >&2; exit 64; }
command -v "$tabby" >/dev/null || { echo "install-runtime.sh: no tabby binary at '$tabby'" >&2; exit 1; }

step() { echo "install-runtime.sh: $*" >&2; }

if [ "$apt" = 1 ]; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    step "installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

step "making the Python venv at $prefix"
"${PYTHON:-python3}" -m venv "$prefix"
if [ "$pip" = 1 ]; then
  step "installing JupyterLab into it"
  "$prefix/bin/pip" install -q --no-cache-dir --disable-pip-version-check \
    -r "$here/requirements-runtime.txt"
fi

step "installing the Tabby kernelspec into $prefix"
"$tabby" install --prefix "$prefix"
spec="$prefix/share/jupyter/kernels/tabby/kernel.json"
[ -f "$spec" ] || { echo "install-runtime.sh: $spec was not written" >&2; exit 1; }
if [ -x "$prefix/bin/jupyter" ]; then
  "$prefix/bin/jupyter" kernelspec list | grep -qw tabby \
    || { echo "install-runtime.sh: jupyter in $prefix does not list the tabby kernel" >&2; exit 1; }
fi
step "done"
