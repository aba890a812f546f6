#!/usr/bin/env bash
# schemathesis against the served OpenAPI description, as an admin (token revocation excluded:
# it would revoke the token the run uses). Fails on any response >= 500, a dropped connection,
# or a status code the description does not document. Bounded by MAX_TIME seconds (default 150).
# Usage: tests/conformance/schemathesis_check.sh BIN VENV
set -euo pipefail
BIN=$1
VENV=$2
MAX_TIME=${MAX_TIME:-150}
PORT=${SATUDATA_CI_ST_PORT:-18484}
WORK=$(mktemp -d /tmp/satudata-schemathesis.XXXXXX)
cleanup() {
    [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"
(SATUDATA_LISTEN=127.0.0.1:$PORT exec "$BIN" serve >serve.log 2>&1) &
SERVER=$!
for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.2
done
"$BIN" org add --slug dinkes --name "Dinas Kesehatan" --kind dinas >/dev/null 2>&1
echo 'kata-sandi-yang-panjang' | "$BIN" user add --email admin@contoh.go.id --name Admin \
    --role admin --password-stdin >/dev/null 2>&1
TOKEN=$("$BIN" token create --email admin@contoh.go.id --expires-in 1 2>/dev/null)
"$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/api/openapi.json" \
    -H "Authorization: Bearer $TOKEN" \
    --exclude-path-regex 'tokens/\{id\}' \
    --checks not_a_server_error,status_code_conformance \
    --phases examples,coverage,fuzzing \
    --max-time "$MAX_TIME" -w 2 --seed 22
# The service is still up after the run.
curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null
echo "schemathesis: no server error, no undocumented status, service up"
