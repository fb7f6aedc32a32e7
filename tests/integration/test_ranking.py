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


# ---- the words as typed: a bonus weighed for the best hits only ----
# Sixty documents of every length from 1 to 30 filler words, each saying "behandling" either as typed
# or inflected (the same Danish stem): more than the best hits that get the bonus (KB_BONUS_WINDOW),
# so the bonus reorders the top and pages must still cut one order.
TYPED = {f"{form}-{n:02d}": (form, n) for form in ("typed", "inflected") for n in range(1, 31)}


def one_section_daemon(tmp_path_factory, name, docs, synonyms=None):
    """A daemon over an index of docs: {id: (title, text of its one section)}, with synonyms.txt
    holding synonyms when given."""
    tmp = tmp_path_factory.mktemp(name)
    c = tmp / "c"
    c.mkdir()
    if synonyms:
        (c / "synonyms.txt").write_text(synonyms, encoding="utf-8")
    for doc_id, (title, text) in docs.items():
        (c / f"{doc_id}.md").write_text(
            f"---\ntitle: {title}\ntype: guidance\nlang: da\nupdated: 2026-01-01\n---\n\n"
            f"## Afsnit\n\n{text}\n", encoding="utf-8")
    db = str(tmp / "kb.db")
    r = run([prog("atmp-index"), "--corpus", str(c), "--db", db])
    assert r.returncode == 0, r.stdout + r.stderr
    return Daemon(db)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    docs = {}
    for doc_id, (form, n) in TYPED.items():
        word = "behandling" if form == "typed" else "behandlingen"
        docs[doc_id] = (f"Dokument {n}", " ".join([word] + ["fyld"] * n) + ".")
    d = one_section_daemon(tmp_path_factory, "graded", docs)
    yield d
    d.stop()


def test_the_word_as_typed_ranks_above_its_inflection_at_the_same_length(graded):
    _, res = graded.search("behandling", limit=10)
    got = ids(res)
    assert got[0] == "typed-01", got
    for n in range(1, 31):
        t, i = f"typed-{n:02d}", f"inflected-{n:02d}"
        if t in got and i in got:
            assert got.index(t) < got.index(i), got
    # as typed, a document wins over an inflected one a little shorter
    assert got.index("typed-02") < got.index("inflected-01"), got


def test_pages_cut_one_order_beyond_the_reordered_top(graded):
    _, whole = graded.search("behandling", limit=100)
    order = ids(whole)
    assert sorted(order) == sorted(TYPED)
    scores = [h["score"] for h in whole["hits"]]
    assert scores == sorted(scores, reverse=True)
    for size in (1, 3, 7, 10, 25):
        paged = []
        for offset in range(0, len(order), size):
            _, res = graded.search("behandling", limit=size, offset=offset)
            paged += ids(res)
        assert paged == order, size


# A section far longer than the reference length (engine.cc weighs each wdf by length when it is
# written; past 250 times that length a wdf shrinks, and the section is built anew): its words weigh
# less than a short section's, and its phrases are still found.
@pytest.fixture(scope="module")
def very_long(tmp_path_factory):
    d = one_section_daemon(tmp_path_factory, "long", {
        "huge": ("Dokument huge", "Behandling. " + "fyld " * 60000 + "og en særlig ordning til sidst."),
        "short": ("Dokument short", "Behandling og lidt mere tekst om en ordning.")})
    yield d
    d.stop()


def test_a_very_long_section_keeps_its_words_weighed_down_and_its_phrases(very_long):
    _, res = very_long.search("behandling", limit=10)
    assert ids(res) == ["short", "huge"], ids(res)
    assert res["hits"][0]["score"] > 2 * res["hits"][1]["score"], res["hits"]
    _, res = very_long.search('"særlig ordning"', limit=10)
    assert ids(res) == ["huge"], ids(res)


# ---- a synonym term typed as separate words: read as if quoted first ----
# "zorblat quimvex" is a term of a synonym group (with "gnarfelium"). Typed without quotes, the two
# words find a section holding them anywhere, but the sections the query finds with the term quoted
# (its words in a row, or a synonym, or another word of the query) rank first, however often another
# section repeats the words apart.
ROW_DOCS = {
    "row-in-long-text": "Zorblat quimvex. " + "Fyldtekst om noget helt andet. " * 40,
    "synonym": "Gnarfelium. " + "Fyldtekst om noget helt andet. " * 40,
    "apart-often": "Zorblat og quimvex, zorblat og quimvex, zorblat og quimvex, zorblat og quimvex.",
    "apart-once": "Her står zorblat, og der står quimvex.",
    "apart-with-plomp": "Zorblat og quimvex og plomp.",
    "only-plomp": "Plomp. " + "Fyldtekst om noget helt andet. " * 40,
}
ROW = {"row-in-long-text", "synonym"}


