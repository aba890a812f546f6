#!/usr/bin/env bash
# Harvest feeds with a large catalogue (issue 5, point 6): N published datasets (default
# 100,000; one published through the API, the rest copied by bench/seed_catalogue.py), then
#   - package_search with q and one facet, rows=20, 20 concurrent clients (wrk, 30 s);
#   - /catalog.ttl, first page and a deep page (100 datasets each), 20 clients (wrk, 30 s);
#   - the full harvest walks (package_search rows=1000 sort=id asc; /catalog.ttl following
#     page numbers; /data.json) with the server's resident memory before and after each.
# The 20-client runs go twice: with the response cache (the default) and with
# SATUDATA_FEED_CACHE_MB=0, so that every request is computed afresh.
# Targets: package_search p95 <= 50 ms; a /catalog.ttl page <= 300 ms; walks in constant memory.
# Usage: bench/harvest.sh [N]
N="${1:-100000}"
source "$(dirname "$0")/lib.sh"
machine
printf 'kecamatan,jumlah,satuan,tahun\nMagersari,10,Jiwa,2024\nKranggan,12,Jiwa,2024\n' >"$WORK/t.csv"
publish_table template "$WORK/t.csv" >/dev/null
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
start=$(date +%s.%N)
python3 bench/seed_catalogue.py "$WORK/satudata.db" "$N"
printf 'seeding: %.0f s\n' "$(echo "$(date +%s.%N) - $start" | bc -l)"
serve() {
    ("$BIN" serve >>"$WORK/serve.log" 2>&1) &
    SERVER_PID=$!
    for _ in $(seq 1 100); do curl -fsS "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
}
serve
rss() { awk '/VmRSS|VmHWM/ {printf "%s %d MiB  ", $1, $2/1024}' "/proc/$SERVER_PID/status"; echo; }
walk() { # name url-prefix first step last: fetch prefix+first, prefix+(first+step), ... up to last
    local name=$1 prefix=$2 first=$3 step=$4 last=$5 start pages=0
    start=$(date +%s.%N)
    for p in $(seq "$first" "$step" "$last"); do
        curl -fsS -o /dev/null "$prefix$p"
        pages=$((pages + 1))
    done
    printf '%-28s %5d pages in %6.1f s   ' "$name" "$pages" "$(echo "$(date +%s.%N) - $start" | bc -l)"
    rss
}
printf '%-28s ' "after start"; rss
walk "package_search walk" "$URL/api/3/action/package_search?rows=1000&sort=id+asc&start=" 0 1000 "$N"
walk "catalog.ttl walk" "$URL/catalog.ttl?page=" 1 1 $((N / 100 + 1))
start=$(date +%s.%N)
curl -fsS -o "$WORK/data.json" "$URL/data.json"
printf '%-28s %5s MB  in %6.1f s   ' "data.json" "$(du -m "$WORK/data.json" | cut -f1)" "$(echo "$(date +%s.%N) - $start" | bc -l)"; rss

FACET=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("[\"organization\"]"))')
concurrent() { # label: the three 20-client runs
    read -r rps p50 p95 p99 errors < <(wrk_stats "$URL/api/3/action/package_search?q=puskesmas&facet.field=$FACET&rows=20" 20 30)
    printf '[%s] package_search q+facet rows=20: %7.1f req/s  p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  errors %s  (target p95 <= 50 ms)\n' "$1" "$rps" "$p50" "$p95" "$p99" "$errors"
    read -r rps p50 p95 p99 errors < <(wrk_stats "$URL/catalog.ttl" 20 30)
    printf '[%s] /catalog.ttl page 1:            %7.1f req/s  p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  errors %s  (target <= 300 ms)\n' "$1" "$rps" "$p50" "$p95" "$p99" "$errors"
    read -r rps p50 p95 p99 errors < <(wrk_stats "$URL/catalog.ttl?page=$((N / 200))" 20 30)
    printf '[%s] /catalog.ttl page %-6d        %7.1f req/s  p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  errors %s\n' "$1" "$((N / 200))" "$rps" "$p50" "$p95" "$p99" "$errors"
}
# Default: anonymous responses are cached until the catalogue changes (what harvesters meet).
concurrent "response cache on"
printf '%-28s ' "after all"; rss
# Every request computed afresh: the cost of a query nobody asked before.
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
SATUDATA_FEED_CACHE_MB=0 serve
concurrent "response cache off"
# The CKAN harvester's own walk (rows=100, sort=id asc), every page computed afresh.
walk "ckan harvester walk (cold)" "$URL/api/3/action/package_search?rows=100&sort=id+asc&start=" 0 100 "$N"
