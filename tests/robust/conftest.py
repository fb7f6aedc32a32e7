"""Fixtures for the robustness tests: the real programs under load, faults and hostile input.

Like tests/integration, but every daemon writes its stderr to a file (the access log can be long,
and a pipe nobody reads would block it), and raw sockets send what no well-behaved client would.
Programs come from $ATMP_BIN (default ./bin).
"""
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from common import BIN, CORPUS, ROOT, WEB, prog  # noqa: E402  (shared with the other suite)
import common  # noqa: E402


def run(args, **kw):
    """Runs a program and returns the CompletedProcess (text mode); faults take longer here."""
    kw.setdefault("timeout", 120)
    return common.run(args, **kw)


def index(corpus, db, *extra):
    """Builds db from corpus; fails the test when atmp-index does."""
    r = run([prog("atmp-index"), "--corpus", str(corpus), "--db", str(db), "-q", *extra])
    assert r.returncode == 0, r.stderr
    return r


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def write_doc(root, rel, title, body, type_="guidance", lang="da", updated="2025-01-01", **meta):
    """Writes a valid corpus document root/rel (a path ending in .md)."""
    path = os.path.join(str(root), rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    lines = ["---", "title: " + title, "type: " + type_, "lang: " + lang, "updated: " + updated]
    lines += ["%s: %s" % (k, v) for k, v in meta.items()]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n---\n\n" + body + "\n")
    return path


class Daemon:
    """A running atmp-searchd on a free port of 127.0.0.1; .url is its base URL, .log its stderr."""

    def __init__(self, db, extra=(), web=WEB, log=None):
        self.log = str(log or (str(db) + ".%d.stderr" % time.monotonic_ns()))
        self._err = open(self.log, "wb")
        self.proc = subprocess.Popen(
            [prog("atmp-searchd"), "--db", str(db), "--listen", "127.0.0.1:0", "--web", str(web), *extra],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._err)
        deadline = time.time() + 15
        while time.time() < deadline:
            m = re.search(r"listening on (http://([\d.]+):(\d+))/?\s*$", self.stderr(), re.M)
            if m:
                self.url, self.host, self.port = m.group(1), m.group(2), int(m.group(3))
                return
            if self.proc.poll() is not None:
                raise RuntimeError("atmp-searchd exited %s: %s" % (self.proc.returncode, self.stderr()))
            time.sleep(0.02)
        self.proc.kill()
        raise RuntimeError("atmp-searchd did not start: " + self.stderr())

    def stderr(self):
        with open(self.log, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def get(self, path, params=None, headers=None, method="GET", timeout=10):
        """Returns (status, headers, body bytes) of a request; HTTP errors are answers too."""
        url = self.url + path
        if params is not None:
            url += "?" + urllib.parse.urlencode(params, doseq=True)
        req = urllib.request.Request(url, headers=headers or {}, method=method)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def search(self, q, **params):
        """GET /api/search; returns (status, parsed JSON)."""
        status, _, body = self.get("/api/search", dict(params, q=q))
        return status, json.loads(body)

    def connect(self, timeout=10):
        s = socket.create_connection((self.host, self.port), timeout=timeout)
        return s

    def raw(self, data, timeout=10):
        """Sends data as-is on a new connection and returns all the bytes that come back until the
        daemon closes it (or timeout seconds pass)."""
        s = self.connect(timeout)
        try:
            s.sendall(data)
            return recv_all(s, timeout)
        finally:
            s.close()

    def request(self, target, method="GET", headers=(), body=b"", timeout=10):
        """A raw HTTP/1.1 request with target sent byte for byte (no normalisation, no quoting);
        returns (status or None, headers dict lower-cased, body bytes)."""
        head = "%s %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n" % (method, target, self.host, self.port)
        head += "".join("%s: %s\r\n" % h for h in headers)
        return parse_response(self.raw(head.encode("latin-1") + b"\r\n" + body, timeout))

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Signals the daemon and returns its exit status (killing it if it hangs)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._err.close()
        return self.proc.returncode


def recv_all(s, timeout=10):
    s.settimeout(timeout)
    out = b""
    deadline = time.time() + timeout
    try:
        while time.time() < deadline:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except (socket.timeout, ConnectionResetError):
        pass
    return out


def parse_response(data):
    """(status, headers, body) of the first HTTP response in data; status None when there is none."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    m = re.match(r"HTTP/1\.[01] (\d{3})", lines[0]) if lines else None
    if not m:
        return None, {}, data
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return int(m.group(1)), headers, body


def answers(d, queries):
    """What the daemon answers to each query, minus the time it took: to compare before and after."""
    out = {}
    for q in queries:
        status, res = d.search(q, limit=20)
        res.pop("took_ms", None)
        out[q] = (status, res)
    return out


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory):
    """The bundled corpus, indexed once for the session."""
    db = tmp_path_factory.mktemp("bundled") / "kb.db"
    index(CORPUS, db)
    return str(db)


@pytest.fixture(scope="session")
def hostile_web(tmp_path_factory):
    """A copy of web/ with traps: symlinks that lead out of it, and a secret file beside it."""
    base = tmp_path_factory.mktemp("webroot")
    web = base / "web"
    shutil.copytree(WEB, web)
    secret = base / "secret.txt"
    secret.write_text("SECRET-OUTSIDE-WEB\n")
    (base / "web-private").mkdir()
    (base / "web-private" / "key.txt").write_text("SECRET-OUTSIDE-WEB\n")
    os.symlink(str(secret), str(web / "leak.txt"))
    os.symlink(str(base), str(web / "up"))
    os.symlink("../secret.txt", str(web / "rel-leak.txt"))
    return str(web)


@pytest.fixture(scope="module")
def daemon(bundled_db, hostile_web, tmp_path_factory):
    d = Daemon(bundled_db, web=hostile_web, log=tmp_path_factory.mktemp("log") / "searchd.stderr")
    yield d
    d.stop()
