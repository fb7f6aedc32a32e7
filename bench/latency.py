#!/usr/bin/env python3
"""latency.py SAMPLES — the latency lines of qbench and peer ("CATEGORY n p50_us p99_us mean_us",
a line per category and one for "all") from the timings they appended to SAMPLES with --samples
("CATEGORY<TAB>us" a line), so that rounds run in turns by the two programs are summed up as one.
The percentiles are those of qbench.c and peer.cc: the sample at p * (n - 1), rounded. Bench only."""
import sys


def line(cat, v):
    v = sorted(v)
    pct = lambda p: v[min(int(p * (len(v) - 1) + 0.5), len(v) - 1)]
    return f"{cat} {len(v)} {pct(0.5):.1f} {pct(0.99):.1f} {sum(v) / len(v):.1f}"


def main():
    by = {}
    with open(sys.argv[1], encoding="utf-8") as f:
        for row in f:
            cat, _, us = row.rstrip("\n").partition("\t")
            if us:
                by.setdefault(cat, []).append(float(us))
    if not by:
        sys.exit(f"latency.py: no samples in {sys.argv[1]}")
    for cat, v in by.items():
        print(line(cat, v))
    print(line("all", [x for v in by.values() for x in v]))


main()
