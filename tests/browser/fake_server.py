#!/usr/bin/env python3
"""A stand-in for `satudata serve` while the Rust side is being written: serves the prototype's
rendered pages (crates/web/proto/out) and implements the chunked upload protocol of
crates/web/README.md ("Chunked upload"), with optional faults, so that static/upload.js can be
tested in a real browser. It is a reference for the protocol, not for production.

    python3 tests/browser/fake_server.py --root crates/web/proto/out --port 8765

Faults (for tests): POST /__faults with JSON {"fail_patch": [n, ...]} makes the n-th PATCH
(1-based) answer 503 after reading its body; {"drop_patch": [n]} closes the connection without
an answer after storing the chunk (the client must re-ask the offset and not send it twice);
{"chunk_size": bytes}; {"delay_ms": n} slows every PATCH down (a slow link). GET /__uploads lists the uploads (id, size, offset, sha256 when done).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import threading
import time
import uuid
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

LOCK = threading.Lock()
UPLOADS: dict[str, dict] = {}
FAULTS = {"fail_patch": [], "drop_patch": [], "chunk_size": 256 * 1024, "delay_ms": 0, "patch_count": 0}
CREATE = re.compile(r"^/kelola/dataset/([a-z0-9-]+)/unggahan$")
ONE = re.compile(r"^/kelola/unggahan/([0-9a-f]{32})$")


class Handler(SimpleHTTPRequestHandler):
    server_version = "satudata-fake/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def json_reply(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def empty_reply(self, status, headers=None):
        self.send_response(status)
        self.send_header("Content-Length", "0")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()

    def body(self) -> bytes:
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def status_of(self, up):
        return {"id": up["id"], "state": up["state"], "offset": len(up["data"]), "size": up["size"],
                "chunk_size": up["chunk_size"], "rows_checked": up.get("rows_checked"), "message": None,
                "report_url": up["report_url"] if up["state"] == "done" else None}

    def csrf_ok(self) -> bool:
        # The real server checks the session's token; here any non-empty token and same origin.
        return bool(self.headers.get("X-CSRF-Token")) and self.headers.get("Sec-Fetch-Site", "same-origin") == "same-origin"

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        m = ONE.match(path)
        if m:
            with LOCK:
                up = UPLOADS.get(m.group(1))
                if not up:
                    return self.json_reply(404, {"error": {"code": "not_found", "message": "Unggahan tidak ada", "message_en": "No such upload"}})
                if up["state"] == "validating" and time.time() - up["completed_at"] > 1.5:
                    up["state"] = "done"
                elif up["state"] == "validating":
                    up["rows_checked"] = 1234
                return self.json_reply(200, self.status_of(up))
        if path == "/__uploads":
            with LOCK:
                return self.json_reply(200, [{"id": u["id"], "size": u["size"], "offset": len(u["data"]), "state": u["state"],
                                              "sha256": hashlib.sha256(bytes(u["data"])).hexdigest() if u["state"] != "receiving" else None,
                                              "patches": u["patches"]} for u in UPLOADS.values()])
        return super().do_GET()

    def do_HEAD(self):
        return super().do_HEAD()

    def do_POST(self):
        path = self.path.split("?", 1)[0]
        if path == "/__faults":
            with LOCK:
                FAULTS.update(json.loads(self.body() or b"{}"))
                FAULTS["patch_count"] = 0
            return self.json_reply(200, FAULTS)
        m = CREATE.match(path)
        if m:
            req = json.loads(self.body() or b"{}")
            if not self.csrf_ok():
                return self.json_reply(403, {"error": {"code": "forbidden", "message": "Token CSRF tidak sah", "message_en": "Bad CSRF token"}})
            size = req.get("size")
            if not isinstance(size, int) or size < 0:
                return self.json_reply(422, {"error": {"code": "invalid", "message": "size wajib", "message_en": "size required"}})
            up_id = uuid.uuid4().hex
            with LOCK:
                up = UPLOADS[up_id] = {"id": up_id, "size": size, "data": bytearray(), "state": "receiving", "patches": 0,
                                       "chunk_size": FAULTS["chunk_size"], "filename": req.get("filename"),
                                       "report_url": f"/kelola/dataset/{m.group(1)}/versi/4/", "completed_at": 0}
                body = self.status_of(up)
            body["url"] = f"/kelola/unggahan/{up_id}"
            return self.json_reply(201, body, {"Location": body["url"]})
        # any other form POST: answer like the server would after a plain (no-JS) form post
        self.body()
        return self.empty_reply(303, {"Location": self.headers.get("Referer") or "/"})

    def do_PATCH(self):
        m = ONE.match(self.path.split("?", 1)[0])
        if not m:
            self.body()
            return self.empty_reply(404)
        expected = int(self.headers.get("Content-Length") or 0)
        data = self.body()
        if len(data) != expected:  # the connection broke mid-chunk: keep nothing of it
            self.close_connection = True
            return None
        if not self.csrf_ok():
            return self.json_reply(403, {"error": {"code": "forbidden", "message": "Token CSRF tidak sah", "message_en": "Bad CSRF token"}})
        if FAULTS["delay_ms"]:
            time.sleep(FAULTS["delay_ms"] / 1000)
        with LOCK:
            FAULTS["patch_count"] += 1
            n = FAULTS["patch_count"]
            up = UPLOADS.get(m.group(1))
            if not up:
                return self.json_reply(404, {"error": {"code": "not_found", "message": "Unggahan tidak ada", "message_en": "No such upload"}})
            if n in FAULTS["fail_patch"]:
                return self.json_reply(503, {"error": {"code": "unavailable", "message": "Coba lagi", "message_en": "Try again"}})
            offset = int(self.headers.get("Upload-Offset", "-1"))
            if up["state"] != "receiving":
                return self.json_reply(409, self.status_of(up))
            if offset != len(up["data"]):
                return self.json_reply(409, self.status_of(up))
            if len(data) > up["chunk_size"] or offset + len(data) > up["size"]:
                return self.json_reply(413, {"error": {"code": "too_large", "message": "Potongan terlalu besar", "message_en": "Chunk too large"}})
            up["data"] += data
            up["patches"] += 1
            done = len(up["data"]) == up["size"]
            if done:
                up["state"] = "validating"
                up["completed_at"] = time.time()
            if n in FAULTS["drop_patch"]:
                self.close_connection = True
                self.connection.shutdown(2)
                return None
            if done:
                return self.json_reply(200, self.status_of(up), {"Upload-Offset": str(len(up["data"]))})
            return self.empty_reply(204, {"Upload-Offset": str(len(up["data"]))})

    def do_DELETE(self):
        m = ONE.match(self.path.split("?", 1)[0])
        with LOCK:
            if m and UPLOADS.pop(m.group(1), None) is not None:
                return self.empty_reply(204)
        return self.empty_reply(404)


def serve(root: Path, host: str, port: int) -> ThreadingHTTPServer:
    handler = lambda *a, **kw: Handler(*a, directory=str(root), **kw)  # noqa: E731
    httpd = ThreadingHTTPServer((host, port), handler)
    httpd.daemon_threads = True
    return httpd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2] / "crates/web/proto/out")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8765)
    args = ap.parse_args()
    httpd = serve(args.root, args.host, args.port)
    print(f"serving {args.root} on http://{args.host}:{httpd.server_address[1]}/", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
