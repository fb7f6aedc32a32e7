"""Headers on every kind of response: Content-Type with a charset, X-Content-Type-Options: nosniff,
a Content-Security-Policy on pages, and a Cache-Control that fits what is answered.
"""
import os
import signal
import shutil
import time

import pytest

from conftest import Daemon

KINDS = [
    ("GET", "/api/search?q=genterapi"), ("GET", "/api/search?q=xqzzyvvk"), ("GET", "/api/search?q=%FF"),
    ("GET", "/api/search?q=x&limit=0"), ("GET", "/api/nope"), ("GET", "/api/doc/guidance/hospitalsundtagelse"),
    ("GET", "/api/doc/no/such"), ("GET", "/api/suggest?q=gen"), ("GET", "/"), ("GET", "/index.html"),
    ("GET", "/doc/guidance/hospitalsundtagelse"), ("GET", "/doc.html"), ("GET", "/widget.js"),
    ("GET", "/widget.css"), ("GET", "/page.css"), ("GET", "/doc.js"), ("GET", "/favicon.svg"),
    ("GET", "/no-such-file.js"), ("GET", "/%2e%2e/secret.txt"), ("GET", "/healthz"), ("GET", "/metrics"),
    ("HEAD", "/"), ("HEAD", "/api/search?q=genterapi"), ("HEAD", "/widget.js"), ("POST", "/api/search?q=x"),
    ("DELETE", "/"), ("OPTIONS", "/api/search"),
]
BINARY = ("image/png", "image/x-icon", "application/octet-stream")


def check(status, headers, what):
    ctype = headers.get("content-type", "")
    assert ctype, "%s: no Content-Type" % what
    if not ctype.startswith(BINARY):
        assert "charset=utf-8" in ctype.replace(" ", "").lower(), "%s: %s has no charset" % (what, ctype)
    assert headers.get("x-content-type-options") == "nosniff", what
    cache = headers.get("cache-control", "")
    assert cache, "%s (%d): no Cache-Control" % (what, status)
    if status >= 400 or "/api/" in what or "/healthz" in what or "/metrics" in what:
        # errors and live answers are never kept for long
        assert "no-store" in cache or "no-cache" in cache or "max-age=0" in cache, "%s: %s" % (what, cache)
    elif status == 200:
        assert "max-age=" in cache or "no-cache" in cache, "%s: %s" % (what, cache)
    if ctype.startswith("text/html"):
        csp = headers.get("content-security-policy", "")
        assert "default-src" in csp and "object-src 'none'" in csp, "%s: CSP %r" % (what, csp)
        assert "frame-ancestors" in csp, what


@pytest.mark.parametrize("method,target", KINDS, ids=["%s %s" % k for k in KINDS])
def test_every_kind_of_response_has_the_safety_headers(daemon, method, target):
    status, headers, _ = daemon.request(target, method=method)
    assert status is not None, "no answer to %s %s" % (method, target)
    check(status, headers, "%s %s" % (method, target))


def test_pages_have_a_content_security_policy(daemon):
    for target in ("/", "/index.html", "/doc/guidance/hospitalsundtagelse", "/doc.html"):
        status, headers, _ = daemon.request(target)
        assert status == 200 and headers["content-type"].startswith("text/html"), target
        assert "content-security-policy" in headers, target


def test_an_index_file_broken_before_any_request_is_not_served(bundled_db, tmp_path):
    # every search thread opens the index when the daemon starts, so a file broken afterwards,
    # even before the first request, is reported and the index opened at start keeps answering
    db = tmp_path / "kb.db"
    shutil.copyfile(bundled_db, db)
    d = Daemon(db, ["--threads", "2"], log=tmp_path / "searchd.stderr")
    try:
        junk = tmp_path / "junk"
        junk.write_bytes(os.urandom(65536))
        os.replace(junk, db)
        d.proc.send_signal(signal.SIGHUP)
        time.sleep(0.3)
        for target in ("/api/search?q=genterapi", "/api/doc/guidance/hospitalsundtagelse", "/healthz"):
            for _ in range(4):  # on every search thread
                status, headers, body = d.request(target)
                assert status == 200, (target, status, body[:200])
                check(status, headers, target)
        assert "cannot open the new index" in d.stderr()
    finally:
        d.stop()
