#!/usr/bin/env bash
# Builds the bundle bench/gpu/device-check.sh runs on a GPU machine that has no Swift
# toolchain: tabby-gpu-check built with a static Swift runtime, stripped, plus every
# non-glibc shared library it links (ldd: OpenBLAS, gfortran, zlib, …) and the reference
# ResNet-18 from ../shared (device inference), as one archive in
# bench/gpu/out/ (git-ignored; pass it to the device tool with carry: ["bench/gpu/out"]).
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product tabby-gpu-check --static-swift-stdlib
BIN="$(swift build -c release --show-bin-path)/tabby-gpu-check"
STAGE="$(mktemp -d)/tabby-gpu-check"
mkdir -p "$STAGE/lib" bench/gpu/out
cp "$BIN" "$STAGE/tabby-gpu-check"
strip "$STAGE/tabby-gpu-check"
# glibc's own libraries come from the target system; everything else travels.
ldd "$BIN" | awk '/=> \// { print $3 }' | while read -r lib; do
  case "$(basename "$lib")" in
    libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*|librt.so.*|ld-linux*|libgcc_s.so.*) ;;
    *) cp -L "$lib" "$STAGE/lib/" ;;
  esac
done
strip --strip-unneeded "$STAGE"/lib/* 2>/dev/null || true
# The reference nets (ResNet-18 10.9 MB gzipped, SqueezeNet 4.9 MB) and the quantized
# MobileNetV2 (3.7 MB) for the device-inference checks.
mkdir -p "$STAGE/models"
for m in reference/models/resnet18_v1.onnx.gz reference/models/squeezenet1.1.onnx \
  imagenet/mobilenet_v2_1.0_224_quant.onnx; do
  if [ -f "../shared/$m" ]; then cp "../shared/$m" "$STAGE/models/"; else echo "note: ../shared/$m missing: not checked" >&2; fi
done
tar -C "$(dirname "$STAGE")" -czf bench/gpu/out/tabby-gpu-check.tar.gz tabby-gpu-check
ls -l bench/gpu/out/tabby-gpu-check.tar.gz
