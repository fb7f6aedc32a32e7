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
duplicate-anchor.md:12: duplicate anchor '#hvad-koster-det' (also at line 8)
empty-body.md:7: empty body
missing-keys.md:4: missing required key 'lang'
missing-keys.md:4: missing required key 'updated'
no-front-matter.md:1: no front matter (the file must start with a line '---')
ok.md:10: link to a document that does not exist: 'missing.md'
ok.md:14: link to a section that does not exist: 'ok.md#nowhere'
sub/dup-id-b.md:6: duplicate id 'shared/id' (also sub/dup-id-a.md)
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


def test_skip_invalid_indexes_the_valid_documents(tmp_path):
    db = str(tmp_path / "kb.db")
    r = run([prog("atmp-index"), "--corpus", BROKEN, "--db", db, "--skip-invalid"])
    assert r.returncode == 0, r.stderr
    assert "1 documents (1 added" in r.stdout
    assert "invalid documents skipped" in r.stdout or "invalid document skipped" in r.stdout


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
