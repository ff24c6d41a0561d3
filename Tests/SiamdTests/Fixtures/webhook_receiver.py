#!/usr/bin/env python3
"""A webhook receiver for the notification tests: python3 webhook_receiver.py PORT LOG SECRET [FAIL_FIRST]

Listens on 127.0.0.1:PORT. Each POST is checked against siamd's signature recipe
(docs/integration.md: HMAC-SHA256 with SECRET over "TIMESTAMP.BODY", header
X-Siamd-Signature "sha256=HEX", timestamp in X-Siamd-Timestamp) and appended to LOG as one
JSON line: path, idempotency key, whether the signature verified, the status answered and
the body. The first FAIL_FIRST requests are answered 500, the rest 204.
"""
import hashlib
import hmac
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, log_path, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3].encode()
fail_first = int(sys.argv[4]) if len(sys.argv) > 4 else 0
lock = threading.Lock()
seen = 0


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        global seen
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        timestamp = self.headers.get("X-Siamd-Timestamp", "")
        expected = "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        signature = self.headers.get("X-Siamd-Signature")
        with lock:
            seen += 1
            status = 500 if seen <= fail_first else 204
            with open(log_path, "a") as log:
                log.write(json.dumps({
                    "path": self.path,
                    "key": self.headers.get("Idempotency-Key"),
                    "signed": signature is not None,
                    "verified": signature is not None and hmac.compare_digest(signature, expected),
                    "status": status,
                    "body": json.loads(body),
                }) + "\n")
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
