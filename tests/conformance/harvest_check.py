#!/usr/bin/env python3
"""What a national portal's harvesters do, against a real `satudata serve` seeded over HTTP.

- ckanapi (the CKAN client from PyPI) drives package_search, package_show, organization_list,
  organization_show and `ckanapi dump datasets --all`;
- the CKAN harvester's walk: package_search?rows=100&start=N&sort=id asc until an empty page,
  failing on identical pages, and every public published dataset exactly once;
- the incremental filter metadata_modified:[<timestamp> TO *].

Usage: harvest_check.py SATUDATA_BINARY VENV [--datasets N]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

PORT = 18383
URL = f"http://127.0.0.1:{PORT}"
TABLE = "kecamatan,jenis_kelamin,jumlah,satuan,tahun\nMagersari,Laki-laki,10,Jiwa,2024\n"


def request(method, path, token=None, body=None, content_type="application/json"):
    data = None
    headers = {}
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers["Content-Type"] = content_type
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(URL + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as e:
        sys.exit(f"FAIL: {method} {path}: {e.code} {e.read().decode(errors='replace')}")


def seed(bin_path, env, public, hidden):
    """`public` published Terbuka datasets over two OPDs, plus drafts and Terbatas ones."""
    run = lambda *args: subprocess.run([bin_path, *args], env=env, check=True, capture_output=True, text=True)
    run("migrate")
    run("org", "add", "--slug", "dinkes", "--name", "Dinas Kesehatan")
    run("org", "add", "--slug", "disdik", "--name", "Dinas Pendidikan")
    run("user", "add", "--email", "walidata@ci.go.id", "--name", "Walidata", "--role", "walidata")
    return run("token", "create", "--email", "walidata@ci.go.id").stdout.strip()


def publish_all(token, public, hidden):
    names = []
    for i in range(public + hidden):
        org = "dinkes" if i % 2 else "disdik"
        body = {"title": f"Dataset Uji {i:04d}", "organization": org, "tags": ["uji", f"t{i % 5}"]}
        if i >= public and i % 2:
            body["akses"] = "Terbatas"
        slug = request("POST", "/api/v1/datasets", token, body)["slug"]
        if i >= public and not i % 2:
            continue  # a draft: never published
        request("POST", f"/api/v1/datasets/{slug}/versions", token, TABLE.encode(), "text/csv")
        base = f"/api/v1/datasets/{slug}/versions/1"
        request("POST", f"{base}/submit", token, {})
        request("POST", f"{base}/review", token, {"decision": "approve"})
        request("POST", f"{base}/publish", token, {})
        if i < public:
            names.append(slug)
    return names


def ckanapi(venv, *args):
    out = subprocess.run(
        [os.path.join(venv, "bin", "ckanapi"), *args, "-r", URL],
        # `dump` starts its workers as `ckanapi` from PATH.
        env=dict(os.environ, PATH=os.path.join(venv, "bin") + os.pathsep + os.environ["PATH"]),
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        sys.exit(f"FAIL: ckanapi {' '.join(args)}: exit {out.returncode}\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
    return out.stdout


def check(condition, message):
    if not condition:
        sys.exit(f"FAIL: {message}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bin")
    parser.add_argument("venv")
    parser.add_argument("--datasets", type=int, default=150)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="satudata-ci-harvest.")
    env = dict(
        os.environ,
        SATUDATA_DATABASE_URL=f"sqlite://{work}/satudata.db",
        SATUDATA_STORAGE=f"file://{work}/objects",
        SATUDATA_CACHE_DIR=f"{work}/cache",
        SATUDATA_LISTEN=f"127.0.0.1:{PORT}",
        SATUDATA_BASE_URL=URL,
        SATUDATA_LOG="warn",
    )
    token = seed(args.bin, env, args.datasets, 6)
    server = subprocess.Popen([args.bin, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=open(f"{work}/serve.log", "w"))
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(URL + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        started = time.time()
        names = publish_all(token, args.datasets, 6)
        print(f"seeded {len(names)} public datasets (+6 hidden) in {time.time() - started:.1f}s")
        expected = set(names)

        # The CKAN harvester's walk.
        seen, previous, start = [], None, 0
        while True:
            q = urllib.parse.urlencode({"rows": 100, "start": start, "sort": "id asc"})
            page = request("GET", f"/api/3/action/package_search?{q}")["result"]
            ids = [p["id"] for p in page["results"]]
            check(page["count"] == len(expected), f"count {page['count']} != {len(expected)}")
            if not ids:
                break
            check(ids != previous, f"identical pages at start={start}")
            previous = ids
            seen.extend(p["name"] for p in page["results"])
            start += 100
        check(len(seen) == len(set(seen)), "a dataset appeared twice in the walk")
        check(set(seen) == expected, "the walk did not return every public dataset")
        print(f"harvest walk: {start // 100} pages, every dataset once, empty page past the end")

        # Incremental harvest: nothing modified in the future, everything since the epoch.
        for since, want in (("2000-01-01T00:00:00.000000Z", len(expected)), ("2999-01-01T00:00:00.000000Z", 0)):
            fq = f"metadata_modified:[{since} TO *]"
            q = urllib.parse.urlencode({"fq": fq, "rows": 0})
            count = request("GET", f"/api/3/action/package_search?{q}")["result"]["count"]
            check(count == want, f"{fq}: {count} != {want}")

        # ckanapi, as an operator would run it.
        found = json.loads(ckanapi(args.venv, "action", "package_search", "fq=organization:dinkes", "rows=1000"))
        check(found["count"] == sum(1 for i in range(args.datasets) if i % 2), "ckanapi package_search by organization")
        shown = json.loads(ckanapi(args.venv, "action", "package_show", f"id={names[0]}"))
        check(shown["name"] == names[0] and shown["type"] == "dataset", "ckanapi package_show")
        check(len(shown["resources"]) == 4, "four resources")
        for r in shown["resources"]:
            with urllib.request.urlopen(r["url"]) as resp:
                check(len(resp.read()) == r["size"], f"resource {r['format']} size")
        orgs = json.loads(ckanapi(args.venv, "action", "organization_list"))
        check(orgs == ["dinkes", "disdik"], f"organization_list {orgs}")
        org = json.loads(ckanapi(args.venv, "action", "organization_show", f"id={shown['owner_org']}"))
        check(org["id"] == shown["owner_org"], "organization_show by id")
        dump = os.path.join(work, "dump.jsonl")
        ckanapi(args.venv, "dump", "datasets", "--all", "-q", "-O", dump)
        with open(dump) as f:
            dumped = [json.loads(line) for line in f if line.strip()]
        check({d["name"] for d in dumped} == expected, "ckanapi dump datasets --all")
        print(f"ckanapi: package_search, package_show, organization_list, organization_show, dump ({len(dumped)} datasets)")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
