#!/usr/bin/env bash
# Installs what the browser tests need, outside the clone, and prints the variables to export.
# Used by .ci/run (source it: `. tests/browser/setup.sh`) and by hand. Idempotent and quiet when
# everything is already there. Never downloads a browser build: Chromium comes from Debian.
#
#   chromium, chromium-driver   Debian packages (apt-get)
#   ~/.cache/satudata-venv-browser   Python venv: pytest, playwright (its bundled driver only;
#                                    `playwright install` is never run), jinja2 (prototype)
#   ~/.cache/satudata-browser/axe-core   npm pack axe-core@4.14.1 (MPL-2.0), unpacked
set -euo pipefail

PYTEST_VERSION=9.2.0
PLAYWRIGHT_VERSION=1.65.2
JINJA2_VERSION=3.1.6
AXE_VERSION=4.14.1

BROWSER_VENV="${SATUDATA_BROWSER_VENV:-$HOME/.cache/satudata-venv-browser}"
BROWSER_CACHE="${SATUDATA_BROWSER_CACHE:-$HOME/.cache/satudata-browser}"

if ! command -v chromium >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-dejavu-core >/dev/null
fi

if [ ! -x "$BROWSER_VENV/bin/pytest" ] ||
   ! "$BROWSER_VENV/bin/python" -c "import playwright, jinja2, importlib.metadata as m; assert m.version('playwright') == '$PLAYWRIGHT_VERSION'" 2>/dev/null; then
    python3 -m venv "$BROWSER_VENV"
    "$BROWSER_VENV/bin/pip" install --quiet --disable-pip-version-check \
        "pytest==$PYTEST_VERSION" "playwright==$PLAYWRIGHT_VERSION" "jinja2==$JINJA2_VERSION"
fi

if [ ! -f "$BROWSER_CACHE/axe-core/axe.min.js" ]; then
    mkdir -p "$BROWSER_CACHE"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null && tar xzf "axe-core-$AXE_VERSION.tgz")
    rm -rf "$BROWSER_CACHE/axe-core"
    mv "$tmp/package" "$BROWSER_CACHE/axe-core"
    rm -rf "$tmp"
fi

export SATUDATA_BROWSER_VENV="$BROWSER_VENV"
export SATUDATA_AXE_JS="$BROWSER_CACHE/axe-core/axe.min.js"
export CHROMIUM="${CHROMIUM:-$(command -v chromium)}"
echo "browser tests: chromium $("$CHROMIUM" --version 2>/dev/null | awk '{print $2}'), playwright $PLAYWRIGHT_VERSION, axe-core $AXE_VERSION"
