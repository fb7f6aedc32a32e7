/* atmp-searchd: the HTTP search daemon (INTERFACE.md §2.2). */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "http.h"
#include "served.h"
#include "util.h"
#include "zerohits.h"

#ifndef KB_WEBDIR
#define KB_WEBDIR "/usr/local/share/atmp-kb/web"
#endif

static const char usage[] =
	"usage: atmp-searchd --db FILE [--listen HOST:PORT] [--web DIR] [--allow-origin ORIGIN]...\n"
	"\n"
	"Serves the index FILE over HTTP: the JSON API (/api/search, /api/doc/ID), the search page (/)\n"
	"and the embeddable widget (/widget.js). A rebuilt index is picked up without a restart (on its\n"
	"own within a second, or at once on SIGHUP); SIGTERM finishes requests in flight and exits.\n"
	"\n"
	"  --db FILE             the index built by atmp-index\n"
	"  --listen HOST:PORT    where to listen (default 127.0.0.1:8080; port 0 picks a free port)\n"
	"  --web DIR             the widget and pages (default " KB_WEBDIR ")\n"
	"  --allow-origin ORIGIN a site whose pages may call the API (CORS); repeat for more\n"
	"  --threads N           search threads, and as many connection threads (default: one per core)\n"
	"  --cache-mb N          keep answers to repeated searches and suggestions in N MiB of memory,\n"
	"                        0-1024 (default 8; 0: no cache)\n"
	"  --access-log          print a line per request on stderr: method, path, status, time\n"
	"  --log-client-ip       ... starting with the client's address (off: privacy by default)\n"
	"  --zero-hits-log FILE  append each search that found nothing to FILE (time, query, filters)\n"
	"  -h, --help            this help\n"
	"  -V, --version         the version\n"
	"\n"
	"Exit status: 0 after SIGTERM/SIGINT, 1 when the index or address is unusable, 2 bad usage.\n"
	"Example: atmp-searchd --db kb.db --listen 127.0.0.1:8080 --web web\n";

#define MAX_ORIGINS 32


static int bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "atmp-searchd: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", usage);
	return 2;
}

/* An origin as a browser sends it in Origin, compared as text: the scheme, a host in lower case
 * (a name in ASCII, as an international one is sent in punycode, or an [IPv6] address), and a port
 * only when it is not the scheme's own (a browser leaves out :443 and :80), nothing after. Any other
 * text never matches one, and the widget would fail on that site with no word said. */
static bool origin_valid(const char *o)
{
	if (strcmp(o, "*") == 0)
		return true;
	bool https = strncmp(o, "https://", 8) == 0;
	const char *h = https ? o + 8 : strncmp(o, "http://", 7) == 0 ? o + 7 : NULL;
	if (!h)
		return false;
	const char *p = h;
	if (*p == '[') { /* an IPv6 address */
		while (*++p && (strchr("0123456789abcdef:.", *p)))
			;
		if (*p++ != ']' || p == h + 2)
			return false;
	} else {
		while (*p && ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
			p++;
		if (p == h)
			return false;
	}
	if (!*p)
		return true;
	if (*p++ != ':' || !*p || strlen(p) > 5 || strspn(p, "0123456789") != strlen(p) || *p == '0')
		return false;
	long port = strtol(p, NULL, 10);
	return port <= 65535 && port != (https ? 443 : 80);
}

int main(int argc, char **argv)
{
	kb_malloc_settle();
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },      { "listen", required_argument, NULL, 'l' },
		{ "web", required_argument, NULL, 'w' },     { "allow-origin", required_argument, NULL, 'o' },
		{ "threads", required_argument, NULL, 't' }, { "access-log", no_argument, NULL, 'a' },
		{ "log-client-ip", no_argument, NULL, 'i' }, { "zero-hits-log", required_argument, NULL, 'z' },
		{ "cache-mb", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },          { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	kb_http_conf conf = { .listen = "127.0.0.1:8080", .web = KB_WEBDIR, .cache_mb = 8 };
	static const char *origins[MAX_ORIGINS];
	const char *db = NULL, *zero_hits = NULL;
	int ch;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'l':
			if (!kb_http_listen_valid(optarg))
				return bad_usage("--listen '%s': " KB_LISTEN_WANT, optarg);
			conf.listen = optarg;
			break;
		case 'w': conf.web = optarg; break;
		case 'o':
			if (!origin_valid(optarg))
				return bad_usage("--allow-origin '%s': want a site as browsers send it, https://host or "
				                 "http://host:port, in lower case, with no path and without the scheme's "
				                 "own port (:443, :80); or *", optarg);
			if (conf.norigins == MAX_ORIGINS)
				return bad_usage("too many --allow-origin options (at most %s)", "32");
			origins[conf.norigins++] = optarg;
			break;
		case 'a': conf.log = true; break;
		case 'i': conf.log_client_ip = true; break;
		case 'z': zero_hits = optarg; break;
		case 't': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 256)
				return bad_usage("--threads '%s': want a number from 1 to 256", optarg);
			conf.threads = (unsigned)n;
			break;
		}
		case 'c': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (optarg[0] < '0' || optarg[0] > '9' || *end || n > 1024)
				return bad_usage("--cache-mb '%s': want a number from 0 to 1024", optarg);
			conf.cache_mb = (size_t)n;
			break;
		}
		case 'h': fputs(usage, stdout); return 0;
		case 'V': printf("atmp-searchd %s\n", KB_VERSION); return 0;
		default: return bad_usage("unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return bad_usage("unexpected argument '%s'", argv[optind]);
	if (!db)
		return bad_usage("%s is required", "--db");
	conf.origins = origins;

	/* signals are taken by sigwait below; blocking them first means every thread inherits the mask */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	char *err = NULL;
	if (zero_hits && !kb_zerohits_open(zero_hits, &err)) {
		fprintf(stderr, "atmp-searchd: %s\n", err);
		free(err);
		return 1;
	}
	if (!kb_served_start(db, &err)) {
		fprintf(stderr, "atmp-searchd: %s\n", err ? err : "cannot open the index");
		free(err);
		return 1;
	}
	if (!kb_http_start(&conf, &err)) {
		fprintf(stderr, "atmp-searchd: %s\n", err);
		free(err);
		kb_served_stop();
		return 1;
	}
	for (;;) {
		int sig = 0;
		sigwait(&sigs, &sig);
		if (sig == SIGHUP) {
			fprintf(stderr, "atmp-searchd: SIGHUP: reopening the index\n");
			kb_served_reload();
			continue;
		}
		break;
	}
	fprintf(stderr, "atmp-searchd: stopping\n");
	kb_http_stop();
	kb_served_stop();
	kb_zerohits_close();
	return 0;
}