@pytest.fixture(scope="module")
def in_a_row(tmp_path_factory):
    d = one_section_daemon(tmp_path_factory, "in-a-row",
                           {k: ("Dokument " + k.replace("-", " "), t) for k, t in ROW_DOCS.items()},
                           synonyms="zorblat quimvex, gnarfelium\n")
    yield d
    d.stop()


def test_a_synonym_term_typed_apart_ranks_its_words_in_a_row_first(in_a_row):
    _, res = in_a_row.search("zorblat quimvex", limit=10)
    got = ids(res)
    assert res["total"] == len(ROW_DOCS) - 1
    assert set(got[:len(ROW)]) == ROW, got
    assert set(got[len(ROW):]) == set(ROW_DOCS) - ROW - {"only-plomp"}, got
    scores = [h["score"] for h in res["hits"]]
    assert scores == sorted(scores, reverse=True)
    # the quoted term finds just those, in the same order
    _, quoted = in_a_row.search('"zorblat quimvex"', limit=10)
    assert ids(quoted) == got[:len(ROW)]


def test_with_another_word_every_word_first_then_the_term_as_if_quoted(in_a_row):
    # then what `"zorblat quimvex" plomp` finds, a document holding plomp alone too; the words apart last
    _, res = in_a_row.search("zorblat quimvex plomp", limit=10)
    got = ids(res)
    quoted = ROW | {"apart-with-plomp", "only-plomp"}
    assert got[0] == "apart-with-plomp", got
    assert set(got[:len(quoted)]) == quoted, got
    assert set(got[len(quoted):]) == {"apart-often", "apart-once"}, got
    _, q = in_a_row.search('"zorblat quimvex" plomp', limit=10)
    assert set(ids(q)) == quoted
    scores = [h["score"] for h in res["hits"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("q", ["zorblat quimvex", "zorblat quimvex plomp", "zorblat quimvex -plomp"])
def test_pages_cut_the_order_across_the_term_in_a_row(in_a_row, q):
    _, whole = in_a_row.search(q, limit=100)
    order = ids(whole)
    for size in (1, 2, 3):
        paged = []
        for offset in range(0, len(order) + size, size):
            _, res = in_a_row.search(q, limit=size, offset=offset)
            assert res["total"] == whole["total"]
            paged += ids(res)
        assert paged == order, (q, size)


# On the bundled corpus: the pages the query finds with the term quoted come before the pages it
# finds only by the term's words apart.
@pytest.mark.parametrize("query,term", [
    ("kvalificeret person", "kvalificeret person"), ("clinical trials", "clinical trials"),
    ("gene therapy", "gene therapy"), ("marketing authorisation", "marketing authorisation"),
    ("kliniske forsøg", "kliniske forsøg"), ("resultatbaseret betaling", "resultatbaseret betaling"),
    ("clinical trial Norway", "clinical trial")])
def test_on_the_corpus_the_term_as_if_quoted_ranks_before_its_words_apart(daemon, query, term):
    _, res = daemon.search(query, limit=100)
    _, quoted = daemon.search(query.replace(term, f'"{term}"'), limit=100)
    got, row = ids(res), set(ids(quoted))
    assert res["total"] == len(got) and quoted["total"] == len(row)  # the limit covers every hit
    assert len(row) < len(got), (query, "no page holds the words apart only")
    assert set(got[:len(row)]) == row, query


# ---- OR: each alternative finds what it finds alone (INTERFACE: "a OR b | either") ----
# Pairs on the bundled corpus where an alternative finds documents only through its synonyms
# (medicinrådet meets "Danish Medicines Council's"; DKMA, TEP, GTMP and HTAR are acronyms in
# synonyms.txt; a phrase and "CAR-T" may be a synonym term; Medicinrådt has the stem of one), a
# prefix, a correction or a translation.
OR_QUERIES = [
    ("amgros", "medicinrådet"),
    ("DKMA", "EudraLex"),
    ("TEP", "Arbejdstilsynet"),
    ("GTMP", '"kliniske kvalitetsdatabaser"'),
    ("HTAR", "1394/2007"),
    ('"danish medicines council"', '"kvalificeret person"'),
    ("CAR-T", '"avancerede terapier"'),
    ("bivirkningerne", "amgros"),
    ("Medicinrådt", "blødersygdom"),
    ("gen*", "hopsital"),
    ("amgros", "medicinrådet", "DKMA"),
]


def all_ids(daemon, q):
    status, res = daemon.search(q, limit=100)
    assert status == 200, res
    got = {h["id"] for h in res["hits"]}
    assert len(got) == res["total"], (q, res["total"])  # the limit covers every hit
    return got


@pytest.mark.parametrize("alternatives", OR_QUERIES, ids=" OR ".join)
def test_or_finds_the_union_of_what_each_alternative_finds_alone(daemon, alternatives):
    union = set().union(*(all_ids(daemon, a) for a in alternatives))
    assert all_ids(daemon, " OR ".join(alternatives)) == union
