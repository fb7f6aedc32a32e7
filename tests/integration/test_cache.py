"""The answer cache of atmp-searchd (--cache-mb): a repeated search or suggestion is answered from
memory, as it was answered the first time but for took_ms, and never from an index the daemon has
since replaced."""
import json
import os
import re
import signal
import time

import pytest

from conftest import Daemon, copy_corpus, prog, run

ORIGIN = "https://partner.example"
TOOK = re.compile(rb'"took_ms":[-+0-9.eE]+')
WATCH_S = 3.0  # the daemon notices a replaced index file within half a second; ample room


def metric(d, name):
    status, _, body = d.get("/metrics")
    assert status == 200
    m = re.search(r"^%s (\S+)$" % re.escape(name), body.decode(), re.M)
    assert m, "no %s in /metrics" % name
    return float(m.group(1))


def counts(d):
    return metric(d, "atmp_cache_hits_total"), metric(d, "atmp_cache_misses_total")


@pytest.fixture(scope="module")
def cached(index_db):
    d = Daemon(index_db, ["--allow-origin", ORIGIN])
    yield d
    d.stop()


@pytest.fixture(scope="module")
def uncached(index_db):
    d = Daemon(index_db, ["--cache-mb", "0", "--allow-origin", ORIGIN])
    yield d
    d.stop()


def without_took(body):
    res = json.loads(body)
    assert isinstance(res["took_ms"], (int, float)) and res["took_ms"] >= 0
    res.pop("took_ms")
    return res


def test_a_repeated_search_is_answered_from_the_cache_alike_but_for_took_ms(cached):
    hits0, misses0 = counts(cached)
    params = {"q": "genterapi hospital", "limit": 5}
    s1, h1, b1 = cached.get("/api/search", params, headers={"Origin": ORIGIN})
    s2, h2, b2 = cached.get("/api/search", params, headers={"Origin": ORIGIN})
    assert s1 == s2 == 200
    assert without_took(b1) == without_took(b2)
    assert TOOK.sub(b"", b1) == TOOK.sub(b"", b2)  # byte for byte, took_ms aside
    assert json.loads(b1)["total"] > 0
    # the same headers as the answer of a search
    for name in ("Content-Type", "Cache-Control", "X-Content-Type-Options", "Referrer-Policy", "Vary",
                 "Access-Control-Allow-Origin"):
        assert h1.get(name) == h2.get(name), name
    assert h2["Access-Control-Allow-Origin"] == ORIGIN
    assert h2["Content-Type"] == "application/json; charset=utf-8" and h2["Cache-Control"] == "no-cache"
    assert counts(cached) == (hits0 + 1, misses0 + 1)
    assert metric(cached, "atmp_cache_bytes") > len(TOOK.sub(b"", b1))
    # and counted as a search answered
    assert re.search(r'^atmp_requests_total\{endpoint="search",status="200"\} [2-9]',
                     cached.get("/metrics")[2].decode(), re.M)


def test_other_limits_offsets_and_filters_get_their_own_answers(cached, uncached):
    variants = [
        {"q": "GMP"}, {"q": "GMP", "limit": 1}, {"q": "GMP", "limit": 2}, {"q": "GMP", "limit": "02"},
        {"q": "GMP", "offset": 1}, {"q": "GMP", "offset": 1, "limit": 1}, {"q": "GMP", "type": "faq"},
        {"q": "GMP", "type": "guidance"}, {"q": "GMP", "lang": "en"}, {"q": "GMP", "lang": "da"},
        {"q": "GMP", "type": ["faq", "guidance"]}, {"q": "GMP", "type": "faq", "lang": "en"},
        {"q": "GMP", "tag": "GMP"}, {"q": "gmp"},
    ]
    hits0, _ = counts(cached)
    for rounds in range(2):  # the second round comes from the cache
        for v in variants:
            s, _, got = cached.get("/api/search", v)
            s2, _, want = uncached.get("/api/search", v)
            assert s == s2 == 200, v
            assert without_took(got) == without_took(want), (rounds, v)
    hits = counts(cached)[0] - hits0
    assert hits == len(variants) + 1, hits  # limit=02 is limit=2: a hit in the first round already
    _, res1 = cached.search("GMP", limit=1)
    _, res2 = cached.search("GMP", limit=2)
    _, off = cached.search("GMP", limit=1, offset=1)
    assert len(res1["hits"]) == 1 and len(res2["hits"]) == 2
    assert off["hits"][0]["id"] == res2["hits"][1]["id"] != res1["hits"][0]["id"]
    _, faq = cached.search("GMP", type="faq")
    _, guidance = cached.search("GMP", type="guidance")
    assert faq["hits"] and {h["type"] for h in faq["hits"]} == {"faq"}
    assert guidance["hits"] and {h["type"] for h in guidance["hits"]} == {"guidance"}


def test_a_repeated_suggestion_is_answered_from_the_cache(cached, uncached):
    hits0, _ = counts(cached)
    for v in ({"q": "gen"}, {"q": "gen", "limit": 3}, {"q": "hospitalsu"}):
        first = cached.get("/api/suggest", v)
        second = cached.get("/api/suggest", v)
        fresh = uncached.get("/api/suggest", v)
        assert first[0] == second[0] == 200
        assert first[2] == second[2] == fresh[2], v
    assert counts(cached)[0] == hits0 + 3
    _, _, b = cached.get("/api/suggest", {"q": "gen", "limit": 3})
    assert len(json.loads(b)["suggestions"]) == 3


