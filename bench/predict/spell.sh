#!/usr/bin/env bash
# Whether this machine is in a "slow spell" (bench/README.md, 2026-12-05): the cache-line round
# trip between CPU 0 and CPU 1, sampled every second, for SECONDS (default 10):
#   bench/predict/spell.sh [SECONDS]
# Around 55-80 ns is the quiet state the latency ratios are meant for; 330-360 ns means the two
# virtual CPUs are far apart and 2-thread latencies will not be representative.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_WANTED="${1:-10}"
[ "$(nproc)" -ge 2 ] || { echo "needs two CPUs" >&2; exit 1; }
BIN=$(mktemp)
trap 'rm -f "$BIN"' EXIT
"${CC:-cc}" -O2 -pthread pingpong.c -o "$BIN"
for _ in $(seq "$SECONDS_WANTED"); do
  echo "$(date -u +%T) round trip $("$BIN") ns"
  sleep 1
done
