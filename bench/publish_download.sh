#!/usr/bin/env bash
# Issue 4, point 5, second and third figures, in one run on one machine:
#   - publish of a 1M-row validated version (clean CSV, JSON, Parquet, XLSX written and stored)
#     against polars (Python) reading the same CSV and writing Parquet: target <= 3x;
#   - download throughput of the published 1M-row CSV against nginx serving the same file from
#     disk, wrk with 8 connections for 15 s each: target >= 80%.
# Usage: [RUNS=5] [PERF=file] [PUBLISH_ONLY=1] [SAME_TABLE=1] [BIN=path] bench/publish_download.sh [ROWS]
# (ROWS defaults to 1000000)
# PERF=file records the server with perf during every publish call (perf record -g);
# PUBLISH_ONLY=1 skips the download comparison.
source "$(dirname "$0")/lib.sh"
ROWS="${1:-1000000}"
machine
RUNS="${RUNS:-5}"
# One table per run (another seed each): every publish writes new files, as a new version's
# publish does. SAME_TABLE=1 publishes one table every time instead: from the second run on,
# every blob is already stored and is replaced (see BENCHMARKS.md).
for run in $(seq 1 "$RUNS"); do
    seed=$run; [ -n "${SAME_TABLE:-}" ] && seed=1
    python3 "$GEN" --rows "$ROWS" --seed "$seed" --out "$WORK/data-$run.csv" 2>/dev/null
done
echo "tables: $RUNS of $ROWS rows, $(stat -c %s "$WORK/data-1.csv") bytes (the first)"

# The VM's timings drift by +-30 % within minutes, so publish and polars run in turns (RUNS pairs,
# each publish a fresh dataset of the same table) and the medians are compared.
polars_once() { # CSV
    "$VENV/bin/python" - "$1" "$WORK/polars.parquet" <<'PY'
import sys, time, polars as pl
start = time.perf_counter()
pl.read_csv(sys.argv[1]).write_parquet(sys.argv[2])
print(time.perf_counter() - start)
PY
}
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
publishes=() polars_runs=()
for run in $(seq 1 "$RUNS"); do
    slug=kunjungan; [ "$run" -gt 1 ] && slug="kunjungan-$run"
    publishes+=("$(publish_table "$slug" "$WORK/data-$run.csv")")
    polars_runs+=("$(polars_once "$WORK/data-$run.csv")")
    printf 'run %d: publish (4 formats, stored) %5.2f s, polars read CSV + write Parquet %5.2f s: %.2fx\n' \
        "$run" "${publishes[-1]}" "${polars_runs[-1]}" "$(echo "${publishes[-1]} / ${polars_runs[-1]}" | bc -l)"
done
publish=$(printf '%s\n' "${publishes[@]}" | median)
polars=$(printf '%s\n' "${polars_runs[@]}" | median)
printf 'median of %d: publish %.2f s, polars %.2f s, ratio %.2fx (target <= 3x)\n' \
    "$RUNS" "$publish" "$polars" "$(echo "$publish / $polars" | bc -l)"
printf 'server CPU per publish (all threads), median of %d: %.2f s\n' "$RUNS" "$(median <"$WORK/publish_cpu")"
printf 'upload (stored, validated, clean table written), median of %d: %.2f s\n' \
    "$RUNS" "$(median <"$WORK/upload_times")"
api GET /api/v1/datasets/kunjungan/versions/1 | python3 -c '
import json, sys
files = json.load(sys.stdin)["files"]
print("published files:", ", ".join("%s %.1f MB" % (f["format"], f["byte_size"] / 1e6) for f in files))'
[ -n "${PUBLISH_ONLY:-}" ] && exit 0

# The published CSV, byte for byte, served by nginx from the same disk.
curl -fsS "$URL/datasets/kunjungan/data.csv" -o "$WORK/published.csv"
SIZE=$(stat -c %s "$WORK/published.csv")
mkdir -p "$WORK/www"
cp "$WORK/published.csv" "$WORK/www/data.csv"
# nginx workers run as an unprivileged user: let them read the file.
chmod 755 "$WORK" "$WORK/www" && chmod 644 "$WORK/www/data.csv"
NGINX_PORT=$((PORT + 1))
cat >"$WORK/nginx.conf" <<CONF
daemon off;
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    server { listen 127.0.0.1:$NGINX_PORT; root $WORK/www; }
}
CONF
nginx -c "$WORK/nginx.conf" -p "$WORK" &
EXTRA_PIDS=$!
for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://127.0.0.1:$NGINX_PORT/data.csv" 2>/dev/null && break; sleep 0.1; done
cmp -s "$WORK/published.csv" <(curl -fsS "http://127.0.0.1:$NGINX_PORT/data.csv") || { echo "nginx does not serve the file"; exit 1; }
read -r ours_rps _ _ _ ours_err < <(wrk_stats "$URL/datasets/kunjungan/data.csv" 8 15)
read -r nginx_rps _ _ _ nginx_err < <(wrk_stats "http://127.0.0.1:$NGINX_PORT/data.csv" 8 15)
ours=$(echo "$ours_rps * $SIZE / 1048576" | bc -l)
theirs=$(echo "$nginx_rps * $SIZE / 1048576" | bc -l)
printf 'download %s bytes, 8 connections:\n' "$SIZE"
printf '  satudata %8.0f MiB/s (%s errors)\n  nginx    %8.0f MiB/s (%s errors)\n' "$ours" "$ours_err" "$theirs" "$nginx_err"
printf '  ratio: %.0f%% of nginx (target >= 80%%)\n' "$(echo "100 * $ours / $theirs" | bc -l)"
