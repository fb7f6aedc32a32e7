"""Fixtures for the integration tests: the real programs, a real index, a real daemon on a free port."""
import json
import os
import re
import shutil
import signal
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

run = common.run


class Daemon:
    """A running atmp-searchd; .url is its base URL."""

    def __init__(self, db, extra=()):
        self.proc = subprocess.Popen(
            [prog("atmp-searchd"), "--db", db, "--listen", "127.0.0.1:0", "--web", WEB, *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        line = ""
        deadline = time.time() + 15
        while time.time() < deadline:
            line = self.proc.stderr.readline()
            m = re.search(r"listening on (http://\S+?)/?$", line.strip())
            if m:
                self.url = m.group(1)
                break
            if self.proc.poll() is not None:
                raise RuntimeError("atmp-searchd exited: " + line + self.proc.stderr.read())
        else:
            self.proc.kill()
            raise RuntimeError("atmp-searchd did not start: " + line)

    def get(self, path, params=None, headers=None, method="GET"):
        """Returns (status, headers, body bytes) of a request; HTTP errors are answers too."""
        url = self.url + path
        if params is not None:
            url += "?" + urllib.parse.urlencode(params, doseq=True)
        req = urllib.request.Request(url, headers=headers or {}, method=method)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def search(self, q, **params):
        """GET /api/search; returns (status, parsed JSON)."""
        params = dict(params, q=q)
        status, _, body = self.get("/api/search", params)
        return status, json.loads(body)

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


@pytest.fixture(scope="session")
def index_db(tmp_path_factory):
    """The bundled corpus, indexed once for the session."""
    db = str(tmp_path_factory.mktemp("index") / "kb.db")
    r = run([prog("atmp-index"), "--corpus", CORPUS, "--db", db])
    assert r.returncode == 0, r.stderr
    return db


@pytest.fixture(scope="session")
def daemon(index_db):
    d = Daemon(index_db)
    yield d
    d.stop()


def corpus_text(doc_id):
    """The Markdown of a bundled document, by id (its path without .md)."""
    with open(os.path.join(CORPUS, doc_id + ".md"), encoding="utf-8") as f:
        return f.read()


def copy_corpus(dst):
    """A private copy of the bundled corpus to break or change."""
    shutil.copytree(CORPUS, dst)
    return str(dst)
