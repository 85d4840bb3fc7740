#!/usr/bin/env bash
# bench/scale/netns.sh: checks docs/scaling.md's cost model against a network we control.
# Two "hosts" are network namespaces joined by a veth pair whose both ends are shaped with tc
# (tbf: bandwidth; this kernel has no netem, so latency is the veth's own, measured by a
# TCP ping-pong).
# mpirun runs in the first namespace and reaches the second through an rsh agent that runs
# `ip netns exec`; Open MPI talks TCP only over the veth. For each RATE it trains LeNet on
# 2 ranks × 1 thread (allreduce forced to the ring algorithm, whose byte count the model uses;
# Open MPI otherwise picks by message size) and prints the measured step time next to the model's prediction
# (compute measured by a 1-rank run of the same per-rank batch, plus S/β + 2α for N = 2).
# Needs root (ip netns, tc). RATES (Mbit/s, "100 400"), BATCH (32), LIMIT (1280), TABBY.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RATES=${RATES:-"100 400"}
BATCH=${BATCH:-32}
LIMIT=${LIMIT:-1280}
DATA=${DATA:-/usr/share/datasets/fashion-mnist}
TABBY=${TABBY:-"$ROOT/.build/release/tabby"}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
NS=(tabbyscale0 tabbyscale1)
IPS=(10.77.0.1 10.77.0.2)
WORK=$(mktemp -d)
cleanup() { for n in "${NS[@]}"; do ip netns del "$n" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
cleanup; WORK=$(mktemp -d)

for i in 0 1; do ip netns add "${NS[$i]}"; done
ip link add tsv0 type veth peer name tsv1
for i in 0 1; do
  ip link set "tsv$i" netns "${NS[$i]}"
  ip -n "${NS[$i]}" addr add "${IPS[$i]}/24" dev "tsv$i"
  ip -n "${NS[$i]}" link set "tsv$i" up
  ip -n "${NS[$i]}" link set lo up
done
# The rsh agent: `agent HOST command...` runs the command in HOST's namespace.
cat >"$WORK/agent" <<AGENT
#!/bin/sh
host=\$1; shift
case \$host in ${IPS[0]}) ns=${NS[0]} ;; ${IPS[1]}) ns=${NS[1]} ;; *) echo "agent: unknown host \$host" >&2; exit 1 ;; esac
exec ip netns exec \$ns sh -c "\$*"
AGENT
chmod +x "$WORK/agent"
printf '%s slots=1\n%s slots=1\n' "${IPS[@]}" >"$WORK/hosts"
# α: half the round trip of a 1-byte TCP ping-pong over the (unshaped) veth.
ip netns exec "${NS[1]}" python3 -c '
import socket; s = socket.create_server(("'"${IPS[1]}"'", 7711)); c, _ = s.accept()
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
while (b := c.recv(1)): c.sendall(b)' &
sleep 0.5
alpha_us=$(ip netns exec "${NS[0]}" python3 -c '
import socket, time; c = socket.create_connection(("'"${IPS[1]}"'", 7711))
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1); t = []
for _ in range(200):
    s = time.perf_counter(); c.sendall(b"x"); c.recv(1); t.append(time.perf_counter() - s)
print(sorted(t)[100] * 1e6 / 2)')
wait

COMMON=(--net lenet --data "$DATA" --limit "$LIMIT" --test-limit 10 --epochs 2 --schedule none
        --threads 1 --json)
single=$("$TABBY" train "${COMMON[@]}" --batch "$BATCH" 2>/dev/null)
echo "rate_mbit predicted_ms measured_ms error_pct allreduce_ms compute_ms alpha_us"
for rate in $RATES; do
  for i in 0 1; do
    ip netns exec "${NS[$i]}" tc qdisc replace dev "tsv$i" root tbf rate "${rate}mbit" burst 64kb latency 2s
  done
  multi=$(ip netns exec "${NS[0]}" mpirun -np 2 --hostfile "$WORK/hosts" --bind-to none \
    --mca plm_rsh_agent "$WORK/agent" --mca btl tcp,self \
    --mca coll_tuned_use_dynamic_rules 1 --mca coll_tuned_allreduce_algorithm 4 --mca btl_tcp_if_include 10.77.0.0/24 \
    --mca oob_tcp_if_include 10.77.0.0/24 "$TABBY" train "${COMMON[@]}" --batch "$BATCH" 2>/dev/null)
  python3 - "$single" "$multi" "$rate" "$alpha_us" "$BATCH" "$LIMIT" <<'PY'
import json, sys
single, multi = json.loads(sys.argv[1]), json.loads(sys.argv[2])
rate, alpha, batch, limit = float(sys.argv[3]) * 1e6 / 8, float(sys.argv[4]) * 1e-6, int(sys.argv[5]), int(sys.argv[6])
size = 4 * 431_080
compute = single["seconds_per_epoch"] / -(-limit // batch)            # one rank, b images
steps = -(-limit // (2 * batch))
measured = multi["seconds_per_epoch"] / steps
predicted = compute + size / rate + 2 * alpha                          # N = 2: 2(N−1)/N·S/β + 2(N−1)α
allreduce = multi["allreduce_share"] * multi["seconds_per_epoch"] / steps
print(f"{sys.argv[3]} {predicted * 1e3:.1f} {measured * 1e3:.1f} {100 * (measured - predicted) / predicted:+.1f} "
      f"{allreduce * 1e3:.1f} {compute * 1e3:.1f} {alpha * 1e6:.0f}")
PY
done
