#!/usr/bin/env bash
# Uploads answer after the transfer, not after validation (issue 21): a ~2 GB CSV upload's
# request time against its transfer time and its validation job's time, then N concurrent
# ~100 MB uploads with the server's peak resident memory.
# Usage: bench/upload_jobs.sh [BIG_COPIES] [CONCURRENT]   (defaults 20 and 20)
# The big file is the 100 MB file's rows repeated BIG_COPIES times (≈ 2 GB). Release binary,
# built into ~/.cache/satudata-target-release (BIN=path runs another one).
set -euo pipefail
cd "$(dirname "$0")/.."
COPIES="${1:-20}"
CONCURRENT="${2:-20}"
ROWS="${ROWS:-850000}"   # ≈ 100 MB with the generator's 14 columns
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR_RELEASE:-$HOME/.cache/satudata-target-release}"
if [ -z "${BIN:-}" ]; then
    cargo build --release --locked --bin satudata
    BIN="$CARGO_TARGET_DIR/release/satudata"
fi
WORK=$(mktemp -d /tmp/satudata-bench.XXXXXX)
PORT="${PORT:-18182}"
URL="http://127.0.0.1:$PORT"
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

GEN="${GEN:-../shared/tools/gen_sdi_csv.py}"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
echo "generating $ROWS rows ..."
python3 "$GEN" --rows "$ROWS" --out "$WORK/100m.csv"
{ cat "$WORK/100m.csv"; for _ in $(seq 2 "$COPIES"); do tail -n +2 "$WORK/100m.csv"; done; } >"$WORK/big.csv"
echo "files: $(stat -c %s "$WORK/100m.csv") and $(stat -c %s "$WORK/big.csv") bytes"

export SATUDATA_DATABASE_URL="sqlite://$WORK/data/satudata.db" SATUDATA_STORAGE="file://$WORK/data/objects" \
    SATUDATA_CACHE_DIR="$WORK/data/cache" SATUDATA_LISTEN="127.0.0.1:$PORT" SATUDATA_LOG=warn
"$BIN" migrate 2>/dev/null
"$BIN" org add --slug dinkes --name "Dinas Kesehatan" 2>/dev/null
"$BIN" user add --email bench@satudata.test --name Bench --role walidata 2>/dev/null
TOKEN=$("$BIN" token create --email bench@satudata.test)
"$BIN" serve >"$WORK/serve.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do curl -fsS "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
api() { local method=$1 path=$2; shift 2; curl -fsS -X "$method" -H "Authorization: Bearer $TOKEN" "$URL$path" "$@"; }
for i in $(seq 0 "$CONCURRENT"); do
    api POST /api/v1/datasets -H 'Content-Type: application/json' \
        -d "{\"title\": \"Kunjungan $i\", \"slug\": \"kunjungan-$i\", \"organization\": \"dinkes\"}" >/dev/null
done
rss() { awk -v k="$1" '$1==k":" {print $2}' "/proc/$PID/status"; }
# Waits for a job (its URL) to end; prints its state.
wait_job() {
    local url=$1 state
    while :; do
        state=$(api GET "${url#"$URL"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')
        case $state in done|failed) echo "$state"; return ;; esac
        sleep 0.5
    done
}

echo "--- one upload of the big file"
START=$(date +%s.%N)
# -T streams the file from disk; %{time_starttransfer} is when the answer's first byte came.
curl -fsS -o "$WORK/big.json" -w '%{time_starttransfer} %{size_upload} %{http_code}\n' -X POST -T "$WORK/big.csv" \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/csv' \
    "$URL/api/v1/datasets/kunjungan-0/versions" >"$WORK/big.timing"
ANSWERED=$(date +%s.%N)
JOB=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["job"]["url"])' "$WORK/big.json")
STATE=$(wait_job "$JOB")
DONE=$(date +%s.%N)
read -r _ SENT CODE <"$WORK/big.timing"
python3 - "$START" "$ANSWERED" "$DONE" "$SENT" "$CODE" "$STATE" <<'PY'
import sys
start, answered, done = map(float, sys.argv[1:4])
sent, code, state = int(sys.argv[4]), sys.argv[5], sys.argv[6]
print(f"request: {sent/1e9:.2f} GB sent, answered {code} after {answered-start:.1f} s "
      f"({sent/1e6/(answered-start):.0f} MB/s); validation job {state} after {done-start:.1f} s")
PY

echo "--- $CONCURRENT concurrent uploads of the 100 MB file"
BEFORE=$(rss VmRSS)
START=$(date +%s.%N)
for i in $(seq 1 "$CONCURRENT"); do
    curl -fsS -o "$WORK/up-$i.json" -X POST -T "$WORK/100m.csv" -H "Authorization: Bearer $TOKEN" \
        -H 'Content-Type: text/csv' -H 'Prefer: respond-async' "$URL/api/v1/datasets/kunjungan-$i/versions" &
done
wait $(jobs -p | grep -v "^$PID$") 2>/dev/null || true
ANSWERED=$(date +%s.%N)
FAILED=0
for i in $(seq 1 "$CONCURRENT"); do
    JOB=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["job"]["url"])' "$WORK/up-$i.json")
    [ "$(wait_job "$JOB")" = done ] || FAILED=$((FAILED + 1))
done
DONE=$(date +%s.%N)
PEAK=$(rss VmHWM)
python3 - "$START" "$ANSWERED" "$DONE" "$BEFORE" "$PEAK" "$CONCURRENT" "$FAILED" <<'PY'
import sys
start, answered, done = map(float, sys.argv[1:4])
before, peak, n, failed = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
print(f"{n} uploads answered within {answered-start:.1f} s, all validated after {done-start:.1f} s, "
      f"{failed} failed")
print(f"server RSS before: {before/1024:.1f} MiB, peak over the whole run (VmHWM): {peak/1024:.1f} MiB")
PY
