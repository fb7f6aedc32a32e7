"""Operations: GET /metrics (Prometheus text), the access log (--access-log, --log-client-ip) and the
zero-hits report (--zero-hits-log FILE), as an operator and the secretariat would check them.
"""
import math
import os
import re
import shutil
import signal
import time
import uuid

import pytest

from conftest import CORPUS, Daemon, index, write_doc

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def bundled_docs():
    n = 0
    for root, _, files in os.walk(CORPUS):
        n += sum(1 for f in files if f.endswith(".md") and not (root == CORPUS and f == "README.md"))
    return n


def metrics(d):
    """{(name, frozenset(labels)): value} of GET /metrics, checked for the text format as it goes."""
    status, headers, body = d.get("/metrics")
    assert status == 200, status
    ctype = headers["Content-Type"]
    assert ctype.startswith("text/plain") and "charset=utf-8" in ctype.replace(" ", ""), ctype
    out, typed = {}, {}
    for line in body.decode("utf-8").splitlines():
        if not line.strip():
            continue
        if line.startswith("#"):
            m = re.match(r"# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$", line)
            if m:
                typed[m.group(1)] = m.group(2)
            else:
                assert re.match(r"# HELP \S+ ", line), line
            continue
        m = SAMPLE.match(line)
        assert m, "not a Prometheus sample line: %r" % line
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        family = re.sub(r"_(bucket|sum|count)$", "", name)
        assert name in typed or family in typed, "no # TYPE for %s" % name
        key = (name, frozenset(LABEL.findall(labels)))
        assert key not in out, "duplicate series %r" % line
        out[key] = float(value)
    return out


def value(ms, name, **labels):
    want = set(labels.items())
    return sum(v for (n, ls), v in ms.items() if n == name and want <= set(ls))


@pytest.fixture()
def fresh(bundled_db, tmp_path):
    d = Daemon(bundled_db, log=tmp_path / "searchd.stderr")
    yield d
    d.stop()


# ---- /metrics ----

def test_metrics_count_requests_by_endpoint_and_status(fresh):
    before = metrics(fresh)
    for q in ("genterapi", "GMP", "hospitalsundtagelse", "kliniske forsøg", "gene therapy", "ATMP", "EMA"):
        assert fresh.search(q)[0] == 200
    for q in ("xqzzyvvk", "qqwwxxzz", "zzkkvvqq"):
        assert fresh.search(q)[1]["total"] == 0
    assert fresh.get("/api/search?q=%FF")[0] == 400
    assert fresh.get("/api/search?q=x&limit=0")[0] == 400

    def deltas():
        after = metrics(fresh)
        return tuple(value(after, name, **labels) - value(before, name, **labels) for name, labels in (
            ("atmp_requests_total", {"endpoint": "search", "status": "200"}),
            ("atmp_requests_total", {"endpoint": "search", "status": "400"}),
            ("atmp_zero_hit_queries_total", {})))
    # a request is counted when it is complete, which may be just after its answer reached us
    deadline = time.time() + 2
    while deltas() != (10, 2, 3) and time.time() < deadline:
        time.sleep(0.05)
    assert deltas() == (10, 2, 3)


def test_latency_histogram_is_cumulative_and_consistent(fresh):
    for _ in range(20):
        fresh.search("genterapi")
    ms = metrics(fresh)
    buckets = [(dict(ls), v) for (n, ls), v in ms.items() if n == "atmp_request_duration_seconds_bucket"]
    assert buckets, "no atmp_request_duration_seconds histogram"
    groups = {}
    for ls, v in buckets:
        le = ls.pop("le")
        groups.setdefault(frozenset(ls.items()), []).append((math.inf if le == "+Inf" else float(le), v))
    for other, series in groups.items():
        series.sort()
        assert series[-1][0] == math.inf, "no +Inf bucket"
        counts = [v for _, v in series]
        assert counts == sorted(counts), "buckets are not cumulative: %s" % series
        count = value(ms, "atmp_request_duration_seconds_count", **dict(other))
        assert series[-1][1] == count, (series[-1], count)
        total = value(ms, "atmp_request_duration_seconds_sum", **dict(other))
        assert 0 <= total < 1e6
    assert sum(series[-1][1] for series in groups.values()) >= 20
    # a search takes milliseconds: most land in a bucket under a second
    under = sum(v for series in groups.values() for le, v in series if le == 1.0 or (0.5 <= le <= 1.0))
    assert under > 0


