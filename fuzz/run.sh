#!/bin/sh
# make fuzz: builds every libFuzzer target (fuzz/fuzz_NAME.c) with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer into build/fuzz/, and runs each for $FUZZ_SECONDS (default 30) starting
# from its seeds (fuzz/seeds/NAME) and regressions (fuzz/regressions/NAME). Clang comes from Debian:
# installed when missing and this runs as root.
#
#   fuzz/run.sh [NAME...]      (default: every target)
#
# New inputs libFuzzer finds go to build/fuzz/corpus/NAME (not kept in the repo); a crash is saved
# as build/fuzz/crashes/NAME-crash-HASH: keep it as a regression by moving it into fuzz/regressions/NAME/,
# where `make asan` (part of make test) replays it. The last line is "N passed, M failed": one test
# per target, failed when it crashed, leaked or broke a property.
set -u
cd "$(dirname "$0")/.." || exit 1
SECONDS_EACH=${FUZZ_SECONDS:-30}
OUT=build/fuzz

fail() {
	echo "fuzz: $*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

# the Debian packages of packages.txt, clang among them: installed as root, else the apt-get line
./scripts/deps.sh >&2 || fail "missing Debian packages (see the apt-get line above)"

targets=${*:-$(for f in fuzz/fuzz_*.c; do n=${f#fuzz/fuzz_}; echo "${n%.c}"; done)}
bins=""
for t in $targets; do
	[ -f "fuzz/fuzz_$t.c" ] || fail "no target fuzz/fuzz_$t.c"
	bins="$bins $OUT/fuzz/fuzz_$t"
done

# undefined behaviour is reported and (by UBSAN_OPTIONS below) fatal in the fuzzers
SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer"
echo "fuzz: building$bins"
mkdir -p "$OUT"
if ! make -s BUILD=$OUT BIN=$OUT/bin CC=clang CXX=clang++ CFLAGS="-O1 -g" CXXFLAGS="-O1 -g" SAN="$SAN" \
	$bins $OUT/bin/atmp-index >$OUT/build.log 2>&1; then
	tail -n 30 $OUT/build.log
	fail "the build failed (whole log: $OUT/build.log)"
fi

# the search target answers queries over the bundled corpus
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export ATMP_FUZZ_DB="$PWD/$OUT/fuzz.db"
if ! UBSAN_OPTIONS=print_stacktrace=1 $OUT/bin/atmp-index --corpus corpus --db "$ATMP_FUZZ_DB" -q >$OUT/index.log 2>&1; then
	cat $OUT/index.log
	fail "could not index corpus/ for the search target"
fi
if grep -q 'runtime error' $OUT/index.log; then
	echo "fuzz: note: atmp-index ran into undefined behaviour (make asan counts it):"
	grep 'runtime error' $OUT/index.log | sort -u
fi

mkdir -p $OUT/crashes
passed=0
failed=0
for t in $targets; do
	mkdir -p "$OUT/corpus/$t" "fuzz/seeds/$t" "fuzz/regressions/$t"
	dict=""
	[ -f "fuzz/$t.dict" ] && dict="-dict=fuzz/$t.dict"
	echo "== fuzz $t for ${SECONDS_EACH}s"
	log="$OUT/$t.log"
	# -timeout: an input slower than 10 s is a hang; -rss_limit_mb: one that needs 2 GB is a bug too
	"$OUT/fuzz/fuzz_$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-print_final_stats=1 -artifact_prefix="$OUT/crashes/$t-" $dict \
		"$OUT/corpus/$t" "fuzz/seeds/$t" "fuzz/regressions/$t" >"$log" 2>&1
	rc=$?
	grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" | tail -n 3
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "fuzz $t FAILED (exit $rc); the input is in $OUT/crashes/ (whole log: $log):"
		grep -E 'ERROR|SUMMARY|property failed|Test unit written|^    #[0-9] ' "$log" | head -n 25
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
