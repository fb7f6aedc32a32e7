#!/bin/bash
# bench/replicas.sh (make bench-replicas) — two atmp-searchd replicas behind Debian's nginx on
# 127.0.0.1, each serving its own copy of the same index file; under wrk load, a rolling update
# replaces the index on one replica, waits until it answers from the new index, then does the next,
# and then rolls back the same way. Passes when no request failed: no non-2xx answer and no socket
# error at wrk, and no upstream error in nginx's log (so no failure was hidden by a retry either).
#
#   bench/replicas.sh            ATMP_BIN (default ./bin), BENCH_DIR (default /tmp/atmp-bench),
#                                REPLICAS_SECONDS (default 16: how long wrk runs)
#
# The last line is "N passed, M failed". Everything runs on 127.0.0.1; wrk stops by itself; the
# servers started here are stopped by their process ids.
set -u
cd "$(dirname "$0")/.." || exit 1
BIN=${ATMP_BIN:-./bin}
WORK=${BENCH_DIR:-/tmp/atmp-bench}/replicas
SECONDS_LOAD=${REPLICAS_SECONDS:-16}
MARK=replikatestord   # a word only the second index holds
passed=0 failed=0

die() { echo "replicas: $*" >&2; echo "$passed passed, $((failed + 1)) failed"; exit 1; }
note() { echo "replicas: $*" >&2; }
check() { # NAME CONDITION-STATUS
	if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1"; fi
}

need=""
for p in nginx wrk curl; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need="$need $p"
done
if [ -n "$need" ]; then
	if [ "$(id -u)" -eq 0 ]; then
		note "installing:$need"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $need >/dev/null \
			|| die "apt-get install failed"
	else
		echo "replicas: missing Debian packages; run as root:" >&2
		echo "  apt-get install -y --no-install-recommends$need" >&2
		exit 1
	fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
for p in atmp-index atmp-searchd; do [ -x "$BIN/$p" ] || die "no $BIN/$p (run make)"; done

PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$WORK"
mkdir -p "$WORK/nginx/logs" "$WORK/nginx/tmp" "$WORK/r1" "$WORK/r2" || die "cannot create $WORK"

# ---- two versions of the index: corpus/ (A), and corpus/ with one more document (B) ----
cp -R corpus "$WORK/corpus-b"
cat >"$WORK/corpus-b/news/replikatest.md" <<EOF
---
title: Replikatest for den rullende opdatering
type: news
lang: da
updated: 2026-01-01
summary: Et dokument som kun det nye indeks har.
---

Ordet $MARK findes kun i det nye indeks.
EOF
"$BIN/atmp-index" --corpus corpus --db "$WORK/a.db" -q || die "atmp-index failed on corpus/"
"$BIN/atmp-index" --corpus "$WORK/corpus-b" --db "$WORK/b.db" -q || die "atmp-index failed on corpus B"
cp "$WORK/a.db" "$WORK/r1/kb.db"
cp "$WORK/a.db" "$WORK/r2/kb.db"

# ---- the replicas ----
declare -A URL
for r in r1 r2; do
	"$BIN/atmp-searchd" --db "$WORK/$r/kb.db" --listen 127.0.0.1:0 --web web 2>"$WORK/$r/searchd.log" &
	PIDS+=($!)
	for _ in $(seq 1 100); do
		URL[$r]=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$WORK/$r/searchd.log" | head -1)
		[ -n "${URL[$r]}" ] && break
		sleep 0.1
	done
	[ -n "${URL[$r]}" ] || die "$r did not start: $(cat "$WORK/$r/searchd.log")"
	URL[$r]=${URL[$r]%/}
done

# ---- nginx in front: the upstream block of docs/deploy.md, on a free port of 127.0.0.1 ----
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user root;"
cat >"$WORK/nginx/nginx.conf" <<EOF
$user_line
worker_processes 1;
error_log $WORK/nginx/logs/error.log warn;
pid $WORK/nginx/nginx.pid;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    upstream atmp_searchd {
        server ${URL[r1]#http://};
        server ${URL[r2]#http://};
        keepalive 16;
    }
    server {
        listen 127.0.0.1:$port;
        location / {
            proxy_pass http://atmp_searchd;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 2s;
            proxy_read_timeout 10s;
        }
    }
}
EOF
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -t >/dev/null 2>&1 \
	|| { "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -t; die "nginx rejects the configuration"; }
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
PIDS+=($!)
front="http://127.0.0.1:$port"
for _ in $(seq 1 50); do curl -fsS "$front/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "$front/healthz" >/dev/null || die "nginx does not answer on $front"

total_of() { # URL QUERY -> the "total" of /api/search
	curl -fsS "$1/api/search?q=$2" | python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])'
}
# swap REPLICA FILE WANT — replaces the replica's index as a deployment does (copy beside, then
# rename over), and waits until the replica answers the marker query with WANT hits
swap() {
	local r=$1 file=$2 want=$3 got=""
	cp "$file" "$WORK/$r/kb.db.tmp" && mv -f "$WORK/$r/kb.db.tmp" "$WORK/$r/kb.db"
	for _ in $(seq 1 100); do
		got=$(total_of "${URL[$r]}" $MARK 2>/dev/null)
		[ "$got" = "$want" ] && { note "$r now serves the index with $want hit(s) for '$MARK'"; return 0; }
		sleep 0.1
	done
	note "$r still answers $got hit(s) for '$MARK' after 10 s"
	return 1
}

check "both replicas start on index A (no '$MARK')" \
	"$([ "$(total_of "${URL[r1]}" $MARK)" = 0 ] && [ "$(total_of "${URL[r2]}" $MARK)" = 0 ]; echo $?)"

note "wrk for ${SECONDS_LOAD}s through nginx; rolling update A→B, then B→A, under load"
BENCH_QUERIES=bench/queries.tsv wrk -t1 -c16 -d"${SECONDS_LOAD}s" --timeout 10s --latency \
	-s bench/mix.lua "$front" >"$WORK/wrk.txt" 2>&1 &
wrk_pid=$!
PIDS+=($wrk_pid)
sleep 2
rc=0
swap r1 "$WORK/b.db" 1 || rc=1
swap r2 "$WORK/b.db" 1 || rc=1
check "rolling update A→B: each replica serves B before the next is touched" $rc
check "through nginx, the new document is found" "$([ "$(total_of "$front" $MARK)" = 1 ]; echo $?)"
sleep 2
rc=0
swap r1 "$WORK/a.db" 0 || rc=1
swap r2 "$WORK/a.db" 0 || rc=1
check "rolling update B→A (a rollback) the same way" $rc
wait $wrk_pid
cat "$WORK/wrk.txt"

reqs=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$WORK/wrk.txt")
non2xx=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$WORK/wrk.txt")
sockerr=$(sed -n 's/.*Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1 \2 \3 \4/p' "$WORK/wrk.txt" | awk '{print $1 + $2 + $3 + $4}')
upstream=$(grep -c -E 'upstream|connect\(\) failed' "$WORK/nginx/logs/error.log" 2>/dev/null)
echo "requests: ${reqs:-0}; non-2xx: ${non2xx:-0}; socket errors: ${sockerr:-0}; nginx upstream errors: ${upstream:-0}"
check "wrk sent requests through nginx during both updates" "$([ "${reqs:-0}" -gt 100 ]; echo $?)"
check "no request failed at the client (non-2xx or socket error)" "$([ "${non2xx:-0}" = 0 ] && [ "${sockerr:-0}" = 0 ]; echo $?)"
check "no upstream error behind nginx (nothing hidden by a retry)" "$([ "${upstream:-0}" = 0 ]; echo $?)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
