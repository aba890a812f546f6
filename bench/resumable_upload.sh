#!/usr/bin/env bash
# The workspace's resumable upload (issue 20): a ~500 MB CSV sent in 4 MiB chunks over a link
# paced to RATE MB/s whose connection is cut halfway through every DROP-th chunk; the client
# asks the server's offset after each cut and goes on (bench/resumable_upload.py). Prints the
# client's timings, the server's peak resident memory, and checks that the stored version is
# byte for byte the file.
# Usage: bench/resumable_upload.sh [ROWS] [RATE] [DROP]   (defaults 4250000 ≈ 500 MB, 25, 10)
# Release binary, built into ~/.cache/satudata-target-release (BIN=path runs another one).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-4250000}"
RATE="${2:-25}"
DROP="${3:-10}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR_RELEASE:-$HOME/.cache/satudata-target-release}"
if [ -z "${BIN:-}" ]; then
    cargo build --release --locked --bin satudata
    BIN="$CARGO_TARGET_DIR/release/satudata"
fi
WORK=$(mktemp -d /tmp/satudata-bench.XXXXXX)
PORT="${PORT:-18183}"
URL="http://127.0.0.1:$PORT"
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

GEN="${GEN:-../shared/tools/gen_sdi_csv.py}"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
python3 "$GEN" --rows "$ROWS" --out "$WORK/big.csv"
echo "file: $(stat -c %s "$WORK/big.csv") bytes"
export SATUDATA_DATABASE_URL="sqlite://$WORK/data/satudata.db" SATUDATA_STORAGE="file://$WORK/data/objects" \
    SATUDATA_CACHE_DIR="$WORK/data/cache" SATUDATA_LISTEN="127.0.0.1:$PORT" SATUDATA_LOG=warn \
    SATUDATA_BASE_URL="$URL"
"$BIN" migrate 2>/dev/null
"$BIN" org add --slug dinkes --name "Dinas Kesehatan" 2>/dev/null
"$BIN" user add --email bench@satudata.test --name Bench --role walidata 2>/dev/null
TOKEN=$("$BIN" token create --email bench@satudata.test)
"$BIN" serve >"$WORK/serve.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do curl -fsS "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$URL/api/v1/datasets" \
    -d '{"title": "Kunjungan Besar", "slug": "kunjungan-besar", "organization": "dinkes"}' >/dev/null
python3 bench/resumable_upload.py "$URL" "$TOKEN" kunjungan-besar "$WORK/big.csv" --rate "$RATE" --drop "$DROP"
echo "server peak RSS: $(awk '$1=="VmHWM:" {printf "%.0f MiB", $2/1024}' "/proc/$PID/status")"
curl -fsS -H "Authorization: Bearer $TOKEN" "$URL/kelola/dataset/kunjungan-besar/versi/1/berkas" -o "$WORK/back.csv"
cmp "$WORK/big.csv" "$WORK/back.csv" && echo "stored version: byte-identical"
