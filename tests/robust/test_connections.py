"""Many connections at once and slow clients: the daemon keeps answering everyone else.

atmp-searchd allows 1,000 connections and drops one that is silent for 10 seconds.
"""
import resource
import socket
import threading
import time

import pytest

from conftest import Daemon

TIMEOUT = 10  # the daemon's connection timeout, seconds


@pytest.fixture(scope="module", autouse=True)
def enough_file_descriptors():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 4096 if hard == resource.RLIM_INFINITY else min(4096, hard)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    if want < 2500:
        pytest.skip("needs 2,500 file descriptors; the hard limit is %d" % hard)


@pytest.fixture()
def fresh(bundled_db, tmp_path):
    """A daemon of its own: these tests use up connections."""
    d = Daemon(bundled_db, log=tmp_path / "searchd.stderr")
    yield d
    d.stop()


def open_idle(d, n):
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.settimeout(5)
        s.connect((d.host, d.port))
        socks.append(s)
    return socks


def answered_fast(d, n=10, limit=1.0):
    """The slowest of n searches on fresh connections, in seconds; fails the test on any error."""
    worst = 0.0
    for _ in range(n):
        t = time.monotonic()
        status, _ = d.search("genterapi")
        assert status == 200
        worst = max(worst, time.monotonic() - t)
    return worst


def test_many_idle_connections_and_slowloris_do_not_stop_others(fresh):
    idle = open_idle(fresh, 600)
    slow = open_idle(fresh, 200)
    stop = threading.Event()

    def trickle():
        # slowloris: a request that never ends, one header line every second
        for s in slow:
            s.sendall(b"GET /api/search?q=genterapi HTTP/1.1\r\nHost: x\r\n")
        i = 0
        while not stop.wait(1.0):
            for s in slow:
                try:
                    s.sendall(b"X-Slow-%d: y\r\n" % i)
                except OSError:
                    pass
            i += 1

    t = threading.Thread(target=trickle, daemon=True)
    t.start()
    try:
        time.sleep(0.5)
        assert answered_fast(fresh, 20) < 1.0
        time.sleep(2)
        assert answered_fast(fresh, 20) < 1.0
        assert fresh.proc.poll() is None
    finally:
        stop.set()
        t.join()
        for s in idle + slow:
            s.close()


def test_silent_connections_are_dropped_after_the_timeout(fresh):
    idle = open_idle(fresh, 20)
    half = open_idle(fresh, 20)
    for s in half:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # headers never finished
    t0 = time.monotonic()
    try:
        for s in idle + half:
            s.settimeout(TIMEOUT + 5 - (time.monotonic() - t0))
            try:
                data = s.recv(1024)
            except (ConnectionResetError, socket.timeout):
                data = b"" if time.monotonic() - t0 < TIMEOUT + 4 else None
            assert data is not None, "a silent connection was still open after %d s" % (TIMEOUT + 4)
            assert not data.startswith(b"HTTP/1.1 200")
        assert time.monotonic() - t0 < TIMEOUT + 5
    finally:
        for s in idle + half:
            s.close()


def test_past_the_connection_limit_the_daemon_recovers(fresh):
    # 1,200 silent connections: 1,000 fill the daemon, the rest wait in the backlog or are refused;
    # once the timeout frees the silent ones, others are answered again
    socks = []
    t0 = time.monotonic()
    try:
        for _ in range(1200):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex((fresh.host, fresh.port))
            socks.append(s)
        time.sleep(0.5)
        answered = None
        while time.monotonic() - t0 < TIMEOUT + 8:
            try:
                status, _, _ = fresh.get("/healthz", timeout=2)
                if status == 200:
                    answered = time.monotonic() - t0
                    break
            except OSError:
                pass
        assert answered is not None, "no answer within %d s of the flood" % (TIMEOUT + 8)
        assert fresh.proc.poll() is None
        for s in socks:
            s.close()
        socks = []
        assert answered_fast(fresh, 10) < 1.0
    finally:
        for s in socks:
            s.close()