def test_index_documents_and_age_follow_the_served_index(bundled_db, tmp_path):
    db = tmp_path / "kb.db"
    shutil.copyfile(bundled_db, db)
    os.utime(db, (time.time() - 3600, time.time() - 3600))  # an index built an hour ago
    d = Daemon(db, log=tmp_path / "searchd.stderr")
    try:
        d.search("genterapi")
        ms = metrics(d)
        assert value(ms, "atmp_index_documents") == bundled_docs()
        age = value(ms, "atmp_index_age_seconds")
        assert 3000 < age < 4000, age
        small = tmp_path / "small"
        write_doc(small, "a.md", "Et", "Tekst om noget.")
        write_doc(small, "b.md", "To", "Tekst om andet.")
        index(small, db)
        deadline = time.time() + 3
        while time.time() < deadline:
            d.search("tekst")
            ms = metrics(d)
            if value(ms, "atmp_index_documents") == 2 and value(ms, "atmp_index_age_seconds") < 30:
                break
            time.sleep(0.2)
        assert value(ms, "atmp_index_documents") == 2
        assert 0 <= value(ms, "atmp_index_age_seconds") < 30
    finally:
        d.stop()


def test_hostile_paths_do_not_multiply_metric_series(fresh):
    before = metrics(fresh)
    for i in range(200):
        fresh.request("/probe-%s-%d.js" % (uuid.uuid4().hex, i))
        fresh.request("/api/%s" % uuid.uuid4().hex)
    after = metrics(fresh)
    endpoints = {dict(ls).get("endpoint") for (n, ls) in after if n == "atmp_requests_total"}
    assert len(endpoints) <= 20, sorted(str(e) for e in endpoints)
    assert len(after) - len(before) <= 20


# ---- the access log ----

def access_lines(d, marker):
    return [line for line in d.stderr().splitlines() if marker in line]


def test_access_log_has_one_line_per_request_without_the_client_ip(bundled_db, tmp_path):
    d = Daemon(bundled_db, ["--access-log"], log=tmp_path / "searchd.stderr")
    try:
        probe = "/probe-%s.js" % uuid.uuid4().hex
        cases = [("GET", probe, 404), ("HEAD", probe, 404), ("POST", probe, 405), ("DELETE", probe, 405)]
        for method, path, status in cases:
            assert d.request(path, method=method)[0] == status
        for _ in range(5):
            d.request(probe)
        d.request("/api/search?q=genterapi")
        time.sleep(0.5)
        lines = access_lines(d, probe)
        assert len(lines) == len(cases) + 5, lines
        for (method, path, status), line in zip(cases, lines):
            assert re.search(r"\b%s\b" % method, line), line
            assert re.search(r"(?<![0-9])%d(?![0-9])" % status, line), line
            rest = line.replace(probe, "").replace(str(status), "", 1)
            assert re.search(r"\d", rest), "no duration in %r" % line
            assert "127.0.0.1" not in line, line
        search = [line for line in d.stderr().splitlines() if "/api/search" in line]
        assert len(search) == 1 and re.search(r"(?<![0-9])200(?![0-9])", search[0]), search
        assert "127.0.0.1" not in search[0]
    finally:
        d.stop()


def test_access_log_cannot_be_forged_through_the_url(bundled_db, tmp_path):
    d = Daemon(bundled_db, ["--access-log"], log=tmp_path / "searchd.stderr")
    try:
        marker = uuid.uuid4().hex
        d.request("/%s%%0aFORGED%%20GET%%20/admin%%20200%%0d%%0a%%1b[2J" % marker)
        d.request("/%s/%%E2%%80%%AE%%08%%7F" % marker)  # right-to-left override, backspace, delete
        d.request("/api/search?q=%s%%0aFORGED%%20GET%%20/admin%%20200" % marker)
        d.request("/api/search?q=a", headers=[("User-Agent", "x\x1b[2J")])
        time.sleep(0.5)
        err = d.stderr()
        assert not any(line.startswith("FORGED") for line in err.splitlines()), err[-1000:]
        for ch in "\x1b\x08\x7f\u202e":
            assert ch not in err, "a raw %r reached the log" % ch
        assert len(access_lines(d, marker)) == 2, access_lines(d, marker)  # the query string is not logged
    finally:
        d.stop()


