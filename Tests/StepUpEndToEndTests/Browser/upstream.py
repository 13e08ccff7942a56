#!/usr/bin/env python3
"""The application behind the proxy in the forward-auth tests: answers every request with what it received.

Usage: upstream.py PORT_FILE — listens on a free loopback port, writes the port to PORT_FILE, serves forever.
The page (HTML, so a browser shows it) holds a JSON object: the method, the path and every request header
(lower-cased names), so tests see exactly which identity headers the proxy passed on.
"""
import hashlib
import html
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def body(self):
        """The request body's size and SHA-256, read in pieces (a 200 MB upload is never held in memory)."""
        digest, count = hashlib.sha256(), 0
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    break
                remaining = size
                while remaining:
                    piece = self.rfile.read(min(remaining, 1 << 20))
                    digest.update(piece)
                    count += len(piece)
                    remaining -= len(piece)
                self.rfile.readline()
        else:
            remaining = int(self.headers.get("Content-Length") or 0)
            while remaining:
                piece = self.rfile.read(min(remaining, 1 << 20))
                if not piece:
                    break
                digest.update(piece)
                count += len(piece)
                remaining -= len(piece)
        return count, digest.hexdigest()

    def big(self, size):
        """GET /big?bytes=N: N bytes (the byte i is i % 251), streamed in 1 MiB pieces."""
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        block = bytes(i % 251 for i in range(251 * 4096))
        sent = 0
        while sent < size:
            piece = block[: min(len(block), size - sent)]
            self.wfile.write(piece)
            sent += len(piece)

    def answer(self):
        if self.path.startswith("/big?bytes="):
            return self.big(int(self.path.split("=", 1)[1]))
        count, digest = self.body()
        seen = {"method": self.command, "path": self.path, "body_bytes": count, "body_sha256": digest,
                "headers": {name.lower(): value for name, value in self.headers.items()}}
        page = f"<!doctype html><title>app</title><pre id=\"seen\">{html.escape(json.dumps(seen, sort_keys=True))}</pre>"
        data = page.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = answer

    def log_message(self, *args):
        pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    with open(sys.argv[1], "w") as handle:
        handle.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
