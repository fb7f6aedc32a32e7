/* atmp-search: the terminal client (INTERFACE.md §2.3). */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fetch.h"
#include "json.h"
#include "render.h"
#include "search.h"
#include "util.h"

static const char usage[] =
	"usage: atmp-search [--server URL | --db FILE] [OPTIONS] QUERY...\n"
	"       atmp-search [--server URL | --db FILE] show ID\n"
	"\n"
	"Searches the ATMP Danmark knowledge base, through the search daemon or an index file.\n"
	"\n"
	"  --server URL     the daemon (default: $ATMP_SERVER, else http://127.0.0.1:8080)\n"
	"  --db FILE        search the index file directly, with no daemon\n"
	"  --json           print the API's JSON response as it is\n"
	"  --limit N        hits to show, 1-100 (default 10)\n"
	"  --offset N       hits to skip (default 0)\n"
	"  --type T         only documents of this type (guidance, best-practice, faq, news, minutes,\n"
	"                   analysis); repeat for more\n"
	"  --lang L         only documents in this language (da, en)\n"
	"  --tag T          only documents with this tag\n"
	"  --source S       only documents from this source\n"
	"  --timeout SEC    give up on the daemon after SEC seconds (default 10)\n"
	"  -h, --help       this help\n"
	"  -V, --version    the version\n"
	"\n"
	"Query language: words (all found rank first), \"a phrase\", -without, prefix*, a OR b,\n"
	"type:faq, lang:en, tag:GMP, source:Amgros.\n"
	"\n"
	"Examples:\n"
	"  atmp-search hospitalsundtagelse\n"
	"  atmp-search --lang en --type faq \"gene therapy\" trials\n"
	"  atmp-search --db kb.db --json genterapi | jq '.hits[].id'\n"
	"  atmp-search show guidance/hospitalsundtagelse\n"
	"\n"
	"Exit status: 0 success (also with no hits), 1 the daemon or index failed, 2 bad usage.\n";

#define MAX_FILTERS 16

struct args {
	const char *server, *db;
	bool json;
	size_t limit, offset;
	long timeout;
	const char *filters[KB_FILTER_N][MAX_FILTERS];
	size_t nfilters[KB_FILTER_N];
};

static int bad_usage(const char *msg, const char *arg)
{
	fprintf(stderr, "atmp-search: ");
	fprintf(stderr, msg, arg);
	fprintf(stderr, "\n%s", usage);
	return 2;
}

static bool parse_size(const char *s, size_t lo, size_t hi, size_t *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < (long)lo || v > (long)hi)
		return false;
	*out = (size_t)v;
	return true;
}

static kb_render_opts render_opts(const struct args *a)
{
	kb_render_opts o = { .color = false, .width = 80, .offset = a->offset };
	if (isatty(STDOUT_FILENO)) {
		struct winsize ws;
		const char *nc = getenv("NO_COLOR");
		o.color = !nc || !*nc;
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
			o.width = ws.ws_col;
	}
	return o;
}

/* The response of the daemon or of the index file, as JSON text; NULL after reporting an error. */
static char *ask_server(const struct args *a, const char *path_and_query, int *status)
{
	kb_buf url = { 0 };
	kb_buf_adds(&url, a->server);
	while (url.len && url.s[url.len - 1] == '/')
		url.s[--url.len] = '\0';
	kb_buf_adds(&url, path_and_query);
	kb_fetched f;
	kb_fetch(url.s, a->timeout, &f);
	char *body = NULL;
	if (f.error) {
		fprintf(stderr, "atmp-search: cannot reach the search daemon at %s: %s\n"
		        "  start it with 'make run', or search an index file directly with --db FILE\n",
		        a->server, f.error);
		*status = 1;
	} else if (f.status != 200) {
		json_t *e = json_loads(f.body, 0, NULL);
		const char *msg = kb_json_str(e, "error");
		fprintf(stderr, "atmp-search: %s (HTTP %ld from %s)\n", msg ? msg : "the daemon refused the request",
		        f.status, a->server);
		json_decref(e);
		*status = f.status == 400 ? 2 : 1;
	} else {
		body = f.body;
		f.body = NULL;
	}
	kb_fetched_clear(&f);
	kb_buf_free(&url);
	return body;
}

static char *search_server(const struct args *a, const char *q, int *status)
{
	kb_buf pq = { 0 };
	char *eq = kb_url_escape(q);
	kb_buf_printf(&pq, "/api/search?q=%s&limit=%zu&offset=%zu", eq, a->limit, a->offset);
	free(eq);
	for (int f = 0; f < KB_FILTER_N; f++)
		for (size_t i = 0; i < a->nfilters[f]; i++) {
			char *ev = kb_url_escape(a->filters[f][i]);
			kb_buf_printf(&pq, "&%s=%s", kb_filter_name((kb_filter)f), ev);
			free(ev);
		}
	char *body = ask_server(a, pq.s, status);
	kb_buf_free(&pq);
	return body;
}

static kb_searcher *open_db(const char *db, int *status)
{
	kb_searcher *s = NULL;
	char *err = NULL;
	if (kb_searcher_open(db, &s, &err) != KB_OK) {
		fprintf(stderr, "atmp-search: %s\n  build the index with 'atmp-index --corpus corpus --db %s'\n",
		        err ? err : db, db);
		free(err);
		*status = 1;
	}
	return s;
}

