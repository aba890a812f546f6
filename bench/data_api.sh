#!/usr/bin/env bash
# Issue 4, point 5, first figure: the data API on a 10M-row published table, `limit=100` with one
# equality and one range filter, 20 concurrent clients (wrk, 30 s), against datasette serving
# the same table loaded with sqlite-utils (types detected, no indexes added), same query, same
# concurrency, measured side by side. Targets: p95 <= 50 ms; >= 3x datasette's requests/s.
# Usage: bench/data_api.sh [ROWS]   (default 10000000)
source "$(dirname "$0")/lib.sh"
ROWS="${1:-10000000}"
machine
python3 "$GEN" --rows "$ROWS" --out "$WORK/data.csv" 2>/dev/null
echo "table: $ROWS rows, $(stat -c %s "$WORK/data.csv") bytes"
publish=$(publish_table kunjungan "$WORK/data.csv")
printf 'published in %.1f s\n' "$publish"
QUERY='filter[jenis_layanan]=Imunisasi&filter[tahun][gte]=2020&limit=100'
curl -fsS -g "$URL/api/v1/datasets/kunjungan/data?$QUERY" -o "$WORK/first.json"
python3 -c "import json,sys; d=json.load(open('$WORK/first.json')); print('satudata: total', d['total'], 'rows', len(d['items']))"
read -r rps p50 p95 p99 errors < <(wrk_stats "$URL/api/v1/datasets/kunjungan/data?$QUERY" 20 30)
printf 'satudata (page cache on) : %8.1f req/s  p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  errors %s\n' "$rps" "$p50" "$p95" "$p99" "$errors"
# The same query with the page cache off: every request runs the polars plan.
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
(SATUDATA_DATA_CACHE_ENTRIES=0 "$BIN" serve >>"$WORK/serve.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -fsS "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
read -r nc_rps nc_p50 nc_p95 nc_p99 nc_errors < <(wrk_stats "$URL/api/v1/datasets/kunjungan/data?$QUERY" 20 30)
printf 'satudata (page cache off): %8.1f req/s  p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  errors %s\n' "$nc_rps" "$nc_p50" "$nc_p95" "$nc_p99" "$nc_errors"
# Distinct questions, as a public audience asks them: each request draws a service (8), a first
# year (2010-2024) and a page (offset 0-900): 1,200 pages over 120 exact totals, none of them
# known when the run starts (server restarted with its default caches).
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
("$BIN" serve >>"$WORK/serve.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -fsS "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
cat >"$WORK/vary.lua" <<'LUA'
local services = {"Rawat%20Jalan", "Rawat%20Inap", "Imunisasi", "KIA", "Gigi", "Laboratorium", "Gizi", "Lansia"}
request = function()
    return wrk.format("GET", "/api/v1/datasets/kunjungan/data?filter[jenis_layanan]=" .. services[math.random(#services)]
        .. "&filter[tahun][gte]=" .. math.random(2010, 2024) .. "&limit=100&offset=" .. math.random(0, 9) * 100)
end
done = function(summary, latency, requests)
    io.write(string.format("STATS %.1f %.1f %.1f %.1f %d\n", summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
        summary.errors.status + summary.errors.timeout))
end
LUA
read -r vq_rps vq_p50 vq_p95 vq_p99 vq_errors < <(wrk -t2 -c20 -d30s --timeout 30s -s "$WORK/vary.lua" "$URL" | awk '/^STATS/ {print $2, $3, $4, $5, $6}')
printf 'satudata (distinct questions, first sight): %8.1f req/s  p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  errors %s\n' "$vq_rps" "$vq_p50" "$vq_p95" "$vq_p99" "$vq_errors"

# sqlite-utils detects column types by default.
"$VENV/bin/sqlite-utils" insert "$WORK/bench.db" kunjungan "$WORK/data.csv" --csv >/dev/null
DS_PORT=$((PORT + 2))
("$VENV/bin/datasette" serve "$WORK/bench.db" --port "$DS_PORT" --setting sql_time_limit_ms 5000 >"$WORK/datasette.log" 2>&1) &
EXTRA_PIDS=$!
DS_QUERY='jenis_layanan=Imunisasi&tahun__gte=2020&_size=100'
# datasette opens a multi-GB database slowly on this machine: wait up to two minutes.
for _ in $(seq 1 600); do curl -fsS -o /dev/null "http://127.0.0.1:$DS_PORT/bench/kunjungan.json?$DS_QUERY" 2>/dev/null && break; sleep 0.2; done
curl -fsS -o /dev/null "http://127.0.0.1:$DS_PORT/bench/kunjungan.json?$DS_QUERY" || { echo "datasette did not answer:"; cat "$WORK/datasette.log"; exit 1; }
read -r ds_rps ds_p50 ds_p95 ds_p99 ds_errors < <(wrk_stats "http://127.0.0.1:$DS_PORT/bench/kunjungan.json?$DS_QUERY" 20 30)
printf 'datasette: %8.1f req/s  p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  errors %s\n' "$ds_rps" "$ds_p50" "$ds_p95" "$ds_p99" "$ds_errors"
printf 'ratio: %.1fx datasette with the page cache, %.1fx without (target >= 3x); p95 target <= 50 ms\n' \
    "$(echo "$rps / $ds_rps" | bc -l)" "$(echo "$nc_rps / $ds_rps" | bc -l)"
