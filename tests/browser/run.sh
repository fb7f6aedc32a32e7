#!/bin/sh
# Browser tests of the web widget, the search page and the document view: Debian's chromium driven
# by playwright-core (npm), with axe-core for accessibility. Makes sure both are installed, then runs
# tests/browser/suite.mjs, which builds its own index, starts its own daemons and cleans up.
# Binaries come from $ATMP_BIN, else ./bin. Screenshots go to tests/artifacts/.
# The last line is "N passed, M failed"; the exit status is non-zero when anything failed.
set -u
cd "$(dirname "$0")/../.." || exit 1

fail() {
	echo "browser: $*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

CHROMIUM=/usr/bin/chromium
# the Debian packages of packages.txt, chromium among them: installed as root, else the apt-get line
./scripts/deps.sh >&2 || fail "missing Debian packages (see the apt-get line above)"

command -v node >/dev/null 2>&1 || fail "node is missing; as root, run: apt-get install -y nodejs npm"
command -v npm >/dev/null 2>&1 || fail "npm is missing; as root, run: apt-get install -y npm"

# playwright-core and axe-core, at the versions pinned in package-lock.json
if ! npm ls --depth=0 playwright-core axe-core >/dev/null 2>&1; then
	echo "browser: installing playwright-core and axe-core from package-lock.json (npm ci)"
	npm ci --no-audit --no-fund --loglevel=error || fail "npm ci failed"
fi

BIN=${ATMP_BIN:-./bin}
for p in atmp-index atmp-searchd; do
	[ -x "$BIN/$p" ] || fail "$BIN/$p is missing: build it first (make all), or set ATMP_BIN"
done

ATMP_BIN=$BIN CHROMIUM=$CHROMIUM timeout -k 10 300 node tests/browser/suite.mjs "$@"
rc=$?
case $rc in
0) exit 0 ;;
3) exit 1 ;; # the suite printed its result line
*) fail "the suite stopped before it finished (exit $rc)" ;;
esac
