#!/usr/bin/env bash
# Throughput and latency of `tabby serve` against MXNet Model Server 1.1, by hand (not CI).
#
# Both serve the reference SqueezeNet 1.1 (../shared/reference/models, MXNet checkpoint)
# packed as the seed's legacy .model archive; MMS runs 2 workers. wrk POSTs one photo to
# /predictions/squeezenet at each concurrency for DURATION seconds. Reported per server and
# concurrency: requests/s, p50, p99, and the server's peak RSS (MMS: frontend + workers).
#
#   bench/serve/run.sh                      # both servers, c = 1 8 32, 15 s each
#   bench/serve/run.sh --tabby-only -d 5 -c 8
#   TABBY_ARGS="--max-batch 1 --batch-delay-ms 0" bench/serve/run.sh --tabby-only   # other batching
# Needs: wrk, curl (Debian); for MMS also openjdk-17-jre-headless and the venv .venv-mms
# with multi-model-server==1.1.11, mxnet==1.9.1, numpy==1.23.5: `TABBY_SERVE_BENCH=1
# scripts/setup.sh` installs all three (no test needs them). The release build as
# scripts/test makes it: swift build -c release --product tabby --static-swift-stdlib -Xlinker -no-pie
# Run it on a quiet machine: it saturates every core. The machine's load (uptime) is
# printed before each server so figures from a busy machine can be told apart.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

DURATION=15
CONCURRENCY=(1 8 32)
TABBY_ONLY=0
PHOTO=${PHOTO:-$ROOT/notebooks/photos/rocket.jpg}
TABBY=${TABBY_BIN:-$ROOT/.build/release/tabby}
TABBY_PORT=${TABBY_PORT:-18080}
MMS_PORT=${MMS_PORT:-18081}
SHARED=${SHARED:-$ROOT/../shared}
MMS_VENV=${MMS_VENV:-$ROOT/.venv-mms}
PY=${PY:-$ROOT/.venv/bin/python}
[ -x "$PY" ] || PY=python3
while [ $# -gt 0 ]; do
  case "$1" in
    -d|--duration) DURATION=$2; shift 2 ;;
    -c|--concurrency) IFS=' ' read -r -a CONCURRENCY <<< "$2"; shift 2 ;;
    --tabby-only) TABBY_ONLY=1; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

WORK=$(mktemp -d /tmp/tabby-bench-serve-XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -n "${MMS_STARTED:-}" ]; then (cd "$WORK" && "$MMS_VENV/bin/multi-model-server" --stop >/dev/null 2>&1) || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "install wrk: TABBY_SERVE_BENCH=1 scripts/setup.sh" >&2; exit 1; }
if [ "$TABBY_ONLY" = 0 ]; then
  command -v java >/dev/null && [ -x "$MMS_VENV/bin/multi-model-server" ] ||
    { echo "MMS needs Java 17 and $MMS_VENV: TABBY_SERVE_BENCH=1 scripts/setup.sh" >&2; exit 1; }
fi
[ -x "$TABBY" ] || { echo "build first: swift build -c release --product tabby (or set TABBY_BIN)" >&2; exit 1; }
[ -f "$SHARED/reference/models/squeezenet1.1-symbol.json" ] || { echo "needs $SHARED/reference/models" >&2; exit 1; }

# The seed's legacy archive (the same builder as Tests/integration/test_serve.py).
mkdir -p "$WORK/store"
# Its service file is MMS's own MXNet vision service, which MMS runs; Tabby ignores it.
"$PY" - "$WORK/store/squeezenet_v1.1.model" "$SHARED/imagenet/synset.txt" <<'PY'
import pathlib, sys
sys.path.insert(0, "Tests/integration")
from serve_support import MMS_VISION_SERVICE, build_legacy_archive
build_legacy_archive(pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), MMS_VISION_SERVICE)
PY

cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
local f = assert(io.open("$PHOTO", "rb"))
wrk.body = f:read("*all")
f:close()
wrk.headers["Content-Type"] = "image/jpeg"
LUA

wait_for() {  # URL SECONDS
  for _ in $(seq 1 $(( $2 * 10 ))); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)" = 200 ] && return 0
    sleep 0.1
  done
  echo "no answer from $1 within $2 s" >&2; return 1
}

descendants() {  # PID: the process and every process below it (MMS: Java, its Python
  # launcher, and the launcher's workers)
  local kid
  echo "$1"
  for kid in $(pgrep -P "$1" || true); do descendants "$kid"; done
}

