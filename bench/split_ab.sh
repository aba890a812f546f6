#!/usr/bin/env bash
# The crate split against its counterfactual (issue 17), on today's code: REV (default HEAD) as
# it is, and REV with storage, publish, dataquery and harvest folded back into the catalog crate
# (bench/unsplit.py). Both clones share one target folder ($CARGO_TARGET_DIR, default
# $HOME/.cache/satudata-target): the registry dependencies are built once, each clone's own
# crates separately. After a warm-up build of each, TURNS rounds alternate between the clones:
# touch the domain file (crates/catalog/src/organizations.rs), `cargo build -p satudata-tests
# --tests`; then the same after touching the publish writers. Alternating spreads the
# machine's load over both sides, and which side goes first changes every turn.
# Prints a tab-separated table: layout, file touched, turn, seconds, 1-minute load before.
# Usage: [TURNS=4] bench/split_ab.sh [REV]   (~5 minutes plus the first builds of the clones)
# The unsplit clone builds the test binary only: bench/unsplit.py does not merge the moved
# crates' dev-dependencies, so the catalog's own unit tests would not compile there.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
TURNS="${TURNS:-4}"
REV=$(git rev-parse --verify "${1:-HEAD}^{commit}")
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/satudata-target}"
WORK=$(mktemp -d /tmp/satudata-bench-ab.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
for side in split unsplit; do
    git clone --quiet "$REPO" "$WORK/$side"
    git -C "$WORK/$side" checkout --quiet --detach "$REV"
done
python3 bench/unsplit.py "$WORK/unsplit" >/dev/null

declare -A WRITERS=([split]=crates/publish/src/writers.rs
    [unsplit]=crates/catalog/src/publish/writers.rs)
for side in split unsplit; do
    (cd "$WORK/$side" && cargo build -p satudata-tests --tests --quiet) ||
        { echo "$side does not build" >&2; exit 1; }
done
echo "# $(git rev-parse --short "$REV"), $(nproc) cores, $(cargo --version)"
printf 'layout\ttouched\tturn\tseconds\tload before\n'
for file in domain publish; do
    for turn in $(seq 1 "$TURNS"); do
        order="split unsplit"
        [ $((turn % 2)) = 0 ] && order="unsplit split"
        for side in $order; do
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
