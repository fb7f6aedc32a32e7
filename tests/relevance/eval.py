#!/usr/bin/env python3
"""Relevance evaluation for atmp-kb: nDCG@10 and recall@10 per category and overall, for atmp-kb and,
side by side, for the Xapian baseline (tests/relevance/baseline.cc).

Every query of queries.tsv goes through `atmp-search --db DB --json --limit 10 -- QUERY` (binaries from
--atmp-bin, else $ATMP_BIN, else ./bin) and, when --baseline is given, through `baseline search`.

  nDCG@10   DCG = sum over ranks i = 1..10 of (2^grade - 1) / log2(i + 1); divided by the DCG of the
            ideal ordering of all judged documents. Unjudged documents have grade 0.
  recall@10 judged documents (grade >= 1) found in the top 10 / all judged documents.
  Category and overall figures are means over queries (overall = mean over all queries).

With --floor FILE (tests/relevance/floor.json) each category and the overall atmp-kb nDCG@10 is
checked against the floor; the last line is "N passed, M failed" and the exit status is 1 if any
check failed. Exit status 2: bad usage, a bad queries file, or a program that could not be run.
"""
import argparse
import concurrent.futures
import json
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CATEGORIES = ["exact", "inflected", "compound", "folding", "synonym", "cross-language", "typo",
              "phrase", "question"]
K = 10


class DataError(Exception):
    pass


def corpus_ids(corpus):
    """Document ids of a corpus: path below the root without .md, or the front matter's id:."""
    ids = set()
    for root, _dirs, files in os.walk(corpus):
        for name in files:
            if not name.endswith(".md"):
                continue
            path = os.path.join(root, name)
            doc_id = os.path.relpath(path, corpus)[:-3].replace(os.sep, "/")
            with open(path, encoding="utf-8") as f:
                lines = f.read().split("\n")
            if lines and lines[0].strip() == "---":
                for line in lines[1:]:
                    if line.strip() == "---":
                        break
                    if line.startswith("id:"):
                        doc_id = line[3:].strip().strip("\"'")
            ids.add(doc_id)
    return ids


def load_queries(path, known_ids=None):
    queries, seen = [], set()
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if cols[0] == "id":
                continue  # header
            where = f"{path}:{n}"
            if len(cols) < 4:
                raise DataError(f"{where}: expected id, category, query, judgments[, note] separated by tabs")
            qid, cat, text, judg = cols[0].strip(), cols[1].strip(), cols[2].strip(), cols[3].strip()
            if qid in seen:
                raise DataError(f"{where}: duplicate query id {qid}")
            seen.add(qid)
            if cat not in CATEGORIES:
                raise DataError(f"{where}: unknown category '{cat}' (one of {', '.join(CATEGORIES)})")
            if not text:
                raise DataError(f"{where}: empty query")
            grades = {}
            for item in judg.split():
                doc, sep, g = item.rpartition("=")
                if not sep or g not in ("1", "2", "3"):
                    raise DataError(f"{where}: bad judgment '{item}' (want DOC_ID=1|2|3)")
                if doc in grades:
                    raise DataError(f"{where}: {doc} judged twice")
                if known_ids is not None and doc not in known_ids:
                    raise DataError(f"{where}: no document '{doc}' in the corpus")
                grades[doc] = int(g)
            if not grades:
                raise DataError(f"{where}: no judgments")
            queries.append({"id": qid, "category": cat, "query": text, "grades": grades,
                            "note": cols[4].strip() if len(cols) > 4 else ""})
    if not queries:
        raise DataError(f"{path}: no queries")
    return queries


def ndcg(ranked, grades, k=K):
    seen, dcg = set(), 0.0
    for i, doc in enumerate(ranked[:k]):
        if doc in seen:
            continue
        seen.add(doc)
        dcg += (2 ** grades.get(doc, 0) - 1) / math.log2(i + 2)
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall(ranked, grades, k=K):
    rel = {d for d, g in grades.items() if g >= 1}
    return len(rel & set(ranked[:k])) / len(rel) if rel else 0.0


