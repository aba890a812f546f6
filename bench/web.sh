#!/usr/bin/env bash
# The public portal (issue 19, "Speed"): with N published datasets (default 10,000; one table
# published through the API, the rest copied by bench/seed_catalogue.py), 20 concurrent clients
# (wrk, 30 s each) asking distinct questions, none of them known when the run starts:
#   - search pages: /dataset?q=<subject>, with a random OPD, topik or year facet, a sort or a
#     page, drawn at random per request (40 subjects x 20 OPDs x 10 topik x 10 years ...);
#   - dataset pages: /dataset/<one of the N>, with a random table page and sort column;
#   - then a 10,000,000-row table (shared/tools/gen_sdi_csv.py) is published and its dataset
#     page is paged: random pages of the whole table, and random pages of a random filter
#     (jenis_layanan = one of 8, tahun >= one of 15), as visitors page through it.
# wrk's latency includes the queue at the server; the server's own time per answer (its
# Server-Timing header: query and rendering) is collected too. Target: p95 <= 100 ms.
# Usage: bench/web.sh [N] [ROWS]
N="${1:-10000}"
ROWS="${2:-10000000}"
source "$(dirname "$0")/lib.sh"
machine
python3 "$GEN" --rows 5000 --out "$WORK/t.csv" 2>/dev/null
publish_table template "$WORK/t.csv" >/dev/null
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
start=$(date +%s.%N)
python3 bench/seed_catalogue.py "$WORK/satudata.db" "$((N - 1))"
printf 'seeding: %.0f s\n' "$(echo "$(date +%s.%N) - $start" | bc -l)"
serve() {
    ("$BIN" serve >>"$WORK/serve.log" 2>&1) &
    SERVER_PID=$!
    for _ in $(seq 1 100); do curl -fsS "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
}
serve
curl -fsS -o /dev/null -w 'first search page (cold index): %{time_total} s\n' "$URL/dataset?q=puskesmas"

