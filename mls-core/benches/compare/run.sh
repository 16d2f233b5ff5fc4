#!/bin/sh
# Interleaved comparison with the peer bench (../shared/peer-bench): for each
# scenario, our scenarios bench then the peer bench, ROUNDS times; then a
# table of the median over rounds, ratio = ours / the faster peer.
#   PEER_BENCH=/tmp/peer-bench-target/release/peer-bench ROUNDS=2 sh mls-core/benches/compare/run.sh
set -eu
PEER=${PEER_BENCH:-/tmp/peer-bench-target/release/peer-bench}
ROUNDS=${ROUNDS:-2}
OUT=${OUT:-target/bench-compare}
OURS=$(cargo bench -p mls-core --bench scenarios --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -1)
mkdir -p "$OUT"; : > "$OUT/ours.txt"; : > "$OUT/peers.txt"
for r in $(seq 1 "$ROUNDS"); do
  for s in add_n update_commit_n join_n remove_n app_msg; do
    echo "# round $r $s loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
    "$OURS" --bench --scenario "$s" | grep -E "^peer-bench|^# cpu" >> "$OUT/ours.txt"
    "$PEER" --scenario "$s" | grep -E "^peer-bench|^# cpu" >> "$OUT/peers.txt"
  done
done
python3 "$(dirname "$0")/table.py" "$OUT/peers.txt" "$OUT/ours.txt"
