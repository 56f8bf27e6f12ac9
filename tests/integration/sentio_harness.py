"""Test harness for end-to-end tests of the real `sentio` binary (stdlib only).

Starts `sentio serve` on a free port with a temporary data directory, talks HTTP with
http.client and WebSocket with a minimal RFC 6455 client, and can kill -9 / restart it.
"""
import base64
import http.client
import json
import os
import socket
import struct
import subprocess
import tempfile
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Server:
    def __init__(self, binary, data_dir=None, extra=(), env=None):
        self.binary = binary
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="sentio-it-")
        self.extra = list(extra)
        self.env = dict(os.environ, **(env or {}))
        self.port = free_port()
        self.proc = None
        self.log_path = os.path.join(self.data_dir, "server.log")

    def start(self, timeout=20):
        self.log = open(self.log_path, "ab")
        cmd = [self.binary, "serve", "--host", "127.0.0.1", "--port", str(self.port),
               "--data-dir", self.data_dir] + self.extra
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=self.env)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited early:\n" + self.tail())
            try:
                st, _, _ = self.request("GET", "/api/health", timeout=1)
                if st in (200, 503):
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("server not ready in time:\n" + self.tail())

    def tail(self, n=4000):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-n:].decode("utf8", "replace")
        except OSError:
            return ""

    def kill9(self):
        self.proc.kill()
        self.proc.wait()
        self.log.close()

    def stop(self, timeout=15):
        try:
            if self.proc and self.proc.poll() is None:
                self.proc.terminate()
                try:
                    return self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
                    return -9
            return self.proc.returncode if self.proc else None
        finally:
            if getattr(self, "log", None):
                self.log.close()

    def request(self, method, path, body=None, headers=None, timeout=10, raw=False):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = dict(headers or {})
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            h.setdefault("Content-Type", "application/json")
        if isinstance(body, str):
            body = body.encode()
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        if raw:
            return r.status, dict(r.getheaders()), data
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = data
        return r.status, dict(r.getheaders()), parsed

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body, **kw):
        return self.request("POST", path, body=body, **kw)

    def wait_until(self, fn, timeout=15, interval=0.05, what="condition"):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            last = fn()
            if last:
                return last
            time.sleep(interval)
        raise AssertionError("timed out waiting for %s (last=%r)" % (what, last))


class WebSocket:
    """Minimal client: text frames only, enough for /ws/sentiment."""

    def __init__(self, port, path="/ws/sentiment", headers=None, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        extra = "".join("%s: %s\r\n" % kv for kv in (headers or {}).items())
        req = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n%s\r\n") % (path, port, key, extra)
        self.sock.sendall(req.encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed during handshake")
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        self.status = int(head.split(b" ")[1])
        if self.status != 101:
            raise ConnectionError("handshake status %d" % self.status)

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self, timeout=10):
        self.sock.settimeout(timeout)
        while True:
            b0, b1 = self._read(2)
            op = b0 & 0x0F
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(n)
            if op == 0x1:
                return json.loads(payload)
            if op == 0x8:
                raise ConnectionError("server closed the WebSocket")
            if op == 0x9:
                self._send(0xA, payload)

    def _send(self, op, payload):
        mask = os.urandom(4)
        n = len(payload)
        hdr = bytes([0x80 | op])
        if n < 126:
            hdr += bytes([0x80 | n])
        elif n < 65536:
            hdr += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            hdr += bytes([0x80 | 127]) + struct.pack(">Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(hdr + mask + masked)

    def send_json(self, obj):
        self._send(0x1, json.dumps(obj).encode())

    def recv_until(self, pred, timeout=10):
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError("no matching WebSocket message in time")
            msg = self.recv(timeout=left)
            if pred(msg):
                return msg

    def close(self):
        try:
            self._send(0x8, b"\x03\xe8")
        except OSError:
            pass
        self.sock.close()
