#!/usr/bin/env python3
"""Two nodes behind nginx over one PostgreSQL and one S3 bucket: the real `satudata` binary twice
on loopback (distinct ports and cache folders, the same database_url, storage and base_url) with
nginx from the Debian package in front, and checks that

  1. an upload to node A is published through node B, and downloads through nginx (all four
     formats) have an ETag equal to the SHA-256 of their bytes and to the recorded hash; the CSV
     is byte for byte the clean table the API shows; either node serves the same bytes;
  2. the harvest feeds through nginx (CKAN package_search, DCAT catalog.ttl, data.json) list the
     dataset with links under the shared public URL;
  3. a larger version is published on node A with `Prefer: respond-async`; the node holding the
     job's lease (A itself, woken at once, unless B's poll came first) is killed with SIGKILL
     while the job runs: the other node takes the job over when the lease (3 s here) expires and
     completes it; nginx keeps serving meanwhile; the new version is current with its four files
     intact, the earlier version still downloads, nothing is lost or doubled (two versions, four
     files each, one upload and one publish event per version, one job per upload and
     publication), and both nodes' feeds and data API show the new version (their caches follow
     the catalogue generation);
  4. after the killed node is restarted, `satudata gc --min-age 0` removes a planted leftover blob
     and leaves exactly the objects the database references (and one outside satudata's
     prefixes), and every download still verifies.

PostgreSQL and S3 are given (CI's `TEST_DATABASE_URL`, `TEST_S3_ENDPOINT`, `AWS_*`), or S3 is a
moto server started here. A fresh database and a fresh bucket are made for each run; the bucket
is made and listed with unsigned requests, as moto allows. `psql` makes and inspects the database.

Usage: two_nodes.py BINARY [--database-url URL] [--s3-endpoint URL] [--rows N] [--big-rows N]
Only the Python standard library is used.
"""

import argparse
import glob
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FORMATS = ("csv", "json", "parquet", "xlsx")
SLUG = "kunjungan"
STARTED = time.time()


class Failed(Exception):
    """A check failed; the message says which."""


def say(message):
    print(f"[{time.time() - STARTED:5.1f}s] {message}", flush=True)


def check(ok, message):
    if not ok:
        raise Failed(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, token=None, body=None, content_type="application/json", headers=None, timeout=300):
    """One HTTP request; returns (status, headers as a lower-case dict, body bytes)."""
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", content_type)
    for key, value in (headers or {}).items():
        req.add_header(key, value)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def api(base, method, path, token=None, body=None, expect=(200,), **kw):
    status, headers, raw = call(base, method, path, token, body, **kw)
    if status not in expect:
        raise Failed(f"{method} {base}{path}: expected {expect}, got {status}: {raw[:400]!r}")
    return status, headers, json.loads(raw) if raw else None


