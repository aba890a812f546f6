#!/usr/bin/env python3
"""Crash test: kill the real `satudata` binary with SIGKILL at random moments during uploads and
publishes, restart it, and check after every restart that

  1. every published file the database records exists in the store with exactly the recorded
     SHA-256 and size (no download can differ from its hash);
  2. every published version has its complete set of files (never half a publication), and the
     dataset's current version is published: either the previous or the new one, never a mix;
  3. every version row points at a stored source object;
  4. over HTTP, the latest CSV downloads with an ETag equal to the SHA-256 of its bytes;

and at the end that `satudata gc --min-age 0` leaves exactly the referenced objects.

Usage: crash_test.py BINARY [--iterations N] [--rows N] [--seed N]
Only the Python standard library is used.
"""

import argparse
import hashlib
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

FORMATS = {"csv", "json", "parquet", "xlsx"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Instance:
    def __init__(self, binary, workdir):
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.env = dict(os.environ)
        for key in list(self.env):
            if key.startswith("SATUDATA_"):
                del self.env[key]
        self.env.update(
            SATUDATA_DATABASE_URL=f"sqlite://{workdir}/satudata.db",
            SATUDATA_STORAGE=f"file://{workdir}/objects",
            SATUDATA_CACHE_DIR=f"{workdir}/cache",
            SATUDATA_LISTEN=f"127.0.0.1:{self.port}",
            SATUDATA_LOG="warn",
            # Leftovers stay until the explicit gc at the end, so the checks see them.
            SATUDATA_GC_MIN_AGE_SECS="86400",
        )
        self.proc = None

    def cli(self, *args, stdin=None):
        out = subprocess.run(
            [self.binary, *args], env=self.env, input=stdin, capture_output=True, text=True
        )
        if out.returncode != 0:
            raise RuntimeError(f"satudata {' '.join(args)} failed: {out.stderr}")
        return out.stdout.strip()

    def start(self):
        log = open(os.path.join(self.workdir, "serve.log"), "a")
        self.proc = subprocess.Popen([self.binary, "serve"], env=self.env, stdout=log, stderr=log)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.05)
        raise RuntimeError("server did not start; see serve.log")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"


