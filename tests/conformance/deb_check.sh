#!/usr/bin/env bash
# The Debian package on this machine, as an operator would run it (systemd does not run in CI,
# so the unit's command runs by hand as the unit would run it):
#   - dpkg -i: the binary, /etc/satudata/satudata.toml (a conffile, root:satudata 0640), the
#     satudata system user, /var/lib/satudata owned by it, the unit (systemd-analyze verify);
#   - the installed binary serves as user satudata with the packaged configuration (a free port
#     and JSON logs by environment overrides) behind nginx configured from deploy/nginx;
#   - tests/conformance/ops_check.py: upload and publish through nginx, /metrics parsed with
#     prometheus_client, the counters move;
#   - `satudata healthcheck` as the service user; SIGTERM: /readyz turns 503 during the drain
#     delay, the process exits 0, and every log line is JSON without ANSI codes;
#   - dpkg --purge removes the package and its configuration.
# Usage: deb_check.sh PACKAGE.deb VENV
set -euo pipefail
DEB=$1 VENV=$2
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK=$(mktemp -d /tmp/satudata-ci-deb.XXXXXX)
chmod 755 "$WORK"
RUNUSER_PID="" SERVICE_PID="" NGINX_PID=""
cleanup() {
    [ -n "$SERVICE_PID" ] && kill -TERM "$SERVICE_PID" 2>/dev/null
    [ -n "$RUNUSER_PID" ] && wait "$RUNUSER_PID" 2>/dev/null
    [ -n "$NGINX_PID" ] && kill -QUIT "$NGINX_PID" 2>/dev/null
    dpkg --purge satudata >/dev/null 2>&1 || true
    rm -rf /var/lib/satudata "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
fail() { echo "FAIL: $*"; exit 1; }

# A clean slate: an earlier run may have been stopped half-way.
dpkg --purge satudata >/dev/null 2>&1 || true
rm -rf /var/lib/satudata

dpkg-deb --info "$DEB" | grep -E '^ (Package|Version|Depends|Installed-Size):'
dpkg-deb --info "$DEB" conffiles | grep -qx /etc/satudata/satudata.toml || fail "satudata.toml is not a conffile"
dpkg -i "$DEB"
getent passwd satudata >/dev/null || fail "no satudata user"
[ "$(stat -c '%U:%G %a' /etc/satudata/satudata.toml)" = "root:satudata 640" ] ||
    fail "/etc/satudata/satudata.toml is $(stat -c '%U:%G %a' /etc/satudata/satudata.toml)"
[ "$(stat -c '%U' /var/lib/satudata)" = satudata ] || fail "/var/lib/satudata is not the service user's"
UNIT=/usr/lib/systemd/system/satudata.service
[ -f "$UNIT" ] || UNIT=/lib/systemd/system/satudata.service
verify=$(systemd-analyze verify "$UNIT" 2>&1 || true)
[ -z "$verify" ] || fail "systemd-analyze verify: $verify"
for line in User=satudata StateDirectory=satudata ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
    NoNewPrivileges=yes CapabilityBoundingSet= SystemCallFilter=@system-service LimitNOFILE=65536 \
    Restart=on-failure Environment=SATUDATA_CONFIG=/etc/satudata/satudata.toml; do
    grep -qx -- "$line" "$UNIT" || fail "the unit lacks $line"
done
grace=$(sed -n 's/^shutdown_grace_secs = \([0-9]*\)$/\1/p' /etc/satudata/satudata.toml)
stop=$(sed -n 's/^TimeoutStopSec=\([0-9]*\)s*$/\1/p' "$UNIT")
[ -n "$grace" ] && [ -n "$stop" ] && [ "$stop" -gt "$grace" ] ||
    fail "TimeoutStopSec ($stop) must be above shutdown_grace_secs ($grace)"
echo "installed: $(satudata --version), unit verified"

PORT=$(free_port)
TLS_PORT=$(free_port)
HTTP_PORT=$(free_port)
export SERVICE_ENV="SATUDATA_CONFIG=/etc/satudata/satudata.toml SATUDATA_LISTEN=127.0.0.1:$PORT"
# As the unit runs it: the service user, the packaged configuration, its working directory.
(cd /var/lib/satudata && exec runuser -u satudata -- env $SERVICE_ENV SATUDATA_LOG_FORMAT=json \
    SATUDATA_DRAIN_DELAY_SECS=2 /usr/bin/satudata serve >"$WORK/service.log" 2>&1) &
RUNUSER_PID=$!
for _ in $(seq 1 50); do
    SERVICE_PID=$(pgrep -P "$RUNUSER_PID" -x satudata || true)
    [ -n "$SERVICE_PID" ] && break
    sleep 0.1
done
[ -n "$SERVICE_PID" ] || fail "the service did not start: $(cat "$WORK/service.log")"
[ "$(ps -o user= -p "$SERVICE_PID")" = satudata ] || fail "the service does not run as satudata"

# nginx in front, from the example: ports and certificate paths changed, nothing else.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=satudata.test \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
sed -e "s#server 127.0.0.1:8080;#server 127.0.0.1:$PORT;#" \
    -e "s#listen 443 ssl;#listen 127.0.0.1:$TLS_PORT ssl;#" -e '/listen \[::\]:443 ssl;/d' \
    -e "s#listen 80;#listen 127.0.0.1:$HTTP_PORT;#" -e '/listen \[::\]:80;/d' \
    -e "s#ssl_certificate .*;#ssl_certificate $WORK/cert.pem;#" \
    -e "s#ssl_certificate_key .*;#ssl_certificate_key $WORK/key.pem;#" \
    "$ROOT/deploy/nginx/satudata.conf" >"$WORK/site.conf"
cat >"$WORK/nginx.conf" <<EOF
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events {}
http {
    access_log $WORK/nginx-access.log;
    client_body_temp_path $WORK/body;
    proxy_temp_path $WORK/proxy;
    include $WORK/site.conf;
}
EOF
nginx -t -q -c "$WORK/nginx.conf" -p "$WORK"
nginx -c "$WORK/nginx.conf" -p "$WORK" &
NGINX_PID=$!

"$VENV/bin/python" "$ROOT/tests/conformance/ops_check.py" --url "http://127.0.0.1:$PORT" \
    --proxy "https://127.0.0.1:$TLS_PORT" --rows 100000 \
    --cli "runuser -u satudata -- env $SERVICE_ENV /usr/bin/satudata"
grep -q ' 413 \| 502 \| 504 ' "$WORK/nginx-access.log" && fail "nginx answered an error: $(cat "$WORK/nginx-access.log")"

runuser -u satudata -- env $SERVICE_ENV /usr/bin/satudata healthcheck || fail "satudata healthcheck"

# SIGTERM: draining at once (2 s drain delay), then a clean exit.
kill -TERM "$SERVICE_PID"
sleep 0.5
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/readyz" || true)
[ "$code" = 503 ] || fail "/readyz answered $code while draining"
runuser -u satudata -- env $SERVICE_ENV /usr/bin/satudata healthcheck 2>/dev/null &&
    fail "satudata healthcheck passed while draining"
set +e
wait "$RUNUSER_PID"
status=$?
set -e
RUNUSER_PID="" SERVICE_PID=""
[ "$status" = 0 ] || fail "the service exited with $status: $(tail -n 20 "$WORK/service.log")"
"$VENV/bin/python" - "$WORK/service.log" <<'PY'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
assert "\x1b" not in text, "ANSI escape codes in the log"
events = [json.loads(line) for line in text.splitlines() if line.strip()]
messages = [e.get("message", "") for e in events]
for wanted in ("satudata is serving", "shutting down", "stopped"):
    assert any(m.startswith(wanted) for m in messages), f"no '{wanted}' in the log"
print(f"service log: {len(events)} JSON lines, no ANSI codes, drained and stopped")
PY
kill -QUIT "$NGINX_PID"
wait "$NGINX_PID" 2>/dev/null || true
NGINX_PID=""

dpkg --purge satudata
[ ! -e /usr/bin/satudata ] || fail "/usr/bin/satudata is still there"
[ ! -e /etc/satudata/satudata.toml ] || fail "the configuration survived the purge"
echo "Debian package: installed, served, drained, stopped and purged"
