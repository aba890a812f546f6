#!/usr/bin/env bash
# Runs the browser tests. Against the prototype (default) or, with SATUDATA_BASE_URL and
# SATUDATA_PAGES set, against a running `satudata serve` on loopback.
#   bash tests/browser/run.sh [pytest args...]
# Screenshots and axe-report.json go to $SATUDATA_SCREENSHOTS (default: a fresh folder under
# /tmp, printed at the end so CI logs show where they are).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=setup.sh
. "$HERE/setup.sh"
export SATUDATA_SCREENSHOTS="${SATUDATA_SCREENSHOTS:-$(mktemp -d /tmp/satudata-screenshots.XXXXXX)}"
cd "$HERE/../.."
set +e
"$SATUDATA_BROWSER_VENV/bin/pytest" tests/browser -p no:cacheprovider -q "$@"
code=$?
set -e
echo "screenshots: $SATUDATA_SCREENSHOTS ($(find "$SATUDATA_SCREENSHOTS" -name '*.png' | wc -l) files; axe: $SATUDATA_SCREENSHOTS/axe-report.json)"
exit $code
