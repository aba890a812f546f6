# Shared helpers of the publishing benchmarks: a release satudata on SQLite + local files in a
# scratch folder, seeded through the CLI, and a table taken through the whole lifecycle.
# Source it; it sets BIN, WORK, PORT, URL, TOKEN.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR_RELEASE:-$HOME/.cache/satudata-target-release}"
# BIN=path runs a given binary instead (to compare two builds in turns). With PERF set, the
# `profiling` profile is built: the release code with line tables (the release binary has none).
if [ -z "${BIN:-}" ]; then
    BENCH_PROFILE=release
    [ -n "${PERF:-}" ] && BENCH_PROFILE=profiling
    cargo build --profile "$BENCH_PROFILE" --locked --bin satudata
    BIN="$CARGO_TARGET_DIR/$BENCH_PROFILE/satudata"
fi
VENV="$HOME/.cache/satudata-bench-venv"
if [ ! -x "$VENV/bin/datasette" ] || [ ! -x "$VENV/bin/sqlite-utils" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check 'polars==1.*' pyarrow frictionless datasette sqlite-utils
fi
for tool in wrk nginx; do
    command -v "$tool" >/dev/null || { echo "needs $tool (Debian: apt-get install wrk nginx-light)"; exit 1; }
done
GEN="${GEN:-../shared/tools/gen_sdi_csv.py}"
WORK=$(mktemp -d /tmp/satudata-bench.XXXXXX)
PORT="${PORT:-18181}"
URL="http://127.0.0.1:$PORT"
SERVER_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
    [ -n "${EXTRA_PIDS:-}" ] && kill $EXTRA_PIDS 2>/dev/null
    [ -n "${KEEP_LOG:-}" ] && cp "$WORK/serve.log" "$KEEP_LOG"
    rm -rf "$WORK"
}
trap cleanup EXIT
export SATUDATA_DATABASE_URL="sqlite://$WORK/satudata.db" SATUDATA_STORAGE="file://$WORK/objects" \
    SATUDATA_CACHE_DIR="$WORK/cache" SATUDATA_LISTEN="127.0.0.1:$PORT" SATUDATA_LOG="${SATUDATA_LOG:-warn}"
"$BIN" migrate 2>/dev/null
"$BIN" org add --slug dinkes --name "Dinas Kesehatan" 2>/dev/null
"$BIN" user add --email walidata@bench.go.id --name Walidata --role walidata 2>/dev/null
TOKEN=$("$BIN" token create --email walidata@bench.go.id)
("$BIN" serve >"$WORK/serve.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -fsS "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

machine() { echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"; }

api() { # method path [curl args...]
    local method=$1 path=$2; shift 2
    curl -fsS -X "$method" -H "Authorization: Bearer $TOKEN" "$URL$path" "$@"
}

# finish ANSWER: an upload or publish answer (JSON); when it is 202 with a job still running,
# waits for the job to end (uploads and publications are background jobs). Fails if it failed.
finish() {
    local url state
    url=$(printf '%s' "$1" | python3 -c 'import json,sys; j=json.load(sys.stdin).get("job") or {}; print("" if j.get("state") in (None, "done") else j["url"])')
    [ -z "$url" ] && return 0
    while :; do
        state=$(api GET "/api/v1/jobs/${url##*/}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')
        case $state in
            done) return 0 ;;
            failed) echo "job $url failed" >&2; return 1 ;;
        esac
        sleep 0.2
    done
}

# publish_table SLUG CSV: upload, submit, approve; prints seconds the publish call took,
# appends the seconds the upload call took (stored, validated, cleaned) to $WORK/upload_times
# and the CPU seconds the server spent publishing to $WORK/publish_cpu.
publish_table() {
    local slug=$1 csv=$2
    api POST /api/v1/datasets -H 'Content-Type: application/json' \
        -d "{\"title\": \"$slug\", \"slug\": \"$slug\", \"organization\": \"dinkes\"}" >/dev/null
    local up_start up_end
    up_start=$(date +%s.%N)
    finish "$(api POST "/api/v1/datasets/$slug/versions" -H 'Content-Type: text/csv' -T "$csv")"
    up_end=$(date +%s.%N)
    echo "$up_end - $up_start" | bc -l >>"$WORK/upload_times"
    api POST "/api/v1/datasets/$slug/versions/1/submit" >/dev/null
    api POST "/api/v1/datasets/$slug/versions/1/review" -H 'Content-Type: application/json' \
        -d '{"decision": "approve"}' >/dev/null
    local start end
    local perf_pid=""
    if [ -n "${PERF:-}" ]; then
        perf record -q ${PERF_CALLGRAPH:--g} -p "$(pgrep -n -f -- "$BIN serve")" -o "$PERF.$slug" 2>/dev/null &
        perf_pid=$!
        sleep 0.5
    fi
    local pid ticks_before
    pid=$(pgrep -n -f -- "$BIN serve")
    ticks_before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    start=$(date +%s.%N)
    finish "$(api POST "/api/v1/datasets/$slug/versions/1/publish")"
    end=$(date +%s.%N)
    # CPU seconds the server spent on the publish (user + system, all threads).
    echo "($(awk '{print $14 + $15}' "/proc/$pid/stat") - $ticks_before) / $(getconf CLK_TCK)" | bc -l >>"$WORK/publish_cpu"
    if [ -n "$perf_pid" ]; then kill -INT "$perf_pid" && wait "$perf_pid" || true; fi
    echo "$end - $start" | bc -l
}

# wrk_p95 URL CONNECTIONS SECONDS: prints "requests/s p50_ms p95_ms p99_ms errors".
wrk_stats() {
    local url=$1 conns=$2 secs=$3
    cat >"$WORK/stats.lua" <<'LUA'
done = function(summary, latency, requests)
    local errors = summary.errors.status + summary.errors.connect + summary.errors.read
        + summary.errors.write + summary.errors.timeout
    io.write(string.format("STATS %.1f %.1f %.1f %.1f %d\n", summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors))
end
LUA
    wrk -t2 -c"$conns" -d"${secs}s" --timeout 30s -s "$WORK/stats.lua" "$url" | awk '/^STATS/ {print $2, $3, $4, $5, $6}'
}
