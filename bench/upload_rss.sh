#!/usr/bin/env bash
# Streams a large CSV upload into a running `satudata serve` and reports how much the server's
# resident memory grew. Usage: bench/upload_rss.sh [SIZE_ROWS] (default 8,500,000 rows ≈ 1 GB).
# PROFILE=release uses the release binary (default: the debug binary CI already builds).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-8500000}"
PROFILE="${PROFILE:-debug}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/satudata-target}"
if [ "$PROFILE" = release ]; then cargo build --release --locked --bin satudata; else cargo build --locked --bin satudata; fi
BIN="$CARGO_TARGET_DIR/$PROFILE/satudata"
WORK=$(mktemp -d /tmp/satudata-bench.XXXXXX)
PORT="${PORT:-18181}"
cleanup() { [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

GEN="${GEN:-../shared/tools/gen_sdi_csv.py}"
echo "generating $ROWS rows with $GEN ..."
python3 "$GEN" --rows "$ROWS" --out "$WORK/big.csv"
SIZE=$(stat -c %s "$WORK/big.csv")
echo "file: $SIZE bytes"

export SATUDATA_DATABASE_URL="sqlite://$WORK/data/satudata.db" SATUDATA_STORAGE="file://$WORK/data/objects"
export SATUDATA_LISTEN="127.0.0.1:$PORT" SATUDATA_LOG=warn
"$BIN" org add --slug dinkes --name "Dinas Kesehatan" 2>/dev/null
"$BIN" user add --email bench@satudata.test --name Bench --role walidata 2>/dev/null
TOKEN=$("$BIN" token create --email bench@satudata.test)
"$BIN" serve &
PID=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"title":"Kunjungan Puskesmas","organization":"dinkes"}' "http://127.0.0.1:$PORT/api/v1/datasets" >/dev/null

rss() { awk -v k="$1" '$1==k":" {print $2}' "/proc/$PID/status"; }
BEFORE=$(rss VmRSS)
START=$(date +%s.%N)
# -T streams the file from disk (curl's --data-binary would read it all into curl's memory).
RESULT=$(curl -fsS -X POST -T "$WORK/big.csv" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/csv' \
    "http://127.0.0.1:$PORT/api/v1/datasets/kunjungan-puskesmas/versions")
END=$(date +%s.%N)
PEAK=$(rss VmHWM)
echo "$RESULT" | python3 -c 'import json,sys; v=json.load(sys.stdin); print("stored version", v["number"], "rows", v["row_count"], "bytes", v["byte_size"])'
python3 - "$SIZE" "$BEFORE" "$PEAK" "$START" "$END" <<'PY'
import sys
size, before, peak, start, end = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
secs = end - start
print(f"upload: {size/1e9:.2f} GB in {secs:.1f} s ({size/1e6/secs:.0f} MB/s)")
print(f"server RSS before upload: {before/1024:.1f} MiB, peak during upload (VmHWM): {peak/1024:.1f} MiB, growth: {(peak-before)/1024:.1f} MiB")
PY
