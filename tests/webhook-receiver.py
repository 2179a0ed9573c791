#!/usr/bin/env python3
"""A webhook receiver for the tests: checks what sovsync sends, records it.

Listens on 127.0.0.1 only.  For every POST it checks the bearer token and the
Standard Webhooks signature (v1, base64 HMAC-SHA256 of "id.timestamp.body",
key = base64-decoded rest of a "whsec_" secret), then answers as the script
file says and appends one JSON line to the log:

  {"id": ..., "timestamp": ..., "event": ..., "status": 200,
   "token_ok": true, "signature_ok": true, "received_at": 1700000000.5,
   "body": {...}}

The script file (optional) holds one directive per line, consumed one per
request, so a test can change the behaviour while the receiver runs:
  500              answer 500
  429 2            answer 429 with "Retry-After: 2"
  sleep 5          wait 5 seconds, then answer 200
  hold /path       wait while /path exists (at most 120 s), then answer 200
  echo 500 STYLE   answer 500 with a body that echoes the request's
                   credentials (a hostile or careless receiver), STYLE:
                   headers  the request headers, "Name: value" lines
                   json     the headers as one JSON object, on one line
                   split    token, secret and signature cut across lines
                   url      a URL with user:token@ and ?token=<token>
                   bare     the token alone, then the secret's base64
  big 500 N        answer 500 with an N-byte body echoing the headers first
A wrong token is answered 401, a wrong signature 400 (and recorded); with no
directive left the answer is 200.

Each request's id is also appended to "<log>.arrivals" as soon as it
arrives, before any sleep.

The token and the secret are read from files (never from argv, which other
processes can see).  Usage:
  webhook-receiver.py --port-file F --log F [--port N] [--script F]
                      [--token-file F] [--secret-file F]
The port file is written (atomically) once the socket listens.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()


def read_file(path):
    if not path:
        return None
    with open(path, "rb") as f:
        return f.read().strip()


def secret_key(secret):
    if secret.startswith(b"whsec_"):
        return base64.b64decode(secret[6:])
    return secret


def next_directive(path):
    """Pop the first line of the script file (under the lock)."""
    if not path or not os.path.exists(path):
        return ""
    with open(path) as f:
        lines = f.read().splitlines()
    if not lines:
        return ""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("".join(line + "\n" for line in lines[1:]))
    os.replace(tmp, path)
    return lines[0].strip()


def echo_body(style, headers, token, secret):
    """A body that echoes the request's credentials, in the given style."""
    tok = token.decode() if token else ""
    sec = secret.decode() if secret else ""
    sig = headers.get("webhook-signature", "")
    if style == "headers":
        return "".join("%s: %s\n" % kv for kv in headers.items())
    if style == "json":
        # The credentials first, where a 200-byte excerpt still holds them.
        return json.dumps({"error": "bad", "auth": headers.get("Authorization", ""),
                           "headers": dict(headers.items())})
    if style == "split":
        h, s, g = len(tok) // 2, len(sec) // 2, len(sig) // 2
        return "token %s\r\n%s secret %s\n %s sig %s\n%s\n" % (
            tok[:h], tok[h:], sec[:s], sec[s:], sig[:g], sig[g:])
    if style == "url":
        return "see https://user:%s@example.com/x?token=%s&a=1 or %s" % (
            tok, tok, json.dumps({"url": "https://h/p?id=1&access_token=" + tok}))
    if style == "bare":
        return "%s %s" % (tok, sec[6:] if sec.startswith("whsec_") else sec)
    return ""


class Handler(BaseHTTPRequestHandler):
    # Keep-alive, as real receivers do: every answer has a Content-Length.
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # keep the test output clean
        pass

    def do_POST(self):
        opts = self.server.opts
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        token = read_file(opts.token_file)
        secret = read_file(opts.secret_file)
        wid = self.headers.get("webhook-id", "")
        wts = self.headers.get("webhook-timestamp", "")
        token_ok = token is None or \
            self.headers.get("Authorization", "") == "Bearer " + token.decode()
        signature_ok = None
        if secret is not None:
            mac = hmac.new(secret_key(secret), wid.encode() + b"." + wts.encode() +
                           b"." + body, hashlib.sha256).digest()
            want = "v1," + base64.b64encode(mac).decode()
            sigs = self.headers.get("webhook-signature", "").split()
            signature_ok = any(hmac.compare_digest(s, want) for s in sigs)
        with LOCK:
            # Arrivals are written before any sleep: a test can act while a
            # request is in flight.
            with open(opts.log + ".arrivals", "a") as f:
                f.write(wid + "\n")
            directive = next_directive(opts.script)
        status, extra, answer = 200, {}, b""
        parts = directive.split()
        if parts and parts[0] == "echo":
            status = int(parts[1])
            answer = echo_body(parts[2], self.headers, token, secret).encode()
        elif parts and parts[0] == "big":
            status = int(parts[1])
            answer = echo_body("headers", self.headers, token, secret).encode()
            answer = (answer + b"x" * int(parts[2]))[:int(parts[2])]
        elif parts and parts[0] == "sleep":
            time.sleep(float(parts[1]))
        elif parts and parts[0] == "hold":
            deadline = time.time() + 120
            while os.path.exists(parts[1]) and time.time() < deadline:
                time.sleep(0.05)
        elif parts:
            status = int(parts[0])
            if len(parts) > 1:
                extra["Retry-After"] = parts[1]
        if not token_ok and not answer:
            status = 401
        elif signature_ok is False:
            status = 400
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        record = {
            "id": wid, "timestamp": wts,
            "event": parsed.get("event") if isinstance(parsed, dict) else None,
            "status": status, "token_ok": token_ok, "signature_ok": signature_ok,
            "content_type": self.headers.get("Content-Type", ""),
            "received_at": time.time(), "body": parsed,
        }
        with LOCK:
            with open(opts.log, "a") as f:
                f.write(json.dumps(record) + "\n")
        self.send_response(status)
        for k, v in extra.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--script")
    ap.add_argument("--token-file")
    ap.add_argument("--secret-file")
    opts = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", opts.port), Handler)
    server.daemon_threads = True
    server.opts = opts
    tmp = opts.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.replace(tmp, opts.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
