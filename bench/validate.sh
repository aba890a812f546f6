#!/usr/bin/env bash
# Validation speed and memory (issue 3, point 8), all measured in one run on one machine:
#   1. satudata validate FILE --schema S --reference R  (release binary)
#   2. polars reading the same file with every column as a string and writing it as Parquet
#   3. frictionless-py validating the same file with the same schema
#   4. a ~2 GB file (17M rows) through the same streaming path: time and peak RSS
# Usage: bench/validate.sh [ROWS] [BIG_ROWS]   (defaults 1000000 and 17000000; BIG_ROWS=0 skips 4)
# Needs: python3 (the generator), npm (idn-area-data), and a virtual environment with polars and
# frictionless, created here on first use in ~/.cache/satudata-bench-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-1000000}"
BIG="${2:-17000000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR_RELEASE:-$HOME/.cache/satudata-target-release}"
cargo build --release --locked --bin satudata
BIN="$CARGO_TARGET_DIR/release/satudata"
VENV="$HOME/.cache/satudata-bench-venv"
if [ ! -x "$VENV/bin/frictionless" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check 'polars==1.*' pyarrow frictionless
fi
REF="$HOME/.cache/satudata-ref/idn-area-data-4.0.1.tgz"
[ -f "$REF" ] || (mkdir -p "$(dirname "$REF")" && cd "$(dirname "$REF")" && npm pack --silent idn-area-data@4.0.1 >/dev/null)
GEN="${GEN:-../shared/tools/gen_sdi_csv.py}"
WORK=$(mktemp -d /tmp/satudata-bench-validate.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

measure() { # label, command...: prints seconds and peak RSS (MiB) of the command
    local label=$1; shift
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" || true
    read -r secs kib < <(tail -n 1 "$WORK/time")
    printf '%-44s %8.2f s  %8.1f MiB peak RSS\n' "$label" "$secs" "$(echo "$kib/1024" | bc -l)"
    echo "$secs" >"$WORK/last"
}

python3 "$GEN" --rows "$ROWS" --errors 10 --out "$WORK/data.csv" --schema-out "$WORK/schema.json" 2>"$WORK/planted"
SIZE=$(stat -c %s "$WORK/data.csv")
echo "file: $ROWS rows, $SIZE bytes; machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"

measure "satudata validate (schema + Kemendagri list)" "$BIN" validate "$WORK/data.csv" \
    --schema "$WORK/schema.json" --reference "$REF" --format json
OURS=$(cat "$WORK/last")
python3 - "$WORK/out" "$WORK/planted" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
planted = sum(1 for _ in open(sys.argv[2]))
print(f"  report: valid={report['valid']} errors={report['error_count']} (planted {planted}), rows={report['table']['row_count']}")
PY
measure "polars: read as strings + write Parquet" "$VENV/bin/python" -c \
    'import sys, polars as pl; pl.read_csv(sys.argv[1], infer_schema=False).write_parquet(sys.argv[2])' \
    "$WORK/data.csv" "$WORK/data.parquet"
[ -s "$WORK/data.parquet" ] || { echo "polars failed:"; cat "$WORK/err"; exit 1; }
POLARS=$(cat "$WORK/last")
echo "  ratio satudata / polars: $(echo "$OURS / $POLARS" | bc -l | cut -c1-5) (target <= 2)"
# frictionless refuses absolute paths unless trusted: run it inside the folder.
(cd "$WORK" && measure "frictionless validate (same schema)" "$VENV/bin/frictionless" validate data.csv \
    --schema schema.json --limit-errors 1000)
FRICTIONLESS=$(cat "$WORK/last")
echo "  frictionless / satudata: $(echo "$FRICTIONLESS / $OURS" | bc -l | cut -c1-6)x (target >= 50)"

if [ "$BIG" != 0 ]; then
    rm -f "$WORK/data.csv" "$WORK/data.parquet"
    python3 "$GEN" --rows "$BIG" --errors 10 --out "$WORK/big.csv" --schema-out "$WORK/schema.json" 2>/dev/null
    echo "big file: $BIG rows, $(stat -c %s "$WORK/big.csv") bytes"
    measure "satudata validate, big file (streaming)" "$BIN" validate "$WORK/big.csv" \
        --schema "$WORK/schema.json" --reference "$REF" --format json
fi
