#!/bin/bash
# make bench — atmp-kb measured side by side with its peers and floors, in one run, and written to
# bench/RESULTS.md (the part between the bench:begin/bench:end markers; the rest of the file, the
# profile and what to change, is kept as it is).
#
#   bench/run.sh                     (make bench builds the programs and the tools first)
#
# Environment: ATMP_BIN (default ./bin) holds atmp-index and atmp-searchd; BENCH_TOOLS (default
# build/bench) holds gen, peer, qbench and floor; BENCH_DIR (default /tmp/atmp-bench) is where
# corpora and indexes go (generated corpora are kept between runs: they are deterministic and are
# made again when bench/gen.c, bench/terms.txt or the word lists change); BENCH_SIZES (default
# "1000 10000 100000"); BENCH_BUDGET (default 560 s: a build past 10k documents gets what is left
# of it, and when it does not finish, the index an earlier run built from the same corpus with the
# same program is queried instead, or none; 0: no limit); BENCH_WRK_SECONDS (default 8);
# BENCH_OUT (default bench/RESULTS.md).
#
# Every loop here is bounded: wrk runs for a fixed time against 127.0.0.1 only, and every server
# this script starts is stopped by its process id on exit.
set -u
cd "$(dirname "$0")/.." || exit 1
BIN=${ATMP_BIN:-./bin}
TOOLS=${BENCH_TOOLS:-build/bench}
WORK=${BENCH_DIR:-/tmp/atmp-bench}
SIZES=${BENCH_SIZES:-"1000 10000 100000"}
BUDGET=${BENCH_BUDGET:-560}  # seconds for the whole run; 0: no limit (builds past 10k then take long)
RESERVE=100                  # what the queries, HTTP and memory at the largest size need after it
WRK_SECONDS=${BENCH_WRK_SECONDS:-8}
OUT=${BENCH_OUT:-bench/RESULTS.md}
QUERIES=bench/queries.tsv
NCPU=$(nproc)
SD_THREADS=$NCPU # atmp-searchd's default (searchd/http.c); the floor gets as many
T_START=$(date +%s)
R="$WORK/results.tsv" # KEY<TAB>VALUE lines, turned into Markdown by bench/report.py

die() { echo "bench: $*" >&2; exit 1; }
note() { printf 'bench: [%4ss] %s\n' "$(($(date +%s) - T_START))" "$*" >&2; }
put() { printf '%s\t%s\n' "$1" "$2" >>"$R"; }

# ---- packages used only here (not in packages.txt: make test does not need them) ----
need=""
for p in wrk wamerican time curl; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need="$need $p"
done
if [ -n "$need" ]; then
	if [ "$(id -u)" -eq 0 ]; then
		note "installing:$need"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq && apt-get install -y --no-install-recommends $need >/dev/null \
			|| die "apt-get install failed"
	else
		echo "bench: missing Debian packages; run as root:" >&2
		echo "  apt-get install -y --no-install-recommends$need" >&2
		exit 1
	fi
fi
for p in atmp-index atmp-searchd; do
	[ -x "$BIN/$p" ] || die "no $BIN/$p (run make, or set ATMP_BIN)"
done
for p in gen peer qbench floor; do
	[ -x "$TOOLS/$p" ] || die "no $TOOLS/$p (make bench builds it)"
done
mkdir -p "$WORK" || die "cannot create $WORK"
: >"$R"

# ---- servers: started in the background, stopped by pid ----
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_server LOGFILE CMD... — sets SRV_PID and SRV_URL (without a trailing slash)
start_server() {
	local log=$1
	shift
	"$@" 2>"$log" &
	SRV_PID=$!
	PIDS+=("$SRV_PID")
	SRV_URL=""
	for _ in $(seq 1 100); do
		SRV_URL=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$log" | head -1)
		[ -n "$SRV_URL" ] && break
		kill -0 "$SRV_PID" 2>/dev/null || { cat "$log" >&2; die "server exited: $*"; }
		sleep 0.1
	done
	[ -n "$SRV_URL" ] || die "server did not start: $*"
	SRV_URL=${SRV_URL%/}
}
stop_server() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null; }

