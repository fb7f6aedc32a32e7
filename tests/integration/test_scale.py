"""Search on a corpus much larger than the curated one: a word that very many sections hold is not
also looked for by its compound parts (KB_PLENTY in lib/expand.h), which on a small corpus find
documents that write the compound's words apart."""
import os

from conftest import Daemon, prog, run

DOC = """---
title: Celleterapi {i}
type: guidance
lang: da
updated: 2026-01-01
---

Celleterapi i praksis, del {i}.
{sections}"""

APART = """---
title: Behandling med celler
type: guidance
lang: da
updated: 2026-01-01
---

En terapi der bruger patientens egne celler.
"""


def build(root, ndocs):
    os.makedirs(os.path.join(root, "c"))
    sections = "".join(f"\n## Afsnit {k}\n\nOm celleterapi, afsnit {k}.\n" for k in range(6))
    for i in range(ndocs):
        with open(os.path.join(root, "c", f"doc-{i}.md"), "w", encoding="utf-8") as f:
            f.write(DOC.format(i=i, sections=sections))
    with open(os.path.join(root, "c", "apart.md"), "w", encoding="utf-8") as f:
        f.write(APART)
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


def test_a_rare_compound_is_also_looked_for_by_its_parts(tmp_path):
    res = found(build(str(tmp_path), 3), "celleterapi")
    ids = [h["id"] for h in res["hits"]]
    assert "apart" in ids, ids


def test_a_compound_in_hundreds_of_sections_is_not(tmp_path):
    res = found(build(str(tmp_path), 80), "celleterapi")  # 80 documents of 7 sections
    ids = [h["id"] for h in res["hits"]]
    assert res["total"] == 80 and "apart" not in ids, (res["total"], ids[:5])
