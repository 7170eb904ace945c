#!/usr/bin/env python3
"""A small HTTP(S) server for the CurlTransport tests. Listens on 127.0.0.1 only.

Usage: test_server.py --port-file FILE [--cert CERT --key KEY]
Writes the chosen port to FILE once it is listening. Endpoints (any method unless noted):

  /echo                 200, JSON: method, target, proxied, headers (object), body (text), body_len,
                        body_sha256, client_port (the client's TCP port: same port = same connection)
  /status/<code>        that status; ?retry_after=V adds Retry-After; ?busy=json|xml adds a VCD
                        BUSY_ENTITY error body; ?key=K counts the request under K; ?noread=1
                        answers without reading the request body, then closes
  /flaky?key=K&fail=N&status=S[&retry_after=V][&busy=json|xml]
                        the first N requests under K get status S, later ones 200 {"attempt": n}
  /count?key=K          {"count": n}: how many requests /flaky or /status counted under K
  /delay?seconds=S      waits S seconds, then 200
  /hang                 accepts the request and never answers
  /stream?bytes=N       N bytes, byte i = i % 251
  /cookies              two Set-Cookie fields
  /login?token=T        answers with T in an access-token header, a cookie and a JSON body
  /upload?key=K         PUT/POST: stores the body under K at the Content-Range start (or 0);
                        ?break_after=M stores M bytes, then resets the connection without answering
  /upload-status?key=K  {"received": contiguous bytes held from 0, "sha256": of those bytes}
  /upload-data?key=K    those bytes themselves
"""
import argparse
import hashlib
import json
import socket
import ssl
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

LOCK = threading.Lock()
COUNTS = {}
UPLOADS = {}  # key -> {"data": bytearray, "have": set of (start, end)}


def count(key):
    with LOCK:
        COUNTS[key] = COUNTS.get(key, 0) + 1
        return COUNTS[key]


