#!/usr/bin/env bash
# Idle memory of `tabby serve` with SqueezeNet 1.1 loaded (issue target: VmRSS <= 40 MiB).
#
# Starts the server on 127.0.0.1, waits until /ping says every model is loaded, lets it
# idle, then prints VmRSS (and its anonymous/file split, VmHWM, threads) from
# /proc/PID/status. Optionally sends N predictions first (-r N) and measures idle after
# them, which is what a server between bursts holds.
#
#   bench/serve/idle_rss.sh                    # the ONNX SqueezeNet, idle after load
#   bench/serve/idle_rss.sh -r 50              # idle again after 50 requests
#   MODEL=path/to/model bench/serve/idle_rss.sh
# Needs a release build (swift build -c release --product tabby --static-swift-stdlib
# -Xlinker -no-pie, as scripts/test builds it) or TABBY_BIN; curl.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
TABBY=${TABBY_BIN:-$ROOT/.build/release/tabby}
SHARED=${SHARED:-$ROOT/../shared}
MODEL=${MODEL:-$SHARED/reference/models/squeezenet1.1.onnx}
PHOTO=${PHOTO:-$ROOT/notebooks/photos/rocket.jpg}
PORT=${PORT:-18090}
IDLE=${IDLE:-5}
REQUESTS=0
while [ $# -gt 0 ]; do
  case "$1" in
    -r|--requests) REQUESTS=$2; shift 2 ;;
    -i|--idle) IDLE=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -x "$TABBY" ] || { echo "build first (see the header) or set TABBY_BIN" >&2; exit 1; }
[ -f "$MODEL" ] || { echo "needs $MODEL (../shared/reference/models)" >&2; exit 1; }

LOG=$(mktemp /tmp/tabby-idle-rss-XXXXXX.log)
"$TABBY" serve --host 127.0.0.1 --port "$PORT" --models "squeezenet=$MODEL" > "$LOG" 2>&1 &
PID=$!
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -f "$LOG"' EXIT

ready=0
for _ in $(seq 1 1200); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/ping" || true)" = 200 ]; then
    ready=1; break
  fi
  kill -0 "$PID" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
  sleep 0.1
done
[ "$ready" = 1 ] || { echo "not ready within 120 s" >&2; cat "$LOG" >&2; exit 1; }

for _ in $(seq 1 "$REQUESTS"); do
  curl -sf -o /dev/null --data-binary "@$PHOTO" "http://127.0.0.1:$PORT/predictions/squeezenet"
done
sleep "$IDLE"

field() { awk -v k="$1:" '$1==k{print $2}' "/proc/$PID/status"; }
rss=$(field VmRSS)
printf 'tabby serve idle (%s requests, %s s idle): VmRSS %.1f MiB (anon %.1f, file %.1f)  VmHWM %.1f MiB  threads %s\n' \
  "$REQUESTS" "$IDLE" "$(echo "$rss / 1024" | bc -l)" "$(echo "$(field RssAnon) / 1024" | bc -l)" \
  "$(echo "$(field RssFile) / 1024" | bc -l)" "$(echo "$(field VmHWM) / 1024" | bc -l)" "$(field Threads)"