def wait_until(what, predicate, timeout, pause=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(pause)
    raise Failed(f"timed out after {timeout:.0f}s waiting for {what}")


def sha256(data):
    return hashlib.sha256(data).hexdigest()


# --- PostgreSQL (through psql) -------------------------------------------------------------------


def find_psql():
    found = shutil.which("psql") or max(glob.glob("/usr/lib/postgresql/*/bin/psql"), default=None)
    if not found:
        raise Failed("psql not found (install postgresql-client)")
    return found


class Database:
    def __init__(self, server_url, psql):
        self.psql = psql
        self.server_url = server_url
        self.name = f"satudata_two_nodes_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        parts = urllib.parse.urlsplit(server_url)
        self.url = urllib.parse.urlunsplit(parts._replace(path="/" + self.name))
        self.sql_on(self.server_url, f"CREATE DATABASE {self.name}")

    def sql_on(self, url, statement):
        out = subprocess.run(
            [self.psql, "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", statement],
            capture_output=True, text=True, timeout=60,
        )
        if out.returncode != 0:
            raise Failed(f"psql: {statement}: {out.stderr.strip()}")
        return [line.split("\t") for line in out.stdout.splitlines() if line]

    def sql(self, statement):
        return self.sql_on(self.url, statement)

    def drop(self):
        try:
            self.sql_on(self.server_url, f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
        except Failed as e:
            print(f"warning: {e}")


# --- S3 (unsigned requests, as moto accepts) -----------------------------------------------------


def s3_keys(endpoint, bucket):
    keys, token = set(), None
    ns = "{http://s3.amazonaws.com/doc/2006-03-01/}"
    while True:
        query = {"list-type": "2"}
        if token:
            query["continuation-token"] = token
        status, _, raw = call(endpoint, "GET", f"/{bucket}?{urllib.parse.urlencode(query)}")
        check(status == 200, f"listing the bucket answered {status}: {raw[:300]!r}")
        root = ET.fromstring(raw)
        keys |= {e.text for e in root.iter(f"{ns}Key")}
        token_el = root.find(f"{ns}NextContinuationToken")
        if token_el is None or root.findtext(f"{ns}IsTruncated") != "true":
            return keys
        token = token_el.text


# --- the processes -------------------------------------------------------------------------------


class Node:
    def __init__(self, name, binary, workdir, settings):
        self.name = name
        self.binary = binary
        self.dir = os.path.join(workdir, f"node-{name}")
        os.makedirs(os.path.join(self.dir, "tmp"))
        self.port = free_port()
        self.log_path = os.path.join(self.dir, "serve.log")
        config = dict(settings, listen=f"127.0.0.1:{self.port}", cache_dir=os.path.join(self.dir, "cache"))
        self.config = os.path.join(self.dir, "satudata.toml")
        with open(self.config, "w") as f:
            for key, value in config.items():
                f.write(f"{key} = {json.dumps(value)}\n")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SATUDATA_")}
        self.env.update(SATUDATA_CONFIG=self.config, TMPDIR=os.path.join(self.dir, "tmp"))
        for key, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"), ("AWS_REGION", "us-east-1")):
            self.env.setdefault(key, value)
        self.proc = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args):
        out = subprocess.run([self.binary, *args], env=self.env, capture_output=True, text=True, timeout=300)
        if out.returncode != 0:
            raise Failed(f"satudata {' '.join(args)} failed ({out.returncode}): {out.stderr.strip()}")
        return out.stdout.strip()

    def start(self):
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen([self.binary, "serve"], env=self.env, stdout=log, stderr=log)
        log.close()

        def ready():
            if self.proc.poll() is not None:
                raise Failed(f"node {self.name} exited with {self.proc.returncode}; see {self.log_path}:\n{self.tail()}")
            try:
                return call(self.url, "GET", "/readyz", timeout=2)[0] == 200
            except OSError:
                return False

        wait_until(f"node {self.name} to be ready", ready, 90)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self, lines=30):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""


