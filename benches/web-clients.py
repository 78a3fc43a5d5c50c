#!/usr/bin/env python3
"""Browsers' worth of web observer clients, without a browser: each takes the token link's
cookie, opens the websocket with the page's Origin, asks for a view and reads frames for a
while. Prints, per client and in all, frames per second and bytes per frame.

    python3 benches/web-clients.py URL CLIENTS SECONDS [pid|memory|tree|events]

(The standard library only: a minimal RFC 6455 client, text frames, no extensions.)"""

import base64
import json
import os
import socket
import sys
import threading
import time
from urllib.parse import urlparse


def cookie_of(host, port, path):
    s = socket.create_connection((host, port))
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(4096)
    s.close()
    for line in head.decode().split("\r\n"):
        if line.lower().startswith("set-cookie:"):
            return line.split(":", 1)[1].split(";")[0].strip()
    raise SystemExit(f"no cookie from {path}: {head[:200]!r}")


def send_text(s, text):
    data = text.encode()
    mask = os.urandom(4)
    n = len(data)
    head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + n.to_bytes(2, "big"))
    s.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))


def read_exact(s, n):
    out = b""
    while len(out) < n:
        chunk = s.recv(n - len(out))
        if not chunk:
            raise EOFError
        out += chunk
    return out


def read_frame(s):
    b0, b1 = read_exact(s, 2)
    n = b1 & 0x7F
    if n == 126:
        n = int.from_bytes(read_exact(s, 2), "big")
    elif n == 127:
        n = int.from_bytes(read_exact(s, 8), "big")
    return b0 & 0x0F, read_exact(s, n)


def client(url, seconds, view, out):
    u = urlparse(url)
    cookie = cookie_of(u.hostname, u.port, f"/?{u.query}")
    s = socket.create_connection((u.hostname, u.port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET /ws HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
               f"Origin: http://{u.hostname}:{u.port}\r\nCookie: {cookie}\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(1)
    if b" 101 " not in head.split(b"\r\n")[0]:
        raise SystemExit(f"refused: {head[:200]!r}")
    views = {
        "pid": {"page": "processes", "sort": "pid", "limit": 100},
        "memory": {"page": "processes", "sort": "memory", "limit": 100},
        "tree": {"page": "tree", "limit": 200},
        "events": {"page": "events"},
    }
    send_text(s, json.dumps({"op": "view", **views[view]}))
    frames, total, first = 0, 0, None
    end = time.time() + seconds
    s.settimeout(1.0)
    while time.time() < end:
        try:
            op, data = read_frame(s)
        except socket.timeout:
            continue
        if op == 1 and b'"t":"frame"' in data:
            frames += 1
            total += len(data)
            if first is None:
                first = len(data)
    s.close()
    out.append((frames, total, first or 0))


def main():
    url, clients, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    view = sys.argv[4] if len(sys.argv) > 4 else "pid"
    out = []
    threads = [threading.Thread(target=client, args=(url, seconds, view, out)) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    frames = sum(f for f, _, _ in out)
    total = sum(b for _, b, _ in out)
    firsts = [f for _, _, f in out]
    per = total / frames if frames else 0
    print(f"{view}: {clients} clients, {frames / seconds / clients:.1f} frames/s each, "
          f"{per:.0f} B/frame on average (first frame {max(firsts)} B), "
          f"{total / seconds / clients / 1024:.1f} KiB/s each")


main()
