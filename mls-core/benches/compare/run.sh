#!/bin/sh
# Interleaved comparison with the peer bench (../shared/peer-bench): for each
# scenario, our scenarios bench then the peer bench, ROUNDS times; then a
# table of the median over rounds, ratio = ours / the faster peer.
#   PEER_BENCH=/tmp/peer-bench-target/release/peer-bench ROUNDS=2 sh mls-core/benches/compare/run.sh
# Other sizes (both benches take --n), e.g. the 30,000-member rows, each
# library in its own process with a time limit (one that does not finish is
# reported as such in the table):
#   NS=30000 SCENARIOS="join_n update_commit_n remove_n" ROUNDS=1 PEER_TIMEOUT=900 \
#     OUT=target/bench-compare-30000 sh mls-core/benches/compare/run.sh
set -eu
PEER=${PEER_BENCH:-/tmp/peer-bench-target/release/peer-bench}
ROUNDS=${ROUNDS:-2}
OUT=${OUT:-target/bench-compare}
SCENARIOS=${SCENARIOS:-add_n update_commit_n join_n remove_n app_msg}
NS=${NS:-}
PEER_TIMEOUT=${PEER_TIMEOUT:-0}
# With PEER_TIMEOUT: the peer libraries to run (each in its own process).
PEER_LIBS=${PEER_LIBS:-openmls mls-rs}
SIZES=""
for n in $NS; do SIZES="$SIZES --n $n"; done
OURS=$(cargo bench -p mls-core --bench scenarios --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -1)
mkdir -p "$OUT"; : > "$OUT/ours.txt"; : > "$OUT/peers.txt"
for r in $(seq 1 "$ROUNDS"); do
  for s in $SCENARIOS; do
    echo "# round $r $s loadavg $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/ours.txt"
    # shellcheck disable=SC2086
    "$OURS" --bench --scenario "$s" $SIZES | grep -E "^peer-bench|^# cpu" >> "$OUT/ours.txt"
    if [ "$PEER_TIMEOUT" -gt 0 ]; then
      for lib in $PEER_LIBS; do
        # shellcheck disable=SC2086
        if ! timeout "$PEER_TIMEOUT" "$PEER" --lib "$lib" --scenario "$s" $SIZES > "$OUT/peer-$lib-$s.txt"; then
          echo "# timeout $lib $s${NS:+ n=$NS} after ${PEER_TIMEOUT}s" | tee -a "$OUT/peers.txt"
        fi
        grep -E "^peer-bench|^# cpu" "$OUT/peer-$lib-$s.txt" >> "$OUT/peers.txt" || true
      done
    else
      # shellcheck disable=SC2086
      "$PEER" --scenario "$s" $SIZES | grep -E "^peer-bench|^# cpu" >> "$OUT/peers.txt"
    fi
  done
done
echo "# loadavg at end $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$(dirname "$0")/table.py" "$OUT/peers.txt" "$OUT/ours.txt"
