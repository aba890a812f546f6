#!/usr/bin/env bash
# The browser tests against the real binary: a fresh `satudata serve` on loopback (SQLite and a
# local store in a scratch folder, the Kemendagri list when it is at hand), accounts from the
# CLI, datasets through the JSON API (seed.py), then every page (test_pages.py) and the
# visitor's journeys (test_journeys.py). Screenshots and the axe report go to
# $SATUDATA_SCREENSHOTS (a fresh folder under /tmp by default), printed at the end.
#   bash tests/browser/real.sh [BIN] [pytest args...]
# BIN defaults to the debug build in $CARGO_TARGET_DIR (or ~/.cache/satudata-target).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="${1:-${CARGO_TARGET_DIR:-$HOME/.cache/satudata-target}/debug/satudata}"
[ $# -gt 0 ] && shift
[ -x "$BIN" ] || { echo "no satudata binary at $BIN (cargo build --bin satudata)"; exit 1; }
PORT="${SATUDATA_BROWSER_PORT:-18090}"
WORK=$(mktemp -d /tmp/satudata-browser.XXXXXX)
SERVER_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

# The service reads only its own SATUDATA_* variables (an unknown one is an error), so it runs
# without the browser harness's.
REFERENCE="${TEST_REFERENCE_TGZ:-$HOME/.cache/satudata-ref/idn-area-data-4.0.1.tgz}"
[ -f "$REFERENCE" ] || REFERENCE=""
SD_ENV=(env -u SATUDATA_BROWSER_VENV -u SATUDATA_BROWSER_CACHE -u SATUDATA_AXE_JS -u SATUDATA_SCREENSHOTS
    -u SATUDATA_PAGES -u SATUDATA_SEEDED -u SATUDATA_BROWSER_PORT -u SATUDATA_SIGNIN -u SATUDATA_SIGNIN_WALIDATA -u SATUDATA_SIGNIN_ADMIN -u TEST_DATABASE_URL
    SATUDATA_DATABASE_URL="sqlite://$WORK/satudata.db" SATUDATA_STORAGE="file://$WORK/objects"
    SATUDATA_CACHE_DIR="$WORK/cache" SATUDATA_LISTEN="127.0.0.1:$PORT"
    SATUDATA_BASE_URL="http://127.0.0.1:$PORT" SATUDATA_COOKIE_SECURE=false SATUDATA_LOG="${SATUDATA_LOG:-warn}")
if [ -n "$REFERENCE" ]; then SD_ENV+=(SATUDATA_REFERENCE="$REFERENCE"); fi
sd() { "${SD_ENV[@]}" "$BIN" "$@"; }
sd migrate >/dev/null
# The password of the accounts that sign in through /masuk (the workspace pages and journeys).
SIGNIN_PASSWORD="kata-sandi-peramban-1"
for org in "dinkes|Dinas Kesehatan" "disdik|Dinas Pendidikan dan Kebudayaan" \
           "bpbd|Badan Penanggulangan Bencana Daerah" "bappeda|Badan Perencanaan Pembangunan Daerah"; do
    sd org add --slug "${org%%|*}" --name "${org#*|}" --kind "$([ "${org%%|*}" = bpbd ] || [ "${org%%|*}" = bappeda ] && echo badan || echo dinas)" 2>/dev/null
done
echo "$SIGNIN_PASSWORD" | sd user add --email walidata@browser.test --name "Walidata Diskominfo" \
    --role walidata --password-stdin >/dev/null 2>&1
echo "$SIGNIN_PASSWORD" | sd user add --email admin@browser.test --name "Admin Portal" --role admin \
    --password-stdin >/dev/null 2>&1
# A steward who signs in through /masuk (the workspace pages and journeys).
echo "$SIGNIN_PASSWORD" | sd user add --email produsen@browser.test --name "Rina Wulandari" \
    --role produsen --org dinkes --password-stdin >/dev/null 2>&1
WALIDATA=$(sd token create --email walidata@browser.test)
ADMIN=$(sd token create --email admin@browser.test)
# exec: the background PID must be satudata itself, so that kill stops the server.
(exec "${SD_ENV[@]}" "$BIN" serve >"$WORK/serve.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 1 200); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null || { cat "$WORK/serve.log"; exit 1; }
python3 "$HERE/seed.py" "http://127.0.0.1:$PORT" "$WALIDATA" "$ADMIN" "$WORK/pages.json"

# shellcheck source=setup.sh
. "$HERE/setup.sh"
export SATUDATA_SCREENSHOTS="${SATUDATA_SCREENSHOTS:-$(mktemp -d /tmp/satudata-screenshots.XXXXXX)}"
export SATUDATA_BASE_URL="http://127.0.0.1:$PORT" SATUDATA_PAGES="$WORK/pages.json" SATUDATA_SEEDED="$WORK/seeded.json"
export SATUDATA_SIGNIN="produsen@browser.test $SIGNIN_PASSWORD"
export SATUDATA_SIGNIN_WALIDATA="walidata@browser.test $SIGNIN_PASSWORD"
export SATUDATA_SIGNIN_ADMIN="admin@browser.test $SIGNIN_PASSWORD"
cd "$ROOT"
set +e
"$SATUDATA_BROWSER_VENV/bin/pytest" tests/browser/test_pages.py tests/browser/test_journeys.py tests/browser/test_steward.py \
    -p no:cacheprovider -q "$@"
code=$?
set -e
if [ "$code" != 0 ]; then
    echo "--- server log (last 40 lines)"
    tail -n 40 "$WORK/serve.log"
fi
echo "screenshots: $SATUDATA_SCREENSHOTS ($(find "$SATUDATA_SCREENSHOTS" -name '*.png' | wc -l) files; axe: $SATUDATA_SCREENSHOTS/axe-report.json)"
exit $code
