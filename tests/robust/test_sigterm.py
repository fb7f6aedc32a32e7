"""SIGTERM (and SIGINT): the daemon stops accepting connections, finishes the requests in flight, and
exits 0.
"""
import os
import shutil
import signal
import socket
import threading
import time

import pytest

from conftest import WEB, Daemon, parse_response, recv_all

BIG = 8 * 1024 * 1024  # a static file that takes a slow client a while to read


@pytest.fixture(scope="module")
def big_web(tmp_path_factory):
    web = tmp_path_factory.mktemp("sigterm") / "web"
    shutil.copytree(WEB, web)
    with open(web / "big.txt", "wb") as f:
        f.write((b"0123456789abcdef" * 4096) * (BIG // 65536))
    return web


def refused(d):
    try:
        socket.create_connection((d.host, d.port), timeout=2).close()
        return False
    except OSError:
        return True


def slow_download(d, path, got, started):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
    s.connect((d.host, d.port))
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path).encode())
    s.settimeout(20)
    data = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
            started.set()
            time.sleep(0.002)
    except OSError as e:
        got["error"] = repr(e)
    s.close()
    got["data"] = data


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_finishes_a_download_in_flight_and_exits_0(bundled_db, big_web, tmp_path, sig):
    d = Daemon(bundled_db, web=big_web, log=tmp_path / "searchd.stderr")
    got, started = {}, threading.Event()
    t = threading.Thread(target=slow_download, args=(d, "/big.txt", got, started))
    t.start()
    try:
        assert started.wait(5)
        d.proc.send_signal(sig)
        time.sleep(0.3)
        assert refused(d), "a new connection was accepted after the signal"
        t.join(30)
        status, headers, body = parse_response(got.get("data", b""))
        assert status == 200, got.get("error")
        assert len(body) == BIG, "the download was cut at %d of %d bytes" % (len(body), BIG)
        assert d.proc.wait(15) == 0
        assert "stopping" in d.stderr()
    finally:
        t.join(1)
        d.stop(signal.SIGKILL)


def test_sigterm_answers_a_request_whose_headers_were_arriving(bundled_db, tmp_path):
    d = Daemon(bundled_db, log=tmp_path / "searchd.stderr")
    try:
        socks = []
        for i in range(5):
            s = d.connect()
            s.sendall(b"GET /api/search?q=genterapi HTTP/1.1\r\nHost: x\r\n")
            socks.append(s)
        time.sleep(0.2)
        d.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        for s in socks:
            s.sendall(b"Connection: close\r\n\r\n")
        for s in socks:
            status, _, body = parse_response(recv_all(s, 10))
            s.close()
            assert status == 200, "a request in flight got no answer after SIGTERM"
            assert b'"hits"' in body
        assert d.proc.wait(15) == 0
    finally:
        d.stop(signal.SIGKILL)


def test_sigterm_under_load_fails_only_new_connections(bundled_db, tmp_path):
    """Searches running when SIGTERM arrives get whole answers; afterwards connections are refused."""
    d = Daemon(bundled_db, log=tmp_path / "searchd.stderr")
    results, stop = [], threading.Event()

    def client():
        while not stop.is_set():
            try:
                s = socket.create_connection((d.host, d.port), timeout=5)
            except OSError:
                results.append("refused")
                time.sleep(0.01)
                continue
            try:
                s.sendall(b"GET /api/search?q=genterapi+fors%C3%B8g&limit=50 HTTP/1.1\r\nHost: x\r\n"
                          b"Connection: close\r\n\r\n")
                status, headers, body = parse_response(recv_all(s, 10))
                if status is None:
                    results.append("no answer")
                elif int(headers.get("content-length", -1)) != len(body):
                    results.append("cut")
                else:
                    results.append(status)
            except OSError:
                results.append("reset after connect")
            finally:
                s.close()

    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    try:
        time.sleep(1.0)
        d.proc.send_signal(signal.SIGTERM)
        time.sleep(1.0)
        stop.set()
        for t in threads:
            t.join(15)
        assert d.proc.wait(15) == 0
        answered = [r for r in results if r == 200]
        assert len(answered) > 20
        bad = [r for r in results if r not in (200, "refused")]
        # a connection the kernel accepted before the listening socket closed, but the daemon never
        # took, may be reset: allow a handful of those, nothing else
        assert all(r == "reset after connect" or r == "no answer" for r in bad), bad
        assert len(bad) <= 8, bad
    finally:
        stop.set()
        d.stop(signal.SIGKILL)


def test_sigterm_with_an_idle_keepalive_connection_still_exits_soon(bundled_db, tmp_path):
    d = Daemon(bundled_db, log=tmp_path / "searchd.stderr")
    s = d.connect()
    try:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.2)
        assert s.recv(4096).startswith(b"HTTP/1.1 200")
        t = time.monotonic()
        d.proc.send_signal(signal.SIGTERM)
        assert d.proc.wait(15) == 0
        assert time.monotonic() - t < 12  # at most the connection timeout
    finally:
        s.close()
        d.stop(signal.SIGKILL)
