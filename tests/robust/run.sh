#!/bin/sh
# Robustness suite (issue 7): index swaps under load (wrk), SIGKILL of atmp-index mid-build, SIGTERM
# with requests in flight, hostile HTTP input, connection floods and slow clients, hostile corpus
# files, safety headers, and the operations endpoints (/metrics, access log, zero-hits report).
# Installs Debian's wrk when it is missing and this runs as root. Binaries come from $ATMP_BIN, else
# ./bin. About two minutes. Extra arguments go to pytest (e.g. -k swap, -x).
# The last line is "N passed, M failed"; the exit status is non-zero when anything failed.
set -u
cd "$(dirname "$0")/../.." || exit 1

fail() {
	echo "robust: $*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

# the Debian packages of packages.txt, wrk among them: installed as root, else the apt-get line
./scripts/deps.sh >&2 || fail "missing Debian packages (see the apt-get line above)"

BIN=${ATMP_BIN:-./bin}
for p in atmp-index atmp-searchd atmp-search; do
	[ -x "$BIN/$p" ] || fail "$BIN/$p is missing: build it first (make all), or set ATMP_BIN"
done
BIN=$(cd "$BIN" && pwd)

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
out=$(ATMP_BIN=$BIN timeout -k 10 400 "$PY" -m pytest -q -p no:cacheprovider -rf tests/robust "$@" 2>&1)
rc=$?
echo "$out" | tail -n 80
last=$(echo "$out" | grep -E '[0-9]+ (passed|failed|errors?)' | tail -n 1)
p=$(echo "$last" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
f=$(echo "$last" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
e=$(echo "$last" | grep -oE '[0-9]+ errors?' | grep -oE '[0-9]+')
failed=$(( ${f:-0} + ${e:-0} ))
[ -z "$last" ] && failed=$((failed + 1)) # pytest itself failed (or timed out: exit $rc)
[ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "${p:-0} passed, $failed failed"
[ "$failed" -eq 0 ]
