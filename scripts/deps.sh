#!/bin/sh
# Installs the Debian packages in packages.txt that are missing. As root it runs apt-get; otherwise
# it prints the exact command to run and fails, so `make` stops before a confusing compiler error.
set -eu
here=$(dirname "$0")/..
missing=""
for p in $(grep -v '^#' "$here/packages.txt"); do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y --no-install-recommends $missing
else
	echo "deps: missing Debian packages; run as root:" >&2
	echo "  apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi
