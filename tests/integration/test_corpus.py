"""The secretariat's workflow: checking a corpus, indexing it incrementally and safely."""
import hashlib
import json
import os
import re
import shutil

from conftest import CORPUS, ROOT, Daemon, copy_corpus, prog, run

BROKEN = os.path.join(ROOT, "tests", "fixtures", "broken")

EXPECTED = """
bad-values.md:3: unknown type 'guide' (want one of guidance, best-practice, faq, news, minutes, analysis)
bad-values.md:4: unknown lang 'de' (want da or en)
bad-values.md:5: bad date '2026-02-30' for 'updated' (want YYYY-MM-DD)
bad-values.md:6: bad url 'ftp://example.org/file' (want an absolute http:// or https:// URL)
claims-owned.md:6: duplicate id 'owned' (the id of owned.md, by its path)
duplicate-anchor.md:12: duplicate anchor '#hvad-koster-det' (also at line 8)
empty-body.md:7: empty body
latin1.md:2: not a UTF-8 text file (byte 0xE6 is not UTF-8)
missing-keys.md:4: missing required key 'lang'
missing-keys.md:4: missing required key 'updated'
no-front-matter.md:1: no front matter (the file must start with a line '---')
ok.md:10: link to a document that does not exist: 'missing.md'
ok.md:14: link to a section that does not exist: 'ok.md#nowhere'
sub/dup-id-a.md:6: duplicate id 'shared/id' (also sub/dup-id-b.md)
sub/dup-id-b.md:6: duplicate id 'shared/id' (also sub/dup-id-a.md)
tags-scalar.md:6: 'tags' must be a list such as [a, b], not a single value
unknown-key.md:2: unknown key 'tilte' (did you mean 'title'?)
yaml-error.md:3: bad YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 2)
synonyms.txt:3: a synonym group needs at least two terms, separated by commas
synonyms.txt:4: empty term in a synonym group (a stray comma?)
synonyms.txt:5: not valid UTF-8
"""


def test_bundled_corpus_is_valid():
    r = run([prog("atmp-index"), "--corpus", CORPUS, "--check"])
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    m = re.search(r"(\d+) documents checked, 0 problems", r.stdout)
    assert m and int(m.group(1)) >= 60


def test_check_reports_every_problem_with_file_and_line():
    r = run([prog("atmp-index"), "--corpus", BROKEN, "--check"])
    assert r.returncode == 1
    got = sorted(line[len(BROKEN) + 1:] for line in r.stderr.splitlines())
    want = sorted(l for l in EXPECTED.strip().splitlines())
    assert got == want
    assert "problems" in r.stdout