NGINX_CONF = """\
daemon off;
worker_processes 1;
{user}
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    log_format upstreams '$request_method $uri $status $upstream_addr';
    access_log {dir}/access.log upstreams;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream satudata {{
        server 127.0.0.1:{a} max_fails=1 fail_timeout=2s;
        server 127.0.0.1:{b} max_fails=1 fail_timeout=2s;
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 0;
        proxy_request_buffering off;
        proxy_max_temp_file_size 0;
        proxy_connect_timeout 2s;
        proxy_read_timeout 600s;
        proxy_send_timeout 600s;
        location / {{
            proxy_pass http://satudata;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


class Nginx:
    def __init__(self, binary, workdir, port, upstreams):
        self.binary = binary
        self.dir = os.path.join(workdir, "nginx")
        os.makedirs(self.dir)
        self.port = port
        self.conf = os.path.join(self.dir, "nginx.conf")
        user = "user root;" if os.geteuid() == 0 else ""
        with open(self.conf, "w") as f:
            f.write(NGINX_CONF.format(user=user, dir=self.dir, port=port, a=upstreams[0], b=upstreams[1]))
        self.proc = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        args = [self.binary, "-p", self.dir, "-c", self.conf, "-e", os.path.join(self.dir, "error.log")]
        out = subprocess.run([*args, "-t"], capture_output=True, text=True)
        if out.returncode != 0:
            raise Failed(f"nginx -t: {out.stderr.strip()}")
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.dir, "stderr.log"), "w"))
        wait_until("nginx", lambda: self._up(), 30)

    def _up(self):
        if self.proc.poll() is not None:
            raise Failed(f"nginx exited with {self.proc.returncode}; see {self.dir}/error.log")
        try:
            return call(self.url, "GET", "/healthz", timeout=2)[0] == 200
        except OSError:
            return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def upstreams(self, prefix):
        """The upstream addresses nginx used for requests whose path starts with `prefix`."""
        used = set()
        with open(os.path.join(self.dir, "access.log")) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 4 and parts[1].startswith(prefix):
                    used |= {a.strip(",") for a in parts[3:] if a != ":"}
        return used


def start_moto(moto, workdir):
    port = free_port()
    log = open(os.path.join(workdir, "moto.log"), "w")
    proc = subprocess.Popen([moto, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log)
    endpoint = f"http://127.0.0.1:{port}"

    def up():
        if proc.poll() is not None:
            raise Failed(f"moto_server exited with {proc.returncode}; see {workdir}/moto.log")
        try:
            call(endpoint, "GET", "/", timeout=2)
            return True
        except OSError:
            return False

    wait_until("moto", up, 60)
    return proc, endpoint


# --- the checks ----------------------------------------------------------------------------------


def wait_job(base, token, job, timeout):
    """Polls a job until it is done; fails on `failed` or the timeout."""
    def finished():
        _, _, j = api(base, "GET", f"/api/v1/jobs/{job['id']}", token)
        if j["state"] == "failed":
            raise Failed(f"job {job['id']} ({j['kind']}) failed: {j.get('error')}")
        return j if j["state"] == "done" else None

    return wait_until(f"{job['kind']} job {job['id']}", finished, timeout, pause=0.2)


def upload(base, token, path, timeout):
    with open(path, "rb") as f:
        body = f.read()
    status, _, version = api(base, "POST", f"/api/v1/datasets/{SLUG}/versions", token, body, expect=(201, 202),
                             content_type="text/csv", headers={"X-Filename": os.path.basename(path)})
    if status == 202:
        wait_job(base, token, version["job"], timeout)
    _, _, version = api(base, "GET", f"/api/v1/datasets/{SLUG}/versions/{version['number']}", token)
    check(version["validation"] and version["validation"]["valid"], f"version {version['number']} is not valid: {version['validation']}")
    return version


def approve(base, token, number):
    api(base, "POST", f"/api/v1/datasets/{SLUG}/versions/{number}/submit", token, {})
    api(base, "POST", f"/api/v1/datasets/{SLUG}/versions/{number}/review", token, {"decision": "approve"})


def recorded_files(base, token, number):
    _, _, version = api(base, "GET", f"/api/v1/datasets/{SLUG}/versions/{number}", token)
    files = {f["format"]: f for f in version["files"]}
    check(set(files) == set(FORMATS), f"version {number} lists files {sorted(files)}, expected {list(FORMATS)}")
    return files


def verify_downloads(base, files, number, latest):
    """Every format of version `number` through `base`: 200, ETag = SHA-256 of the bytes = the
    recorded hash, the recorded size, the right file name. Returns the CSV's bytes."""
    csv = None
    for fmt in FORMATS:
        path = f"/datasets/{SLUG}/data.{fmt}" if latest else f"/datasets/{SLUG}/versions/{number}/data.{fmt}"
        status, headers, raw = call(base, "GET", path)
        check(status == 200, f"GET {path} answered {status}: {raw[:300]!r}")
        digest = sha256(raw)
        etag = headers.get("etag", "")
        check(etag == f'"{digest}"', f"GET {path}: ETag {etag} is not the SHA-256 of its bytes ({digest})")
        check(digest == files[fmt]["sha256"], f"GET {path}: hash {digest} differs from the recorded {files[fmt]['sha256']}")
        check(len(raw) == files[fmt]["byte_size"], f"GET {path}: {len(raw)} bytes, recorded {files[fmt]['byte_size']}")
        disposition = headers.get("content-disposition", "")
        check(f"{SLUG}-v{number}.{fmt}" in disposition, f"GET {path}: Content-Disposition {disposition!r}, expected version {number}")
        if fmt == "csv":
            csv = raw
    return csv


