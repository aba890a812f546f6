#!/usr/bin/env bash
# Two builds' publish of 1M-row tables compared in turns (issue 4's publish target is measured by
# publish_download.sh; this compares builds, whose difference is smaller than the hour's noise):
# ROUNDS rounds, each publishing PER fresh tables with build A, then PER with build B, every
# publish its own dataset. Prints per build the median and minimum wall time of the publish call
# and the server's CPU seconds for it (user + system, all threads).
# Usage: [ROUNDS=3] [PER=4] bench/publish_turns.sh BIN_A BIN_B [ROWS]
# (build the other commit with a CARGO_TARGET_DIR of its own; see BENCHMARKS.md)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ $# -ge 2 ] || { echo "usage: bench/publish_turns.sh BIN_A BIN_B [ROWS]" >&2; exit 2; }
A=$1 B=$2 ROWS=${3:-1000000}
for bin in "$A" "$B"; do [ -x "$bin" ] || { echo "not an executable: $bin" >&2; exit 2; }; done
results=$(mktemp)
one_build() { # BIN: starts it (lib.sh), publishes PER fresh tables, prints "name wall cpu" lines
    BIN=$1 ROWS=$ROWS PER=${PER:-4} bash -c '
        source "'"$here"'/lib.sh"
        for run in $(seq 1 "$PER"); do
            python3 "$GEN" --rows "$ROWS" --seed "$run" --out "$WORK/data-$run.csv" 2>/dev/null
            seconds=$(publish_table "t-$run" "$WORK/data-$run.csv")
            echo "$BIN $seconds $(tail -1 "$WORK/publish_cpu")"
        done' 2>/dev/null | grep -F -- "$1 "
}
for _ in $(seq 1 "${ROUNDS:-3}"); do
    one_build "$A" >>"$results"
    one_build "$B" >>"$results"
done
python3 - "$results" "$A" "$B" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
for build in sys.argv[2:]:
    wall = [float(r[1]) for r in rows if r[0] == build]
    cpu = [float(r[2]) for r in rows if r[0] == build]
    print(f"{build}: {len(wall)} publishes, wall median {statistics.median(wall):.3f} s "
          f"(min {min(wall):.3f}), server CPU median {statistics.median(cpu):.2f} s")
PY
rm -f "$results"