def test_unknown_key_alone_fails_check(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    path = os.path.join(corpus, "guidance", "gmp-for-atmp.md")
    text = open(path, encoding="utf-8").read().replace("\ntype:", "\ncolour: blue\ntype:", 1)
    open(path, "w", encoding="utf-8").write(text)
    line = text.splitlines().index("colour: blue") + 1
    r = run([prog("atmp-index"), "--corpus", corpus, "--check"])
    assert r.returncode == 1
    assert f"{corpus}/guidance/gmp-for-atmp.md:{line}: unknown key 'colour'" in r.stderr


def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def test_invalid_files_leave_the_index_untouched(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    db = str(tmp_path / "kb.db")
    assert run([prog("atmp-index"), "--corpus", corpus, "--db", db]).returncode == 0
    before = sha(db)
    shutil.copy(os.path.join(BROKEN, "bad-values.md"), os.path.join(corpus, "bad-values.md"))
    r = run([prog("atmp-index"), "--corpus", corpus, "--db", db])
    assert r.returncode == 1
    assert "bad-values.md:3: unknown type 'guide'" in r.stderr
    assert "left as it was" in r.stderr
    assert sha(db) == before
    assert not [f for f in os.listdir(tmp_path) if f.startswith("kb.db.")], os.listdir(tmp_path)


def test_a_file_that_is_not_an_index_is_never_replaced(tmp_path):
    # a mistyped --db used to replace whatever file it named with an index
    notes = tmp_path / "notes.txt"
    notes.write_text("minutes of the working group\n", encoding="utf-8")
    r = run([prog("atmp-index"), "--corpus", CORPUS, "--db", str(notes)])
    assert r.returncode == 1
    assert "%s is not an index, so it is not replaced" % notes in r.stderr, r.stderr
    assert notes.read_text(encoding="utf-8") == "minutes of the working group\n"
    folder = tmp_path / "kb.db"
    folder.mkdir()
    r = run([prog("atmp-index"), "--corpus", CORPUS, "--db", str(folder)])
    assert r.returncode == 1 and "%s is a folder, not an index file" % folder in r.stderr, r.stderr
    # an empty file (one made to hold the index) and an index are replaced
    empty = tmp_path / "empty.db"
    empty.touch()
    for _ in range(2):
        assert run([prog("atmp-index"), "--corpus", CORPUS, "--db", str(empty)]).returncode == 0
    assert empty.stat().st_size > 0


def test_skip_invalid_indexes_the_valid_documents(tmp_path):
    db = str(tmp_path / "kb.db")
    r = run([prog("atmp-index"), "--corpus", BROKEN, "--db", db, "--skip-invalid"])
    assert r.returncode == 0, r.stderr
    assert "1 documents (1 added" in r.stdout
    assert "invalid documents skipped" in r.stdout or "invalid document skipped" in r.stdout
    # the one valid document is the owner of its id, not the file that claims it and sorts first
    assert shown(db, "owned")["title"] == "The owner of its id"
    assert shown(db, "shared/id") is None


def shown(db, doc_id):
    """The document of the index db with this id, as `atmp-search show` gives it; None if it has none."""
    r = run([prog("atmp-search"), "--db", db, "--json", "show", doc_id])
    if r.returncode != 0:
        assert "no document" in r.stderr, r.stderr
        return None
    return json.loads(r.stdout)


def doc(root, rel, title, extra="", body="Text."):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"---\ntitle: {title}\ntype: faq\nlang: en\nupdated: 2026-01-01\n{extra}---\n\n{body}\n")


def index(corpus, db, *extra):
    return run([prog("atmp-index"), "--corpus", corpus, "--db", db, *extra])


def test_non_utf8_file_is_named_with_the_line_of_its_first_bad_byte(tmp_path):
    c = tmp_path / "c"
    c.mkdir()
    front = "---\ntitle: T\ntype: faq\nlang: da\nupdated: 2026-01-01\n---\n\n"
    (c / "latin1-body.md").write_bytes((front + "Ren tekst.\n\nL\u00e6gemiddel.\n").encode("latin-1"))
    (c / "nul.md").write_bytes((front + "a\nb\x00c\n").encode())
    (c / "cut.md").write_bytes((front + "x\n").encode() + "æ".encode()[:1] + b"\n")
    (c / "utf16.md").write_bytes(front.encode("utf-16"))
    r = run([prog("atmp-index"), "--corpus", str(c), "--check"])
    assert r.returncode == 1
    assert sorted(r.stderr.splitlines()) == [
        f"{c}/cut.md:9: not a UTF-8 text file (byte 0xC3 is not UTF-8)",
        f"{c}/latin1-body.md:10: not a UTF-8 text file (byte 0xE6 is not UTF-8)",
        f"{c}/nul.md:9: not a UTF-8 text file (a NUL byte)",
        f"{c}/utf16.md:1: not a UTF-8 text file (byte 0xFF is not UTF-8)",
    ]


def test_a_file_cannot_take_the_id_another_holds_by_its_path(tmp_path):
    c = str(tmp_path / "c")
    doc(c, "z/orig.md", "The original", body="## Kept\n\nThe original text.")
    doc(c, "links.md", "Links", body="See [kept](z/orig.md#kept) and [id](z/orig.md).")
    inc, full = str(tmp_path / "inc.db"), str(tmp_path / "full.db")
    assert index(c, inc).returncode == 0
    before = sha(inc)
    # a new file claims the published id; it sorts before the original
    doc(c, "a/stray.md", "A stray", "id: z/orig\n", "## Stolen\n\nThe stray text.")
    r = run([prog("atmp-index"), "--corpus", c, "--check"])
    assert r.returncode == 1
    assert r.stderr.splitlines() == [f"{c}/a/stray.md:6: duplicate id 'z/orig' (the id of z/orig.md, by its path)"]
    r = index(c, inc)
    assert r.returncode == 1 and f"{c}/a/stray.md:6: duplicate id" in r.stderr
    assert sha(inc) == before
    for db, extra in ((inc, ()), (full, ("--full",))):
        r = index(c, db, "--skip-invalid", *extra)
        assert r.returncode == 0, r.stderr
        assert "1 invalid document skipped" in r.stdout
        assert shown(db, "z/orig")["title"] == "The original", db
    # a link to a section of the id is checked against the owner's sections, not the claimer's
    doc(c, "links.md", "Links", body="See [stolen](z/orig.md#stolen).")
    r = run([prog("atmp-index"), "--corpus", c, "--check"])
    assert f"{c}/links.md:8: link to a section that does not exist: 'z/orig.md#stolen'" in r.stderr.splitlines()


def test_the_owner_of_an_id_takes_it_back_from_a_file_that_claimed_it(tmp_path):
    c = str(tmp_path / "c")
    doc(c, "a/stray.md", "A stray", "id: z/orig\n")
    inc, full = str(tmp_path / "inc.db"), str(tmp_path / "full.db")
    assert index(c, inc).returncode == 0
    assert shown(inc, "z/orig")["title"] == "A stray"  # alone, a file may take any free id
    doc(c, "z/orig.md", "The original", "id: z/orig\n")  # an id key that says its path: it owns the id
    r = run([prog("atmp-index"), "--corpus", c, "--check"])
    assert r.returncode == 1
    assert r.stderr.splitlines() == [f"{c}/a/stray.md:6: duplicate id 'z/orig' (the id of z/orig.md, by its path)"]
    for db, extra in ((inc, ()), (full, ("--full",))):
        r = index(c, db, "--skip-invalid", *extra)
        assert r.returncode == 0, r.stderr
        assert shown(db, "z/orig")["title"] == "The original", db
        assert shown(db, "z/orig")["path"] == "z/orig.md", db


def test_files_that_claim_one_id_by_their_id_keys_are_all_invalid(tmp_path):
    c = str(tmp_path / "c")
    doc(c, "b.md", "Bee", "summary: s\nid: shared/x\n")
    doc(c, "other.md", "Other")
    inc, full = str(tmp_path / "inc.db"), str(tmp_path / "full.db")
    assert index(c, inc).returncode == 0
    assert shown(inc, "shared/x")["title"] == "Bee"
    doc(c, "a.md", "Ay", "id: shared/x\n")
    doc(c, "c.md", "Cee", "id: shared/x\n")
    r = run([prog("atmp-index"), "--corpus", c, "--check"])
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        f"{c}/a.md:6: duplicate id 'shared/x' (also b.md and 1 other file)",
        f"{c}/b.md:7: duplicate id 'shared/x' (also a.md and 1 other file)",
        f"{c}/c.md:6: duplicate id 'shared/x' (also a.md and 1 other file)",
    ]
    for db, extra in ((inc, ()), (full, ("--full",))):
        r = index(c, db, "--skip-invalid", *extra)
        assert r.returncode == 0, r.stderr
        assert "3 invalid documents skipped" in r.stdout
        assert shown(db, "shared/x") is None, db  # none of them wins
        assert shown(db, "other")["title"] == "Other"
    os.remove(os.path.join(c, "c.md"))
    r = run([prog("atmp-index"), "--corpus", c, "--check"])
    assert sorted(r.stderr.splitlines()) == [
        f"{c}/a.md:6: duplicate id 'shared/x' (also b.md)",
        f"{c}/b.md:7: duplicate id 'shared/x' (also a.md)",
    ]


