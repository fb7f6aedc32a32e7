#!/bin/bash
# bench/profile.sh — where the time goes: the query path and the indexer under a profiler.
#
#   bench/profile.sh [DOCS]      (after make bench, which leaves the tools and corpora in place)
#
# With hardware counters (`perf stat -e instructions true` works) it samples with perf; without them
# (most virtual machines) it counts instructions exactly with valgrind's callgrind. Profiles:
#   - queries: bench/qbench, one warm-up pass and one timed pass of bench/queries.tsv, on the
#     atmp index of DOCS documents (default 10000) that make bench built;
#   - indexer: atmp-index --full over the first 300 generated documents.
# Writes $BENCH_DIR/profile-{query,index}.{out,txt}: the raw profile and the functions with the
# most inclusive and self cost. Reading them is for people: bench/RESULTS.md says what they show.
set -u
cd "$(dirname "$0")/.." || exit 1
BIN=${ATMP_BIN:-./bin}
TOOLS=${BENCH_TOOLS:-build/bench}
WORK=${BENCH_DIR:-/tmp/atmp-bench}
DOCS=${1:-10000}
die() { echo "profile: $*" >&2; exit 1; }

[ -f "$WORK/atmp-$DOCS.db" ] || die "no $WORK/atmp-$DOCS.db: run make bench first"
small="$WORK/corpus-300"
if [ ! -d "$small" ]; then
	"$TOOLS/gen" --docs 300 --out "$small" --terms bench/terms.txt --synonyms corpus/synonyms.txt \
		|| die "gen failed"
fi

if perf stat -e instructions true 2>&1 | grep -q '[0-9] *instructions'; then
	tool=perf
else
	tool=callgrind
	command -v valgrind >/dev/null || {
		if [ "$(id -u)" -eq 0 ]; then
			DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends valgrind >/dev/null
		else
			die "valgrind missing; run as root: apt-get install -y --no-install-recommends valgrind"
		fi
	}
fi
echo "profile: using $tool" >&2

profile() { # NAME CMD...
	local name=$1
	shift
	if [ $tool = perf ]; then
		perf record -g -o "$WORK/profile-$name.out" "$@" >/dev/null 2>&1 || die "$name: perf record failed"
		perf report -i "$WORK/profile-$name.out" --children --stdio --percent-limit 2 2>/dev/null \
			>"$WORK/profile-$name.txt"
	else
		valgrind --tool=callgrind --callgrind-out-file="$WORK/profile-$name.out" "$@" >/dev/null 2>&1 \
			|| die "$name: callgrind failed"
		{
			echo "== inclusive =="
			callgrind_annotate --inclusive=yes "$WORK/profile-$name.out" 2>/dev/null | sed -n '/^Ir/,$p' | head -70
			echo "== self =="
			callgrind_annotate "$WORK/profile-$name.out" 2>/dev/null | sed -n '/^Ir/,$p' | head -45
		} >"$WORK/profile-$name.txt"
	fi
	echo "profile: $WORK/profile-$name.txt" >&2
}

profile query "$TOOLS/qbench" "$WORK/atmp-$DOCS.db" bench/queries.tsv --rounds 1
rm -f "$WORK/profile-300.db"
profile index "$BIN/atmp-index" --corpus "$small" --db "$WORK/profile-300.db" --full -q
rm -f "$WORK/profile-300.db"
