#!/bin/sh
# Relevance suite: builds the Xapian baseline and an atmp-kb index of ./corpus in a temporary folder,
# runs every query of tests/relevance/queries.tsv through both, prints nDCG@10 / recall@10 per
# category side by side, and checks atmp-kb against tests/relevance/floor.json (one test per category
# plus one overall). The last line is "N passed, M failed".
#
#   tests/relevance/run.sh [--no-floor] [eval.py options, e.g. --details, --category typo]
#
# Programs come from $ATMP_BIN (default ./bin); the baseline needs g++ and xapian-config.
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN_DIR=${ATMP_BIN:-./bin}
FLOOR=tests/relevance/floor.json
if [ "${1:-}" = "--no-floor" ]; then FLOOR=; shift; fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/atmp-relevance.XXXXXX") || { echo "0 passed, 1 failed"; exit 1; }
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

fail() {
	echo "relevance: $*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

for p in atmp-index atmp-search; do
	[ -x "$BIN_DIR/$p" ] || fail "no $BIN_DIR/$p (run make, or set ATMP_BIN to the folder holding it)"
done
command -v xapian-config >/dev/null 2>&1 || fail "xapian-config not found (libxapian-dev)"
CXX=${CXX:-g++}

# shellcheck disable=SC2046 # xapian-config prints several flags
"$CXX" -std=c++17 -O2 -o "$tmp/baseline" tests/relevance/baseline.cc $(xapian-config --cxxflags --libs) \
	|| fail "could not build the baseline (tests/relevance/baseline.cc)"
"$tmp/baseline" index corpus "$tmp/baseline.db" 2>"$tmp/baseline.log" \
	|| { cat "$tmp/baseline.log" >&2; fail "baseline index failed"; }
"$BIN_DIR/atmp-index" --corpus corpus --db "$tmp/kb.db" >"$tmp/index.log" 2>&1 \
	|| { cat "$tmp/index.log" >&2; fail "atmp-index failed"; }

set -- --db "$tmp/kb.db" --atmp-bin "$BIN_DIR" --baseline "$tmp/baseline" --baseline-db "$tmp/baseline.db" "$@"
if [ -n "$FLOOR" ]; then
	python3 tests/relevance/eval.py --floor "$FLOOR" "$@"
	rc=$?
	# eval.py prints the "N passed, M failed" line itself unless it could not run at all
	[ $rc -ge 2 ] && fail "eval.py failed (exit $rc)"
	exit $rc
fi
python3 tests/relevance/eval.py "$@" || fail "eval.py failed (exit $?)"
