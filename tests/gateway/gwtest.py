#!/usr/bin/env python3
"""gwtest.py — socket-level helpers for tests/e2e/gateway.sh (stdlib only).

Things curl cannot check from a shell script: when each SSE event arrives,
whether the server closes a connection that stalls, and what happens to a
connection over the limit.  Every subcommand is bounded in time and prints
one JSON object.  Loopback only.
"""
import hashlib
import http.client
import json
import socket
import sys
import time


def now_us():
    return int(time.time() * 1_000_000)


def stream(port, body_file, events_file):
    """POST a streaming request; report when events arrived vs. were sent."""
    body = open(body_file, "rb").read()
    c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=20)
    c.request("POST", "/v1/chat/completions", body,
              {"Content-Type": "application/json"})
    r = c.getresponse()
    arrivals, lines = [], []
    while True:
        line = r.readline()  # chunked decoding is done by http.client
        if not line:
            break
        line = line.strip()
        if line.startswith(b"data:"):
            arrivals.append(now_us())
            lines.append(line.decode())
    c.close()
    sent = [json.loads(l) for l in open(events_file) if l.strip()]
    out = {
        "status": r.status,
        "content_type": r.getheader("Content-Type"),
        "decision": r.getheader("X-Charter-Decision"),
        "events": len(lines),
        "done": bool(lines) and lines[-1] == "data: [DONE]",
        "first_arrival_us": arrivals[0] if arrivals else 0,
        "last_sent_us": max((e["t_us"] for e in sent), default=0),
        "sent": len(sent),
    }
    print(json.dumps(out))


def abort(port, body_file):
    """Start a streaming request, read the first event, then hang up."""
    s = socket.create_connection(("127.0.0.1", int(port)), timeout=10)
    body = open(body_file, "rb").read()
    s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: t\r\n"
              b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
              % len(body) + body)
    got = b""
    while b"data:" not in got:
        data = s.recv(4096)
        if not data:
            break
        got += data
    s.close()
    print(json.dumps({"first_event": b"data:" in got}))


def slow(port, body_file, out_file):
    """POST, then read the answer slowly (small reads, pauses) into a file:
    the gateway must hold the upstream back, not buffer it all."""
    body = open(body_file, "rb").read()
    c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
    c.request("POST", "/v1/chat/completions", body,
              {"Content-Type": "application/json"})
    r = c.getresponse()
    h = hashlib.sha256()
    n = 0
    while True:
        piece = r.read(65536)
        if not piece:
            break
        h.update(piece)
        n += len(piece)
        if n < 1_000_000:
            time.sleep(0.02)  # slow at first: fills the relay queue
    c.close()
    open(out_file, "w").write(json.dumps({"status": r.status, "bytes": n,
                                          "sha256": h.hexdigest()}))


def stall(port, mode, seconds):
    """Open a connection that stalls (headers or body) and time how long the
    server keeps it open.  mode: headers | body-idle | body-trickle."""
    s = socket.create_connection(("127.0.0.1", int(port)), timeout=5)
    t0 = time.monotonic()
    if mode == "headers":
        s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: t\r\n")
    else:
        s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: t\r\n"
                  b"Content-Type: application/json\r\nContent-Length: 400\r\n\r\n{")
    closed_after = None
    limit = t0 + float(seconds)
    s.settimeout(0.25)
    while time.monotonic() < limit:
        if mode == "body-trickle":
            try:
                s.sendall(b" ")
            except OSError:
                closed_after = time.monotonic() - t0
                break
        try:
            data = s.recv(4096)
            if data == b"" or not data.startswith(b"HTTP/1.1 1"):
                closed_after = time.monotonic() - t0
                break
        except socket.timeout:
            pass
        except OSError:
            closed_after = time.monotonic() - t0
            break
    s.close()
    print(json.dumps({"closed_after": closed_after}))


def hold(port, n, seconds, probe_port):
    """Hold n idle connections, then try one request; report what happened."""
    socks = [socket.create_connection(("127.0.0.1", int(port)), timeout=5)
             for _ in range(int(n))]
    time.sleep(0.3)
    result = {}
    try:
        c = http.client.HTTPConnection("127.0.0.1", int(probe_port), timeout=3)
        c.request("GET", "/healthz")
        result["status"] = c.getresponse().status
    except (OSError, http.client.HTTPException) as e:
        result["error"] = type(e).__name__
    for s in socks:
        s.close()
    time.sleep(float(seconds))
    try:
        c = http.client.HTTPConnection("127.0.0.1", int(probe_port), timeout=3)
        c.request("GET", "/healthz")
        result["after_status"] = c.getresponse().status
    except (OSError, http.client.HTTPException) as e:
        result["after_error"] = type(e).__name__
    print(json.dumps(result))


def chunked(port, size):
    """POST a chunked body of `size` bytes (no Content-Length)."""
    c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
    piece = b"x" * 8192

    def gen():
        left = int(size)
        while left > 0:
            yield piece[:min(left, len(piece))]
            left -= len(piece)
    try:
        c.request("POST", "/v1/chat/completions", gen(),
                  {"Content-Type": "application/json"}, encode_chunked=True)
        r = c.getresponse()
        print(json.dumps({"status": r.status, "body": r.read().decode()}))
    except (OSError, http.client.HTTPException) as e:
        print(json.dumps({"error": type(e).__name__}))


def sha256(path):
    print(json.dumps({"sha256": hashlib.sha256(open(path, "rb").read()).hexdigest()}))


def main():
    cmds = {"stream": stream, "abort": abort, "slow": slow, "stall": stall, "hold": hold, "chunked": chunked,
            "sha256": sha256}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit("usage: gwtest.py stream|abort|slow|stall|hold|chunked|sha256 ARGS...")
    cmds[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    main()