# wrk_run KEY URL — a bounded wrk run over the query mix; records rps, p50, p99, errors
wrk_run() {
	local key=$1 url=$2 log="$WORK/wrk-$1.txt"
	BENCH_QUERIES=$QUERIES wrk -t1 -c8 -d"${WRK_SECONDS}s" --timeout 10s --latency -s bench/mix.lua "$url" \
		>"$log" 2>&1 || { cat "$log" >&2; die "wrk failed against $url"; }
	python3 - "$log" "$key" >>"$R" <<'EOF'
import re, sys
text = open(sys.argv[1]).read(); key = sys.argv[2]
def ms(v, unit):
    return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
req = re.search(r"(\d+) requests in", text)
lat = {m.group(1): ms(m.group(2), m.group(3)) for m in re.finditer(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)}
non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
errs = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sock.groups())) if sock else 0)
print(f"{key}.rps\t{rps.group(1) if rps else 0}")
print(f"{key}.requests\t{req.group(1) if req else 0}")
print(f"{key}.p50_ms\t{lat.get('50', 0):.3f}")
print(f"{key}.p99_ms\t{lat.get('99', 0):.3f}")
print(f"{key}.errors\t{errs}")
EOF
}

# ---- the machine ----
put date "$(date -u '+%Y-%m-%d %H:%M UTC')"
put cpu "$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
put cores "$NCPU"
put searchd_threads "$SD_THREADS"
put mem_gb "$(awk '/MemTotal/ {printf "%.0f", $2/1048576}' /proc/meminfo)"
put kernel "$(uname -r)"
put xapian "$(xapian-config --version | awk '{print $NF}')"
put commit "$(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- lib indexer searchd 2>/dev/null || echo '+changes')"
put load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
put wrk_seconds "$WRK_SECONDS"
put mix_queries "$(grep -cP '^[^#][^\t]*\t.+' "$QUERIES")" # the requests bench/mix.lua cycles through
put sizes "$SIZES"
put budget_s "$BUDGET"

# ---- corpora ----
gen_id=$(cat bench/gen.c bench/terms.txt corpus/synonyms.txt | md5sum | cut -c1-12)
gen_id="$gen_id-$(stat -c %s /usr/share/dict/danish /usr/share/dict/american-english | tr '\n' -)"
for n in $SIZES; do
	c="$WORK/corpus-$n"
	if [ "$(cat "$c/.gen-id" 2>/dev/null)" != "$gen_id" ]; then
		note "generating $n documents"
		rm -rf "$c"
		t0=$(date +%s.%N)
		"$TOOLS/gen" --docs "$n" --out "$c" --terms bench/terms.txt --synonyms corpus/synonyms.txt 2>/dev/null \
			|| die "gen failed for $n documents"
		echo "$gen_id" >"$c/.gen-id"
		put "gen.$n.s" "$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN {printf "%.1f", a - b}')"
	fi
	put "corpus.$n.bytes" "$(find "$c" -name '*.md' -printf '%s\n' | awk '{s += $1} END {print s}')"
done

# timed OUTFILE CMD... — runs CMD with /usr/bin/time; OUTFILE gets "wall user sys maxrss_kb"
timed() {
	local out=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$out" "$@"
}