def busy_body(kind):
    if kind == "xml":
        return ("application/vnd.vmware.vcloud.error+xml",
                '<?xml version="1.0"?><Error xmlns="http://www.vmware.com/vcloud/v1.5" majorErrorCode="400" '
                'minorErrorCode="BUSY_ENTITY" message="The entity is busy completing an operation."/>')
    return ("application/json",
            json.dumps({"minorErrorCode": "BUSY_ENTITY", "message": "The entity is busy completing an operation.",
                        "stackTrace": None}))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: the test output is the Swift side's
        pass

    def handle_expect_100(self):
        # A server refusing the request up front answers the final status instead of 100 Continue.
        if "noread=1" in self.path:
            return True
        return super().handle_expect_100()

    # --- helpers -------------------------------------------------------------------------------
    def send_body(self, status, body=b"", ctype="application/json", extra=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        chunks = []
        while n > 0:
            c = self.rfile.read(min(n, 65536))
            if not c:
                break
            chunks.append(c)
            n -= len(c)
        return b"".join(chunks)

    def route(self):
        proxied = self.path.startswith("http://") or self.path.startswith("https://")
        u = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(u.query, keep_blank_values=True).items()}
        return u.path, q, proxied

    # --- dispatch ------------------------------------------------------------------------------
    def handle_any(self):
        path, q, proxied = self.route()
        if path == "/echo":
            body = self.read_body()
            headers = {}
            for k, v in self.headers.items():
                headers[k] = headers[k] + ", " + v if k in headers else v
            out = {"method": self.command, "target": self.path, "proxied": proxied, "headers": headers,
                   "body": body.decode("utf-8", "replace"), "body_len": len(body),
                   "body_sha256": hashlib.sha256(body).hexdigest(), "client_port": self.client_address[1]}
            return self.send_body(200, json.dumps(out))
        if path.startswith("/status/"):
            if "noread" in q:
                # Answer without reading the body (an expired session refused before the upload).
                self.close_connection = True
            else:
                self.read_body()
            if "key" in q:
                count(q["key"])
            return self.status_reply(int(path.split("/")[2]), q)
        if path == "/flaky":
            self.read_body()
            n = count(q["key"])
            if n <= int(q.get("fail", "1")):
                return self.status_reply(int(q.get("status", "503")), q)
            return self.send_body(200, json.dumps({"attempt": n}))
        if path == "/count":
            with LOCK:
                n = COUNTS.get(q["key"], 0)
            return self.send_body(200, json.dumps({"count": n}))
        if path == "/delay":
            self.read_body()
            time.sleep(float(q.get("seconds", "1")))
            return self.send_body(200, '{"delayed": true}')
        if path == "/hang":
            self.read_body()
            time.sleep(600)
            self.close_connection = True
            return
        if path == "/stream":
            n = int(q["bytes"])
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(n))
            self.end_headers()
            pattern = bytes(i % 251 for i in range(251 * 256))
            sent = 0
            while sent < n:
                # chunk boundaries fall on multiples of 251, so the pattern continues seamlessly
                chunk = pattern[: min(len(pattern), n - sent)]
                self.wfile.write(chunk)
                sent += len(chunk)
            return
        if path == "/cookies":
            return self.send_body(200, "ok", "text/plain",
                                  [("Set-Cookie", "sessionid=abc123; Path=/; HttpOnly"),
                                   ("Set-Cookie", "csrftoken=def456; Path=/")])
        if path == "/login":
            self.read_body()
            t = q.get("token", "")
            return self.send_body(200, json.dumps({"access_token": t, "refresh_token": t, "token_type": "Bearer"}),
                                  extra=[("X-Vmware-Vcloud-Access-Token", t),
                                         ("Set-Cookie", "avi-sessionid=%s; Path=/" % t)])
        if path == "/upload":
            return self.upload(q)
        if path == "/upload-status":
            with LOCK:
                u = UPLOADS.get(q["key"], {"data": bytearray(), "have": []})
                received = contiguous(u["have"])
                digest = hashlib.sha256(bytes(u["data"][:received])).hexdigest()
            return self.send_body(200, json.dumps({"received": received, "sha256": digest}))
        if path == "/upload-data":
            with LOCK:
                u = UPLOADS.get(q["key"], {"data": bytearray(), "have": []})
                data = bytes(u["data"][:contiguous(u["have"])])
            return self.send_body(200, data, "application/octet-stream")
        self.read_body()
        return self.send_body(404, '{"message": "no such test endpoint"}')

    def status_reply(self, code, q):
        extra = []
        if "retry_after" in q:
            extra.append(("Retry-After", q["retry_after"]))
        if "busy" in q:
            ctype, body = busy_body(q["busy"])
        else:
            ctype, body = "application/json", json.dumps({"status": code})
        return self.send_body(code, body, ctype, extra)

    def upload(self, q):
        key = q["key"]
        total_len = int(self.headers.get("Content-Length") or 0)
        start, total = 0, None
        cr = self.headers.get("Content-Range")
        if cr:  # bytes a-b/total
            rng, total = cr.split(" ")[1].split("/")
            start = int(rng.split("-")[0])
            total = int(total)
        limit = int(q["break_after"]) if "break_after" in q else None
        want = total_len if limit is None else min(limit, total_len)
        got = bytearray()
        while len(got) < want:
            c = self.rfile.read(min(65536, want - len(got)))
            if not c:
                break
            got.extend(c)
        with LOCK:
            u = UPLOADS.setdefault(key, {"data": bytearray(), "have": []})
            end = start + len(got)
            if len(u["data"]) < end:
                u["data"].extend(b"\0" * (end - len(u["data"])))
            u["data"][start:end] = got
            u["have"].append((start, end))
        if limit is not None:
            # Reset the connection mid-upload, as a broken transfer would.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        out = {"method": self.command, "len": len(got), "sha256": hashlib.sha256(bytes(got)).hexdigest(),
               "content_range": cr, "total": total}
        return self.send_body(200, json.dumps(out))

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any


def contiguous(ranges):
    reach = 0
    for s, e in sorted(ranges):
        if s > reach:
            break
        reach = max(reach, e)
    return reach


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # refused TLS handshakes and reset connections are part of the tests


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    args = ap.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        # Handshake in the handler thread, so a client that refuses the certificate cannot stall accept().
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True, do_handshake_on_connect=False)
    port = srv.server_address[1]
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(port))
    import os
    os.rename(tmp, args.port_file)
    # Stop when the parent test process goes away (stdin closes), even if it crashed.
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
