#!/usr/bin/env python3
"""report — turns the KEY<TAB>VALUE lines of bench/run.sh into the measured part of bench/RESULTS.md.

    python3 bench/report.py RESULTS_TSV RESULTS_MD

Only the text between the bench:begin and bench:end markers is replaced; what stands outside them
(the profile and what to change, written by people) is kept. Not product code: bench/ only.
"""
import os
import sys

BEGIN = "<!-- bench:begin: written by make bench (bench/run.sh, bench/report.py); edit outside the markers -->"
END = "<!-- bench:end -->"


def load(path):
    r = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("\t")
            r[k] = v
    return r


def num(r, k, default=None):
    try:
        return float(r[k])
    except (KeyError, ValueError):
        return default


def k_(n):
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def fmt(x, d=1):
    if x is None:
        return "–"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.{d}f}"


def ratio(a, b):
    return a / b if a is not None and b else None


def mark(ok):
    return "–" if ok is None else ("**met**" if ok else "**missed**")


def qstats(r, who, n):
    """{category: (count, p50_us, p99_us, mean_us)} in file order"""
    out = {}
    pre = f"q.{who}.{n}."
    for k, v in r.items():
        if k.startswith(pre):
            c, p50, p99, mean = v.split()
            out[k[len(pre):]] = (int(c), float(p50), float(p99), float(mean))
    return out


def search_key(r, n):
    """The wrk run whose every request was a search: --cache-mb 0, or (results of a run before the
    answer cache) the only one there is."""
    return f"http.nocache.{n}" if f"http.nocache.{n}.rps" in r else f"http.atmp.{n}"


def hit_ratio(r, n):
    h, m = num(r, f"cache.{n}.hits"), num(r, f"cache.{n}.misses")
    return h / (h + m) if h is not None and m is not None and h + m else None


