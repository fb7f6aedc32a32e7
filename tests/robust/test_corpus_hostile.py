"""Hostile corpus files: huge, deeply nested, binary. atmp-index gives a clear error naming the file
(or indexes it, where it is merely odd), never crashes or hangs, and loses nothing: the other
documents are indexed with --skip-invalid, and without it the index is left as it was.
"""
import json
import os
import random
import time

import pytest

from conftest import index, prog, run, sha256, write_doc

FRONT = "---\ntitle: Et fjendtligt dokument\ntype: guidance\nlang: da\nupdated: 2025-01-01\n---\n\n"
VALID = {"valid/alfa.md": "alfaord", "valid/beta.md": "betaord", "valid/gamma.md": "gammaord"}


def laughs():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append("%s: &%s [%s]" % (name, name, ",".join(["*" + prev] * 9)))
        prev = name
    return "---\n" + "\n".join(lines) + "\ntitle: Latter\ntype: faq\nlang: da\nupdated: 2025-01-01\ntags: [*i, *i]\n---\n\nTekst.\n"


rng = random.Random(7)
# name: (bytes, "error" when the file must be refused, "either" when indexing it is fine too)
HOSTILE = {
    "huge.md": ((FRONT + "ord " * (5 * 1024 * 1024 // 4)).encode(), "error"),
    "binary.md": (bytes(rng.randrange(256) for _ in range(100000)), "error"),
    "png.md": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(5000)), "error"),
    "nul.md": ((FRONT + "Tekst med en\x00NUL midt i.\n").encode(), "error"),
    "utf16.md": ((FRONT + "Lægemiddel og forsøg.\n").encode("utf-16"), "error"),
    "latin1.md": ((FRONT + "Lægemiddelstyrelsen og forsøg.\n").encode("latin-1"), "error"),
    "yaml-bomb.md": (laughs().encode(), "error"),
    "yaml-deep.md": (("---\ntitle: Dyb\ntype: faq\nlang: da\nupdated: 2025-01-01\ntags: " + "[" * 5000 +
                      "]" * 5000 + "\n---\n\nTekst.\n").encode(), "error"),
    "yaml-deep-map.md": (("---\ntitle: Dyb\ntype: faq\nlang: da\nupdated: 2025-01-01\nsummary: " + "{a: " * 5000 +
                          "b" + "}" * 5000 + "\n---\n\nTekst.\n").encode(), "error"),
    "nested-quotes.md": ((FRONT + ">" * 100000 + " dybt citat\n").encode(), "either"),
    "nested-lists.md": ((FRONT + "".join("  " * i + "- punkt\n" for i in range(5000))).encode(), "either"),
    "nested-ordered.md": ((FRONT + "".join("   " * i + "1. punkt\n" for i in range(5000))).encode(), "either"),
    "brackets.md": ((FRONT + "[" * 100000 + "x" + "](y)" * 100000 + "\n").encode(), "either"),
    "emphasis.md": ((FRONT + "*" * 50000 + "x" + "*" * 50000 + " _" * 50000 + "\n").encode(), "either"),
    "html.md": ((FRONT + "<div>" * 50000 + "tekst" + "</div>" * 50000 + "\n").encode(), "either"),
    "links.md": ((FRONT + "[a](b.md) " * 5000 + "\n").encode(), "either"),
    "headings.md": ((FRONT + "".join("## Overskrift %d\n\nTekst %d.\n\n" % (i, i) for i in range(20000))).encode(), "either"),
    "same-headings.md": ((FRONT + "## Samme\n\nTekst.\n\n" * 5000).encode(), "either"),
    "long-word.md": ((FRONT + "A" * 1000000 + "\n").encode(), "either"),
    "long-title.md": (("---\ntitle: " + "Titel " * 20000 + "\ntype: faq\nlang: da\nupdated: 2025-01-01\n---\n\nTekst.\n").encode(),
                      "either"),
    "many-tags.md": (("---\ntitle: Tags\ntype: faq\nlang: da\nupdated: 2025-01-01\ntags: [" +
                      ", ".join("t%d" % i for i in range(50000)) + "]\n---\n\nTekst.\n").encode(), "either"),
    "control.md": ((FRONT + "Tekst \x01\x02\x1b[31m med styretegn \x7f og \u202e omvendt.\n").encode(), "either"),
    "crlf-only.md": (b"---\r\n" * 50000, "error"),
}


def valid_corpus(root):
    for rel, word in VALID.items():
        write_doc(root, rel, "Gyldigt dokument om " + word, "Brødtekst med %s.\n\n## Afsnit\n\nMere om %s." % (word, word))
    return root


def found(db, word):
    r = run([prog("atmp-search"), "--db", str(db), "--json", word])
    assert r.returncode == 0, r.stderr
    return [h["id"] for h in json.loads(r.stdout)["hits"]]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_corpus_file_is_refused_by_name_or_indexed_and_nothing_is_lost(tmp_path, name):
    data, expect = HOSTILE[name]
    corpus = valid_corpus(tmp_path / "corpus")
    db = tmp_path / "kb.db"
    index(corpus, db)
    digest = sha256(db)
    with open(os.path.join(corpus, name), "wb") as f:
        f.write(data)

    t = time.monotonic()
    check = run([prog("atmp-index"), "--corpus", str(corpus), "--check"], timeout=120)
    took = time.monotonic() - t
    assert check.returncode in (0, 1), "atmp-index --check died (%d): %s" % (check.returncode, check.stderr[-2000:])
    assert took < 30, "atmp-index --check took %.1f s" % took
    if expect == "error":
        assert check.returncode == 1, "%s was accepted" % name
    problems = [line for line in check.stderr.splitlines() if line.strip()]
    if check.returncode == 1:
        assert problems, "exit 1 with no message"
        assert any(name in line for line in problems), check.stderr[-2000:]
        # each problem names its file; none is blamed on a valid document
        assert not any(v in line for line in problems for v in VALID), check.stderr[-2000:]

    # without --skip-invalid a problem leaves the index exactly as it was
    t = time.monotonic()
    r = run([prog("atmp-index"), "--corpus", str(corpus), "--db", str(db)], timeout=120)
    assert r.returncode in (0, 1), "atmp-index died (%d): %s" % (r.returncode, r.stderr[-2000:])
    assert time.monotonic() - t < 60
    if check.returncode == 1:
        assert r.returncode == 1 and sha256(db) == digest
        assert any(name in line for line in r.stderr.splitlines()), r.stderr[-2000:]
        r = run([prog("atmp-index"), "--corpus", str(corpus), "--db", str(db), "--skip-invalid"], timeout=120)
        assert r.returncode in (0, 1), "atmp-index --skip-invalid died (%d): %s" % (r.returncode, r.stderr[-2000:])
    # nothing lost: every valid document is still found
    for rel, word in VALID.items():
        assert rel[:-3] in found(db, word), (name, word)
    assert sorted(os.listdir(tmp_path)) == ["corpus", "kb.db"], "left behind: %s" % os.listdir(tmp_path)


def test_all_hostile_files_at_once_are_each_named_and_the_index_is_kept(tmp_path):
    corpus = valid_corpus(tmp_path / "corpus")
    db = tmp_path / "kb.db"
    index(corpus, db)
    digest = sha256(db)
    os.makedirs(os.path.join(corpus, "bad"))
    for name, (data, expect) in HOSTILE.items():
        if expect == "error":
            with open(os.path.join(corpus, "bad", name), "wb") as f:
                f.write(data)
    r = run([prog("atmp-index"), "--corpus", str(corpus), "--db", str(db)], timeout=180)
    assert r.returncode == 1, r.stderr[-2000:]
    assert sha256(db) == digest
    for name, (_, expect) in HOSTILE.items():
        if expect == "error":
            assert "bad/" + name in r.stderr, name
    r = run([prog("atmp-index"), "--corpus", str(corpus), "--db", str(db), "--skip-invalid"], timeout=180)
    assert r.returncode in (0, 1)
    for rel, word in VALID.items():
        assert rel[:-3] in found(db, word)


def test_deeply_nested_front_matter_is_refused_fast(tmp_path):
    # libyaml takes time quadratic in the nesting depth: 40,000 levels (200 KB) cost it seconds, and
    # a 4 MB file (the size limit) half an hour; a front matter never needs more than [a, b]
    corpus = valid_corpus(tmp_path / "corpus")
    write_doc(corpus, "deep.md", "Dyb", "Tekst.", summary="{a: " * 40000 + "b" + "}" * 40000)
    t = time.monotonic()
    r = run([prog("atmp-index"), "--corpus", str(corpus), "--check"], timeout=120)
    took = time.monotonic() - t
    assert r.returncode == 1 and "deep.md" in r.stderr
    assert took < 2, "40,000 levels of nesting took %.1f s to refuse" % took
