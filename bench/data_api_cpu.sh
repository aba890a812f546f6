#!/usr/bin/env bash
# Server CPU per uncached data API page (page cache off, the exact total already counted):
# 100 sequential requests, then wrk with 20 and 2 clients, CPU read from /proc/<pid>/stat.
# Usage: bench/data_api_cpu.sh [ROWS]   (default 1000000)
# GLIBC_TUNABLES=glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=1073741824
# in the environment shows what the allocator's returning memory to the kernel costs.
source "$(dirname "$0")/lib.sh"
ROWS="${1:-1000000}"
machine
python3 "$GEN" --rows "$ROWS" --out "$WORK/data.csv" 2>/dev/null
publish_table kunjungan "$WORK/data.csv" >/dev/null
QUERY='filter[jenis_layanan]=Imunisasi&filter[tahun][gte]=2020&limit=100'
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
(SATUDATA_DATA_CACHE_ENTRIES=0 "$BIN" serve >>"$WORK/serve.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -fsS "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS -g "$URL/api/v1/datasets/kunjungan/data?$QUERY" -o /dev/null
PID=$(pgrep -n -f -- "$BIN serve")
TICK=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
a=$(cpu)
for _ in $(seq 1 100); do curl -fsS -g -o /dev/null "$URL/api/v1/datasets/kunjungan/data?$QUERY"; done
b=$(cpu)
printf 'sequential: %.1f ms CPU per request\n' "$(echo "($b - $a) * 1000 / $TICK / 100" | bc -l)"
for clients in 20 2; do
    a=$(cpu)
    read -r rps _ p95 _ _ < <(wrk_stats "$URL/api/v1/datasets/kunjungan/data?$QUERY" "$clients" 10)
    b=$(cpu)
    printf '%d clients: %.1f req/s, p95 %s ms, %.1f ms CPU per request\n' "$clients" "$rps" "$p95" \
        "$(echo "($b - $a) * 1000 / $TICK / ($rps * 10)" | bc -l)"
done
# The same plan in Python polars on the same published Parquet file, for comparison.
curl -fsS -o "$WORK/data.parquet" "$URL/datasets/kunjungan/data.parquet"
"$VENV/bin/python" - "$WORK/data.parquet" <<'PY'
import sys, time, polars as pl
def page():
    return (pl.scan_parquet(sys.argv[1]).with_row_index("__row")
            .filter((pl.col("jenis_layanan") == "Imunisasi") & (pl.col("tahun") >= 2020))
            .slice(0, 100).collect(engine="streaming"))
page()
wall, cpu = time.perf_counter(), time.process_time()
for _ in range(100):
    page()
print(f"python polars {pl.__version__}, same plan: {(time.perf_counter() - wall) * 10:.1f} ms wall, "
      f"{(time.process_time() - cpu) * 10:.1f} ms CPU per page")
PY
