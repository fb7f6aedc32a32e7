#!/bin/sh
# make asan (and make test, through tests/run-all.sh): builds the programs, the unit tests and the
# fuzz replays with AddressSanitizer and UndefinedBehaviorSanitizer into build/asan/ (override with
# ASAN_BUILD), with Debian's clang (installed when missing and this runs as root: gcc's combined
# runtime cannot write UBSan reports to a file), then runs on them
#   - every unit test (tests/unit/test_*.c),
#   - every fuzz seed and regression (fuzz/seeds/NAME, fuzz/regressions/NAME) through its target,
#   - the integration tests (tests/integration, pytest), whose daemons and indexers are these builds.
# Every sanitizer report (memory error, leak, undefined behaviour) of any process is written to a log
# file and counts as one failure; the first lines of each are printed. The last line is
# "N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
OUT=${ASAN_BUILD:-build/asan}
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer"

fail() {
	echo "asan: $*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

# the Debian packages of packages.txt, clang among them: installed as root, else the apt-get line
./scripts/deps.sh >&2 || fail "missing Debian packages (see the apt-get line above)"

units=$(for f in tests/unit/test_*.c; do n=${f#tests/unit/}; echo "$OUT/tests/${n%.c}"; done)
targets=$(for f in fuzz/fuzz_*.c; do n=${f#fuzz/fuzz_}; echo "${n%.c}"; done)
replays=$(for t in $targets; do echo "$OUT/fuzz/replay_$t"; done)
echo "asan: building into $OUT/"
mkdir -p "$OUT"
if ! make -s BUILD="$OUT" BIN="$OUT/bin" CC=clang CXX=clang++ CFLAGS="-O1 -g" CXXFLAGS="-O1 -g" SAN="$SAN" \
	all $units $replays \
	>"$OUT/build.log" 2>&1; then
	tail -n 30 "$OUT/build.log"
	fail "the build failed (whole log: $OUT/build.log)"
fi

logs=$(mktemp -d "${TMPDIR:-/tmp}/atmp-asan.XXXXXX") || fail "mktemp failed"
trap 'rm -rf "$logs"' EXIT
trap 'exit 130' INT TERM
# reports go to files (one per process), so a daemon's stderr pipe or a test's output never hides one
export ASAN_OPTIONS="detect_leaks=1:log_path=$logs/asan:log_exe_name=1:print_summary=1"
export UBSAN_OPTIONS="print_stacktrace=1:log_path=$logs/ubsan:log_exe_name=1"
export LSAN_OPTIONS="print_suppressions=0"

passed=0
failed=0
add() { # the "N passed" and "N failed"/"N error(s)" of a summary line
	p=$(echo "$1" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' | head -n1)
	f=$(echo "$1" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' | head -n1)
	e=$(echo "$1" | grep -oE '[0-9]+ errors?' | grep -oE '[0-9]+' | head -n1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0} + ${e:-0}))
}
# one suite: runs "$@", adds its last "passed" line; a crash or a missing line is one failure
suite() {
	name=$1
	shift
	out=$("$@" 2>&1)
	rc=$?
	last=$(echo "$out" | grep -E '[0-9]+ passed' | tail -n 1)
	if [ -n "$last" ]; then
		add "$last"
		[ $rc -ne 0 ] && ! echo "$last" | grep -qE '(^| )[1-9][0-9]* (failed|error)' && failed=$((failed + 1))
	else
		failed=$((failed + 1))
	fi
	if [ $rc -ne 0 ] || [ -z "$last" ]; then
		echo "asan: $name failed (exit $rc):"
		echo "$out" | tail -n 15
	else
		echo "asan: $name: $last"
	fi
}

for u in $units; do
	suite "unit $(basename "$u")" "$u"
done

ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" "$OUT/bin/atmp-index" --corpus corpus --db "$logs/fuzz.db" -q \
	>"$logs/index.out" 2>&1 || { cat "$logs/index.out"; fail "could not index corpus/ for the search replay"; }
export ATMP_FUZZ_DB="$logs/fuzz.db"
for t in $targets; do
	for set in seeds regressions; do
		[ -d "fuzz/$set/$t" ] && [ -n "$(ls -A "fuzz/$set/$t")" ] || continue
		# each input is its own process, so one crash names its input and the others still run
		for input in "fuzz/$set/$t"/*; do
			suite "fuzz $t $input" "$OUT/fuzz/replay_$t" "$input"
		done
	done
done

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
echo "asan: integration tests on $OUT/bin"
out=$(ATMP_BIN="$PWD/$OUT/bin" timeout -k 10 1200 "$PY" -m pytest -q -p no:cacheprovider tests/integration 2>&1)
rc=$?
echo "$out" | grep -E '^(FAILED|ERROR)' | head -n 30
last=$(echo "$out" | grep -E '[0-9]+ (passed|failed)' | tail -n 1)
echo "asan: integration: ${last:-no result line (exit $rc)}"
if [ -n "$last" ]; then add "$last"; else failed=$((failed + 1)); fi
[ $rc -ne 0 ] && [ -z "$(echo "$last" | grep -E '(^| )[1-9][0-9]* (failed|error)')" ] && failed=$((failed + 1))

# every distinct report is a failure, whichever processes wrote it: the same bug met by forty runs of
# atmp-index is one failure, named with the count (a fuzz replay's report is shown, but its input
# already counted as failed)
reports=$(ls "$logs" | grep -E '^(asan|ubsan)\.' || true)
sigs="$logs/signatures"
: >"$sigs"
for r in $reports; do
	# what went wrong, and the first frame in the project's code
	what=$(grep -m1 -oE '(runtime error: .*|ERROR: [A-Za-z]+Sanitizer: [a-z -]+)' "$logs/$r" | cut -c1-120)
	where=$(grep -m1 -oE '(lib|indexer|searchd|client|fuzz)/[a-z_]+\.(c|cc):[0-9]+' "$logs/$r")
	echo "$what at $where	$r" >>"$sigs"
done
if [ -s "$sigs" ]; then
	cut -f1 "$sigs" | sort | uniq -c | while read -r n sig; do
		first=$(grep -F "$sig	" "$sigs" | head -n 1 | cut -f2)
		echo "asan: sanitizer report ($n process(es)): $sig"
		grep -E 'ERROR|runtime error|SUMMARY|^    #[0-9] ' "$logs/$first" | head -n 10
	done
	failed=$((failed + $(grep -v '	ubsan\.replay_\|	asan\.replay_' "$sigs" | cut -f1 | sort -u | wc -l)))
else
	echo "asan: no sanitizer reports"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
