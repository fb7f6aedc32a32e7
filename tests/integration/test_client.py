"""atmp-search, the terminal client: its output when piped and on a terminal, --json against the API,
--db against --server, `show`, and every error path with its exit status (INTERFACE.md §2, §2.3)."""
import fcntl
import http.server
import json
import os
import pty
import re
import select
import shutil
import socket
import struct
import subprocess
import termios
import threading
import time
import urllib.parse

import pytest

from conftest import ROOT, prog, run

SGR = re.compile(r"\x1b\[[0-9;]*m")
TOOK = re.compile(r'"took_ms":[-+0-9.eE]+')


def client(*args, **kw):
    return run([prog("atmp-search"), *args], **kw)


def no_took(text):
    return TOOK.sub('"took_ms":0', text)


def doc_title(out):
    """The title a document view starts with (wrapped over lines when long)."""
    lines = out.splitlines()
    end = next(i for i, l in enumerate(lines) if " · " in l)
    return " ".join(" ".join(lines[:end]).split())


def width(line):
    """Display columns of a line of this corpus (Latin text: one column a character)."""
    return len(SGR.sub("", line))


@pytest.fixture(autouse=True)
def clean_env(tmp_path, monkeypatch):
    """Every test gets its own cache folder and none of the user's settings."""
    for k in ("NO_COLOR", "ATMP_SERVER", "COLUMNS", "PAGER", "LESS", "TERM"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def run_on_tty(args, env=None, cols=100, rows=50, timeout=30):
    """Runs a program with stdin and stdout on a pseudo-terminal of cols x rows; returns
    (exit status, what the terminal showed with \\r\\n made \\n, stderr)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    p = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=subprocess.PIPE, env=env,
                         start_new_session=True)
    os.close(slave)
    out = b""
    deadline = time.time() + timeout
    while time.time() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every writer has closed the terminal
                break
            if not chunk:
                break
            out += chunk
        elif p.poll() is not None:
            break
    else:
        p.kill()
    p.wait(timeout=10)
    os.close(master)
    return p.returncode, out.decode("utf-8", "replace").replace("\r\n", "\n"), p.stderr.read().decode()


def tty_env(**extra):
    env = dict(os.environ, TERM="xterm")
    env.update(extra)
    return env


# ---- a fake daemon with canned answers, to feed the renderer exactly the JSON a test needs ----

class FakeHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(self.path)
        path = urllib.parse.urlsplit(self.path).path
        status, ctype, body = self.server.routes.get(
            path, (404, "application/json", b'{"error":"no such endpoint"}'))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


@pytest.fixture
def fake():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeHandler)
    srv.routes, srv.requests = {}, []
    srv.url = "http://127.0.0.1:%d" % srv.server_address[1]
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def answer(srv, path, obj, status=200, ctype="application/json; charset=utf-8"):
    body = obj if isinstance(obj, bytes) else json.dumps(obj, ensure_ascii=False).encode()
    srv.routes[path] = (status, ctype, body)


def hit(**kw):
    h = {"id": "guidance/hospitalsundtagelse", "section": "den-danske-model",
         "title": "Hospitalsundtagelsen for ATMP'er", "section_title": "Den danske model",
         "type": "guidance", "lang": "da", "source": "Lægemiddelstyrelsen",
         "url": "https://laegemiddelstyrelsen.dk/da/", "updated": "2025-03-07",
         "snippet": "… behandles under <mark>hospitalsundtagelsen</mark> &amp; vævsloven …", "score": 3.2}
    h.update(kw)
    return h


def response(hits, **kw):
    r = {"query": "hopsitalsundtagelse", "total": len(hits), "took_ms": 0.5, "hits": hits,
         "suggestion": None, "facets": {"type": {"guidance": 7, "faq": 5}, "lang": {"da": 9, "en": 3}}}
    r.update(kw)
    return r


@pytest.fixture
def silent_server():
    """A socket that accepts connections and never answers."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    held, stop = [], threading.Event()

    def accept():
        s.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(s.accept()[0])
            except OSError:
                pass
    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield "http://127.0.0.1:%d" % s.getsockname()[1]
    stop.set()
    t.join()
    for c in held:
        c.close()
    s.close()


def closed_port_url():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return "http://127.0.0.1:%d" % port


# ---- help and version ----

def test_help_shows_usage_options_and_examples():
    r = client("--help")
    assert r.returncode == 0 and r.stderr == ""
    for opt in ("--server", "--db", "--json", "--limit", "--offset", "--type", "--lang", "--tag",
                "--source", "--timeout", "show ID", "Examples:", "Exit status"):
        assert opt in r.stdout
    assert client("-h").stdout == r.stdout


def test_version_names_the_program():
    r = client("--version")
    assert r.returncode == 0 and re.fullmatch(r"atmp-search \d+\.\d+\.\d+\n", r.stdout)
    assert client("-V").stdout == r.stdout


# ---- the list of hits, piped ----

def test_piped_output_is_a_numbered_list_of_each_hits_fields(index_db):
    js = json.loads(client("--db", index_db, "--json", "--limit", "5", "hospitalsundtagelse").stdout)
    r = client("--db", index_db, "--limit", "5", "hospitalsundtagelse")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "\x1b" not in out and "<mark>" not in out and "&#39;" not in out
    assert len(js["hits"]) == 5
    pos = 0
    for n, h in enumerate(js["hits"], 1):
        start = out.index("%d. " % n, pos)
        block = out[start:out.index("\n\n", start)]
        pos = start + 1
        flat = " ".join(block.split())
        assert " ".join(h["title"].split()) in flat
        ref = h["id"] + ("#" + h["section"] if h["section"] else "")
        assert ref in block  # one piece, never broken across lines
        assert "%s · %s · %s" % (h["type"], h["lang"], h["updated"]) in flat
        if h["url"]:
            assert h["url"] in block
        words = re.findall(r"<mark>(.*?)</mark>", h["snippet"])
        for w in words:
            assert w in flat
    assert "matching documents, showing 1–5" in out
    facet_line = [l for l in out.splitlines() if l.startswith("type: ")]
    assert len(facet_line) == 1 and " · lang: " in facet_line[0]
    for t, n in js["facets"]["type"].items():
        assert "%s %d" % (t, n) in facet_line[0]


def test_piped_output_is_the_same_from_the_daemon_and_the_index(index_db, daemon):
    a = client("--db", index_db, "--limit", "4", "genterapi")
    b = client("--server", daemon.url, "--limit", "4", "genterapi")
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout


def test_piped_output_wraps_to_COLUMNS_or_80(index_db):
    for cols, env in ((80, None), (50, dict(os.environ, COLUMNS="50"))):
        r = client("--db", index_db, "--limit", "10", "kliniske", "forsøg", env=env)
        assert r.returncode == 0
        lines = r.stdout.splitlines()
        long_ones = [l for l in lines if width(l) > cols and " " in l.strip() and not l.startswith("type: ")]
        assert long_ones == [], long_ones
        assert any(width(l) > cols * 0.8 for l in lines)  # wrapped, not just short


def test_offset_numbers_the_hits_from_offset_plus_one(index_db):
    r = client("--db", index_db, "--limit", "3", "--offset", "4", "hospitalsundtagelse")
    assert r.returncode == 0
    nums = re.findall(r"^\s*(\d+)\. ", r.stdout, re.M)
    assert nums == ["5", "6", "7"]
    assert "showing 5–7" in r.stdout and "--offset 7" in r.stdout


def test_no_hits_exits_0_with_a_tip(index_db, daemon):
    for mode in (("--db", index_db), ("--server", daemon.url)):
        r = client(*mode, "xqzvwk")
        assert r.returncode == 0, r.stderr
        assert "No hits for 'xqzvwk'" in r.stdout and "Tip:" in r.stdout
        r = client(*mode, "--type", "minutes", "xqzvwk")
        assert r.returncode == 0 and "drop the --type/--lang/--tag/--source filters" in " ".join(r.stdout.split())
        r = client(*mode, "--json", "xqzvwk")
        assert r.returncode == 0 and json.loads(r.stdout)["hits"] == []


def test_an_offset_past_the_last_hit_says_so(index_db):
    r = client("--db", index_db, "--offset", "10000", "genterapi")
    assert r.returncode == 0 and "No hits on this page" in r.stdout and "smaller --offset" in r.stdout


# ---- rendering what the API may send (a fake daemon feeds the exact JSON) ----

def test_did_you_mean_when_the_response_has_a_suggestion(fake):
    answer(fake, "/api/search", response([hit()], suggestion="hospitalsundtagelse"))
    r = client("--server", fake.url, "hopsitalsundtagelse")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Did you mean: hospitalsundtagelse?\n")
    answer(fake, "/api/search", response([hit()]))
    assert "Did you mean" not in client("--server", fake.url, "x").stdout


def test_no_hits_with_a_suggestion_tips_the_suggestion(fake):
    answer(fake, "/api/search", response([], suggestion="hospital", facets={"type": {}, "lang": {}}))
    r = client("--server", fake.url, "hopsital")
    assert r.returncode == 0
    assert "Did you mean: hospital?" in r.stdout and "search for 'hospital' instead" in r.stdout


def test_why_a_hit_matched_is_shown_when_present(fake):
    answer(fake, "/api/search", response([
        hit(why=["DKMA → Lægemiddelstyrelsen (synonym)", "hopsital → hospital (spelling)"]),
        hit(id="faq/klinikere", section=None, section_title=None)]))
    out = client("--server", fake.url, "DKMA").stdout
    assert "matched: DKMA → Lægemiddelstyrelsen (synonym); hopsital → hospital (spelling)" in out
    assert out.count("matched:") == 1
    block2 = out[out.index("2. "):]
    assert "faq/klinikere · guidance" in block2 and "§" not in block2.split("\n\n")[0]


def test_snippet_entities_are_decoded_and_marks_dropped_when_plain(fake):
    answer(fake, "/api/search", response([hit(snippet="a &lt;b&gt; &quot;c&quot; &#39;d&#39; &#x27;e&#x27; "
                                              "<mark>f</mark> &amp;amp;")]))
    out = client("--server", fake.url, "f").stdout
    assert "a <b> \"c\" 'd' 'e' f &amp;" in out


def test_control_characters_in_the_data_never_reach_the_terminal(fake):
    answer(fake, "/api/search", response([hit(title="evil\x1b]0;pwned\x07\x1b[2J title",
                                              snippet="x\x1b[31my &#27;z")]))
    for args in ((), ("--color", "always")):
        out = client("--server", fake.url, *args, "x").stdout
        assert "\x07" not in out and "\x1b]" not in out and "\x1b[2J" not in out and "\x1b[31m" not in out
        assert "evil" in out and "title" in out


def test_facets_are_on_one_line(fake):
    answer(fake, "/api/search", response([hit()], facets={
        "type": {"guidance": 7, "best-practice": 4, "faq": 3, "analysis": 2, "news": 1, "minutes": 1},
        "lang": {"da": 9, "en": 3}}))
    out = client("--server", fake.url, "x", env=dict(os.environ, COLUMNS="40")).stdout
    assert ("type: guidance 7, best-practice 4, faq 3, analysis 2, news 1, minutes 1 · lang: da 9, en 3\n"
            in out)


def test_a_sparse_or_odd_response_still_renders(fake):
    answer(fake, "/api/search", {"query": "x", "hits": [{"id": "a/" + "b" * 200}, {"title": 7, "why": [1, None]}]})
    r = client("--server", fake.url, "x")
    assert r.returncode == 0, r.stderr
    assert "1. " in r.stdout and "a/" + "b" * 200 in r.stdout and "2. " in r.stdout


def test_show_lays_out_every_kind_of_block(fake):
    html = ("<h1 id=\"t\">Top</h1>\n<p>Intro with <em>em</em>, <strong>strong</strong>, <code>code</code>,"
            " a<br />\nbreak and <a href=\"https://ema.europa.eu\">EMA</a> twice "
            "<a href=\"https://ema.europa.eu\">again</a>, <a href=\"mailto:a@b.dk\">a@b.dk</a>, "
            "<a href=\"https://x.dk\">https://x.dk</a> and <img src=\"/i.png\" alt=\"logo\" />.</p>\n"
            "<ul>\n<li>one\n<ul>\n<li>nested</li>\n</ul>\n</li>\n<li>two</li>\n</ul>\n"
            "<ol start=\"9\">\n<li>\n<p>nine</p>\n</li>\n<li>\n<p>ten</p>\n</li>\n</ol>\n"
            "<blockquote>\n<p>quoted</p>\n</blockquote>\n<pre><code>  code &lt;kept&gt;\n  as is\n</code></pre>\n"
            "<hr />\n<!-- raw HTML omitted -->\n<p>a &lt; b &amp; c &#8212; d &#x2013; e<unclosed</p>\n"
            "<h3 id=\"s\">Small</h3>\n<p>end</p>\n")
    answer(fake, "/api/doc/guidance/x", {"id": "guidance/x", "title": "Doc", "type": "guidance", "lang": "en",
                                         "updated": "2025-01-01", "html": html, "sections": []})
    r = client("--server", fake.url, "show", "guidance/x")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "Top\n===\n" in out
    assert "Intro with em, strong, code, a\nbreak and EMA[1] twice again[1], a@b.dk, https://x.dk and " \
        "[image: logo][2]." in out
    assert "\n• one\n  • nested\n• two\n" in out
    assert "\n9.  nine\n\n10. ten\n" in out or "\n9. nine\n\n10. ten\n" in out
    assert "\n> quoted\n" in out
    assert "\n      code <kept>\n      as is\n" in out
    assert "* * *" in out and "raw HTML" not in out
    assert "a < b & c — d – e<unclosed" in out
    assert "\nSmall\n\nend\n" in out
    assert out.endswith("\nLinks\n[1] https://ema.europa.eu\n[2] /i.png\n")


# ---- colour: on a terminal, never when piped or with NO_COLOR ----

def test_colour_on_a_terminal(index_db):
    rc, out, err = run_on_tty([prog("atmp-search"), "--db", index_db, "--limit", "3", "genterapi"], env=tty_env())
    assert rc == 0, err
    assert "\x1b[1;33m" in out  # highlighted matches
    assert "\x1b[1m1. " in out


def test_no_colour_on_a_terminal_with_NO_COLOR(index_db):
    rc, out, err = run_on_tty([prog("atmp-search"), "--db", index_db, "--limit", "3", "genterapi"],
                              env=tty_env(NO_COLOR="1"))
    assert rc == 0, err
    assert "\x1b" not in out and "1. " in out


def test_no_colour_when_piped_even_from_a_colour_terminal(index_db):
    r = client("--db", index_db, "--limit", "3", "genterapi", env=tty_env())
    assert r.returncode == 0 and "\x1b" not in r.stdout
    r = client("--db", index_db, "--limit", "3", "--color", "always", "genterapi")
    assert "\x1b[1;33m" in r.stdout
    rc, out, _ = run_on_tty([prog("atmp-search"), "--db", index_db, "--color", "never", "genterapi"], env=tty_env())
    assert rc == 0 and "\x1b" not in out


def test_a_terminal_is_wrapped_to_its_width(index_db):
    rc, out, _ = run_on_tty([prog("atmp-search"), "--db", index_db, "--limit", "10", "kliniske", "forsøg"],
                            env=tty_env(NO_COLOR="1"), cols=60)
    assert rc == 0
    lines = out.splitlines()
    assert [l for l in lines if width(l) > 60 and " " in l.strip() and not l.startswith("type: ")] == []
    assert any(width(l) > 50 for l in lines)


# ---- --json: exactly the API's JSON; --db and --server agree ----

def test_json_is_exactly_what_the_api_sends(daemon):
    params = [("q", "genterapi"), ("limit", "7"), ("offset", "2"), ("lang", "da")]
    status, _, body = daemon.get("/api/search", params)
    assert status == 200
    r = client("--server", daemon.url, "--json", "--limit", "7", "--offset", "2", "--lang", "da", "genterapi")
    assert r.returncode == 0
    assert r.stdout.endswith("}\n") and r.stdout.count("\n") == 1
    assert no_took(r.stdout[:-1]) == no_took(body.decode())


QUERIES = [
    ["genterapi"],
    ["hospitalsundtagelse", "--limit", "5", "--offset", "3"],
    ["clinical", "trials", "--lang", "en"],
    ["GMP", "--type", "guidance", "--type", "faq", "--limit", "20"],
    ["CAR-T", "--tag", "CAR-T"],
    ['"kliniske forsøg"'],
    ["gen*", "--source", "Lægemiddelstyrelsen"],
    ["genterapi", "-hund", "--offset", "1"],
    ["type:faq", "patient", "--limit", "3"],
    ["ATMP", "OR", "genterapi", "--lang", "da", "--lang", "en", "--offset", "8", "--limit", "4"],
    ["xqzvwk"],
    ['"unbalanced', "NEAR(", "AND", "AND"],
]


@pytest.mark.parametrize("args", QUERIES, ids=[" ".join(q) for q in QUERIES])
def test_db_and_server_give_identical_json_but_for_took_ms(index_db, daemon, args):
    a = client("--db", index_db, "--json", *args)
    b = client("--server", daemon.url, "--json", *args)
    assert a.returncode == b.returncode == 0, a.stderr + b.stderr
    assert no_took(a.stdout) == no_took(b.stdout)
    json.loads(a.stdout)


def test_the_identical_json_has_hits_for_most_queries(index_db):
    with_hits = [q for q in QUERIES if json.loads(client("--db", index_db, "--json", *q).stdout)["hits"]]
    assert len(with_hits) >= 8


def test_limit_offset_and_filters_shape_the_hits(index_db):
    def hits(*a):
        return json.loads(client("--db", index_db, "--json", *a).stdout)["hits"]
    page = hits("--limit", "10", "hospitalsundtagelse")
    assert len(page) == 10
    assert [h["id"] for h in hits("--limit", "3", "--offset", "2", "hospitalsundtagelse")] == \
        [h["id"] for h in page[2:5]]
    assert {h["type"] for h in hits("--type", "faq", "--limit", "50", "ATMP")} == {"faq"}
    assert {h["lang"] for h in hits("--lang", "en", "--limit", "50", "ATMP")} == {"en"}
    assert {h["type"] for h in hits("--type", "faq", "--type", "news", "--limit", "50", "ATMP")} <= {"faq", "news"}


def test_every_filter_and_page_option_reaches_the_daemon(fake):
    answer(fake, "/api/search", response([]))
    r = client("--server", fake.url + "/", "--limit", "5", "--offset", "15", "--type", "guidance", "--type", "faq",
               "--lang", "en", "--tag", "GMP", "--source", "Lægemiddelstyrelsen", "gene", "therapy")
    assert r.returncode == 0, r.stderr
    url = urllib.parse.urlsplit(fake.requests[-1])
    assert url.path == "/api/search"
    q = urllib.parse.parse_qs(url.query)
    assert q == {"q": ["gene therapy"], "limit": ["5"], "offset": ["15"], "type": ["guidance", "faq"],
                 "lang": ["en"], "tag": ["GMP"], "source": ["Lægemiddelstyrelsen"]}


def test_a_word_with_one_dash_is_a_query_word_not_an_option(index_db):
    r = client("--db", index_db, "--json", "genterapi", "-hund")
    assert r.returncode == 0 and json.loads(r.stdout)["query"] == "genterapi -hund"
    r = client("--db", index_db, "--json", "--", "show", "--limit")
    assert r.returncode == 0 and json.loads(r.stdout)["query"] == "show --limit"


def test_default_server_is_ATMP_SERVER(daemon):
    r = client("--json", "genterapi", env=dict(os.environ, ATMP_SERVER=daemon.url))
    assert r.returncode == 0 and json.loads(r.stdout)["query"] == "genterapi"
    url = closed_port_url()
    r = client("genterapi", env=dict(os.environ, ATMP_SERVER=url))
    assert r.returncode == 1 and url in r.stderr


# ---- show ----

def doc_json(daemon, doc_id):
    status, _, body = daemon.get("/api/doc/" + doc_id)
    assert status == 200
    return json.loads(body)


def test_show_renders_headings_lists_and_links_as_footnotes(index_db, daemon):
    doc_id = "news/atmp-danmark-lanceret"
    d = doc_json(daemon, doc_id)
    r = client("--db", index_db, "show", doc_id)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "<" not in out.replace("<b>", "") and "&amp;" not in out and "\x1b" not in out
    lines = out.splitlines()
    assert doc_title(out) == d["title"] and lines[0] == d["title"]
    assert lines[1].startswith(doc_id + " · " + d["type"] + " · " + d["lang"])
    for s in d["sections"]:
        if s["level"] == 2:
            i = lines.index(s["title"])
            assert re.fullmatch(r"-+", lines[i + 1]) and len(lines[i + 1]) == len(s["title"])
    assert d["html"].count("<li>") == len([l for l in lines if l.startswith("• ")])
    links = re.findall(r'<a href="([^"]+)">', d["html"])
    assert links
    notes = out[out.index("\nLinks\n"):].splitlines()[2:]
    for n, target in enumerate(dict.fromkeys(links), 1):
        want = "atmp-search show " + target[5:] if target.startswith("/doc/") else target
        assert notes[n - 1] == "[%d] %s" % (n, want)
    assert "[1]" in out[:out.index("\nLinks\n")]


def test_show_numbers_ordered_lists(index_db):
    out = client("--db", index_db, "show", "guidance/car-t-logistik").stdout
    assert re.search(r"^1\. \S", out, re.M) and re.search(r"^2\. \S", out, re.M)
    assert re.search(r"^   \S", out, re.M)  # an item's second line under its text


def test_show_gives_the_same_document_from_the_daemon_and_the_index(index_db, daemon):
    for doc_id in ("guidance/hospitalsundtagelse", "faq/clinicians"):
        a = client("--db", index_db, "show", doc_id)
        b = client("--server", daemon.url, "show", doc_id)
        assert a.returncode == b.returncode == 0 and a.stdout == b.stdout
        a = client("--db", index_db, "--json", "show", doc_id)
        b = client("--server", daemon.url, "--json", "show", doc_id)
        assert a.stdout == b.stdout
        assert json.loads(b.stdout) == doc_json(daemon, doc_id)


def test_show_accepts_the_id_hash_section_of_a_hit(index_db):
    js = json.loads(client("--db", index_db, "--json", "hospitalsundtagelse").stdout)
    h = next(h for h in js["hits"] if h["section"])
    r = client("--db", index_db, "show", h["id"] + "#" + h["section"])
    assert r.returncode == 0 and doc_title(r.stdout) == h["title"]
    assert "Best match: § " + h["section_title"] in r.stdout


def test_show_n_opens_the_nth_hit_of_the_last_search(index_db, tmp_path):
    js = json.loads(client("--db", index_db, "--json", "--limit", "5", "genterapi").stdout)
    assert (tmp_path / "cache" / "atmp-kb" / "last-search.json").is_file()
    for n in (1, 3):
        r = client("--db", index_db, "show", str(n))
        assert r.returncode == 0, r.stderr
        assert doc_title(r.stdout) == js["hits"][n - 1]["title"]
    # the numbers are those the list showed, so they follow --offset
    client("--db", index_db, "--limit", "2", "--offset", "2", "genterapi")
    assert doc_title(client("--db", index_db, "show", "3").stdout) == js["hits"][2]["title"]
    r = client("--db", index_db, "show", "1")
    assert r.returncode == 1 and "hits 3–4" in r.stderr


def test_show_n_uses_where_the_last_search_ran(index_db, daemon):
    js = json.loads(client("--db", index_db, "--json", "GMP").stdout)
    env = dict(os.environ, ATMP_SERVER=closed_port_url())
    r = client("show", "2", env=env)
    assert r.returncode == 0, r.stderr
    assert doc_title(r.stdout) == js["hits"][1]["title"]
    client("--server", daemon.url, "GMP", env=env)
    r = client("show", "2", env=env)
    assert r.returncode == 0 and doc_title(r.stdout) == js["hits"][1]["title"]


def test_show_n_falls_back_to_dot_cache_without_XDG_CACHE_HOME(index_db, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "XDG_CACHE_HOME"}
    assert client("--db", index_db, "genterapi", env=env).returncode == 0
    assert (tmp_path / "home" / ".cache" / "atmp-kb" / "last-search.json").is_file()
    assert client("--db", index_db, "show", "1", env=env).returncode == 0


def test_show_n_with_no_last_search_says_where_it_looked(index_db, tmp_path):
    r = client("--db", index_db, "show", "1")
    assert r.returncode == 1
    assert "no last search" in r.stderr and str(tmp_path / "cache" / "atmp-kb") in r.stderr


def test_show_n_past_the_hits_fails(index_db):
    client("--db", index_db, "--limit", "2", "genterapi")
    r = client("--db", index_db, "show", "3")
    assert r.returncode == 1 and "no hit 3" in r.stderr
    client("--db", index_db, "xqzvwk")
    r = client("--db", index_db, "show", "1")
    assert r.returncode == 1 and "had no hits" in r.stderr


def test_show_an_unknown_id_fails_in_both_modes(index_db, daemon):
    for mode in (("--db", index_db), ("--server", daemon.url)):
        r = client(*mode, "show", "guidance/no-such-document")
        assert r.returncode == 1 and "no document 'guidance/no-such-document'" in r.stderr
        assert r.stdout == ""


def test_show_pages_through_PAGER_on_a_terminal_only(index_db):
    cmd = [prog("atmp-search"), "--db", index_db, "show", "guidance/hospitalsundtagelse"]
    rc, out, err = run_on_tty(cmd, env=tty_env(PAGER="sed s/^/PAGED:/"))
    assert rc == 0, err
    body = [l for l in out.splitlines() if l]
    assert body and all(l.startswith("PAGED:") for l in body)
    assert "\x1b[1m" in out  # colour on the terminal, through the pager
    r = client("--db", index_db, "show", "guidance/hospitalsundtagelse", env=dict(os.environ, PAGER="sed s/^/PAGED:/"))
    assert r.returncode == 0 and "PAGED:" not in r.stdout and r.stdout.startswith("Hospitalsundtagelsen")


def test_show_without_a_usable_pager_still_shows_the_document(index_db):
    cmd = [prog("atmp-search"), "--db", index_db, "show", "guidance/hospitalsundtagelse"]
    rc, out, err = run_on_tty(cmd, env=tty_env(PAGER="no-such-pager-here", NO_COLOR="1"))
    assert rc == 0 and "Hospitalsundtagelsen for ATMP" in out and "no-such-pager-here" in err
    rc, out, err = run_on_tty(cmd, env=tty_env(PAGER="", NO_COLOR="1"))
    assert rc == 0 and "Hospitalsundtagelsen for ATMP" in out


# ---- errors: what went wrong, what to do, and the exit status ----

def test_daemon_unreachable_names_the_url_and_suggests_make_run_or_db():
    url = closed_port_url()
    for args in (("genterapi",), ("show", "faq/clinicians")):
        r = client("--server", url, *args)
        assert r.returncode == 1 and r.stdout == ""
        assert url in r.stderr and "make run" in r.stderr and "--db" in r.stderr


def test_a_daemon_that_never_answers_times_out(silent_server):
    t0 = time.time()
    r = client("--server", silent_server, "--timeout", "1", "genterapi", timeout=20)
    assert r.returncode == 1
    assert time.time() - t0 < 8
    assert silent_server in r.stderr and "did not answer within 1 second" in r.stderr and "--timeout" in r.stderr


def test_index_missing(tmp_path):
    db = str(tmp_path / "nothing.db")
    r = client("--db", db, "genterapi")
    assert r.returncode == 1 and r.stdout == ""
    assert db in r.stderr and "no such index file" in r.stderr and "atmp-index" in r.stderr
    assert client("--db", db, "show", "faq/clinicians").returncode == 1


def test_not_an_index(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("this is not an index\n")
    for path in (str(junk), str(tmp_path)):
        r = client("--db", path, "genterapi")
        assert r.returncode == 1 and path in r.stderr and "not an atmp-kb index" in r.stderr
    assert junk.read_text() == "this is not an index\n"


def test_a_server_that_is_not_atmp_searchd(fake):
    answer(fake, "/api/search", b"<html>hello</html>", ctype="text/html")
    r = client("--server", fake.url, "x")
    assert r.returncode == 1 and "is it an atmp-searchd" in r.stderr and fake.url in r.stderr
    r = client("--server", fake.url, "show", "a/b")  # 404 without an atmp-kb error
    assert r.returncode == 1 and fake.url in r.stderr


def test_a_request_the_daemon_refuses_is_bad_usage(fake):
    answer(fake, "/api/search", {"error": "parameter 'tag' is too long"}, status=400)
    r = client("--server", fake.url, "x")
    assert r.returncode == 2 and "parameter 'tag' is too long" in r.stderr
    answer(fake, "/api/search", {"error": "the index cannot be opened"}, status=503)
    r = client("--server", fake.url, "x")
    assert r.returncode == 1 and "the index cannot be opened" in r.stderr


def test_a_query_too_long_is_bad_usage_in_both_modes(index_db, daemon):
    for mode in (("--db", index_db), ("--server", daemon.url)):
        r = client(*mode, "a" * 1001)
        assert r.returncode == 2 and "too long" in r.stderr
        # followed by the usage, as atmp-search(1) says of bad usage
        assert r.stderr.splitlines()[1].startswith("usage: atmp-search"), r.stderr


BAD = [
    ["--bogus", "x"],
    ["--limit", "0", "x"],
    ["--limit", "101", "x"],
    ["--limit", "ten", "x"],
    ["--offset", "-1", "x"],
    ["--type", "fqa", "x"],
    ["--lang", "de", "x"],
    ["--tag", "", "x"],
    ["--timeout", "0", "x"],
    ["--color", "sometimes", "x"],
    ["--json=yes", "x"],
    ["--server", "ftp://example.org", "x"],
    ["--server", "http://127.0.0.1:1", "--db", "kb.db", "x"],
    ["x", "--limit"],
    [],
    ["  "],
    ["show"],
    ["show", "1", "2"],
]


@pytest.mark.parametrize("args", BAD, ids=[repr(" ".join(a)) for a in BAD])
def test_bad_usage_prints_usage_and_exits_2(args):
    r = client(*args)
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.startswith("atmp-search: ") and "usage: atmp-search" in r.stderr and "--help" in r.stderr


def test_a_misspelt_type_names_the_value_it_likely_meant():
    r = client("--type", "fqa", "x")
    assert r.returncode == 2 and "--type 'fqa': want one of" in r.stderr and "did you mean 'faq'?" in r.stderr


# ---- the man pages and the bash completion ----

@pytest.mark.parametrize("name", ["atmp-search", "atmp-index", "atmp-searchd"])
def test_man_page_documents_every_option_of_help(name):
    page = os.path.join(ROOT, "man", name + ".1")
    with open(page, encoding="utf-8") as f:
        text = f.read().replace("\\-", "-")
    assert text.startswith(".TH " + name.upper() + " 1 ")
    helptext = client("--help").stdout if name == "atmp-search" else run([prog(name), "--help"]).stdout
    options = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", helptext))
    assert options
    assert {o for o in options if o not in text} == set()
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "SEE ALSO"):
        assert ".SH " + section in text
    if shutil.which("groff"):
        r = run(["groff", "-man", "-Tutf8", "-ww", "-z", page])
        assert r.returncode == 0 and r.stderr == ""


def complete(*words, env=None):
    """The words the bash completion offers for the command line words (the last being completed)."""
    script = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); '
              '_atmp_search; printf "%s\\n" "${COMPREPLY[@]}"')
    r = run(["bash", "-c", script, "bash", os.path.join(ROOT, "contrib", "atmp-search.bash"),
             "atmp-search", *words], env=env)
    assert r.returncode == 0, r.stderr
    return [w for w in r.stdout.split("\n") if w]


def test_bash_completion_offers_options_and_their_values(index_db):
    assert set(complete("--")) >= {"--server", "--db", "--json", "--limit", "--type", "--lang", "--timeout"}
    assert set(complete("--l")) == {"--limit", "--lang"}
    assert complete("--type", "") == ["guidance", "best-practice", "faq", "news", "minutes", "analysis"]
    assert complete("--type", "b") == ["best-practice"]
    assert complete("--type=f") == ["--type=faq"]
    assert complete("--type", "=", "m") == ["minutes"]
    assert complete("--lang", "") == ["da", "en"]
    assert complete("--json", "") == ["show"]
    ids = [h["id"] for h in json.loads(client("--db", index_db, "--json", "--limit", "3", "genterapi").stdout)["hits"]]
    assert complete("show", "") == ids
