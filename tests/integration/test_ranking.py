"""Ranking of searches for several words: sections holding every word come first, however often the
others repeat one word, and pages cut that order anywhere without losing or repeating a document."""
import pytest

from conftest import Daemon, prog, run

DOCS = {
    # id: (type, sections' texts)
    "one-word-often": ("guidance", ["Zorblat zorblat zorblat zorblat zorblat zorblat zorblat zorblat."]),
    "other-word-often": ("guidance", ["Quimvex quimvex quimvex quimvex quimvex quimvex quimvex."]),
    "both-once": ("faq", ["Lang tekst om mange ting, hvor zorblat står en gang og quimvex en gang."]),
    "both-twice": ("guidance", ["Zorblat og quimvex, og igen zorblat og quimvex."]),
    "both-with-gnarfel": ("guidance", ["Zorblat, quimvex og gnarfel."]),
    "apart": ("guidance", ["Her står zorblat alene.", "Og her står quimvex alene."]),
    # a long text that names both once, against one word in the title, a tag and the heading too
    "both-in-long-text": ("guidance", [" ".join(["Fyldtekst om noget helt andet."] * 60 + ["Zorblat"]
                                                + ["Mere fyldtekst."] * 60 + ["quimvex."])]),
    "one-word-everywhere": ("guidance", ["Zorblat zorblat zorblat."]),
}
TITLES = {"one-word-everywhere": "Zorblat zorblat zorblat"}
TAGS = {"one-word-everywhere": "[zorblat]"}


def write_corpus(c):
    c.mkdir()
    for doc_id, (typ, sections) in DOCS.items():
        heading = "Zorblat" if doc_id in TITLES else "Afsnit"
        body = "\n\n".join(f"## {heading} {i + 1}\n\n{t}" for i, t in enumerate(sections))
        title = TITLES.get(doc_id, "Dokument " + doc_id.replace("-", " "))
        tags = f"tags: {TAGS[doc_id]}\n" if doc_id in TAGS else ""
        (c / f"{doc_id}.md").write_text(
            f"---\ntitle: {title}\ntype: {typ}\nlang: da\nupdated: 2026-01-01\n{tags}"
            f"---\n\n{body}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def ranked(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ranking")
    write_corpus(tmp / "c")
    db = str(tmp / "kb.db")
    r = run([prog("atmp-index"), "--corpus", str(tmp / "c"), "--db", db])
    assert r.returncode == 0, r.stdout + r.stderr
    d = Daemon(db)
    yield d
    d.stop()


EVERY = {"both-once", "both-twice", "both-with-gnarfel", "both-in-long-text"}


def ids(res):
    return [h["id"] for h in res["hits"]]


def test_sections_with_every_word_rank_first(ranked):
    _, res = ranked.search("zorblat quimvex")
    got = ids(res)
    assert res["total"] == len(DOCS)
    assert set(got[:len(EVERY)]) == EVERY, got
    assert set(got[len(EVERY):]) == set(DOCS) - EVERY
    scores = [h["score"] for h in res["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_pages_cut_the_order_anywhere(ranked):
    _, whole = ranked.search("zorblat quimvex", limit=100)
    order = [(h["id"], h["section"]) for h in whole["hits"]]
    assert len(order) == len(DOCS)
    for size in (1, 2, 4):
        paged = []
        for offset in range(0, len(order) + size, size):
            _, res = ranked.search("zorblat quimvex", limit=size, offset=offset)
            assert res["total"] == len(DOCS)
            paged += [(h["id"], h["section"]) for h in res["hits"]]
        assert paged == order, size


def test_filters_and_exclusions_hold_for_every_rank(ranked):
    _, res = ranked.search("zorblat quimvex -gnarfel")
    assert "both-with-gnarfel" not in ids(res)
    assert set(ids(res)[:3]) == EVERY - {"both-with-gnarfel"}
    _, res = ranked.search("zorblat quimvex", type="faq")
    assert ids(res) == ["both-once"]
    _, res = ranked.search("zorblat quimvex type:guidance")
    assert set(ids(res)[:3]) == {"both-twice", "both-with-gnarfel", "both-in-long-text"}
    assert "both-once" not in ids(res)