def test_log_client_ip_adds_the_address(bundled_db, tmp_path):
    d = Daemon(bundled_db, ["--access-log", "--log-client-ip"], log=tmp_path / "searchd.stderr")
    try:
        probe = "/probe-%s.js" % uuid.uuid4().hex
        d.request(probe)
        time.sleep(0.3)
        lines = access_lines(d, probe)
        assert len(lines) == 1 and "127.0.0.1" in lines[0], lines
    finally:
        d.stop()


def test_no_access_log_without_the_flag(fresh):
    probe = "/probe-%s.js" % uuid.uuid4().hex
    fresh.request(probe)
    time.sleep(0.3)
    assert access_lines(fresh, probe) == []


# ---- the zero-hits report ----

def report_lines(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def wait_lines(path, n, seconds=2.0):
    deadline = time.time() + seconds
    while time.time() < deadline and len(report_lines(path)) < n:
        time.sleep(0.05)
    return report_lines(path)


def test_zero_hits_log_lists_each_search_that_found_nothing(bundled_db, tmp_path):
    report = str(tmp_path / "zero-hits.tsv")
    d = Daemon(bundled_db, ["--zero-hits-log", report], log=tmp_path / "searchd.stderr")
    try:
        assert d.search("genterapi")[1]["total"] > 0
        assert d.get("/api/search?q=%FF")[0] == 400
        assert d.search("xqzzyvvk")[1]["total"] == 0
        status, res = d.search("qqwwxxzz", type="faq", lang="en")
        assert status == 200 and res["total"] == 0
        time.sleep(0.3)
        lines = wait_lines(report, 2)
        assert len(lines) == 2, lines
        first, second = (line.split("\t") for line in lines)
        assert len(first) >= 3 and len(second) >= 3, lines
        assert re.search(r"\d", first[0]), "no time in %r" % lines[0]
        assert first[1] == "xqzzyvvk", lines[0]
        assert second[1] == "qqwwxxzz" and "faq" in "\t".join(second[2:]) and "en" in "\t".join(second[2:]), lines[1]
    finally:
        d.stop()


def test_zero_hits_log_keeps_one_line_per_search_whatever_the_query_holds(bundled_db, tmp_path):
    report = str(tmp_path / "zero-hits.tsv")
    d = Daemon(bundled_db, ["--zero-hits-log", report], log=tmp_path / "searchd.stderr")
    try:
        for q in ("xqzz\tvvkq", "xqzz\nFORGED\tqqvvk", "xqzz\r\nvvkq", "xqzz\x1b[2J", "\"xqzz vvkq\""):
            status, res = d.search(q)
            assert status == 200 and res["total"] == 0, q
        lines = wait_lines(report, 5)
        assert len(lines) == 5, lines
        assert len({len(line.split("\t")) for line in lines}) == 1, lines
        assert not any(line.startswith("FORGED") for line in lines)
        assert "\x1b" not in "".join(lines)
    finally:
        d.stop()


def test_zero_hits_log_is_appended_across_restarts(bundled_db, tmp_path):
    report = str(tmp_path / "zero-hits.tsv")
    for i in range(2):
        d = Daemon(bundled_db, ["--zero-hits-log", report], log=tmp_path / ("searchd%d.stderr" % i))
        try:
            d.search("xqzzyvvk%d" % i)
            wait_lines(report, i + 1)
        finally:
            assert d.stop(signal.SIGTERM) == 0
    lines = report_lines(report)
    assert [line.split("\t")[1] for line in lines] == ["xqzzyvvk0", "xqzzyvvk1"], lines


def test_zero_hits_log_in_a_folder_that_does_not_exist_is_a_clear_error(bundled_db, tmp_path):
    from conftest import prog, run
    r = run([prog("atmp-searchd"), "--db", bundled_db, "--listen", "127.0.0.1:0",
             "--zero-hits-log", str(tmp_path / "no" / "such" / "dir" / "z.tsv")], timeout=10)
    assert r.returncode in (1, 2), r.returncode
    assert "z.tsv" in r.stderr, r.stderr