def test_documents_and_errors_are_not_cached(cached):
    before = counts(cached)
    for _ in range(2):
        assert cached.get("/api/doc/faq/klinikere")[0] == 200
        assert cached.get("/api/doc/no/such")[0] == 404
        assert cached.get("/api/search?q=%FF")[0] == 400
        assert cached.get("/api/search", {"q": "GMP", "limit": 0})[0] == 400
        assert cached.get("/healthz")[0] == 200
    assert counts(cached) == before


WORD = "kvantespringsprotokol"  # in no document of the bundled corpus


def add_document(corpus):
    """Adds a document holding WORD to corpus."""
    with open(os.path.join(corpus, "faq", "kvante.md"), "w", encoding="utf-8") as f:
        f.write("---\ntitle: Kvantespring\ntype: faq\nlang: da\nupdated: 2026-01-01\n---\n\n"
                "Om %s for celleterapi.\n" % WORD)


def index(corpus, db):
    r = run([prog("atmp-index"), "--corpus", corpus, "--db", db, "-q"])
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.fixture()
def served(tmp_path):
    """A daemon serving an index of a private copy of the corpus: (corpus, index file, daemon)."""
    corpus = copy_corpus(tmp_path / "c")
    db = str(tmp_path / "kb.db")
    index(corpus, db)
    d = Daemon(db)
    yield corpus, db, d
    d.stop()


def wait_total(d, q, want, seconds=WATCH_S):
    deadline = time.time() + seconds
    total = None
    while time.time() < deadline:
        status, res = d.search(q)
        assert status == 200
        total = res["total"]
        if total == want:
            return
        time.sleep(0.05)
    raise AssertionError("%r: the daemon still answers total %r, not %r" % (q, total, want))


def test_a_rebuilt_index_is_served_not_the_cached_answer(served):
    corpus, db, d = served
    for _ in range(3):
        assert d.search(WORD)[1]["total"] == 0
    assert counts(d)[0] == 2
    add_document(corpus)
    index(corpus, db)  # in place, as the secretariat rebuilds it
    wait_total(d, WORD, 1)
    _, res = d.search(WORD)
    assert res["total"] == 1 and res["hits"][0]["id"] == "faq/kvante"


def test_sighup_drops_the_cached_answers(served, tmp_path):
    _, db, d = served
    # nothing changed: the search after SIGHUP is a search again, and the one after it a hit
    d.search("genterapi")
    d.search("genterapi")
    hits, misses = counts(d)
    assert hits >= 1
    d.proc.send_signal(signal.SIGHUP)
    deadline = time.time() + WATCH_S
    while counts(d)[1] == misses and time.time() < deadline:
        d.search("genterapi")  # a hit until the daemon has taken the signal
        time.sleep(0.02)
    assert counts(d)[1] == misses + 1, "a search after SIGHUP was still answered from the cache"
    h = counts(d)[0]
    d.search("genterapi")
    assert counts(d)[0] == h + 1
    # an index file put in place, then SIGHUP: the new answer
    assert d.search(WORD)[1]["total"] == 0
    assert d.search(WORD)[1]["total"] == 0
    other = copy_corpus(tmp_path / "c2")
    add_document(other)
    index(other, str(tmp_path / "new.db"))
    os.replace(tmp_path / "new.db", db)
    d.proc.send_signal(signal.SIGHUP)
    wait_total(d, WORD, 1)


def test_cache_mb_0_turns_the_cache_off(uncached):
    for _ in range(3):
        assert uncached.search("genterapi")[0] == 200
        assert uncached.get("/api/suggest", {"q": "gen"})[0] == 200
    assert counts(uncached) == (0, 0)
    assert metric(uncached, "atmp_cache_bytes") == 0


def test_a_repeated_search_that_finds_nothing_is_logged_and_counted_each_time(index_db, tmp_path):
    report = tmp_path / "zero-hits.tsv"
    d = Daemon(index_db, ["--zero-hits-log", str(report), "--access-log"])
    try:
        zero0 = metric(d, "atmp_zero_hit_queries_total")
        for _ in range(2):
            status, res = d.search("xqzzyvvkcache", type="faq")
            assert status == 200 and res["total"] == 0
        assert counts(d)[0] == 1  # the second from the cache
        assert metric(d, "atmp_zero_hit_queries_total") == zero0 + 2
        lines = report.read_text(encoding="utf-8").splitlines()
        assert len(lines) == 2, lines
        assert all(line.split("\t")[1:] == ["xqzzyvvkcache", "type=faq"] for line in lines), lines
    finally:
        d.stop()
    # and an access-log line for each, the cached one too
    log = d.proc.stderr.read()
    assert len(re.findall(r"^GET /api/search 200 ", log, re.M)) == 2, log


@pytest.mark.parametrize("value", ["-1", "1025", "abc", "", "8MB", "1.5", " 8"])
def test_bad_cache_mb_values_are_bad_usage(index_db, value):
    r = run([prog("atmp-searchd"), "--db", index_db, "--listen", "127.0.0.1:0", "--cache-mb", value], timeout=10)
    assert r.returncode == 2, (value, r.returncode, r.stderr)
    assert r.stderr.startswith("atmp-searchd: --cache-mb '%s': want a number from 0 to 1024" % value), r.stderr


def test_cache_mb_takes_0_to_1024(index_db):
    for value in ("0", "1024"):
        d = Daemon(index_db, ["--cache-mb", value])
        try:
            assert d.search("genterapi")[0] == 200
            assert metric(d, "atmp_cache_max_bytes") == int(value) * 1024 * 1024
        finally:
            assert d.stop() == 0
