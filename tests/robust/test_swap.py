"""Index swaps while the daemon serves: no request fails, and every answer comes wholly from the old
index or wholly from the new one.

Two corpora differ in everything a response shows: index A has NA guidance documents swapa/...,
index B has NB FAQ documents swapb/...; every document holds the probe word. wrk (Debian's) queries
the probe while the test swaps the index back and forth every way it can be swapped: atmp-index
rebuilding in place, a prebuilt file renamed over the served one, with and without SIGHUP.
"""
import os
import re
import shutil
import signal
import subprocess
import time

import pytest

from conftest import Daemon, index, write_doc

NA, NB = 3, 5
PROBE = "swapprobe"
WRK_SECONDS = 10
LUA = os.path.join(os.path.dirname(__file__), "swap.lua")


def make_corpus(root, which, n, type_):
    for i in range(n):
        write_doc(root, "swap%s/doc%d.md" % (which, i), "Dokument %d om %s, udgave %s" % (i, PROBE, which.upper()),
                  "Dette dokument handler om %s og kvalitet.\n\n## Afsnit %s%d\n\nMere tekst om %s her."
                  % (PROBE, which, i, PROBE), type_=type_)
    return root


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    base = tmp_path_factory.mktemp("swap")
    a = make_corpus(base / "corpus-a", "a", NA, "guidance")
    b = make_corpus(base / "corpus-b", "b", NB, "faq")
    index(a, base / "a.db")
    index(b, base / "b.db")
    return base


def which_index(res):
    """'a' or 'b' for a response wholly from one index; None for anything else."""
    ids = [h["id"] for h in res["hits"]]
    types = res["facets"]["type"]
    if res["total"] == NA and len(ids) == NA and all(i.startswith("swapa/") for i in ids) and types == {"guidance": NA}:
        return "a"
    if res["total"] == NB and len(ids) == NB and all(i.startswith("swapb/") for i in ids) and types == {"faq": NB}:
        return "b"
    return None


def wait_for(d, want, seconds=3.0):
    deadline = time.time() + seconds
    got = None
    while time.time() < deadline:
        status, res = d.search(PROBE)
        got = which_index(res) if status == 200 else status
        if got == want:
            return True
        time.sleep(0.1)
    raise AssertionError("the daemon still answers from %r, not %r" % (got, want))


def replace(src, dst):
    """Copies src beside dst and renames it over dst, as a deploy script would."""
    tmp = str(dst) + ".deploy"
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def test_index_swaps_under_load_fail_no_request_and_never_mix(corpora, tmp_path):
    wrk = shutil.which("wrk")
    assert wrk, "wrk is not installed (as root: apt-get install wrk; tests/robust/run.sh does it)"
    served = tmp_path / "served.db"
    shutil.copyfile(corpora / "a.db", served)
    d = Daemon(served, log=tmp_path / "searchd.stderr")
    try:
        wait_for(d, "a")
        url = "%s/api/search?q=%s&limit=10" % (d.url, PROBE)
        load = subprocess.Popen([wrk, "-t2", "-c16", "-d%ds" % WRK_SECONDS, "--timeout", "5s", "-s", LUA, url,
                                 "--", str(NA), str(NB)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        swaps, current, i = 0, "a", 0
        time.sleep(0.3)
        while load.poll() is None:
            nxt = "b" if current == "a" else "a"
            how = i % 6
            if how == 2:  # atmp-index rebuilds in place from the other corpus (incremental)
                index(corpora / ("corpus-" + nxt), served)
            elif how in (0, 3):  # a prebuilt file renamed over the served one; the daemon notices
                replace(corpora / (nxt + ".db"), served)
            elif how in (1, 4):  # the same, and SIGHUP at once
                replace(corpora / (nxt + ".db"), served)
                d.proc.send_signal(signal.SIGHUP)
            else:  # a full rebuild, then SIGHUP twice (the second with nothing changed)
                index(corpora / ("corpus-" + nxt), served, "--full")
                d.proc.send_signal(signal.SIGHUP)
                time.sleep(0.1)
                d.proc.send_signal(signal.SIGHUP)
            current, swaps, i = nxt, swaps + 1, i + 1
            time.sleep(0.2)
        out = load.communicate(timeout=30)[0]
        m = re.search(r"swap: from_a=(\d+) from_b=(\d+) mixed=(\d+) non200=(\d+) errors=(\d+)", out)
        assert m, out
        from_a, from_b, mixed, non200, errors = map(int, m.groups())
        assert swaps >= 6, swaps  # each way at least once; under load a rebuild takes a second or two
        assert mixed == 0, out
        assert non200 == 0, out
        assert errors == 0 and "Socket errors" not in out, out
        assert "Non-2xx" not in out, out
        assert from_a > 100 and from_b > 100, out  # both indexes were served, under load
        wait_for(d, current)
        assert d.proc.poll() is None
    finally:
        d.stop()


def test_a_broken_index_file_is_not_served_and_the_previous_one_stays(corpora, tmp_path):
    served = tmp_path / "served.db"
    shutil.copyfile(corpora / "a.db", served)
    d = Daemon(served, ["--threads", "2"], log=tmp_path / "searchd.stderr")
    try:
        for _ in range(20):  # every thread has the index open
            assert which_index(d.search(PROBE)[1]) == "a"
        junk = tmp_path / "junk"
        junk.write_bytes(os.urandom(200000))
        half = tmp_path / "half.db"
        data = (corpora / "b.db").read_bytes()
        half.write_bytes(data[:len(data) // 2])
        empty = tmp_path / "empty"
        empty.write_bytes(b"")
        for broken in (junk, half, empty):
            replace(broken, served)
            d.proc.send_signal(signal.SIGHUP)
            time.sleep(1.2)
            for _ in range(20):
                status, res = d.search(PROBE)
                assert status == 200, (broken.name, status, res)
                assert which_index(res) == "a", broken.name
            assert d.get("/healthz")[0] == 200
        assert "cannot open the new index" in d.stderr()
        replace(corpora / "b.db", served)
        wait_for(d, "b")
        for _ in range(20):
            assert which_index(d.search(PROBE)[1]) == "b"
    finally:
        d.stop()


def test_deleting_the_index_file_keeps_the_open_one_served(corpora, tmp_path):
    served = tmp_path / "served.db"
    shutil.copyfile(corpora / "a.db", served)
    d = Daemon(served, ["--threads", "2"], log=tmp_path / "searchd.stderr")
    try:
        for _ in range(10):
            assert which_index(d.search(PROBE)[1]) == "a"
        os.unlink(served)
        d.proc.send_signal(signal.SIGHUP)
        time.sleep(1.2)
        for _ in range(10):
            status, res = d.search(PROBE)
            assert status == 200 and which_index(res) == "a"
        replace(corpora / "b.db", served)
        wait_for(d, "b")
    finally:
        d.stop()