# The Lua side: a request generator per run, and the Server-Timing of every answer.
cat >"$WORK/common.lua" <<'LUA'
local threads = {}
function setup(thread)
    thread:set("id", #threads + 1)
    table.insert(threads, thread)
end
function init(args)
    math.randomseed(os.time() * 100 + id)
    timings = {}
    bad = 0
end
function response(status, headers, body)
    if status ~= 200 then bad = bad + 1 end
    local st = headers["Server-Timing"] or headers["server-timing"]
    if st then
        local ms = string.match(st, "dur=([%d%.]+)")
        if ms then table.insert(timings, ms) end
    end
end
function done(summary, latency, requests)
    local all, failed = {}, 0
    for _, t in ipairs(threads) do
        local list = t:get("timings")
        for i = 1, #list do table.insert(all, tonumber(list[i])) end
        failed = failed + t:get("bad")
    end
    table.sort(all)
    local function pct(p) if #all == 0 then return 0 end return all[math.max(1, math.ceil(#all * p))] end
    io.write(string.format("STATS %.1f %.1f %.1f %.1f %d %.1f %.1f %d\n", summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
        failed + summary.errors.timeout + summary.errors.connect + summary.errors.read,
        pct(0.5), pct(0.95), #all))
end
LUA
cat >"$WORK/search.lua" <<LUA
dofile("$WORK/common.lua")
local subjects = {"penduduk", "puskesmas", "sekolah", "guru", "jalan", "jembatan", "pasar", "umkm",
    "pajak", "retribusi", "sampah", "air", "listrik", "posyandu", "imunisasi", "stunting", "kemiskinan",
    "pengangguran", "inflasi", "panen", "ternak", "ikan", "hutan", "banjir", "kebakaran", "kecelakaan",
    "wisata", "hotel", "masjid", "gereja", "perpustakaan", "koperasi", "investasi", "perizinan",
    "pegawai", "anggaran", "belanja", "pendapatan", "rumah", "sanitasi"}
local dims = {"kecamatan", "kelurahan", "kelamin", "umur", "bulan", "tahun"}
local topik = {"Ekonomi+dan+Industri", "Pembangunan+Daerah", "Perlindungan+Sosial+dan+Kesehatan",
    "Pendidikan+dan+Tenaga+Kerja", "Pemerintahan+Umum", "Pendukung+Umum", "Budaya+dan+Agama"}
local sorts = {"relevan", "terbaru", "judul", "unduhan"}
request = function()
    local q = subjects[math.random(#subjects)]
    if math.random(3) == 1 then q = q .. "+" .. dims[math.random(#dims)] end
    local path = "/dataset?q=" .. q
    local r = math.random(6)
    if r == 1 then path = path .. "&opd=opd-" .. string.format("%02d", math.random(2, 20))
    elseif r == 2 then path = path .. "&topik=" .. topik[math.random(#topik)]
    elseif r == 3 then path = path .. "&tahun=" .. math.random(2015, 2024)
    elseif r == 4 then path = "/dataset?topik=" .. topik[math.random(#topik)] .. "&hal=" .. math.random(1, 30)
    end
    path = path .. "&urut=" .. sorts[math.random(#sorts)]
    if math.random(4) == 1 then path = path .. "&hal=" .. math.random(2, 5) end
    return wrk.format("GET", path)
end
LUA
cat >"$WORK/dataset.lua" <<LUA
dofile("$WORK/common.lua")
local columns = {"id", "nama_kecamatan", "jenis_layanan", "jumlah_kunjungan", "tahun", "bulan"}
request = function()
    local path = string.format("/dataset/dataset-%06d?hal=%d", math.random(0, $((N - 2))), math.random(1, 8))
    if math.random(2) == 1 then
        local c = columns[math.random(#columns)]
        if math.random(2) == 1 then c = "-" .. c end
        path = path .. "&sort=" .. c
    end
    return wrk.format("GET", path)
end
LUA
report() { # label stats...
    printf '%-44s %7.1f req/s  p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  failed %s | server p50 %5.1f ms  p95 %5.1f ms (%s answers)  (target p95 <= 100 ms)\n' "$@"
}
run() { # label script
    local stats
    stats=$(wrk -t2 -c20 -d30s --timeout 30s -s "$2" "$URL" | awk '/^STATS/ {print $2, $3, $4, $5, $6, $7, $8, $9}')
    # shellcheck disable=SC2086
    report "$1" $stats
}
run "search, distinct questions" "$WORK/search.lua"
run "dataset pages, distinct datasets" "$WORK/dataset.lua"
printf '%-28s ' "server memory"; awk '/VmRSS|VmHWM/ {printf "%s %d MiB  ", $1, $2/1024}' "/proc/$SERVER_PID/status"; echo

# A 10M-row table: its dataset page, paged.
python3 "$GEN" --rows "$ROWS" --out "$WORK/big.csv" 2>/dev/null
echo "table: $ROWS rows, $(stat -c %s "$WORK/big.csv") bytes"
publish=$(publish_table kunjungan "$WORK/big.csv")
printf 'published in %.1f s\n' "$publish"
rm -f "$WORK/big.csv"
curl -fsS -o /dev/null -w 'first dataset page of the big table (chart computed): %{time_total} s\n' "$URL/dataset/kunjungan"
cat >"$WORK/big.lua" <<LUA
dofile("$WORK/common.lua")
request = function()
    return wrk.format("GET", "/dataset/kunjungan?hal=" .. math.random(1, $((ROWS / 25))))
end
LUA
cat >"$WORK/bigfilter.lua" <<LUA
dofile("$WORK/common.lua")
local services = {"Rawat+Jalan", "Rawat+Inap", "Imunisasi", "KIA", "Gigi", "Laboratorium", "Gizi", "Lansia"}
request = function()
    return wrk.format("GET", "/dataset/kunjungan?filter%5Bjenis_layanan%5D=" .. services[math.random(#services)]
        .. "&filter%5Btahun%5D%5Bgte%5D=" .. math.random(2010, 2024) .. "&hal=" .. math.random(1, 40))
end
LUA
# Only the table, as the browser asks with JavaScript on (htmx swaps the table; the chart and
# the API box come along).
cat >"$WORK/bighx.lua" <<LUA
dofile("$WORK/common.lua")
request = function()
    return wrk.format("GET", "/dataset/kunjungan?hal=" .. math.random(1, $((ROWS / 25))), {["HX-Request"] = "true", ["HX-Target"] = "pratinjau"})
end
LUA
run "10M rows: random pages, full page" "$WORK/big.lua"
run "10M rows: random pages, htmx table only" "$WORK/bighx.lua"
run "10M rows: random filter and page" "$WORK/bigfilter.lua"
printf '%-28s ' "server memory"; awk '/VmRSS|VmHWM/ {printf "%s %d MiB  ", $1, $2/1024}' "/proc/$SERVER_PID/status"; echo
