#!/usr/bin/env bash
# A published version, checked by the real tools through its datapackage.json:
#   - check-jsonschema against the Frictionless Data Package 2.0 profile;
#   - frictionless validate (reads the CSV over HTTP, checks it against the Table Schema and the
#     declared bytes and sha256 hash);
#   - openpyxl reads the published XLSX and finds the clean CSV's cells, numbers as numbers.
# Usage: datapackage_check.sh SATUDATA_BINARY GENERATOR VENV STANDARDS_DIR
set -euo pipefail
BIN=$1 GEN=$2 VENV=$3 STANDARDS=$4
WORK=$(mktemp -d /tmp/satudata-ci-datapackage.XXXXXX)
PORT=18282
URL="http://127.0.0.1:$PORT"
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
export SATUDATA_DATABASE_URL="sqlite://$WORK/satudata.db" SATUDATA_STORAGE="file://$WORK/objects" \
    SATUDATA_CACHE_DIR="$WORK/cache" SATUDATA_LISTEN="127.0.0.1:$PORT" SATUDATA_BASE_URL="$URL" SATUDATA_LOG=warn
"$BIN" migrate 2>/dev/null
"$BIN" org add --slug dinkes --name "Dinas Kesehatan" 2>/dev/null
"$BIN" user add --email walidata@ci.go.id --name Walidata --role walidata 2>/dev/null
TOKEN=$("$BIN" token create --email walidata@ci.go.id)
("$BIN" serve >"$WORK/serve.log" 2>&1) &
PID=$!
for _ in $(seq 1 100); do curl -fsS "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
api() { local m=$1 p=$2; shift 2; curl -fsS -X "$m" -H "Authorization: Bearer $TOKEN" "$URL$p" "$@"; }
python3 "$GEN" --rows 5000 --out "$WORK/data.csv" --schema-out "$WORK/schema.json"
api POST /api/v1/datasets -H 'Content-Type: application/json' \
    -d '{"title": "Kunjungan Puskesmas", "slug": "kunjungan", "organization": "dinkes", "tags": ["kesehatan"]}' >/dev/null
api PUT /api/v1/datasets/kunjungan/schema -H 'Content-Type: application/json' -d "@$WORK/schema.json" >/dev/null
api POST /api/v1/datasets/kunjungan/versions -H 'Content-Type: text/csv' -T "$WORK/data.csv" >/dev/null
for step in submit; do api POST "/api/v1/datasets/kunjungan/versions/1/$step" >/dev/null; done
api POST /api/v1/datasets/kunjungan/versions/1/review -H 'Content-Type: application/json' -d '{"decision": "approve"}' >/dev/null
api POST /api/v1/datasets/kunjungan/versions/1/publish >/dev/null
curl -fsS "$URL/datasets/kunjungan/versions/1/datapackage.json" -o "$WORK/datapackage.json"
"$VENV/bin/check-jsonschema" --schemafile "$STANDARDS/datapackage.json" "$WORK/datapackage.json"
"$VENV/bin/frictionless" validate "$URL/datasets/kunjungan/versions/1/datapackage.json"
curl -fsS "$URL/datasets/kunjungan/versions/1/data.xlsx" -o "$WORK/data.xlsx"
curl -fsS "$URL/datasets/kunjungan/versions/1/data.csv" -o "$WORK/clean.csv"
"$VENV/bin/python" - "$WORK/data.xlsx" "$WORK/clean.csv" <<'PY'
import csv, sys, openpyxl
sheet = openpyxl.load_workbook(sys.argv[1], read_only=True)["data"]
rows = list(sheet.iter_rows(values_only=True))
with open(sys.argv[2], newline="", encoding="utf-8") as f:
    table = list(csv.reader(f))
assert len(rows) == len(table), (len(rows), len(table))
numbers = 0
for got, want in zip(rows, table):
    assert len(got) == len(want), (got, want)
    for g, w in zip(got, want):
        if g is None:
            assert w == "", (g, w)
        elif isinstance(g, bool):
            assert str(g).lower() == w, (g, w)
        elif isinstance(g, (int, float)):
            assert float(w) == g, (g, w)
            numbers += 1
        else:
            assert g == w, (g, w)
assert numbers > 0
print(f"data.xlsx: {len(rows) - 1} rows read by openpyxl, equal to data.csv ({numbers} numbers)")
PY
echo "datapackage.json of a published version: valid against the profile and its data"