# index_with WHO N LIMIT — a full build by atmp-index or the peer into FILE.new, in the background
# (sets IDX_PID); with LIMIT > 0 it is stopped after LIMIT seconds
index_with() {
	local who=$1 n=$2 limit=$3 c="$WORK/corpus-$2" to=()
	local f="$WORK/$1-$2.db.new"
	[ "$limit" -gt 0 ] && to=(timeout "$limit")
	rm -rf "$f" "$f".build-* "$f".tmp.* "$f".peer-*
	if [ "$who" = atmp ]; then
		timed "$WORK/t-atmp-$n" "${to[@]}" "$BIN/atmp-index" --corpus "$c" --db "$f" --full -q \
			>"$WORK/index-atmp-$n.log" 2>&1 &
	else
		timed "$WORK/t-peer-$n" "${to[@]}" "$TOOLS/peer" index "$c" "$f" \
			>"$WORK/peer-$n.out" 2>"$WORK/index-peer-$n.log" &
	fi
	IDX_PID=$!
}

# index_done WHO N STATUS KEY — records a build's figures (STATUS 125: not started); keeps FILE.new
# as FILE when it finished, else falls back to FILE when an earlier run built it from the same
# corpus with the same program (KEY). Returns 1 when there is no index to query.
index_done() {
	local who=$1 n=$2 rc=$3 key=$4 f="$WORK/$1-$2.db" w u s m
	if [ "$rc" -ne 125 ]; then # 125: not started
		read -r w u s m <"$WORK/t-$who-$n"
		put "idx.$who.$n.wall" "$w"
		put "idx.$who.$n.cpu" "$(awk -v a="$u" -v b="$s" 'BEGIN {print a + b}')"
		put "idx.$who.$n.rss_kb" "$m"
	fi
	if [ "$rc" -eq 0 ]; then
		mv -f "$f.new" "$f" && echo "$key" >"$f.key"
		put "idx.$who.$n.bytes" "$(stat -c %s "$f")"
		return 0
	fi
	rm -rf "$f.new" "$f.new".build-* "$f.new".tmp.* "$f.new".peer-*
	if [ "$rc" -eq 124 ]; then
		note "$who: $n documents did not fit in the time left (${w}s); see BENCH_BUDGET"
		put "idx.$who.$n.timeout" 1
	elif [ "$rc" -ne 125 ]; then
		cat "$WORK/index-$who-$n.log" >&2
		die "$who index failed at $n documents"
	fi
	if [ -f "$f" ] && [ "$(cat "$f.key" 2>/dev/null)" = "$key" ]; then
		note "$who: querying the $n-document index an earlier run built from the same corpus and program"
		put "idx.$who.$n.cached" "$(date -u -r "$f" '+%Y-%m-%d %H:%M UTC')"
		put "idx.$who.$n.bytes" "$(stat -c %s "$f")"
		return 0
	fi
	return 1
}

atmp_key="$gen_id-$(md5sum <"$BIN/atmp-index" | cut -c1-12)"
peer_key="$gen_id-$(md5sum <"$TOOLS/peer" | cut -c1-12)"
# fits WHO N LIMIT — whether a build of N documents is expected to finish in LIMIT seconds, going by
# the build at the size before (at 10× the documents, up to 15× the time: both indexers grow faster
# than linearly)
fits() {
	local who=$1 n=$2 limit=$3 prev w
	[ "$limit" -eq 0 ] && return 0
	prev=$(awk -v n="$n" '{for (i = 1; i <= NF; i++) if ($i < n) p = $i} END {print p}' <<<"$SIZES")
	w=$(awk -F'\t' -v k="idx.$who.$prev.wall" '$1 == k {print $2}' "$R")
	[ -z "$w" ] && return 0
	awk -v w="$w" -v r="$((n / prev))" -v l="$limit" 'BEGIN {exit !(w * r * 1.5 <= l)}'
}

