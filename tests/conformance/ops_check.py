#!/usr/bin/env python3
"""What a Pemda's monitoring sees of a running satudata, e.g. the installed Debian package.

Seeds an OPD and a walidata with the `satudata` CLI, scrapes /metrics (parsed with the Prometheus
project's own Python parser, prometheus_client), uploads a table and publishes it (through a
reverse proxy when --proxy is given: the deploy/nginx example in CI), queries its data and the
CKAN feed twice each, scrapes again and checks that the counters moved as they should: requests
per route template (never a raw URL), upload bytes, validated rows, validations and
publications, cache hits and misses; and the gauges: pool size, job queue, draining.

Run with the virtual environment's python (prometheus_client).
Usage: ops_check.py --url http://127.0.0.1:PORT [--proxy https://127.0.0.1:PORT] --cli "CMD..." [--rows N]
"""

import argparse
import json
import shlex
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

# The proxy in CI has a throwaway self-signed certificate.
INSECURE = ssl.create_default_context()
INSECURE.check_hostname = False
INSECURE.verify_mode = ssl.CERT_NONE
checks = {"passed": 0, "failed": 0}


def check(ok, what):
    checks["passed" if ok else "failed"] += 1
    print(("ok   " if ok else "FAIL ") + what, flush=True)


def call(base, method, path, token=None, body=None, content_type="application/json"):
    data = None
    headers = {}
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers["Content-Type"] = content_type
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=300, context=INSECURE) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def ok_json(base, method, path, token=None, body=None, content_type="application/json", status=200):
    code, _, raw = call(base, method, path, token, body, content_type)
    if code != status:
        sys.exit(f"FAIL: {method} {path}: {code} {raw[:500]!r}")
    return json.loads(raw or b"null")


def scrape(url):
    """Every sample of /metrics, by (name, sorted labels)."""
    code, headers, raw = call(url, "GET", "/metrics")
    check(code == 200, f"/metrics answers ({code})")
    check(headers.get("Content-Type", "").startswith("text/plain; version=0.0.4"), "/metrics is Prometheus text 0.0.4")
    samples = {}
    for family in text_string_to_metric_families(raw.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels):
    """The sum of the samples called `name` whose labels include `labels`."""
    return sum(v for (n, ls), v in samples.items() if n == name and all((k, v2) in ls for k, v2 in labels.items()))


def table(rows):
    lines = ["kecamatan,jenis_kelamin,jumlah,tahun"]
    lines += [f"Kecamatan {i % 97},{'Laki-laki' if i % 2 else 'Perempuan'},{i},2024" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True, help="the service itself (for /metrics)")
    parser.add_argument("--proxy", help="the reverse proxy in front of it (for the API calls)")
    parser.add_argument("--cli", required=True, help="how to run the satudata CLI on the same configuration")
    parser.add_argument("--rows", type=int, default=20000)
    args = parser.parse_args()
    api = args.proxy or args.url

    for _ in range(150):
        if call(args.url, "GET", "/readyz")[0] == 200:
            break
        time.sleep(0.2)
    check(call(args.url, "GET", "/readyz")[0] == 200, "/readyz answers 200")
    check(call(api, "GET", "/livez")[0] == 200, "/livez answers 200 through the proxy")

    cli = shlex.split(args.cli)
    run = lambda *a: subprocess.run([*cli, *a], check=True, capture_output=True, text=True)
    run("org", "add", "--slug", "dinkes", "--name", "Dinas Kesehatan")
    run("user", "add", "--email", "walidata@ci.go.id", "--name", "Walidata", "--role", "walidata")
    token = run("token", "create", "--email", "walidata@ci.go.id").stdout.strip()

    before = scrape(args.url)
    check(value(before, "satudata_job_queue_depth") == 0, "job queue depth reads 0 (no jobs yet)")
    check(value(before, "satudata_draining") == 0, "not draining")
    check(value(before, "satudata_db_pool_connections_max") > 0, "database pool size is reported")

    slug = ok_json(api, "POST", "/api/v1/datasets", token, {"title": "Penduduk Metrik CI", "organization": "dinkes"}, status=201)["slug"]
    body = table(args.rows)
    started = time.monotonic()
    version = ok_json(api, "POST", f"/api/v1/datasets/{slug}/versions", token, body, "text/csv", status=201)
    print(f"     upload of {len(body)} bytes through {'the proxy' if args.proxy else 'the service'}: {time.monotonic() - started:.1f} s")
    check(version["row_count"] == args.rows, f"the upload has {args.rows} rows")
    base = f"/api/v1/datasets/{slug}/versions/1"
    for step, payload in (("submit", {}), ("review", {"decision": "approve"}), ("publish", {})):
        ok_json(api, "POST", f"{base}/{step}", token, payload)
    for _ in range(2):
        ok_json(api, "GET", f"/api/v1/datasets/{slug}")
        ok_json(api, "GET", f"/api/v1/datasets/{slug}/data?limit=5")
        ok_json(api, "GET", "/api/3/action/package_search?rows=10")

    after = scrape(args.url)
    delta = lambda name, **labels: value(after, name, **labels) - value(before, name, **labels)
    requests = "satudata_http_requests_total"
    check(delta(requests, method="GET", route="/api/v1/datasets/{slug}", status="200") == 2,
          "requests are counted per route template")
    check(delta(requests, method="POST", route="/api/v1/datasets/{slug}/versions", status="201") == 1,
          "the upload is counted under its route template")
    check(delta("satudata_http_request_duration_seconds_count", route="/api/v1/datasets/{slug}/versions/{number}/publish") == 1,
          "the publish request is timed")
    routes = {dict(ls).get("route") for (_, ls) in after}
    check(not any(slug in (r or "") for r in routes), "no raw URL among the route labels")
    check(delta("satudata_upload_bytes_total") == len(body), f"upload bytes moved by {len(body)}")
    check(delta("satudata_validation_rows_total") == args.rows, f"validated rows moved by {args.rows}")
    check(delta("satudata_validation_duration_seconds_count") == 1, "one validation timed")
    check(delta("satudata_publish_duration_seconds_count") == 1, "one publication timed")
    check(delta("satudata_publish_duration_seconds_sum") > 0, "publication took time")
    for cache in ("satudata_data_cache_lookups_total", "satudata_feed_cache_lookups_total"):
        check(delta(cache, result="miss") >= 1 and delta(cache, result="hit") >= 1, f"{cache}: a miss, then a hit")
    rate = delta("satudata_validation_rows_total") / max(delta("satudata_validation_duration_seconds_sum"), 1e-9)
    print(f"     validation: {rate:,.0f} rows/s")

    print(f"{checks['passed']} passed, {checks['failed']} failed")
    if checks["failed"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