def test_incremental_build_reports_changes_and_equals_a_full_build(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    inc, full = str(tmp_path / "inc.db"), str(tmp_path / "full.db")
    r = run([prog("atmp-index"), "--corpus", corpus, "--db", inc])
    n = int(re.search(r"(\d+) documents", r.stdout).group(1))
    r = run([prog("atmp-index"), "--corpus", corpus, "--db", inc])
    assert f"({0} added, 0 changed, 0 removed, {n} unchanged)" in r.stdout, r.stdout
    # change one document, add one, remove one
    path = os.path.join(corpus, "guidance", "hospitalsundtagelse.md")
    with open(path, "a", encoding="utf-8") as f:
        f.write("\n## Et nyt afsnit om kvalitetsrevision\n\nKvalitetsrevision hvert år.\n")
    shutil.copy(os.path.join(BROKEN, "sub", "dup-id-a.md"), os.path.join(corpus, "news", "new.md"))
    os.remove(os.path.join(corpus, "faq", "companies.md"))  # no document links to it
    r = run([prog("atmp-index"), "--corpus", corpus, "--db", inc])
    assert r.returncode == 0, r.stderr
    assert f"({1} added, 1 changed, 1 removed, {n - 2} unchanged)" in r.stdout, r.stdout
    assert run([prog("atmp-index"), "--corpus", corpus, "--db", full, "--full"]).returncode == 0
    a, b = Daemon(inc), Daemon(full)
    try:
        for q in ("kvalitetsrevision", "hospitalsundtagelse", "companies EU HTA regulation", "genterapi",
                  "First with the id", "terapi", "hopsital", "DKMA"):
            sa, ra = a.search(q, limit=20)
            sb, rb = b.search(q, limit=20)
            ra.pop("took_ms"), rb.pop("took_ms")
            assert ra == rb, q
        assert a.search("kvalitetsrevision")[1]["hits"][0]["id"] == "guidance/hospitalsundtagelse"
        assert a.get("/api/doc/faq/companies")[0] == 404
        assert a.get("/api/doc/shared/id")[0] == 200
    finally:
        a.stop()
        b.stop()


def test_a_new_synonym_group_reaches_every_document_of_an_incremental_build(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    db = str(tmp_path / "inc.db")
    assert run([prog("atmp-index"), "--corpus", corpus, "--db", db]).returncode == 0
    d = Daemon(db)
    try:
        ids = {h["id"] for h in d.search("kvalitetsrevisor", limit=50)[1]["hits"]}
    finally:
        d.stop()
    assert "guidance/hospitalsundtagelse" not in ids
    # the new group ties a word no document holds to one the hospital exemption guidance holds
    with open(os.path.join(corpus, "synonyms.txt"), "a", encoding="utf-8") as f:
        f.write("\nkvalitetsrevisor, hospitalsundtagelse\n")
    r = run([prog("atmp-index"), "--corpus", corpus, "--db", db])
    assert r.returncode == 0, r.stderr
    assert "0 unchanged" in r.stdout, r.stdout  # every document analysed again
    d = Daemon(db)
    try:
        hits = d.search("kvalitetsrevisor", limit=50)[1]["hits"]
    finally:
        d.stop()
    found = {h["id"]: h for h in hits}
    assert "guidance/hospitalsundtagelse" in found, [h["id"] for h in hits]
    assert any("(synonym)" in w for w in found["guidance/hospitalsundtagelse"].get("why", []))


def test_a_synonym_term_without_words_does_not_shift_the_others(tmp_path):
    # "—" is a term of its group with no words in it: the indexer and the searcher must both pass
    # over it, or the group's terms would be looked for under one another's index terms
    c = tmp_path / "c"
    c.mkdir()
    (c / "synonyms.txt").write_text("—, blodprøve, bloodtest\nbiopsi, —, tissue sample\n", encoding="utf-8")
    for name, lang, text in (("da", "da", "Om blodprøve og biopsi."), ("en", "en", "A bloodtest."),
                             ("sample", "en", "A tissue sample.")):
        (c / f"{name}.md").write_text(f"---\ntitle: {name}\ntype: faq\nlang: {lang}\nupdated: 2026-01-01\n---\n\n"
                                      f"{text}\n", encoding="utf-8")
    db = str(tmp_path / "kb.db")
    r = run([prog("atmp-index"), "--corpus", str(c), "--db", db])
    assert r.returncode == 0, r.stdout + r.stderr
    d = Daemon(db)
    try:
        assert {h["id"] for h in d.search("blodprøve")[1]["hits"]} == {"da", "en"}
        assert {h["id"] for h in d.search("bloodtest")[1]["hits"]} == {"da", "en"}
        assert {h["id"] for h in d.search("biopsi")[1]["hits"]} == {"da", "sample"}
    finally:
        d.stop()


def test_links_between_documents_lead_to_the_document_view(daemon):
    status, _, body = daemon.get("/api/doc/faq/klinikere")
    html = json.loads(body)["html"]
    links = re.findall(r'href="(/doc/[^"]+)"', html)
    assert links, "the FAQ links to guidance documents"
    for link in links:
        doc_id = link[len("/doc/"):].split("#")[0]
        assert daemon.get("/api/doc/" + doc_id)[0] == 200, link
    assert ".md" not in " ".join(links)