atmp_key="$gen_id-$(md5sum <"$BIN/atmp-index" | cut -c1-12)"
peer_key="$gen_id-$(md5sum <bench/peer.cc | cut -c1-12)"
for n in $SIZES; do
	c="$WORK/corpus-$n" k="$WORK/atmp-$n.db" p="$WORK/peer-$n.db"
	# ---- indexing: both indexers are single-threaded and run at the same time, one per core
	# (CPU time is reported too: it does not depend on what else the machine is doing). Past 10k
	# documents a build gets only the time left in the budget, and is not started when the build
	# at the size before says it cannot finish in it ----
	limit=0
	if [ "$BUDGET" -gt 0 ] && [ "$n" -gt 10000 ]; then
		limit=$((BUDGET - RESERVE - ($(date +%s) - T_START)))
		[ "$limit" -lt 10 ] && limit=10
		put "idx.$n.limit_s" "$limit"
	fi
	a="" b=""
	for who in atmp peer; do
		if fits "$who" "$n" "$limit"; then
			note "indexing $n documents with $who$([ "$limit" -gt 0 ] && echo " (at most ${limit}s)")"
			index_with "$who" "$n" "$limit"
			[ $who = atmp ] && a=$IDX_PID || b=$IDX_PID
		else
			note "$who: $n documents would not fit in the ${limit}s left: not built (BENCH_BUDGET=0 builds it)"
			put "idx.$who.$n.skipped" 1
		fi
	done
	ra=125 rb=125
	[ -n "$a" ] && { wait "$a"; ra=$?; }
	[ -n "$b" ] && { wait "$b"; rb=$?; }
	have_atmp=1 have_peer=1
	index_done atmp "$n" "$ra" "$atmp_key" || have_atmp=0
	index_done peer "$n" "$rb" "$peer_key" || have_peer=0
	[ "$rb" -eq 0 ] && { read -r _ _ _ nsec _ <"$WORK/peer-$n.out"; put "sections.$n" "$nsec"; }

	# ---- incremental: one document of the 10k corpus changed ----
	if [ "$n" = 10000 ]; then
		note "incremental run after changing one document of $n"
		f=$(find "$c" -name '*.md' | sort | sed -n 500p)
		cp "$f" "$WORK/changed.orig"
		printf '\nEn ny sætning om genterapi og sporbarhed, tilføjet til benchmarken.\n' >>"$f"
		timed "$WORK/t-inc-$n" "$BIN/atmp-index" --corpus "$c" --db "$k" >"$WORK/inc-$n.log" 2>&1 \
			|| { cat "$WORK/inc-$n.log" >&2; die "incremental atmp-index failed"; }
		cp "$WORK/changed.orig" "$f" && touch -r "$WORK/changed.orig" "$f"
		read -r w u s m <"$WORK/t-inc-$n"
		put "inc.$n.wall" "$w"
		put "inc.$n.cpu" "$(awk -v a="$u" -v b="$s" 'BEGIN {print a + b}')"
		put "inc.$n.summary" "$(head -1 "$WORK/inc-$n.log")"
	fi

	# ---- queries in process: latency (one thread), then throughput (one thread per core) ----
	# Up to 10k documents atmp-kb and the peer take turns, a round each (each after its own warm-up
	# pass), so that a ratio of the two compares the same minutes of a machine whose speed drifts;
	# at the largest size each runs its rounds in one go, bounded in time.
	note "queries in process at $n documents"
	if [ $have_atmp = 1 ] && [ $have_peer = 1 ] && [ "$n" -le 10000 ]; then
		rm -f "$WORK/s-atmp-$n" "$WORK/s-peer-$n"
		for _ in 1 2 3 4 5; do
			"$TOOLS/qbench" "$k" "$QUERIES" --rounds 1 --samples "$WORK/s-atmp-$n" >/dev/null \
				|| die "qbench failed at $n"
			"$TOOLS/peer" query "$p" "$QUERIES" --rounds 1 --samples "$WORK/s-peer-$n" >/dev/null \
				|| die "peer query failed at $n"
		done
		python3 bench/latency.py "$WORK/s-atmp-$n" >"$WORK/q-atmp-$n.txt" || die "no atmp timings at $n"
		python3 bench/latency.py "$WORK/s-peer-$n" >"$WORK/q-peer-$n.txt" || die "no peer timings at $n"
	else
		if [ $have_atmp = 1 ]; then
			"$TOOLS/qbench" "$k" "$QUERIES" --rounds 5 --max-seconds 20 >"$WORK/q-atmp-$n.txt" \
				|| die "qbench failed at $n"
		fi
		if [ $have_peer = 1 ]; then
			"$TOOLS/peer" query "$p" "$QUERIES" --rounds 5 --max-seconds 20 >"$WORK/q-peer-$n.txt" \
				|| die "peer query failed at $n"
		fi
	fi
	if [ $have_atmp = 1 ]; then
		while read -r cat cnt p50 p99 mean; do put "q.atmp.$n.$cat" "$cnt $p50 $p99 $mean"; done \
			<"$WORK/q-atmp-$n.txt"
		put "qps.atmp.$n" "$("$TOOLS/qbench" "$k" "$QUERIES" --threads "$NCPU" --seconds 4 | awk '{print $2}')"
	fi
	if [ $have_peer = 1 ]; then
		while read -r cat cnt p50 p99 mean; do put "q.peer.$n.$cat" "$cnt $p50 $p99 $mean"; done \
			<"$WORK/q-peer-$n.txt"
		put "qps.peer.$n" "$("$TOOLS/peer" query "$p" "$QUERIES" --threads "$NCPU" --seconds 4 | awk '{print $2}')"
	fi
	[ $have_atmp = 1 ] || continue

	# ---- over HTTP, and the daemon's memory: as it runs by default (with its answer cache, which
	# the mix, repeating its queries, mostly hits), then with --cache-mb 0 (every request a search) ----
	note "HTTP at $n documents (wrk, ${WRK_SECONDS}s, answer cache on)"
	start_server "$WORK/searchd-$n.log" "$BIN/atmp-searchd" --db "$k" --listen 127.0.0.1:0 --web web \
		--threads "$SD_THREADS"
	sd=$SRV_PID
	curl -fsS "$SRV_URL/api/search?q=genterapi" >"$WORK/body-$n.json" || die "searchd does not answer"
	put "rss.$n.idle_kb" "$(rss_kb "$sd")"
	wrk_run "http.atmp.$n" "$SRV_URL"
	put "rss.$n.hwm_kb" "$(hwm_kb "$sd")"
	curl -fsS "$SRV_URL/metrics" >"$WORK/metrics-$n.txt" || die "searchd does not answer /metrics"
	for m in hits misses; do
		put "cache.$n.$m" "$(awk -v k="atmp_cache_${m}_total" '$1 == k {print $2}' "$WORK/metrics-$n.txt")"
	done
	stop_server "$sd"
	note "HTTP at $n documents (wrk, ${WRK_SECONDS}s, --cache-mb 0)"
	start_server "$WORK/searchd-nocache-$n.log" "$BIN/atmp-searchd" --db "$k" --listen 127.0.0.1:0 --web web \
		--threads "$SD_THREADS" --cache-mb 0
	wrk_run "http.nocache.$n" "$SRV_URL"
	stop_server "$SRV_PID"
	if [ "$n" = "$(echo "$SIZES" | awk '{print $1}')" ]; then
		note "HTTP floor: a fixed JSON body from libmicrohttpd"
		start_server "$WORK/floor.log" "$TOOLS/floor" --listen 127.0.0.1:0 --threads "$SD_THREADS" \
			--body "$WORK/body-$n.json"
		wrk_run "http.floor" "$SRV_URL"
		put "floor.body_bytes" "$(stat -c %s "$WORK/body-$n.json")"
		stop_server "$SRV_PID"
	fi
done

put load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
put total_s "$(($(date +%s) - T_START))"
python3 bench/report.py "$R" "$OUT" || die "report failed"
note "done in $(($(date +%s) - T_START)) s; results in $OUT"