rss_kib() {  # PID...: resident and peak resident KiB summed over the processes and their descendants
  local total=0 peak=0 pid p
  for pid in "$@"; do
    for p in $(descendants "$pid"); do
      [ -r "/proc/$p/status" ] || continue
      total=$(( total + $(awk '/^VmRSS/{print $2}' "/proc/$p/status") ))
      peak=$(( peak + $(awk '/^VmHWM/{print $2}' "/proc/$p/status") ))
    done
  done
  echo "$total $peak"
}

measure() {  # NAME URL PID...
  local name=$1 url=$2; shift 2
  read -r idle _ < <(rss_kib "$@")
  echo "## $name: idle RSS $(( idle / 1024 )) MiB; $(uptime | sed 's/.*\(load average\)/\1/')"
  for c in "${CONCURRENCY[@]}"; do
    local out threads=$(( c < 4 ? c : 4 ))
    out=$(wrk -t"$threads" -c"$c" -d"${DURATION}s" --latency -s "$WORK/post.lua" "$url")
    local rps p50 p99 non2xx
    rps=$(awk '/^Requests\/sec/{print $2}' <<< "$out")
    p50=$(awk '$1=="50%"{print $2}' <<< "$out")
    p99=$(awk '$1=="99%"{print $2}' <<< "$out")
    non2xx=$(awk '/Non-2xx/{print $NF}' <<< "$out")
    read -r _ peak < <(rss_kib "$@")
    printf '%-6s c=%-3s %8s req/s  p50 %-9s p99 %-9s peak RSS %4d MiB  non-2xx %s\n' \
      "$name" "$c" "$rps" "$p50" "$p99" $(( peak / 1024 )) "${non2xx:-0}"
    echo "$name $c $rps $p50 $p99 $(( peak / 1024 ))" >> "$WORK/results"
  done
}

# --- Tabby -----------------------------------------------------------------------------------
"$TABBY" serve --port "$TABBY_PORT" --models "squeezenet=$WORK/store/squeezenet_v1.1.model" \
  ${TABBY_ARGS:---max-batch 8 --batch-delay-ms 2} --max-queue 256 > "$WORK/tabby.log" 2>&1 &
PIDS+=($!)
TABBY_PID=$!
wait_for "http://127.0.0.1:$TABBY_PORT/ping" 120
measure tabby "http://127.0.0.1:$TABBY_PORT/predictions/squeezenet" "$TABBY_PID"

# --- MXNet Model Server 1.1 ----------------------------------------------------------------------
if [ "$TABBY_ONLY" = 0 ]; then
  cat > "$WORK/config.properties" <<CFG
inference_address=http://127.0.0.1:$MMS_PORT
management_address=http://127.0.0.1:$(( MMS_PORT + 1 ))
default_workers_per_model=2
model_store=$WORK/store
CFG
  MMS_STARTED=1
  (cd "$WORK" && PATH="$MMS_VENV/bin:$PATH" "$MMS_VENV/bin/multi-model-server" --start --mms-config "$WORK/config.properties" \
    --model-store "$WORK/store" --models "squeezenet=squeezenet_v1.1.model" > "$WORK/mms.log" 2>&1)
  wait_for "http://127.0.0.1:$MMS_PORT/ping" 300
  # Workers start after the frontend answers: wait for a real prediction.
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null -X POST "http://127.0.0.1:$MMS_PORT/predictions/squeezenet" -T "$PHOTO" && break
    sleep 1
  done
  MMS_PID=$(pgrep -f "com.amazonaws.ml.mms.ModelServer" | head -1)
  measure mms "http://127.0.0.1:$MMS_PORT/predictions/squeezenet" "$MMS_PID"

  echo "## ratios (tabby / mms)"
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    { k = $2; if ($1 == "tabby") { t[k] = $3; t50[k] = ms($4); t99[k] = ms($5); tr[k] = $6 }
      else { m[k] = $3; m50[k] = ms($4); m99[k] = ms($5); mr[k] = $6 } }
    END { for (k in t) if (m[k] > 0)
      printf "c=%-3s throughput x%.2f  p50 x%.2f  p99 x%.2f  peak RSS x%.2f (tabby/mms)\n",
        k, t[k] / m[k], t50[k] / m50[k], t99[k] / m99[k], tr[k] / mr[k] }' "$WORK/results" | sort -t= -k2 -n
  echo "after: $(uptime | sed 's/.*\(load average\)/\1/')"
fi
