"""atmp-index killed with SIGKILL at several points of a build: the served index stays exactly as it
was and the daemon answers exactly as before; the next run completes and leaves nothing behind.

The corpus is the bundled one four times over (240 documents, a build of about three seconds), so
every phase lasts long enough to be caught: reading the corpus, writing documents into the build
folder, writing the dictionary, compacting into FILE.tmp.PID, and cleaning up after the rename.
"""
import os
import shutil
import subprocess
import time

import pytest

from conftest import CORPUS, Daemon, answers, index, prog, sha256, write_doc

QUERIES = ["hospitalsundtagelse", "genterapi", "gene therapy", "GMP", "kliniske forsøg", "crashmarkør"]


def copies(dst, n=4):
    os.makedirs(dst)
    for i in range(n):
        sub = os.path.join(dst, "c%d" % i)
        shutil.copytree(CORPUS, sub)
        os.remove(os.path.join(sub, "README.md"))
        os.remove(os.path.join(sub, "synonyms.txt"))
    shutil.copy(os.path.join(CORPUS, "synonyms.txt"), dst)
    return dst


def new_entries(folder, before, prefix):
    return [os.path.join(folder, n) for n in os.listdir(folder) if n.startswith(prefix) and n not in before]


def build_dir_bytes(folder, before):
    """Bytes in the build folder of the running build (left-overs of killed ones do not count)."""
    total = 0
    for path in new_entries(folder, before, "kb.db.build-"):
        for root, _, files in os.walk(path):
            for f in files:
                try:
                    total += os.path.getsize(os.path.join(root, f))
                except OSError:
                    pass
    return total


def tmp_file_bytes(folder, before):
    """Bytes in the running build's FILE.tmp.PID; -1 while there is none."""
    for path in new_entries(folder, before, "kb.db.tmp."):
        try:
            return os.path.getsize(path)
        except OSError:
            pass
    return -1


def kill_when(args, folder, ready):
    """Starts atmp-index and kills it (SIGKILL) as soon as ready(before) is true, where before is
    what the folder held at the start; False when the build finished first."""
    before = set(os.listdir(folder))
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while p.poll() is None:
            if ready(before):
                p.kill()
                p.wait()
                return True
            time.sleep(0.0005)
        return False
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    base = tmp_path_factory.mktemp("crash")
    v1 = copies(str(base / "v1"))
    v2 = copies(str(base / "v2"))
    write_doc(v2, "c0/news/crash-new.md", "Crashmarkør, en ny nyhed", "Et nyt dokument om crashmarkør.",
              type_="news")
    with open(os.path.join(v2, "c1", "guidance", "hospitalsundtagelse.md"), "a", encoding="utf-8") as f:
        f.write("\nEn ny sætning om crashmarkør.\n")
    served = base / "served"
    served.mkdir()
    db = served / "kb.db"
    index(v1, db, "--full")
    return base, v1, v2, str(served), str(db)


def test_sigkill_at_every_phase_leaves_the_served_index_untouched(setup):
    base, v1, v2, folder, db = setup
    d = Daemon(db, log=base / "searchd.stderr")
    try:
        before = answers(d, QUERIES)
        assert before["crashmarkør"][1]["total"] == 0
        digest, size = sha256(db), os.path.getsize(db)
        full = [prog("atmp-index"), "--corpus", v2, "--db", db, "-q", "--full"]
        incremental = [prog("atmp-index"), "--corpus", v2, "--db", db, "-q"]
        start = time.monotonic()
        points = [
            ("reading the corpus", full, lambda b: time.monotonic() - start > 0.03),
            ("writing the first documents", full, lambda b: build_dir_bytes(folder, b) > 0),
            ("writing documents", full, lambda b: build_dir_bytes(folder, b) > size * 0.2),
            ("writing the dictionary", full, lambda b: build_dir_bytes(folder, b) > size * 0.7),
            ("compacting: the temporary file appears", full, lambda b: tmp_file_bytes(folder, b) >= 0),
            ("compacting: half written", full, lambda b: tmp_file_bytes(folder, b) > size * 0.5),
            ("an incremental build compacting", incremental, lambda b: tmp_file_bytes(folder, b) > 0),
        ]
        for name, args, ready in points:
            start = time.monotonic()
            assert kill_when(args, folder, ready), "the build finished before the kill point: " + name
            assert sha256(db) == digest, "the index file changed after a kill while " + name
            d.proc.send_signal(1)  # SIGHUP: even a forced reopen finds the old index
            time.sleep(0.7)
            assert answers(d, QUERIES) == before, "answers changed after a kill while " + name
        assert d.get("/healthz")[0] == 200
    finally:
        d.stop()


def test_sigkill_after_the_rename_leaves_the_complete_new_index(setup):
    base, v1, v2, folder, db = setup
    ino = os.stat(db).st_ino

    def renamed(before):
        try:
            return os.stat(db).st_ino != ino
        except OSError:
            return False
    # the folder cleanup after the rename takes a few tens of milliseconds
    if not kill_when([prog("atmp-index"), "--corpus", v2, "--db", db, "-q", "--full"], folder, renamed):
        pytest.skip("the build cleaned up before it could be killed")
    r = subprocess.run([prog("atmp-search"), "--db", db, "--json", "crashmarkør"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert '"crashmarkør' in r.stdout.lower() or "crash-new" in r.stdout


def test_the_next_run_completes_and_leaves_no_temporary_files(setup):
    base, v1, v2, folder, db = setup
    d = Daemon(db, log=base / "searchd2.stderr")
    try:
        r = subprocess.run([prog("atmp-index"), "--corpus", v2, "--db", db], capture_output=True, text=True,
                           timeout=120)
        assert r.returncode == 0, r.stderr
        deadline = time.time() + 3
        while time.time() < deadline:
            status, res = d.search("crashmarkør")
            if res["total"]:
                break
            time.sleep(0.1)
        assert "c0/news/crash-new" in [h["id"] for h in res["hits"]]
        left = sorted(set(os.listdir(folder)) - {"kb.db"})
        assert left == [], "left behind by the killed builds and not cleaned up by the next: %s" % left
    finally:
        d.stop()
