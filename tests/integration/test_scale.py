"""Search on a corpus much larger than the curated one: a word that very many sections hold is not
also looked for by its compound parts, or as a part of compounds (KB_PLENTY in lib/expand.h), which
on a small corpus find documents that write the compound's words apart, or hold the word only
inside a compound."""
import os

from conftest import Daemon, prog, run

DOC = """---
title: Celleterapi {i}
type: guidance
lang: da
updated: 2026-01-01
---

Celleterapi og terapi i praksis, del {i}.
{sections}"""

APART = """---
title: Behandling med celler
type: guidance
lang: da
updated: 2026-01-01
---

En terapi der bruger patientens egne celler.
"""

INSIDE = """---
title: Nyt om genterapi
type: news
lang: da
updated: 2026-01-01
---

Genterapien er godkendt.
"""


def build(root, ndocs):
    os.makedirs(os.path.join(root, "c"))
    sections = "".join(f"\n## Afsnit {k}\n\nOm celleterapi og anden terapi, afsnit {k}.\n" for k in range(6))
    for i in range(ndocs):
        with open(os.path.join(root, "c", f"doc-{i}.md"), "w", encoding="utf-8") as f:
            f.write(DOC.format(i=i, sections=sections))
    with open(os.path.join(root, "c", "apart.md"), "w", encoding="utf-8") as f:
        f.write(APART)
    with open(os.path.join(root, "c", "inside.md"), "w", encoding="utf-8") as f:
        f.write(INSIDE)
    db = os.path.join(root, "kb.db")
    r = run([prog("atmp-index"), "--corpus", os.path.join(root, "c"), "--db", db], timeout=120)
    assert r.returncode == 0, r.stderr
    return db


def found(db, q):
    d = Daemon(db)
    try:
        status, res = d.search(q, limit=100)
    finally:
        d.stop()
    assert status == 200, res
    return res


def test_a_rare_word_is_also_looked_for_by_its_parts_and_inside_compounds(tmp_path):
    db = build(str(tmp_path), 3)
    assert "apart" in [h["id"] for h in found(db, "celleterapi")["hits"]]
    assert "inside" in [h["id"] for h in found(db, "terapi")["hits"]]


def test_a_word_in_hundreds_of_sections_is_not(tmp_path):
    db = build(str(tmp_path), 80)  # 80 documents of 7 sections
    res = found(db, "celleterapi")
    ids = [h["id"] for h in res["hits"]]
    assert res["total"] == 80 and "apart" not in ids, (res["total"], ids[:5])
    res = found(db, "terapi")
    ids = [h["id"] for h in res["hits"]]
    assert res["total"] == 81 and "inside" not in ids, (res["total"], ids[:5])  # 80 and apart


WORDY = """---
title: Ord {i}
type: guidance
lang: da
updated: 2026-01-01
---

{words}
"""


def test_a_short_prefix_finds_every_word_it_starts(tmp_path):
    """`gen*` stands for the words starting with gen: all of them, where a longer prefix stands for
    its KB_WILDCARD_TERMS (64) most frequent. Here 70 words that start with gen are in up to five
    documents each and one more in a single document, which a list of the most frequent would
    leave out."""
    root = str(tmp_path)
    os.makedirs(os.path.join(root, "c"))
    common_words = [f"gen{a}{b}ik" for a in "abcdefghij" for b in "klmnopq"]  # 70 words
    docs = {f"w{i}": " ".join(common_words[i:i + 5] + common_words[i + 35:i + 40]) for i in range(35)}
    docs["rare"] = "genzzzik og andet"
    docs["dansk"] = "Lægemidlet og lægerne"
    for name, words in docs.items():
        with open(os.path.join(root, "c", name + ".md"), "w", encoding="utf-8") as f:
            f.write(WORDY.format(i=name, words=words))
    db = os.path.join(root, "kb.db")
    r = run([prog("atmp-index"), "--corpus", os.path.join(root, "c"), "--db", db], timeout=120)
    assert r.returncode == 0, r.stderr
    res = found(db, "gen*")
    assert res["total"] == 36 and "rare" in [h["id"] for h in res["hits"]], res["total"]
    # a longer prefix is still its words
    res = found(db, "genz*")
    assert [h["id"] for h in res["hits"]] == ["rare"]
    # three characters, four bytes: the start term of words that begin with æ, ø or å
    res = found(db, "læg*")
    assert [h["id"] for h in res["hits"]] == ["dansk"] and res["total"] == 1
