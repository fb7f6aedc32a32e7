"""The HTTP API of atmp-searchd, over real HTTP, against the bundled corpus."""
import json
import re

import pytest

from common import WEB, prog, run
from conftest import Daemon, corpus_text


def test_healthz_answers_ok(daemon):
    status, headers, body = daemon.get("/healthz")
    assert status == 200
    assert body == b"ok\n"


def test_inflected_danish_query_finds_documents_with_the_base_form(daemon):
    status, res = daemon.search("genterapien")
    assert status == 200
    assert res["total"] >= 5
    top = [h["id"] for h in res["hits"][:5]]
    for doc_id in top:
        assert "genterapi" in corpus_text(doc_id).lower(), doc_id


def test_response_has_the_documented_shape(daemon):
    status, res = daemon.search("hospitalsundtagelse", limit=5)
    assert status == 200
    assert res["query"] == "hospitalsundtagelse"
    assert isinstance(res["took_ms"], (int, float)) and res["took_ms"] >= 0
    assert res["suggestion"] is None or isinstance(res["suggestion"], str)
    assert set(res["facets"]) == {"type", "lang"}
    assert 1 <= len(res["hits"]) <= 5
    for h in res["hits"]:
        for key in ("id", "section", "title", "section_title", "type", "lang", "source", "url",
                    "updated", "snippet", "score"):
            assert key in h, key
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", h["updated"])
        assert h["type"] in ("guidance", "best-practice", "faq", "news", "minutes", "analysis")
    scores = [h["score"] for h in res["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_best_document_ranks_first_for_its_subject(daemon):
    _, res = daemon.search("hospitalsundtagelse")
    assert "guidance/hospitalsundtagelse" in [h["id"] for h in res["hits"][:3]]
    _, res = daemon.search("hospital exemption", lang="en")
    assert res["hits"][0]["id"] == "guidance/hospital-exemption-denmark"


def test_one_hit_per_document_and_total_counts_documents(daemon):
    _, res = daemon.search("ATMP", limit=100)
    ids = [h["id"] for h in res["hits"]]
    assert len(ids) == len(set(ids))
    assert res["total"] == len(ids)
    assert sum(res["facets"]["type"].values()) == res["total"]
    assert sum(res["facets"]["lang"].values()) == res["total"]


def test_faq_question_is_its_own_hit_with_its_anchor(daemon):
    _, res = daemon.search("hvordan søger man om hospitalsundtagelse", type="faq")
    assert res["hits"], res
    hit = res["hits"][0]
    assert hit["type"] == "faq"
    assert hit["section"] and re.fullmatch(r"[a-z0-9-]+", hit["section"])
    assert "hospitalsundtagelse" in hit["section_title"].lower()


def test_snippet_marks_matches_and_escapes_everything_else(daemon):
    # Danish documents: in English ones a dictionary translation ("attempt") may be what is marked
    _, res = daemon.search("forsøg", limit=20, lang="da")
    assert any("<mark>" in h["snippet"] for h in res["hits"])
    for h in res["hits"]:
        rest = h["snippet"].replace("<mark>", "").replace("</mark>", "")
        assert "<" not in rest and ">" not in rest, h["snippet"]
    marked = re.findall(r"<mark>(.*?)</mark>", " ".join(h["snippet"] for h in res["hits"]))
    # the word as written: an inflection ("forsøgene") or a compound holding it ("lægemiddelforsøg")
    assert marked and all("forsøg" in m.lower() for m in marked), marked


def test_filters_restrict_and_combine(daemon):
    _, res = daemon.search("ATMP", type="faq", limit=100)
    assert res["hits"] and all(h["type"] == "faq" for h in res["hits"])
    _, res = daemon.search("ATMP", type=["faq", "news"], lang="en", limit=100)
    assert res["hits"]
    assert all(h["type"] in ("faq", "news") and h["lang"] == "en" for h in res["hits"])
    _, inline = daemon.search("ATMP type:faq lang:en", limit=100)
    _, param = daemon.search("ATMP", type="faq", lang="en", limit=100)
    assert [h["id"] for h in inline["hits"]] == [h["id"] for h in param["hits"]]


def test_tag_and_source_filters_ignore_case(daemon):
    _, a = daemon.search("ATMP", tag="gmp", limit=100)
    _, b = daemon.search("ATMP", tag="GMP", limit=100)
    assert a["total"] > 0 and a["total"] == b["total"]
    _, res = daemon.search("ATMP", source="atmp danmark", limit=100)
    assert res["hits"] and all(h["source"] == "ATMP Danmark" for h in res["hits"])


def test_query_language(daemon):
    _, without = daemon.search("CAR-T -leukaferese", limit=100)
    assert without["hits"]
    for h in without["hits"]:
        assert "leukaferese" not in corpus_text(h["id"]).lower()
    _, prefix = daemon.search("leukafer*")
    assert prefix["total"] >= 1
    _, either = daemon.search("Beneluxa OR Catapult", limit=100)
    _, a = daemon.search("Beneluxa", limit=100)
    _, b = daemon.search("Catapult", limit=100)
    assert either["total"] == len({h["id"] for h in a["hits"]} | {h["id"] for h in b["hits"]})
    _, phrase = daemon.search('"kliniske forsøg"', limit=5)
    assert phrase["hits"]
    for h in phrase["hits"]:
        assert re.search(r"klinisk\w*\s+forsøg", corpus_text(h["id"]), re.I), h["id"]


def test_paging_continues_where_the_last_page_ended(daemon):
    _, all_ = daemon.search("ATMP", limit=20)
    _, p1 = daemon.search("ATMP", limit=10)
    _, p2 = daemon.search("ATMP", limit=10, offset=10)
    assert [h["id"] for h in p1["hits"] + p2["hits"]] == [h["id"] for h in all_["hits"]]


HOSTILE = ['"', 'genterapi "', 'NEAR(', 'NEAR(genterapi, 3)', '*', '**', 'gen*', '-', '--', 'a OR',
           'OR', 'AND AND', '^', ':', 'type:', 'type:nonsense', '((((', ')))', "' OR 1=1 --",
           "'; DROP TABLE docs; --", '\\', '%', '\t\n', ' ', '', '<script>alert(1)</script>',
           '"' * 500, '-' * 999, 'a* ' * 300, 'ord ' * 250, '\u0001\u0002\u001f', '\u200b\ufeff',
           'æøå ÆØÅ', '𝔤𝔢𝔫', 'x' * 1000]


@pytest.mark.parametrize("q", HOSTILE)
def test_any_query_text_gets_200_or_400_never_500(daemon, q):
    status, headers, body = daemon.get("/api/search", {"q": q})
    assert status in (200, 400), (q, status, body[:200])
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    res = json.loads(body)
    if status == 400:
        assert res["error"]
    else:
        assert res["query"] == q


def test_stray_quote_and_near_return_200(daemon):
    for q in ('genterapi "kliniske', 'NEAR( genterapi'):
        status, res = daemon.search(q)
        assert status == 200
        assert res["total"] > 0


def test_bad_parameters_get_400_naming_the_parameter(daemon):
    cases = [({"q": "x", "limit": "0"}, "limit"), ({"q": "x", "limit": "101"}, "limit"),
             ({"q": "x", "limit": "ten"}, "limit"), ({"q": "x", "offset": "-1"}, "offset"),
             ({"q": "x", "offset": "1e3"}, "offset"), ({"q": "x" * 1001}, "q")]
    for params, name in cases:
        status, _, body = daemon.get("/api/search", params)
        assert status == 400, params
        assert name in json.loads(body)["error"], params


def test_invalid_utf8_and_nul_get_400(daemon):
    for raw in ("%FF%FE", "a%C3%28", "a%00b"):
        status, _, body = daemon.get("/api/search?q=" + raw)
        assert status == 400, raw
        assert "q" in json.loads(body)["error"]


def test_unknown_parameters_are_ignored(daemon):
    status, res = daemon.search("GMP", colour="blue")
    assert status == 200 and res["total"] > 0


def test_plus_in_a_url_is_a_space(daemon):
    status, _, body = daemon.get("/api/search?q=kliniske+fors%C3%B8g")
    assert status == 200
    assert json.loads(body)["query"] == "kliniske forsøg"


def test_document_endpoint(daemon):
    status, headers, body = daemon.get("/api/doc/guidance/hospitalsundtagelse")
    assert status == 200
    doc = json.loads(body)
    assert doc["id"] == "guidance/hospitalsundtagelse"
    assert doc["lang"] == "da" and doc["type"] == "guidance"
    assert "<h2" in doc["html"] and 'id="' in doc["html"]
    assert doc["sections"] and all(s["anchor"] for s in doc["sections"])
    status, _, body = daemon.get("/api/doc/guidance/no-such-document")
    assert status == 404
    assert json.loads(body)["error"]


def test_static_files_and_traversal(daemon):
    status, headers, _ = daemon.get("/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in headers
    for path in ("/../Makefile", "/%2e%2e/Makefile", "/%252e%252e/Makefile", "/..%2fMakefile",
                 "/no-such-file.js"):
        status, _, _ = daemon.get(path)
        assert status == 404, path


def test_other_methods_are_refused(daemon):
    for method in ("POST", "PUT", "DELETE"):
        status, headers, _ = daemon.get("/api/search?q=x", method=method)
        assert status == 405, method
        assert "GET" in headers["Allow"]


def test_a_type_or_lang_the_corpus_cannot_have_is_an_error_naming_it(daemon):
    # a misspelt filter value must not pass as a search that found nothing
    for params, name in (({"type": "guidence"}, "type"), ({"lang": "de"}, "lang"),
                         ({"type": ["faq", "FAQ"]}, "type"), ({"lang": "en", "type": "news "}, "type")):
        status, _, body = daemon.get("/api/search", {"q": "GMP", **params})
        assert status == 400, params
        err = json.loads(body)["error"]
        assert f"'{name}'" in err and ("guidance, best-practice" in err or "da, en" in err), err
        bad = [v for v in (params[name] if isinstance(params[name], list) else [params[name]])
               if v not in ("faq", "en")][0]
        assert f"(not '{bad}'" in err, err
    # a long or non-ASCII value is named in part, whole characters only
    status, _, body = daemon.get("/api/search", {"q": "GMP", "lang": "æ" * 100})
    assert status == 400 and "(not '" + "æ" * 20 + "…')" in json.loads(body)["error"]
    # and names the value a misspelt one most likely meant
    for params, meant in (({"type": "guidence"}, "guidance"), ({"lang": "DA"}, "da"), ({"lang": "dk"}, "da")):
        status, _, body = daemon.get("/api/search", {"q": "GMP", **params})
        assert status == 400 and f"did you mean '{meant}'?" in json.loads(body)["error"], params
    for other in ("xx", "de"):  # another language is no misspelling of da
        status, _, body = daemon.get("/api/search", {"q": "GMP", "lang": other})
        assert status == 400 and "did you mean" not in json.loads(body)["error"], other
    # every value the corpus format allows is a filter, also one no document has
    for t in ("guidance", "best-practice", "faq", "news", "minutes", "analysis"):
        assert daemon.search("GMP", type=t)[0] == 200, t
    # tags and sources are free text
    assert daemon.search("GMP", tag="no such tag", source="Nobody")[0] == 200


def test_the_query_language_reads_type_and_lang_in_any_case_and_suggests_a_misspelt_one(daemon):
    # the query language never errs: a code in capitals is the code, a misspelt one is suggested
    _, lower = daemon.search("GMP type:faq lang:en")
    _, upper = daemon.search("GMP type:FAQ lang:EN")
    assert lower["total"] > 0 and [h["id"] for h in upper["hits"]] == [h["id"] for h in lower["hits"]]
    assert upper["suggestion"] is None
    _, res = daemon.search("GMP type:guidence")
    assert res["total"] == 0 and res["suggestion"] == "GMP type:guidance"
    _, res = daemon.search("GMP lang:dk")
    assert res["suggestion"] == "GMP lang:da"
    _, res = daemon.search("GMP type:Guidence")
    assert res["suggestion"] == "GMP type:guidance"
    # nothing to offer: no value near, or a value not written as the suggestion could rewrite it
    for q in ("GMP type:manual", 'GMP type:"guidence"', "GMP lang:de"):
        _, res = daemon.search(q)
        assert res["total"] == 0 and res["suggestion"] is None, q


def test_suggest_completes_the_last_word(daemon):
    status, headers, body = daemon.get("/api/suggest", {"q": "kliniske fors"})
    assert status == 200
    res = json.loads(body)
    assert res["query"] == "kliniske fors"
    assert "kliniske forsøg" in res["suggestions"]
    assert all(s.startswith("kliniske fors") for s in res["suggestions"])
    assert 1 <= len(res["suggestions"]) <= 8
    _, _, body = daemon.get("/api/suggest", {"q": "hospitalsundt"})
    assert json.loads(body)["suggestions"][0].startswith("hospitalsundtagelse")
    # nothing to complete after a space, and bad input is a 400 as for search
    _, _, body = daemon.get("/api/suggest", {"q": "genterapi "})
    assert json.loads(body)["suggestions"] == []
    assert daemon.get("/api/suggest?q=%FF")[0] == 400


def test_suggest_completes_a_word_typed_without_danish_letters(daemon):
    # on a keyboard without æ/ø/å: the completions of the spelling with the letters, as they are
    # written, from ae/oe/aa or (where those give nothing) a plain a/o
    for typed, with_letters in (("laegemid", "lægemid"), ("medicinra", "medicinrå"), ("forsog", "forsøg"),
                                ("kliniske forso", "kliniske forsø")):
        _, _, body = daemon.get("/api/suggest", {"q": typed})
        got = json.loads(body)
        _, _, body = daemon.get("/api/suggest", {"q": with_letters})
        assert got["query"] == typed
        assert got["suggestions"] and got["suggestions"] == json.loads(body)["suggestions"], typed
    # a prefix the index holds as typed is completed as typed
    _, _, body = daemon.get("/api/suggest", {"q": "aarh"})
    assert all(s.startswith("aarh") for s in json.loads(body)["suggestions"])


def test_metrics_count_requests_and_zero_hit_searches(daemon):
    daemon.search("xqzzyvvk")
    status, headers, body = daemon.get("/metrics")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    text = body.decode()
    assert re.search(r'^atmp_requests_total\{endpoint="search",status="200"\} [1-9]', text, re.M)
    assert re.search(r"^atmp_zero_hit_queries_total [1-9]", text, re.M)
    assert re.search(r"^atmp_index_documents [1-9][0-9]", text, re.M)
    assert 'atmp_request_duration_seconds_bucket{le="+Inf"}' in text


def test_a_negated_word_excludes_only_that_word(daemon):
    _, plain = daemon.search("GMP", limit=100)
    # "hopsital" is in no document: excluding it must not exclude its correction "hospital"
    _, res = daemon.search("GMP -hopsital", limit=100)
    assert res["total"] == plain["total"]
    # nor a translation of the word into the other language
    _, res = daemon.search("GMP -treatment", limit=100)
    assert all("treatment" not in corpus_text(h["id"]).lower() for h in res["hits"])
    assert any("behandling" in corpus_text(h["id"]).lower() for h in res["hits"])


def test_did_you_mean_replaces_whole_words_only(daemon):
    _, res = daemon.search("hospitalsundtagelsen hospita")
    assert res["suggestion"] == "hospitalsundtagelsen hospital"


def test_facets_are_ordered_by_count_then_value(daemon):
    _, res = daemon.search("patient")
    for counts in res["facets"].values():
        pairs = list(counts.items())
        assert pairs == sorted(pairs, key=lambda kv: (-kv[1], kv[0]))


@pytest.mark.parametrize("value", ["127.0.0.1:99999", "127.0.0.1:65536", "127.0.0.1:abc", "127.0.0.1:-1",
                                   "127.0.0.1:", ":18190", "nonsense", "127.0.0.1:http"])
def test_a_malformed_listen_address_is_bad_usage(index_db, value):
    # a port above 65535 used to wrap around to another port, and the other forms exited 1
    r = run([prog("atmp-searchd"), "--db", index_db, "--listen", value], timeout=10)
    assert r.returncode == 2, (value, r.returncode, r.stderr)
    assert r.stderr.startswith("atmp-searchd: --listen '%s': want HOST:PORT with a port from 0 to 65535" % value), \
        r.stderr


@pytest.mark.parametrize("value", ["not a url", "atmpdanmark.dk", "https://atmpdanmark.dk/", "https://a.example/x",
                                   "ftp://a.example", "https://", "https://a example", "HTTPS://A.EXAMPLE",
                                   "https://WWW.Atmpdanmark.dk", "https://a.example:443", "http://a.example:80",
                                   "https://bücher.de", "https://user@a.example", "https://a.example:",
                                   "https://a.example:99999", "https://*.atmpdanmark.dk"])
def test_an_origin_no_browser_sends_is_bad_usage(index_db, value):
    # such an --allow-origin never matched an Origin header: the widget failed on that site silently
    r = run([prog("atmp-searchd"), "--db", index_db, "--listen", "127.0.0.1:0", "--allow-origin", value], timeout=10)
    assert r.returncode == 2, (value, r.returncode, r.stderr)
    assert r.stderr.startswith("atmp-searchd: --allow-origin '%s': want" % value), r.stderr


@pytest.mark.parametrize("value", ["*", "https://www.atmpdanmark.dk", "http://localhost:3000", "http://[::1]:8080",
                                   "https://xn--bcher-kva.de", "https://a.example:8443"])
def test_an_origin_as_browsers_send_it_is_taken(index_db, value):
    d = Daemon(index_db, ["--allow-origin", value])
    try:
        origin = "https://partner.example" if value == "*" else value
        _, headers, _ = d.get("/api/search", {"q": "GMP"}, headers={"Origin": origin})
        assert headers.get("Access-Control-Allow-Origin") == origin
    finally:
        d.stop()


def test_web_naming_a_file_is_an_error_naming_it(index_db):
    r = run([prog("atmp-searchd"), "--db", index_db, "--listen", "127.0.0.1:0", "--web", index_db], timeout=10)
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert "--web '%s': not a folder" % index_db in r.stderr, r.stderr


def test_an_address_in_use_is_an_error_with_its_reason(daemon, index_db):
    # once libmicrohttpd's own "Failed to bind to port 0" came first, and ours guessed at the cause
    where = daemon.url.split("//")[1].rstrip("/")
    r = run([prog("atmp-searchd"), "--db", index_db, "--listen", where, "--web", WEB], timeout=10)
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert r.stderr == "atmp-searchd: cannot listen on %s: Address already in use\n" % where, r.stderr
