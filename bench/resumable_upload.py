#!/usr/bin/env python3
"""A client of the workspace's resumable upload (crates/web/README.md, "Chunked upload") over a
slow link that drops: every chunk is sent at RATE MB/s, and every DROP-th chunk is cut off
halfway (the connection closed), after which the client asks the server's offset and goes on.
Prints one JSON line: bytes, chunks, drops, transfer and total seconds, the final state.

    resumable_upload.py BASE_URL TOKEN SLUG FILE [--rate MBPS] [--drop N]

The token is an API token (the workspace accepts it as a bearer, with the CSRF header made
from it as the session's is)."""
from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import socket
import time
import urllib.parse


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("token")
    ap.add_argument("slug")
    ap.add_argument("file")
    ap.add_argument("--rate", type=float, default=25.0, help="MB/s")
    ap.add_argument("--drop", type=int, default=10, help="cut every N-th chunk off (0: never)")
    a = ap.parse_args()
    base = urllib.parse.urlparse(a.base)
    csrf = hashlib.sha256(a.token.encode() + b"csrf").hexdigest()
    headers = {"Authorization": f"Bearer {a.token}", "X-CSRF-Token": csrf, "Origin": a.base.rstrip("/")}
    size = os.path.getsize(a.file)

    def call(method, path, body=None, extra=None):
        conn = http.client.HTTPConnection(base.hostname, base.port, timeout=600)
        conn.request(method, path, body=body, headers={**headers, **(extra or {})})
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, dict(resp.getheaders()), data

    status, _, data = call("POST", f"/kelola/dataset/{a.slug}/unggahan",
                           json.dumps({"filename": os.path.basename(a.file), "size": size,
                                       "media_type": "text/csv"}),
                           {"Content-Type": "application/json"})
    assert status == 201, (status, data)
    opened = json.loads(data)
    url, chunk = opened["url"], opened["chunk_size"]
    per_second = a.rate * 1_000_000
    started = time.monotonic()
    offset, chunks, drops, replays = 0, 0, 0, 0
    final = None
    with open(a.file, "rb") as f:
        while offset < size:
            f.seek(offset)
            piece = f.read(min(chunk, size - offset))
            chunks += 1
            cut = a.drop and chunks % a.drop == 0
            if cut:
                # Headers for the whole chunk, half of it sent, then the connection closed.
                sock = socket.create_connection((base.hostname, base.port))
                head = [f"PATCH {url} HTTP/1.1", f"Host: {base.netloc}", f"Content-Length: {len(piece)}",
                        f"Upload-Offset: {offset}", "Content-Type: application/offset+octet-stream"]
                head += [f"{k}: {v}" for k, v in headers.items()]
                sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
                half = piece[: len(piece) // 2]
                send_throttled(sock.sendall, half, per_second)
                sock.close()
                drops += 1
                _, _, data = call("GET", url)
                server = json.loads(data)["offset"]
                replays += server == offset
                offset = server
                continue
            body = throttled(piece, per_second)
            status, got, data = call("PATCH", url, body, {
                "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream",
                "Content-Length": str(len(piece))})
            if status == 204:
                offset = int(got["upload-offset"] if "upload-offset" in got else got["Upload-Offset"])
            elif status == 200:
                offset = size
                final = json.loads(data)
            elif status == 409:
                offset = json.loads(data)["offset"]
            else:
                raise SystemExit(f"chunk at {offset}: {status} {data[:300]!r}")
    transferred = time.monotonic() - started
    while final is None or final["state"] in ("receiving", "validating"):
        time.sleep(0.5)
        _, _, data = call("GET", url)
        final = json.loads(data)
    print(json.dumps({"bytes": size, "chunks": chunks, "drops": drops, "offset_kept_after_drop": replays,
                      "rate_mb_s": a.rate, "transfer_s": round(transferred, 1),
                      "total_s": round(time.monotonic() - started, 1), "state": final["state"],
                      "report_url": final.get("report_url"), "message": final.get("message")}))


def throttled(piece: bytes, per_second: float):
    """The chunk in 64 KiB pieces, paced to `per_second` bytes a second."""
    step = 65536
    t0 = time.monotonic()
    for i in range(0, len(piece), step):
        yield piece[i:i + step]
        due = t0 + (i + step) / per_second
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)


def send_throttled(send, data: bytes, per_second: float) -> None:
    for part in throttled(data, per_second):
        send(part)


if __name__ == "__main__":
    main()
