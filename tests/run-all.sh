#!/bin/sh
# Runs every test suite: the C unit tests (each binary given as an argument), the integration tests
# (pytest), and the browser tests when present. Ends with one line "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
passed=0
failed=0
add() { # adds the "N passed", "N failed" and "N error(s)" counts of a summary line
	p=$(echo "$1" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' | head -n1)
	f=$(echo "$1" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' | head -n1)
	e=$(echo "$1" | grep -oE '[0-9]+ errors?' | grep -oE '[0-9]+' | head -n1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0} + ${e:-0}))
}
for t in "$@"; do
	echo "== unit: $t"
	out=$("$t" 2>&1); rc=$?
	echo "$out" | tail -n 20
	last=$(echo "$out" | tail -n 1)
	case "$last" in
	*passed*) add "$last"; [ $rc -ne 0 ] && ! echo "$last" | grep -qE '(^| )[1-9][0-9]* failed' && failed=$((failed + 1)) ;;
	*) echo "$t crashed (exit $rc)"; failed=$((failed + 1)) ;;
	esac
done
for suite in ./tests/*/run.sh ./tests/robust/asan.sh; do # asan.sh: make asan (sanitizer builds)
	[ -x "$suite" ] || continue
	echo "== $suite"
	out=$("$suite" 2>&1); rc=$?
	echo "$out" | tail -n 40
	last=$(echo "$out" | grep -E '[0-9]+ passed' | tail -n 1)
	if [ -n "$last" ]; then add "$last"; else echo "$suite: no result line (exit $rc)"; failed=$((failed + 1)); fi
	[ $rc -ne 0 ] && [ -z "$(echo "$last" | grep -E '(^| )[1-9][0-9]* (failed|error)')" ] && failed=$((failed + 1))
done
echo "== integration (pytest)"
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
out=$("$PY" -m pytest -q -p no:cacheprovider tests/integration 2>&1); rc=$?
echo "$out" | tail -n 60
last=$(echo "$out" | grep -E '[0-9]+ (passed|failed)' | tail -n 1)
if [ -n "$last" ]; then add "$last"; else failed=$((failed + 1)); fi
[ $rc -ne 0 ] && [ -z "$(echo "$last" | grep -E '(^| )[1-9][0-9]* (failed|error)')" ] && failed=$((failed + 1))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
