#!/usr/bin/env bash
# Build times of two revisions (issue 17: every edit to a domain file recompiled the polars- and
# RDF-heavy code; the crate split was meant to make that rebuild faster). Each revision is cloned
# into a scratch folder and built with a cold CARGO_TARGET_DIR of its own
# ($HOME/.cache/satudata-bt-<rev>, deleted first), one revision after the other:
#   1. cold `cargo build --workspace --tests`
#   2. the same after touching a domain file (crates/catalog/src/organizations.rs)
#   3. the same after touching the publish writers (crates/catalog/src/formats/writers.rs before
#      the split, crates/publish/src/writers.rs after: whichever the revision has)
#   4. the domain file touched again, the same build
# then, both target folders warm, TURNS rounds alternating between the revisions of
# `cargo build -p satudata-tests --tests` after touching the domain file (alternating spreads
# the machine's load over both sides; the single builds above carry it).
# Prints a tab-separated table: revision, step, seconds, 1-minute load average before the step.
# Usage: [TURNS=2] bench/build_times.sh [REV_BEFORE] [REV_AFTER]   (defaults c14fbf5 and HEAD)
# Takes 40+ minutes and ~2 target folders of disk on the 2-core VM; run it on an idle machine.
# Only committed code is measured (the clones are taken from this repository's commits). The
# target folders are kept afterwards, e.g. for `cargo build --timings` in the same state.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
BEFORE=$(git rev-parse --verify --short "${1:-c14fbf5}^{commit}")
AFTER=$(git rev-parse --verify --short "${2:-HEAD}^{commit}")
[ "$BEFORE" != "$AFTER" ] || { echo "both revisions are $BEFORE" >&2; exit 2; }
TURNS="${TURNS:-2}"
DOMAIN_FILE=crates/catalog/src/organizations.rs
WORK=$(mktemp -d /tmp/satudata-bench-bt.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
RESULTS="$WORK/results.tsv"
: >"$RESULTS"

target_dir() { echo "$HOME/.cache/satudata-bt-$1"; }

writers_file() { # REV: the publish writers' source file in that revision's clone
    local file
    for file in crates/publish/src/writers.rs crates/catalog/src/formats/writers.rs; do
        [ -f "$WORK/$1/$file" ] && { echo "$file"; return; }
    done
    echo "$1 has no publish writers file" >&2
    exit 1
}

measure() { # REV LABEL COMMAND...: runs COMMAND in REV's clone with REV's target folder
    local rev=$1 label=$2; shift 2
    local load t0 t1 secs
    load=$(cut -d' ' -f1 /proc/loadavg)
    t0=$(date +%s.%N)
    if (cd "$WORK/$rev" && CARGO_TARGET_DIR="$(target_dir "$rev")" "$@") >"$WORK/build.log" 2>&1; then
        t1=$(date +%s.%N)
        secs=$(printf '%.1f' "$(echo "$t1 - $t0" | bc -l)")
    else
        secs=failed
        tail -n 20 "$WORK/build.log" >&2
    fi
    printf '%s\t%s\t%s\t%s\n' "$rev" "$label" "$secs" "$load" | tee -a "$RESULTS" >&2
}

for rev in "$BEFORE" "$AFTER"; do
    git clone --quiet --no-checkout "$REPO" "$WORK/$rev"
    git -C "$WORK/$rev" checkout --quiet --detach "$rev"
    [ -f "$WORK/$rev/$DOMAIN_FILE" ] || { echo "$rev has no $DOMAIN_FILE" >&2; exit 1; }
done

for rev in "$BEFORE" "$AFTER"; do
    rm -rf "$(target_dir "$rev")"
    writers=$(writers_file "$rev")
    measure "$rev" "cold build --workspace --tests" cargo build --workspace --tests --locked
    touch "$WORK/$rev/$DOMAIN_FILE"
    measure "$rev" "build --workspace --tests after touching $DOMAIN_FILE" \
        cargo build --workspace --tests --locked
    touch "$WORK/$rev/$writers"
    measure "$rev" "build --workspace --tests after touching $writers" \
        cargo build --workspace --tests --locked
    touch "$WORK/$rev/$DOMAIN_FILE"
    measure "$rev" "build --workspace --tests after touching $DOMAIN_FILE (again)" \
        cargo build --workspace --tests --locked
done

for turn in $(seq 1 "$TURNS"); do
    for rev in "$BEFORE" "$AFTER"; do
        touch "$WORK/$rev/$DOMAIN_FILE"
        measure "$rev" "build -p satudata-tests --tests after touching $DOMAIN_FILE (turn $turn)" \
            cargo build -p satudata-tests --tests --locked
    done
done

echo "# machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); $(cargo --version)"
printf 'revision\tstep\tseconds\tload before\n'
cat "$RESULTS"