def build(r):
    sizes = [int(s) for s in r.get("sizes", "").split()]
    first = sizes[0] if sizes else None
    L = []
    w = L.append
    w("# Benchmarks")
    w("")
    w(f"Measured {r.get('date')} on {r.get('cpu')}, {r.get('cores')} cores, {r.get('mem_gb')} GB, "
      f"Linux {r.get('kernel')}, Xapian {r.get('xapian')}; atmp-kb at {r.get('commit')}. "
      f"This run (`make bench`, BENCH_BUDGET={r.get('budget_s')}"
      f"{': no time limit' if r.get('budget_s') == '0' else ' s'}) took {r.get('total_s')} s. Load average at the start {r.get('load_start')}, "
      f"at the end {r.get('load_end')}: the machine may be shared, so wall times carry noise; CPU "
      "times and the ratios of two programs measured in the same run carry less.")
    w("")

    # ---------- targets ----------
    rows = []
    # indexing
    parts, oks = [], []
    for n in sizes:
        rc = ratio(num(r, f"idx.atmp.{n}.cpu"), num(r, f"idx.peer.{n}.cpu"))
        rw = ratio(num(r, f"idx.atmp.{n}.wall"), num(r, f"idx.peer.{n}.wall"))
        ta, tp = f"idx.atmp.{n}.timeout" in r, f"idx.peer.{n}.timeout" in r
        if f"idx.atmp.{n}.skipped" in r or f"idx.peer.{n}.skipped" in r:
            who = " and ".join(w for w, k in (("atmp-index", "atmp"), ("the peer", "peer"))
                               if f"idx.{k}.{n}.skipped" in r)
            parts.append(f"{k_(n)}: {who} not run (BENCH_BUDGET; `make bench BENCH_BUDGET=0` runs it)")
        elif ta and tp:
            parts.append(f"{k_(n)}: neither finished in {r.get(f'idx.{n}.limit_s')} s")
        elif ta:
            parts.append(f"{k_(n)}: ≥ {rc:.2f}× CPU (atmp-index stopped after {r.get(f'idx.{n}.limit_s')} s)")
            oks.append(False if rc > 2.0 else None)
        elif tp:
            parts.append(f"{k_(n)}: ≤ {rc:.2f}× CPU (the peer stopped after {r.get(f'idx.{n}.limit_s')} s)")
            oks.append(True if rc <= 2.0 else None)
        elif rc is not None:
            parts.append(f"{k_(n)}: {rc:.2f}× CPU ({fmt(rw, 2)}× wall)")
            oks.append(rc <= 2.0)
    oks = [o for o in oks if o is not None]
    rows.append(("indexing time ≤ 2× the peer's (Xapian TermGenerator + Stem(\"danish\"))",
                 "; ".join(parts), all(oks) if oks else None, len(oks) < len(sizes)))
    if "inc.10000.cpu" in r:
        full_c, inc_c = num(r, "idx.atmp.10000.cpu"), num(r, "inc.10000.cpu")
        full_w, inc_w = num(r, "idx.atmp.10000.wall"), num(r, "inc.10000.wall")
        pc, pw = 100 * inc_c / full_c, 100 * inc_w / full_w
        rows.append(("incremental run after changing one document of 10k ≤ 10% of a full build",
                     f"{pc:.0f}% CPU ({fmt(inc_c, 1)} s of {fmt(full_c, 1)} s); {pw:.0f}% wall",
                     pc <= 10))
    parts, oks = [], []
    for n in sizes:
        a, p = qstats(r, "atmp", n).get("all"), qstats(r, "peer", n).get("all")
        if a and p:
            rr = a[1] / p[1]
            parts.append(f"{k_(n)}: {rr:.1f}× ({fmt(a[1] / 1000, 2)} ms vs {fmt(p[1] / 1000, 2)} ms)")
            oks.append(rr <= 3)
    rows.append(("query p50 ≤ 3× the peer's (QueryParser + Stem(\"danish\"))", "; ".join(parts),
                 all(oks) if oks else None, len(oks) < len(sizes)))
    for n, lim in ((10000, 2.0), (100000, 10.0)):
        a = qstats(r, "atmp", n).get("all")
        if a:
            rows.append((f"query p99 ≤ {lim:g} ms at {k_(n)} documents", f"{a[2] / 1000:.2f} ms",
                         a[2] / 1000 <= lim))
        elif n in sizes:
            rows.append((f"query p99 ≤ {lim:g} ms at {k_(n)} documents", "not measured in this run", None))
    # the search itself over HTTP: judged on the daemon without its answer cache (--cache-mb 0), whose
    # every request is a search, as every query in process is
    parts, oks = [], []
    for n in sizes:
        h, q = num(r, f"{search_key(r, n)}.rps"), num(r, f"qps.atmp.{n}")
        if h is not None and q:
            parts.append(f"{k_(n)}: {100 * h / q:.0f}% ({fmt(h)} of {fmt(q)}/s)")
            oks.append(h / q >= 0.6)
    rows.append(("HTTP requests/s ≥ 60% of the library's queries/s in process on the same cores "
                 "(`--cache-mb 0`: every request a search)",
                 "; ".join(parts), all(oks) if oks else None, len(oks) < len(sizes)))
    if first is not None and "http.floor.rps" in r:
        h, f = num(r, f"http.atmp.{first}.rps"), num(r, "http.floor.rps")
        u = num(r, f"http.nocache.{first}.rps")
        errs = sum(int(num(r, f"http.{who}.{n}.errors", 0)) for who in ("atmp", "nocache") for n in sizes)
        hr = hit_ratio(r, first)
        cached = f" with the answer cache (default; {100 * hr:.2f}% hits)" if hr is not None else ""
        without = f"; without it (`--cache-mb 0`) {100 * u / f:.1f}% ({fmt(u)}/s)" if u is not None else ""
        rows.append((f"HTTP ≥ 25% of the fixed-body floor at {k_(first)} documents, with no errors",
                     f"{100 * h / f:.1f}% ({fmt(h)} vs {fmt(f)}/s){cached}{without}; {errs} errors in all runs",
                     h / f >= 0.25 and errs == 0))
    if 100000 in sizes:
        m = num(r, "rss.100000.hwm_kb")
        rows.append(("daemon peak RSS ≤ 64 MB at 100k documents",
                     f"{m / 1024:.0f} MB" if m else "not measured in this run", m / 1024 <= 64 if m else None))
    w("## Targets of issue 8")
    w("")
    w("| target | measured | |")
    w("|---|---|---|")
    for t, v, ok, *partial in rows:
        m = mark(ok)
        if partial and partial[0] and ok is not None:
            m += " where measured"
        w(f"| {t} | {v} | {m} |")
    w("")

    # ---------- corpora ----------
    w("## Corpora")
    w("")
    w("Made by `bench/gen.c` (seed 2025): Danish (65%) and English (35%) documents of the six types of "
      "`corpus/`, with front matter, an introduction and `##` sections (FAQs: one question each), "
      "lists, bold terms, legal references and links; words from Debian's wdanish and wamerican lists "
      "(Zipf–Mandelbrot by a seeded rank), function words, and the domain terms of `bench/terms.txt` "
      "with a Zipf-like frequency; `corpus/synonyms.txt` copied in. Document *i* is the same in every "
      "size.")
    w("")
    w("| documents | Xapian records (sections + heads) | Markdown |")
    w("|---:|---:|---:|")
    for n in sizes:
        w(f"| {n:,} | {fmt(num(r, f'sections.{n}'))} | {fmt(num(r, f'corpus.{n}.bytes', 0) / 1e6)} MB |")
    w("")

    # ---------- indexing ----------
    w("## Indexing")
    w("")
    w("A full build each (`atmp-index --full`; the peer indexes the same sections with TermGenerator "
      "and compacts to one file as atmp-index does). The two indexers are single-threaded and ran at "
      f"the same time, one per core. Docs/s and MB/s are by wall time. Budget: {r.get('budget_s')} s "
      "for the whole run (0: none); a build past 10k documents gets what is left of it.")
    w("")
    w("| documents | program | wall s | CPU s | docs/s | MB/s | index MB | peak RSS MB | CPU ratio | wall ratio | size ratio |")
    w("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        mb = num(r, f"corpus.{n}.bytes", 0) / 1e6
        for who in ("atmp", "peer"):
            wall, cpu = num(r, f"idx.{who}.{n}.wall"), num(r, f"idx.{who}.{n}.cpu")
            size = num(r, f"idx.{who}.{n}.bytes", 0) / 1e6
            rss = num(r, f"idx.{who}.{n}.rss_kb", 0) / 1024
            if who == "atmp":
                rc = ratio(cpu, num(r, f"idx.peer.{n}.cpu"))
                rw = ratio(wall, num(r, f"idx.peer.{n}.wall"))
                rs = ratio(size, num(r, f"idx.peer.{n}.bytes", 0) / 1e6)
                tail = f"{fmt(rc, 2)}× | {fmt(rw, 2)}× | {fmt(rs, 2)}×"
            else:
                tail = "1 | 1 | 1"
            name = "atmp-index" if who == "atmp" else "peer"
            cached = r.get(f"idx.{who}.{n}.cached")
            if f"idx.{who}.{n}.skipped" in r:
                note = (f"; queries use the index of {cached}, same program and corpus" if cached
                        else "; not queried")
                w(f"| {n:,} | {name}: not built in this run, it would not fit the budget{note} | – | – | – | – | "
                  f"{fmt(size) if cached else '–'} | – | – | – | – |")
                continue
            if f"idx.{who}.{n}.timeout" in r:
                name += (" (stopped at the time limit" +
                         (f"; queries use the index of {cached}, same program and corpus)" if cached else ")"))
                w(f"| {n:,} | {name} | ≥ {fmt(wall, 2)} | ≥ {fmt(cpu, 2)} | ≤ {fmt(ratio(n, wall))} | "
                  f"≤ {fmt(ratio(mb, wall), 2)} | {fmt(size) if cached else '–'} | – | {tail} |")
                continue
            w(f"| {n:,} | {name} | {fmt(wall, 2)} | {fmt(cpu, 2)} | {fmt(ratio(n, wall))} | "
              f"{fmt(ratio(mb, wall), 2)} | {fmt(size)} | {fmt(rss)} | {tail} |")
    if "inc.10000.cpu" in r:
        w("")
        w(f"Incremental at 10k after appending a sentence to one document: {fmt(num(r, 'inc.10000.wall'), 2)} s "
          f"wall, {fmt(num(r, 'inc.10000.cpu'), 2)} s CPU (`{r.get('inc.10000.summary', '')}`).")
    w("")

    # ---------- queries ----------
    w("## Queries in process")
    w("")
    w("The mix of `bench/queries.tsv` (single words, two words, phrases, prefixes, typos, questions, "
      "filters), limit 10; every query 5 times, each round after a warm-up pass (up to 10k "
      "documents atmp-kb and the peer take turns, a round each; at the largest size each runs its "
      "rounds in one go, fewer when 20 s have passed). atmp-kb: `kb_search_run` (`bench/qbench.c`, linked with "
      "libatmpkb.a): synonyms, graded forms, corrections, collapsing, snippets, facets and exact "
      "totals. Peer: QueryParser + Stem(\"danish\") + Enquire, top 10 with their data "
      "(`bench/peer.cc`). Latency in ms; throughput with one thread (and one searcher) per core.")
    w("")
    for n in sizes:
        a, p = qstats(r, "atmp", n), qstats(r, "peer", n)
        if not a:
            continue
        w(f"**{n:,} documents**")
        w("")
        w("| queries | n | atmp p50 | atmp p99 | peer p50 | peer p99 | p50 ratio | p99 ratio |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|")
        for cat, (c, p50, p99, _) in a.items():
            pp = p.get(cat)
            w(f"| {cat} | {c} | {fmt(p50 / 1000, 3)} | {fmt(p99 / 1000, 3)} | "
              f"{fmt(pp[1] / 1000 if pp else None, 3)} | {fmt(pp[2] / 1000 if pp else None, 3)} | "
              f"{fmt(ratio(p50, pp[1] if pp else None), 1)}× | {fmt(ratio(p99, pp[2] if pp else None), 1)}× |")
        qa, qp = num(r, f"qps.atmp.{n}"), num(r, f"qps.peer.{n}")
        w(f"| **throughput**, {r.get('cores')} threads | | {fmt(qa)} q/s | | {fmt(qp)} q/s | | "
          f"{fmt(ratio(qa, qp), 3)}× | |")
        w("")

    # ---------- HTTP ----------
    w("## Over HTTP")
    w("")
    w(f"`wrk -t1 -c8 -d{r.get('wrk_seconds')}s --latency -s bench/mix.lua` on 127.0.0.1, cycling "
      "through the same mix as `GET /api/search?q=…`; `atmp-searchd --threads "
      f"{r.get('searchd_threads', r.get('cores'))}` (its default). The floor is `bench/floor.c`: libmicrohttpd started as atmp-searchd "
      f"starts it, answering every request with the same {fmt(num(r, 'floor.body_bytes'))}-byte "
      "JSON (atmp-searchd's answer to `genterapi` at the smallest size). wrk runs on the same cores "
      "as the server (one of its threads), so a server gets less than all of them; the "
      "in-process throughput had them all.")
    w("")
    ratios = [f"{k_(n)}: {100 * hit_ratio(r, n):.2f}%" for n in sizes if hit_ratio(r, n) is not None]
    w("atmp-searchd runs twice at each size: as it runs by default, with its answer cache "
      "(`--cache-mb 8`: a repeated search or suggestion is answered from memory in the connection's "
      "thread, its `took_ms` the time of that request, until the daemon picks up a new index), and "
      "with `--cache-mb 0`, where every request is a search. The mix repeats its "
      f"{r.get('mix_queries', '56')} queries over and over, so the cached rows are nearly all hits"
      + (f" (hits of the cache's lookups, from its /metrics after the run: {'; '.join(ratios)})"
         if ratios else "")
      + ": they measure the daemon's answer to popular queries and search-as-you-type repeating "
      "itself, the other rows the search itself over HTTP. Peak RSS below is the default daemon's.")
    w("")
    w("| server | documents | requests/s | p50 ms | p99 ms | errors | vs in process | vs floor |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|")
    fl = num(r, "http.floor.rps")
    for n in sizes:
        for key, name in ((f"http.atmp.{n}", "atmp-searchd (answer cache, default)"),
                          (f"http.nocache.{n}", "atmp-searchd --cache-mb 0")):
            h = num(r, f"{key}.rps")
            if h is None:
                continue
            # answers from memory are no search: only the uncached row compares with searches in process
            vs_q = (f"{fmt(ratio(100 * h, num(r, f'qps.atmp.{n}')), 0)}%"
                    if key == search_key(r, n) else "–")
            if key == search_key(r, n) == f"http.atmp.{n}":
                name = "atmp-searchd"  # a run before the answer cache
            w(f"| {name} | {n:,} | {fmt(h)} | {fmt(num(r, key + '.p50_ms'), 2)} | "
              f"{fmt(num(r, key + '.p99_ms'), 2)} | {int(num(r, key + '.errors', 0))} | "
              f"{vs_q} | {fmt(ratio(100 * h, fl), 1)}% |")
    if fl:
        w(f"| floor (fixed body) | – | {fmt(fl)} | {fmt(num(r, 'http.floor.p50_ms'), 2)} | "
          f"{fmt(num(r, 'http.floor.p99_ms'), 2)} | {int(num(r, 'http.floor.errors', 0))} | – | 100% |")
    w("")

    # ---------- memory ----------
    w("## Memory of the daemon")
    w("")
    w("RSS right after start and the peak (VmHWM of /proc/PID/status) after the wrk run, with "
      f"{r.get('searchd_threads', r.get('cores'))} search threads (one searcher each, sharing the "
      "vocabulary and document values).")
    w("")
    w("| documents | RSS at start MB | peak RSS MB | index file MB |")
    w("|---:|---:|---:|---:|")
    for n in sizes:
        if f"rss.{n}.hwm_kb" not in r:
            w(f"| {n:,} | – | – | – |")
            continue
        w(f"| {n:,} | {fmt(num(r, f'rss.{n}.idle_kb', 0) / 1024)} | {fmt(num(r, f'rss.{n}.hwm_kb', 0) / 1024)} | "
          f"{fmt(num(r, f'idx.atmp.{n}.bytes', 0) / 1e6)} |")
    w("")

    # ---------- growth ----------
    if len(sizes) >= 2:
        w("## Growth")
        w("")
        w("Each figure at a size divided by the same figure at the size before (10× the documents; "
          "1× means it does not grow, 10× means linear).")
        w("")
        hdr = " | ".join(f"{k_(a)}→{k_(b)}" for a, b in zip(sizes, sizes[1:]))
        w(f"| figure | {hdr} |")
        w("|---|" + "---:|" * (len(sizes) - 1))

        def grow(label, f):
            cells = []
            for a, b in zip(sizes, sizes[1:]):
                x, y = f(a), f(b)
                cells.append(f"{y / x:.1f}×" if x and y else "–")
            w(f"| {label} | " + " | ".join(cells) + " |")

        grow("atmp-index CPU time", lambda n: num(r, f"idx.atmp.{n}.cpu"))
        grow("peer index CPU time", lambda n: num(r, f"idx.peer.{n}.cpu"))
        grow("atmp index size", lambda n: num(r, f"idx.atmp.{n}.bytes"))
        grow("peer index size", lambda n: num(r, f"idx.peer.{n}.bytes"))
        grow("atmp query p50", lambda n: (qstats(r, "atmp", n).get("all") or (0, 0))[1])
        grow("atmp query p99", lambda n: (qstats(r, "atmp", n).get("all") or (0, 0, 0))[2])
        grow("peer query p50", lambda n: (qstats(r, "peer", n).get("all") or (0, 0))[1])
        grow("peer query p99", lambda n: (qstats(r, "peer", n).get("all") or (0, 0, 0))[2])
        grow("atmp-searchd requests/s (answer cache)", lambda n: num(r, f"http.atmp.{n}.rps"))
        grow("atmp-searchd requests/s (--cache-mb 0)", lambda n: num(r, f"http.nocache.{n}.rps"))
        grow("atmp-searchd peak RSS", lambda n: num(r, f"rss.{n}.hwm_kb"))
        w("")
    return "\n".join(L)


def main():
    r = load(sys.argv[1])
    out = sys.argv[2]
    old = open(out, encoding="utf-8").read() if os.path.exists(out) else ""
    body = BEGIN + "\n" + build(r) + "\n" + END
    b, e = old.find("<!-- bench:begin"), old.find(END)
    if b >= 0 and e > b:
        new = old[:b] + body + old[e + len(END):]
    else:
        new = body + "\n\n" + old
    with open(out, "w", encoding="utf-8") as f:
        f.write(new if new.endswith("\n") else new + "\n")


if __name__ == "__main__":
    main()
