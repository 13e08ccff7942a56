#!/usr/bin/env python3
"""The application behind the proxy in the forward-auth tests: answers every request with what it received.

Usage: upstream.py PORT_FILE — listens on a free loopback port, writes the port to PORT_FILE, serves forever.
The page (HTML, so a browser shows it) holds a JSON object: the method, the path and every request header
(lower-cased names), so tests see exactly which identity headers the proxy passed on.
"""
import html
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Echo(BaseHTTPRequestHandler):
    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = {"method": self.command, "path": self.path, "body_bytes": len(body),
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
