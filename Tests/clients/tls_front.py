#!/usr/bin/env python3
"""A TLS front for `vcdscript sim serve` while the simulator has no `--tls` of its own.

Usage: tls_front.py UPSTREAM_PORT CERT KEY  → prints `https://127.0.0.1:<port>` once listening.
Terminates TLS on 127.0.0.1, forwards each request to http://127.0.0.1:UPSTREAM_PORT with the
client's Host header and `X-Forwarded-Proto: https`, so the simulator writes https hrefs.
"""
import http.client
import http.server
import socketserver
import ssl
import sys

UP = int(sys.argv[1])
HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def forward(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        headers["X-Forwarded-Proto"] = "https"
        conn = http.client.HTTPConnection("127.0.0.1", UP, timeout=120)
        conn.request(self.command, self.path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        self.send_response(r.status, r.reason)
        for k, v in r.getheaders():
            if k.lower() not in HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        conn.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = forward


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


srv = Server(("127.0.0.1", 0), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print(f"https://127.0.0.1:{srv.server_address[1]}", flush=True)
srv.serve_forever()