static char *search_db(const struct args *a, const char *q, int *status)
{
	kb_searcher *s = open_db(a->db, status);
	if (!s)
		return NULL;
	kb_search_params p = { .q = q, .limit = a->limit, .offset = a->offset };
	for (int f = 0; f < KB_FILTER_N; f++) {
		p.filters[f] = a->filters[f];
		p.nfilters[f] = a->nfilters[f];
	}
	json_t *res = NULL;
	char *err = NULL, *body = NULL;
	kb_status st = kb_search_run(s, &p, &res, &err);
	if (st != KB_OK) {
		fprintf(stderr, "atmp-search: %s\n", err ? err : kb_status_str(st));
		*status = st == KB_ERR_INVALID ? 2 : 1;
	} else {
		body = kb_json_dumps(res);
	}
	free(err);
	json_decref(res);
	kb_searcher_close(s);
	return body;
}

static char *doc_db(const struct args *a, const char *id, int *status)
{
	kb_searcher *s = open_db(a->db, status);
	if (!s)
		return NULL;
	json_t *doc = NULL;
	char *err = NULL, *body = NULL;
	if (kb_search_doc(s, id, &doc, &err) != KB_OK) {
		fprintf(stderr, "atmp-search: %s\n", err);
		*status = 1;
	} else {
		json_object_del(doc, "hash");
		body = kb_json_dumps(doc);
	}
	free(err);
	json_decref(doc);
	kb_searcher_close(s);
	return body;
}

static int show(const struct args *a, const char *id)
{
	int status = 0;
	char *body;
	if (a->db) {
		body = doc_db(a, id, &status);
	} else {
		/* the id's slashes stay: they are part of the path /api/doc/guidance/x */
		kb_buf p = { 0 };
		kb_buf_adds(&p, "/api/doc/");
		for (const char *s = id; *s; s++) {
			if (*s == '/' || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_')
				kb_buf_addc(&p, *s);
			else
				kb_buf_printf(&p, "%%%02X", (unsigned char)*s);
		}
		body = ask_server(a, p.s, &status);
		kb_buf_free(&p);
	}
	if (!body)
		return status;
	if (a->json) {
		printf("%s\n", body);
	} else {
		json_t *doc = json_loads(body, 0, NULL);
		kb_render_opts o = render_opts(a);
		kb_render_doc(stdout, doc, &o);
		json_decref(doc);
	}
	free(body);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 'S' }, { "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },         { "limit", required_argument, NULL, 'n' },
		{ "offset", required_argument, NULL, 'o' }, { "type", required_argument, NULL, 't' },
		{ "lang", required_argument, NULL, 'l' },   { "tag", required_argument, NULL, 'g' },
		{ "source", required_argument, NULL, 's' }, { "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },         { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct args a = { .limit = 10, .timeout = 10 };
	int ch;
	size_t tmp;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
		kb_filter f = KB_FILTER_N;
		switch (ch) {
		case 'S': a.server = optarg; break;
		case 'd': a.db = optarg; break;
		case 'j': a.json = true; break;
		case 'n':
			if (!parse_size(optarg, 1, KB_MAX_LIMIT, &a.limit))
				return bad_usage("--limit '%s': want a number from 1 to 100", optarg);
			break;
		case 'o':
			if (!parse_size(optarg, 0, 10000, &a.offset))
				return bad_usage("--offset '%s': want a number from 0 to 10000", optarg);
			break;
		case 'T':
			if (!parse_size(optarg, 1, 600, &tmp))
				return bad_usage("--timeout '%s': want seconds from 1 to 600", optarg);
			a.timeout = (long)tmp;
			break;
		case 't': f = KB_FILTER_TYPE; break;
		case 'l': f = KB_FILTER_LANG; break;
		case 'g': f = KB_FILTER_TAG; break;
		case 's': f = KB_FILTER_SOURCE; break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': printf("atmp-search %s\n", KB_VERSION); return 0;
		default: return bad_usage("unknown or incomplete option '%s'", argv[optind - 1]);
		}
		if (f != KB_FILTER_N) {
			if (a.nfilters[f] == MAX_FILTERS)
				return bad_usage("too many --%s options", kb_filter_name(f));
			a.filters[f][a.nfilters[f]++] = optarg;
		}
	}
	if (a.server && a.db)
		return bad_usage("%s", "--server and --db cannot be used together");
	if (!a.db && !a.server) {
		const char *env = getenv("ATMP_SERVER");
		a.server = env && *env ? env : "http://127.0.0.1:8080";
	}
	if (optind >= argc)
		return bad_usage("%s", "a query is missing");
	if (strcmp(argv[optind], "show") == 0) {
		if (argc - optind != 2)
			return bad_usage("%s", "show takes one document id");
		return show(&a, argv[optind + 1]);
	}
	kb_buf q = { 0 };
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			kb_buf_addc(&q, ' ');
		kb_buf_adds(&q, argv[i]);
	}
	int status = 0;
	char *body = a.db ? search_db(&a, q.s, &status) : search_server(&a, q.s, &status);
	kb_buf_free(&q);
	if (!body)
		return status;
	if (a.json) {
		printf("%s\n", body);
	} else {
		json_t *res = json_loads(body, 0, NULL);
		kb_render_opts o = render_opts(&a);
		kb_render_results(stdout, res, &o);
		if (json_array_size(json_object_get(res, "hits")) == 0)
			fprintf(stdout, "No hits. Try fewer words, check the spelling, or search in %s.\n",
			        "Danish or English");
		json_decref(res);
	}
	free(body);
	return 0;
}