def verify_harvest(base, number, files, label):
    """The CKAN, DCAT and data.json feeds at `base` show the dataset at version `number`."""
    _, _, found = api(base, "GET", f"/api/3/action/package_search?q=name:{SLUG}")
    results = [d for d in found["result"]["results"] if d["name"] == SLUG]
    check(len(results) == 1, f"{label}: package_search does not find {SLUG}: {found['result']['count']} results")
    package = results[0]
    check(package.get("version") == str(number), f"{label}: package_search shows version {package.get('version')}, expected {number}")
    hashes = {r.get("hash") for r in package["resources"]}
    want = {f["sha256"] for f in files.values()}
    check(want <= hashes, f"{label}: package_search resources' hashes {sorted(hashes)} lack {sorted(want - hashes)}")
    urls = [r["url"] for r in package["resources"]]
    check(all(u.startswith(PUBLIC_URL + "/") for u in urls), f"{label}: resource URLs not under the public URL {PUBLIC_URL}: {urls}")
    status, headers, ttl = call(base, "GET", "/catalog.ttl")
    check(status == 200 and "turtle" in headers.get("content-type", ""), f"{label}: /catalog.ttl answered {status} {headers.get('content-type')}")
    check(f"{PUBLIC_URL}/datasets/{SLUG}/data.csv".encode() in ttl, f"{label}: /catalog.ttl has no {PUBLIC_URL}/datasets/{SLUG}/data.csv")
    status, _, raw = call(base, "GET", "/data.json")
    check(status == 200, f"{label}: /data.json answered {status}")
    entries = [d for d in json.loads(raw)["dataset"] if any(SLUG in (x.get("downloadURL") or "") for x in d.get("distribution", []))]
    check(len(entries) == 1, f"{label}: /data.json lists {len(entries)} entries for {SLUG}")
    urls = [x.get("downloadURL") for x in entries[0]["distribution"] if x.get("downloadURL")]
    check(all(u.startswith(PUBLIC_URL + "/") for u in urls), f"{label}: data.json downloadURLs not under {PUBLIC_URL}: {urls}")


def verify_data_api(base, number, rows, label):
    _, _, page = api(base, "GET", f"/api/v1/datasets/{SLUG}/data?limit=1")
    check(page["version"] == number and page["total"] == rows,
          f"{label}: the data API shows version {page['version']} with {page['total']} rows, expected {number} with {rows}")


def events(base, token, action):
    """How many `action` events the dataset's history has, per version."""
    _, _, history = api(base, "GET", f"/api/v1/datasets/{SLUG}/history", token)
    counts = {}
    for event in history["items"]:
        if event["action"] == action:
            counts[event["version"]] = counts.get(event["version"], 0) + 1
    return counts


def referenced_keys(db):
    keys = {k for (k,) in db.sql("SELECT object_key FROM dataset_version")}
    keys |= {k for (k,) in db.sql("SELECT object_key FROM distribution")}
    keys |= {f"blobs/sha256/{s[:2]}/{s}" for (s,) in db.sql("SELECT clean_sha256 FROM dataset_version WHERE clean_sha256 IS NOT NULL")}
    return keys


PUBLIC_URL = ""