def run_atmp(search_bin, db, query):
    """Top-K ids from atmp-search; (ids, error-or-None)."""
    try:
        p = subprocess.run([search_bin, "--db", db, "--json", "--limit", str(K), "--", query],
                           capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return [], f"could not run: {e}"
    if p.returncode != 0:
        return [], f"exit {p.returncode}: {p.stderr.decode('utf-8', 'replace').strip()[:200]}"
    try:
        data = json.loads(p.stdout)
        return [h["id"] for h in data.get("hits", [])][:K], None
    except (ValueError, KeyError, TypeError) as e:
        return [], f"bad JSON: {e}"


def run_baseline(baseline_bin, db, queries):
    text = "".join(q["query"] + "\n" for q in queries)
    try:
        p = subprocess.run([baseline_bin, "search", db, str(K)], input=text.encode("utf-8"),
                           capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise DataError(f"baseline: could not run {baseline_bin}: {e}")
    lines = p.stdout.decode("utf-8").split("\n")
    if p.returncode != 0 or len(lines) < len(queries):
        raise DataError(f"baseline: exit {p.returncode}, {len(lines)} answers for {len(queries)} queries: "
                        + p.stderr.decode("utf-8", "replace").strip()[:300])
    return [[d for d in line.split("\t") if d] for line in lines[:len(queries)]]


def mean(xs):
    return sum(xs) / len(xs) if xs else 0.0


def summarise(queries, system):
    rows = {}
    for cat in CATEGORIES + ["overall"]:
        qs = [q for q in queries if cat == "overall" or q["category"] == cat]
        if not qs:
            continue
        rows[cat] = {"n": len(qs),
                     "ndcg": mean([q[system]["ndcg"] for q in qs]),
                     "recall": mean([q[system]["recall"] for q in qs])}
    return rows


def fmt(x):
    return "   -  " if x is None else f"{x:6.3f}"


def print_table(atmp, base):
    has_base = base is not None
    print()
    if has_base:
        print(f"{'category':<15} {'n':>3}   {'nDCG@10':^22}   {'recall@10':^15}")
        print(f"{'':<15} {'':>3}   {'baseline':>8} {'atmp-kb':>7} {'delta':>6}   {'baseline':>8} {'atmp-kb':>7}")
    else:
        print(f"{'category':<15} {'n':>3}   {'nDCG@10':>8}   {'recall@10':>9}")
    print("-" * (65 if has_base else 42))
    for cat, r in atmp.items():
        if cat == "overall":
            print("-" * (65 if has_base else 42))
        if has_base:
            b = base[cat]
            print(f"{cat:<15} {r['n']:>3}   {b['ndcg']:8.3f} {r['ndcg']:7.3f} {r['ndcg'] - b['ndcg']:+6.3f}"
                  f"   {b['recall']:8.3f} {r['recall']:7.3f}")
        else:
            print(f"{cat:<15} {r['n']:>3}   {r['ndcg']:8.3f}   {r['recall']:9.3f}")
    print()


def print_details(queries, has_base):
    for q in queries:
        a = q["atmp"]
        line = f"{q['id']:<5} {q['category']:<14} atmp-kb nDCG {a['ndcg']:.3f} R {a['recall']:.3f}"
        if has_base:
            b = q["baseline"]
            line += f" | baseline nDCG {b['ndcg']:.3f} R {b['recall']:.3f}"
        print(f"{line}  {q['query']}")
        for name in (["atmp", "baseline"] if has_base else ["atmp"]):
            ids = q[name]["ids"]
            shown = " ".join(f"{d}({q['grades'].get(d, 0)})" for d in ids) or "(no hits)"
            print(f"      {'atmp-kb ' if name == 'atmp' else 'baseline'}: {shown}")
        missing = [f"{d}({g})" for d, g in sorted(q["grades"].items(), key=lambda x: -x[1])
                   if d not in q["atmp"]["ids"]]
        if missing:
            print(f"      missed by atmp-kb: {' '.join(missing)}")


def check_floor(path, atmp):
    with open(path, encoding="utf-8") as f:
        floor = json.load(f)
    checks = [("overall", floor.get("overall"))]
    cats = floor.get("categories", {})
    checks += [(c, cats.get(c)) for c in CATEGORIES if c in atmp]
    passed = failed = 0
    for name, want in checks:
        got = atmp[name]["ndcg"]
        if want is None:
            print(f"PASS floor {name}: nDCG@10 {got:.3f} (no floor set)")
            passed += 1
        elif got + 1e-9 >= float(want):
            print(f"PASS floor {name}: nDCG@10 {got:.3f} >= {float(want):.3f}")
            passed += 1
        else:
            print(f"FAIL floor {name}: nDCG@10 {got:.3f} < {float(want):.3f}")
            failed += 1
    return passed, failed


def write_floor(path, atmp, margin):
    def down(x):
        return max(0.0, math.floor((x - margin) * 100) / 100)
    floor = {"metric": "nDCG@10 of atmp-kb; run.sh fails when a figure drops below these",
             "overall": down(atmp["overall"]["ndcg"]),
             "categories": {c: down(atmp[c]["ndcg"]) for c in CATEGORIES if c in atmp}}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(floor, f, indent=2)
        f.write("\n")
    print(f"wrote {path} (atmp-kb figures minus {margin}, rounded down)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="atmp-kb index of the corpus (built by atmp-index)")
    ap.add_argument("--atmp-bin", default=os.environ.get("ATMP_BIN", "./bin"),
                    help="folder holding atmp-search (default: $ATMP_BIN, else ./bin)")
    ap.add_argument("--baseline", help="the compiled baseline program")
    ap.add_argument("--baseline-db", help="the baseline's Xapian database (baseline index CORPUS DB)")
    ap.add_argument("--queries", default=os.path.join(HERE, "queries.tsv"))
    ap.add_argument("--corpus", default="corpus", help="corpus folder, to check judged ids (default: ./corpus)")
    ap.add_argument("--floor", help="JSON floor file; fail (exit 1) when atmp-kb nDCG@10 falls below it")
    ap.add_argument("--write-floor", metavar="FILE", help="write atmp-kb's figures, minus --margin, as a floor")
    ap.add_argument("--margin", type=float, default=0.02, help="margin for --write-floor (default 0.02)")
    ap.add_argument("--category", action="append", choices=CATEGORIES, help="only these categories")
    ap.add_argument("--details", action="store_true", help="per query: scores, ranked ids with grades, misses")
    ap.add_argument("--json", metavar="FILE", help="write per-query results and the summary as JSON")
    args = ap.parse_args()

    try:
        known = corpus_ids(args.corpus) if os.path.isdir(args.corpus) else None
        if known is None:
            print(f"eval: no corpus folder {args.corpus}; judged ids not checked", file=sys.stderr)
        queries = load_queries(args.queries, known)
        if args.category:
            queries = [q for q in queries if q["category"] in args.category]
        search_bin = os.path.join(args.atmp_bin, "atmp-search")
        if not os.access(search_bin, os.X_OK):
            raise DataError(f"no executable {search_bin} (build with make, or set ATMP_BIN / --atmp-bin)")
        if not os.path.exists(args.db):
            raise DataError(f"no index {args.db}")

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as ex:
            answers = list(ex.map(lambda q: run_atmp(search_bin, args.db, q["query"]), queries))
        errors = 0
        for q, (ids, err) in zip(queries, answers):
            if err:
                errors += 1
                print(f"eval: atmp-search failed on {q['id']} {q['query']!r}: {err}", file=sys.stderr)
            q["atmp"] = {"ids": ids, "error": err}

        has_base = bool(args.baseline)
        if has_base:
            if not args.baseline_db:
                raise DataError("--baseline needs --baseline-db")
            for q, ids in zip(queries, run_baseline(args.baseline, args.baseline_db, queries)):
                q["baseline"] = {"ids": ids}
    except DataError as e:
        print(f"eval: {e}", file=sys.stderr)
        return 2

    for q in queries:
        for name in (["atmp", "baseline"] if has_base else ["atmp"]):
            q[name]["ndcg"] = ndcg(q[name]["ids"], q["grades"])
            q[name]["recall"] = recall(q[name]["ids"], q["grades"])

    atmp = summarise(queries, "atmp")
    base = summarise(queries, "baseline") if has_base else None
    if args.details:
        print_details(queries, has_base)
    print(f"relevance: {len(queries)} queries, {sum(len(q['grades']) for q in queries)} judgments"
          + (f", {errors} atmp-search failures" if errors else ""))
    print_table(atmp, base)

    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"summary": {"atmp-kb": atmp, "baseline": base}, "queries": queries}, f,
                      ensure_ascii=False, indent=1)
    if args.write_floor:
        write_floor(args.write_floor, atmp, args.margin)
    if args.floor:
        try:
            passed, failed = check_floor(args.floor, atmp)
        except (OSError, ValueError) as e:
            print(f"eval: floor {args.floor}: {e}", file=sys.stderr)
            return 2
        print(f"{passed} passed, {failed} failed")
        return 1 if failed else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
