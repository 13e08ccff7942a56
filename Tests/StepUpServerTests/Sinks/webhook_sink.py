"""A local HTTP endpoint standing in for an SMS provider's API, for StepUp's tests.

usage: webhook_sink.py PORT OUT_DIR [STATUS]
Each request is written to OUT_DIR as <n>.json: {"method", "path", "headers", "body", "body_b64"}; the answer is STATUS
(default 201). A file OUT_DIR/status, when present, overrides STATUS (a test makes the provider fail, then recover).
"""
import base64
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, out_dir = int(sys.argv[1]), sys.argv[2]
default_status = int(sys.argv[3]) if len(sys.argv) > 3 else 201


class Handler(BaseHTTPRequestHandler):
    def handle_one(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        record = {"method": self.command, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                  "body": raw.decode("utf-8", "replace"), "body_b64": base64.b64encode(raw).decode()}
        name = os.path.join(out_dir, "%020d.json" % time.time_ns())
        with open(name + ".tmp", "w") as out:
            json.dump(record, out)
        os.rename(name + ".tmp", name)
        status = default_status
        override = os.path.join(out_dir, "status")
        if os.path.exists(override):
            status = int(open(override).read().strip())
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"sid":"SM123"}')

    do_POST = handle_one
    do_PUT = handle_one

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