def run(args, workdir, cleanup):
    global PUBLIC_URL
    binary = os.path.abspath(args.binary)
    check(os.access(binary, os.X_OK), f"{binary} is not an executable")

    if args.s3_endpoint:
        endpoint = args.s3_endpoint.rstrip("/")
    else:
        moto, endpoint = start_moto(args.moto, workdir)
        cleanup.append(lambda: (moto.terminate(), moto.wait()))
        say(f"moto started at {endpoint}")
    bucket = f"satudata-two-nodes-{uuid.uuid4().hex[:8]}"
    status, _, raw = call(endpoint, "PUT", f"/{bucket}")
    check(status == 200, f"making bucket {bucket} at {endpoint} answered {status}: {raw[:300]!r}")
    db = Database(args.database_url, find_psql())
    cleanup.append(db.drop)
    say(f"fresh database {db.name}, fresh bucket s3://{bucket} at {endpoint}")

    nginx_port = free_port()
    PUBLIC_URL = f"http://127.0.0.1:{nginx_port}"
    settings = {
        "database_url": db.url,
        "storage": f"s3://{bucket}",
        "s3_endpoint": endpoint,
        "s3_region": os.environ.get("AWS_REGION", "us-east-1"),
        "s3_allow_http": True,
        "base_url": PUBLIC_URL,
        "log": "info",
        "trusted_proxies": ["127.0.0.1"],
        # The start-up sweep leaves every leftover to the explicit gc at the end.
        "gc_min_age_secs": 86400,
        "job_workers": 2,
        "job_lease_secs": args.lease,
    }
    a = Node("A", binary, workdir, settings)
    b = Node("B", binary, workdir, settings)
    nodes = {"A": a, "B": b}
    cleanup.append(lambda: [n.stop() for n in nodes.values()])

    a.cli("migrate")
    a.cli("org", "add", "--slug", "dinkes", "--name", "Dinas Kesehatan")
    a.cli("user", "add", "--email", "walidata@example.go.id", "--name", "Walidata", "--role", "walidata")
    token = a.cli("token", "create", "--email", "walidata@example.go.id")
    a.start()
    b.start()
    nginx = Nginx(args.nginx, workdir, nginx_port, (a.port, b.port))
    nginx.start()
    cleanup.append(nginx.stop)
    lb = nginx.url
    say(f"node A at {a.url}, node B at {b.url}, nginx at {lb} (job lease {args.lease}s)")

    gen = os.path.abspath(args.gen)
    check(os.path.isfile(gen), f"the data generator {gen} is missing (../shared beside the checkout, or --gen)")
    small, big, schema = (os.path.join(workdir, n) for n in ("v1.csv", "v2.csv", "schema.json"))
    subprocess.run([sys.executable, gen, "--rows", str(args.rows), "--out", small, "--schema-out", schema], check=True)
    subprocess.run([sys.executable, gen, "--rows", str(args.big_rows), "--seed", "7", "--out", big], check=True)

    # --- 1. upload on A, publish on B, download through nginx ---
    api(a.url, "POST", "/api/v1/datasets", token, {
        "title": "Kunjungan Puskesmas", "slug": SLUG, "organization": "dinkes", "tags": ["kesehatan"],
    }, expect=(201,))
    with open(schema, "rb") as f:
        api(b.url, "PUT", f"/api/v1/datasets/{SLUG}/schema", token, f.read())
    v1 = upload(a.url, token, small, 120)
    check(v1["number"] == 1, f"first upload is version {v1['number']}")
    approve(lb, token, 1)
    status, _, published = api(b.url, "POST", f"/api/v1/datasets/{SLUG}/versions/1/publish", token, {}, expect=(200, 202))
    if status == 202:
        wait_job(b.url, token, published["job"], 120)
    say(f"version 1 ({args.rows} rows) uploaded on node A, published on node B ({status})")

    files1 = recorded_files(a.url, token, 1)
    csv1 = verify_downloads(lb, files1, 1, latest=True)
    _, _, clean1 = call(a.url, "GET", f"/api/v1/datasets/{SLUG}/versions/1/clean.csv", token)
    check(csv1 == clean1, "data.csv through nginx differs from the clean table node A's API shows")
    for node in (a, b):
        status, headers, raw = call(node.url, "GET", f"/datasets/{SLUG}/data.csv")
        check(status == 200 and raw == csv1, f"node {node.name} serves other bytes for data.csv ({status})")
    verify_downloads(lb, files1, 1, latest=False)
    say("version 1: all four files through nginx match their ETag and recorded SHA-256; both nodes serve the same CSV")

    verify_harvest(lb, 1, files1, "nginx")
    for node in (a, b):  # also fills each node's feed cache, to be invalidated by the next publication
        verify_harvest(node.url, 1, files1, f"node {node.name}")
        verify_data_api(node.url, 1, args.rows, f"node {node.name}")
    say("harvest through nginx: package_search, catalog.ttl and data.json list the dataset under the public URL")

    # --- 2. a larger version, published asynchronously; SIGKILL the node running the job ---
    v2 = upload(lb, token, big, 240)
    check(v2["number"] == 2, f"second upload is version {v2['number']}")
    approve(lb, token, 2)
    say(f"version 2 ({args.big_rows} rows) uploaded through nginx and approved")
    status, _, started = api(a.url, "POST", f"/api/v1/datasets/{SLUG}/versions/2/publish", token, {},
                             expect=(202,), headers={"Prefer": "respond-async"})
    job = started["job"]

    def running():
        rows = db.sql(f"SELECT state, coalesce(lease_owner, ''), attempts FROM job WHERE uuid = '{job['id']}'")
        check(rows and rows[0][0] != "done", f"the publication finished before it could be killed; raise --big-rows ({rows})")
        return rows[0] if rows[0][0] == "running" and rows[0][1] else None

    state, owner, attempts = wait_until("the publication job to run", running, 60, pause=0.02)
    pids = {str(n.proc.pid): n for n in nodes.values()}
    victim = next((n for pid, n in pids.items() if re.search(rf"-{pid}-[0-9a-f]+$", owner)), None)
    check(victim is not None, f"the job's lease owner {owner!r} names neither node's process {sorted(pids)}")
    survivor = b if victim is a else a
    time.sleep(args.kill_after)
    victim.kill()
    killed_at = time.time()
    rows = db.sql(f"SELECT state, coalesce(lease_owner, ''), progress FROM job WHERE uuid = '{job['id']}'")
    dists = db.sql("SELECT count(*) FROM distribution d JOIN dataset_version v ON v.id = d.version_id WHERE v.number = 2")
    check(rows[0][0] == "running" and rows[0][1] == owner and dists[0][0] == "0",
          f"node {victim.name} was not killed in the middle of the job (raise --big-rows or lower --kill-after): "
          f"job {rows}, {dists[0][0]} files of version 2")
    say(f"SIGKILL node {victim.name} while it ran publication job {job['id']} (progress {rows[0][2]})")

    # nginx keeps serving version 1 from the survivor meanwhile.
    for _ in range(4):
        status, _, raw = call(lb, "GET", f"/datasets/{SLUG}/data.csv")
        check(status == 200 and raw == csv1, f"while node {victim.name} is down, nginx answered {status} for data.csv")
    done = wait_job(survivor.url, token, job, args.lease + 120)
    say(f"node {survivor.name} completed the job {time.time() - killed_at:.1f}s after the kill (attempts: {done['attempts']})")
    check(done["attempts"] == 2, f"the job took {done['attempts']} attempts, expected 2 (the killed one and the takeover)")
    with open(survivor.log_path, errors="replace") as f:
        ended = [line for line in f if job["id"] in line and "job ended" in line]
    check(ended, f"node {survivor.name}'s log does not record ending job {job['id']}")

    # --- 3. nothing lost, nothing doubled ---
    files2 = recorded_files(lb, token, 2)
    csv2 = verify_downloads(lb, files2, 2, latest=True)
    _, _, clean2 = call(lb, "GET", f"/api/v1/datasets/{SLUG}/versions/2/clean.csv", token)
    check(csv2 == clean2, "version 2's data.csv differs from its clean table")
    verify_downloads(lb, files2, 2, latest=False)
    check(recorded_files(lb, token, 1) == files1, "version 1's recorded files changed")
    verify_downloads(lb, files1, 1, latest=False)
    _, _, versions = api(lb, "GET", f"/api/v1/datasets/{SLUG}/versions", token)
    numbers = sorted(v["number"] for v in versions["items"])
    check(numbers == [1, 2], f"versions {numbers}, expected [1, 2]")
    for action in ("upload", "publish"):
        counts = events(lb, token, action)
        check(counts == {1: 1, 2: 1}, f"{action} events per version: {counts}, expected exactly one each")
    jobs = dict(db.sql("SELECT kind, count(*) FROM job GROUP BY kind"))
    check(jobs == {"validate": "2", "publish": "2"}, f"jobs by kind: {jobs}, expected two of each")
    per_version = dict(db.sql("SELECT v.number, count(*) FROM distribution d JOIN dataset_version v ON v.id = d.version_id GROUP BY v.number"))
    check(per_version == {"1": "4", "2": "4"}, f"distribution rows per version: {per_version}")
    unfinished = db.sql("SELECT uuid, kind, state FROM job WHERE state <> 'done'")
    check(not unfinished, f"jobs not done: {unfinished}")
    verify_harvest(lb, 2, files2, "nginx")
    verify_harvest(survivor.url, 2, files2, f"node {survivor.name}")
    verify_data_api(survivor.url, 2, args.big_rows, f"node {survivor.name}")
    say("version 2 is current with its four files intact; version 1 still downloads; "
        "one upload event, one publish event and one job of each kind per version")

    # --- 4. restart the killed node; gc; everything still downloads ---
    victim.start()
    for node in (a, b):
        status, _, raw = call(node.url, "GET", f"/datasets/{SLUG}/data.csv")
        check(status == 200 and raw == csv2, f"node {node.name} serves other bytes for the current data.csv")
        verify_harvest(node.url, 2, files2, f"node {node.name}")
        verify_data_api(node.url, 2, args.big_rows, f"node {node.name}")
    say(f"node {victim.name} restarted; both nodes serve version 2 in downloads, feeds and the data API")
    before = s3_keys(endpoint, bucket)
    referenced = referenced_keys(db)
    missing = referenced - before
    check(not missing, f"referenced objects missing from the bucket: {sorted(missing)}")
    # A leftover blob (as an interrupted publish leaves) must go; an object outside satudata's
    # prefixes must stay.
    leftover, foreign = f"blobs/sha256/00/00{'0' * 62}", "elsewhere/keep.txt"
    for key in (leftover, foreign):
        status, _, raw = call(endpoint, "PUT", f"/{bucket}/{key}", body=b"x", content_type="application/octet-stream")
        check(status == 200, f"storing {key} answered {status}: {raw[:200]!r}")
    before = s3_keys(endpoint, bucket)
    removed = a.cli("gc", "--min-age", "0").splitlines()
    after = s3_keys(endpoint, bucket)
    check(after == referenced | {foreign},
          f"after gc the bucket holds {sorted(after - referenced - {foreign})} unreferenced, lacks {sorted((referenced | {foreign}) - after)}")
    check(leftover in removed, f"gc did not report removing {leftover}: {removed}")
    for number, files in ((1, files1), (2, files2)):
        verify_downloads(lb, files, number, latest=False)
    verify_downloads(lb, files2, 2, latest=True)
    used = nginx.upstreams("/datasets/")
    check({f"127.0.0.1:{a.port}", f"127.0.0.1:{b.port}"} <= used, f"nginx sent downloads to {sorted(used)} only")
    # Multipart uploads the killed node left unfinished are not objects (listings and gc do not
    # see them); they are reported, for a bucket lifecycle rule to abort.
    status, _, raw = call(endpoint, "GET", f"/{bucket}?uploads")
    pending = sorted(set(re.findall(r"<Key>([^<]+)</Key>", raw.decode()))) if status == 200 else "?"
    say(f"gc removed {len(before) - len(after)} unreferenced objects (1 planted); the bucket holds exactly the "
        f"{len(referenced)} referenced objects (+1 outside satudata's prefixes); every download still verifies; "
        f"unfinished multipart uploads: {pending or 'none'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary")
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL"),
                        help="a PostgreSQL server (any database on it); default $TEST_DATABASE_URL")
    parser.add_argument("--s3-endpoint", default=os.environ.get("TEST_S3_ENDPOINT"),
                        help="an S3-compatible endpoint accepting unsigned requests (moto); default "
                             "$TEST_S3_ENDPOINT, else a moto_server started here")
    parser.add_argument("--moto", default=os.path.expanduser("~/.cache/satudata-venv/bin/moto_server"))
    parser.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    parser.add_argument("--gen", default=os.path.join(ROOT, "..", "shared", "tools", "gen_sdi_csv.py"))
    parser.add_argument("--rows", type=int, default=5000, help="rows of version 1")
    parser.add_argument("--big-rows", type=int, default=200000, help="rows of version 2 (its publication is killed)")
    parser.add_argument("--lease", type=int, default=3, help="job_lease_secs of both nodes")
    parser.add_argument("--kill-after", type=float, default=0.3, help="seconds between the job's claim and the kill")
    parser.add_argument("--keep", action="store_true", help="keep the work folder and the database")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("--database-url or TEST_DATABASE_URL is required (PostgreSQL)")

    workdir = tempfile.mkdtemp(prefix="satudata-two-nodes-")
    cleanup = []
    failure = None
    try:
        run(args, workdir, cleanup)
    except Failed as e:
        failure = str(e)
    except Exception as e:  # noqa: BLE001 - any surprise is a failure with its story
        import traceback
        traceback.print_exc()
        failure = f"{type(e).__name__}: {e}"
    finally:
        ok = failure is None
        if not ok:
            for log in sorted(glob.glob(os.path.join(workdir, "node-*", "serve.log"))):
                with open(log, errors="replace") as f:
                    print(f"--- last lines of {log}:", *(line.rstrip() for line in f.readlines()[-15:]), sep="\n  ")
        for step in reversed(cleanup):
            if args.keep and getattr(step, "__name__", "") == "drop":
                continue
            try:
                step()
            except Exception as e:  # noqa: BLE001
                print(f"warning: cleanup: {e}")
        if ok and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"work folder kept: {workdir}")
    if ok:
        say("ok: two nodes behind nginx over one PostgreSQL and one S3 bucket")
    else:
        say(f"FAIL: {failure}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
