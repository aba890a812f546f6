#!/usr/bin/env bash
# The crate split against its counterfactual (issue 17), on today's code: HEAD as it is, and
# HEAD with storage, publish, dataquery and harvest folded back into the catalog crate
# (bench/unsplit.py). Both clones share one target folder ($CARGO_TARGET_DIR, default
# $HOME/.cache/satudata-target): the registry dependencies are built once, each clone's own
# crates separately. After a warm-up build of each, TURNS rounds alternate between the clones:
# touch the domain file (crates/catalog/src/organizations.rs), `cargo build -p satudata-tests
# --tests`; then the same after touching the publish writers. Alternating spreads the
# machine's load over both sides.
# Prints a tab-separated table: layout, file touched, turn, seconds, 1-minute load before.
# Usage: [TURNS=4] bench/split_ab.sh    (~5 minutes plus the first builds of the two clones)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
TURNS="${TURNS:-4}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/satudata-target}"
WORK=$(mktemp -d /tmp/satudata-bench-ab.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
git clone --quiet "$REPO" "$WORK/split"
git clone --quiet "$REPO" "$WORK/unsplit"
python3 bench/unsplit.py "$WORK/unsplit" >/dev/null

declare -A WRITERS=([split]=crates/publish/src/writers.rs
    [unsplit]=crates/catalog/src/publish/writers.rs)
for side in split unsplit; do
    (cd "$WORK/$side" && cargo build -p satudata-tests --tests --quiet) ||
        { echo "$side does not build" >&2; exit 1; }
done
printf 'layout\ttouched\tturn\tseconds\tload before\n'
for file in domain publish; do
    for turn in $(seq 1 "$TURNS"); do
        for side in split unsplit; do
            path=crates/catalog/src/organizations.rs
            [ "$file" = publish ] && path=${WRITERS[$side]}
            touch "$WORK/$side/$path"
            load=$(cut -d' ' -f1 /proc/loadavg)
            t0=$(date +%s.%N)
            (cd "$WORK/$side" && cargo build -p satudata-tests --tests --quiet)
            t1=$(date +%s.%N)
            printf '%s\t%s\t%s\t%.2f\t%s\n' "$side" "$path" "$turn" \
                "$(echo "$t1 - $t0" | bc -l)" "$load"
        done
    done
done