def request(inst, method, path, token, body=None, content_type="application/json", timeout=120):
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    req = urllib.request.Request(inst.url + path, data=data, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return r.status, raw, dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def table(rows, variant):
    lines = ["kecamatan,jenis_kelamin,jumlah,satuan,tahun"]
    for i in range(rows):
        lines.append(f"Kecamatan {i % 97},{'Laki-laki' if i % 2 else 'Perempuan'},{i * 7 + variant},Jiwa,{2000 + i % 25}")
    return ("\n".join(lines) + "\n").encode()


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check_store(workdir):
    """Invariants 1-3, read straight from the database and the store."""
    db = sqlite3.connect(os.path.join(workdir, "satudata.db"))
    objects = os.path.join(workdir, "objects")
    problems = []
    for key, sha, size in db.execute("SELECT object_key, sha256, byte_size FROM distribution"):
        path = os.path.join(objects, key)
        if not os.path.exists(path):
            problems.append(f"missing published object {key}")
        elif os.path.getsize(path) != size or sha256_file(path) != sha:
            problems.append(f"published object {key} differs from its recorded hash/size")
    # A valid upload's clean table (the published CSV to be) is stored before its row.
    for number, sha, size in db.execute(
        "SELECT number, clean_sha256, clean_size FROM dataset_version WHERE clean_sha256 IS NOT NULL"
    ):
        path = os.path.join(objects, "blobs", "sha256", sha[:2], sha)
        if not os.path.exists(path):
            problems.append(f"version {number}: missing clean table {sha}")
        elif os.path.getsize(path) != size or sha256_file(path) != sha:
            problems.append(f"version {number}: clean table differs from its recorded hash/size")
    for vid, number, status, published in db.execute(
        "SELECT id, number, status, published_at FROM dataset_version"
    ):
        formats = {f for (f,) in db.execute("SELECT format FROM distribution WHERE version_id = ?", (vid,))}
        if published is not None and formats != FORMATS:
            problems.append(f"published version {number} has files {sorted(formats)}")
        if published is None and formats:
            problems.append(f"unpublished version {number} has files {sorted(formats)}")
        if status in ("DITAYANGKAN", "TIDAK_DITAYANGKAN") and published is None:
            problems.append(f"version {number} is {status} without published_at")
    for slug, current in db.execute("SELECT slug, current_version_id FROM dataset"):
        if current is None:
            continue
        row = db.execute("SELECT status, published_at FROM dataset_version WHERE id = ?", (current,)).fetchone()
        if row is None or row[1] is None or row[0] not in ("DITAYANGKAN", "TIDAK_DITAYANGKAN"):
            problems.append(f"dataset {slug} points at an unpublished version: {row}")
    for key, in db.execute("SELECT object_key FROM dataset_version"):
        if not os.path.exists(os.path.join(objects, key)):
            problems.append(f"version source {key} is missing")
    referenced = {k for (k,) in db.execute("SELECT object_key FROM dataset_version")}
    referenced |= {k for (k,) in db.execute("SELECT object_key FROM distribution")}
    referenced |= {
        f"blobs/sha256/{sha[:2]}/{sha}"
        for (sha,) in db.execute("SELECT clean_sha256 FROM dataset_version WHERE clean_sha256 IS NOT NULL")
    }
    current = db.execute("SELECT current_version_id FROM dataset WHERE slug = 'crash'").fetchone()[0]
    db.close()
    return problems, referenced, current


def stored_objects(workdir):
    root = os.path.join(workdir, "objects")
    found = set()
    for dirpath, _, files in os.walk(root):
        for name in files:
            rel = os.path.relpath(os.path.join(dirpath, name), root)
            if not name.startswith("."):
                found.add(rel.replace(os.sep, "/"))
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--rows", type=int, default=40000)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"crash test: {args.iterations} kills, {args.rows} rows, seed {args.seed}")

    workdir = tempfile.mkdtemp(prefix="satudata-crash-")
    inst = Instance(os.path.abspath(args.binary), workdir)
    inst.cli("migrate")
    inst.cli("org", "add", "--slug", "dinkes", "--name", "Dinas Kesehatan")
    inst.cli("user", "add", "--email", "walidata@example.go.id", "--name", "Walidata", "--role", "walidata")
    token = inst.cli("token", "create", "--email", "walidata@example.go.id")
    inst.start()
    status, body, _ = request(inst, "POST", "/api/v1/datasets", token, {"title": "Crash", "slug": "crash", "organization": "dinkes"})
    assert status == 201, body

    def upload(variant):
        return request(inst, "POST", "/api/v1/datasets/crash/versions", token, table(args.rows, variant), "text/csv")

    def approved_version(variant):
        status, body, _ = upload(variant)
        assert status == 201, body
        n = json.loads(body)["number"]
        for action, payload in (("submit", {}), ("review", {"decision": "approve"})):
            s, b, _ = request(inst, "POST", f"/api/v1/datasets/crash/versions/{n}/{action}", token, payload)
            assert s == 200, (action, b)
        return n

    # Time an upload and a publish once, to aim the kills inside them.
    started = time.time()
    first = approved_version(0)
    upload_time = time.time() - started
    started = time.time()
    s, b, _ = request(inst, "POST", f"/api/v1/datasets/crash/versions/{first}/publish", token, {})
    assert s == 200, b
    publish_time = time.time() - started
    print(f"upload+review {upload_time:.2f}s, publish {publish_time:.2f}s")

    kills = {"upload": 0, "publish": 0}
    outcomes = {"committed": 0, "rolled back": 0}
    for i in range(args.iterations):
        action = rng.choice(["upload", "publish"])
        _, _, before = check_store(workdir)
        if action == "publish":
            n = approved_version(i + 1)
            target = lambda n=n: request(inst, "POST", f"/api/v1/datasets/crash/versions/{n}/publish", token, {})
            window = publish_time
        else:
            target = lambda i=i: upload(i + 1)
            window = upload_time
        worker = threading.Thread(target=lambda: _swallow(target), daemon=True)
        worker.start()
        time.sleep(rng.uniform(0, window * 1.2))
        inst.kill()
        worker.join(timeout=30)
        kills[action] += 1

        problems, _, after = check_store(workdir)
        if problems:
            print(f"iteration {i} ({action}): INVARIANT BROKEN", *problems, sep="\n  ")
            return 1
        if action == "publish":
            outcomes["committed" if after != before else "rolled back"] += 1
        inst.start()
        s, csv, headers = request(inst, "GET", "/datasets/crash/data.csv", token)
        if s != 200 or headers.get("ETag", headers.get("etag")) != f'"{hashlib.sha256(csv).hexdigest()}"':
            print(f"iteration {i}: latest CSV answered {s} with an ETag that is not its hash")
            return 1

    inst.stop()
    removed = inst.cli("gc", "--min-age", "0")
    problems, referenced, _ = check_store(workdir)
    leftover = stored_objects(workdir) - referenced
    if problems or leftover:
        print("after gc:", *problems, *sorted(leftover), sep="\n  ")
        return 1
    print(
        f"ok: {kills['upload']} kills during uploads, {kills['publish']} during publishes "
        f"({outcomes['committed']} committed, {outcomes['rolled back']} rolled back); "
        f"gc removed {len(removed.splitlines()) if removed else 0} leftover objects; "
        f"{len(referenced)} referenced objects all intact"
    )
    return 0


def _swallow(call):
    try:
        call()
    except Exception:  # the server is killed mid-request: any outcome is expected
        pass


if __name__ == "__main__":
    sys.exit(main())
