#include "args.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

const char kb_args_synopsis[] =
	"usage: atmp-search [--server URL | --db FILE] [OPTIONS] QUERY...\n"
	"       atmp-search [--server URL | --db FILE] [--json] show ID|N\n";

const char kb_args_help[] =
	"usage: atmp-search [--server URL | --db FILE] [OPTIONS] QUERY...\n"
	"       atmp-search [--server URL | --db FILE] [--json] show ID|N\n"
	"\n"
	"Searches the ATMP Danmark knowledge base, through the search daemon or directly in an index file,\n"
	"and shows a document. Hits are numbered; 'show N' opens hit N of your last search.\n"
	"\n"
	"  --server URL     the search daemon (default: $ATMP_SERVER, else http://127.0.0.1:8080)\n"
	"  --db FILE        search the index file directly, with no daemon\n"
	"  --json           print the API's JSON as it is (for jq and scripts)\n"
	"  --limit N        hits to show, 1-100 (default 10)\n"
	"  --offset N       hits to skip, 0-10000 (default 0): --offset 10 is the second page\n"
	"  --type T         only documents of this type: guidance, best-practice, faq, news, minutes,\n"
	"                   analysis (repeat for more: either type)\n"
	"  --lang L         only documents in this language: da, en\n"
	"  --tag T          only documents with this tag\n"
	"  --source S       only documents from this source, e.g. Lægemiddelstyrelsen\n"
	"  --timeout SEC    give up on the daemon after SEC seconds (default 10)\n"
	"  --color WHEN     auto (default: on a terminal, unless NO_COLOR is set), always, never\n"
	"  -h, --help       this help\n"
	"  -V, --version    the version\n"
	"\n"
	"Query language, as on the website:\n"
	"  genterapi forsøg      both words (documents with all of them first)\n"
	"  '\"kliniske forsøg\"'   the phrase (quote the quotes for the shell)\n"
	"  genterapi -hund       without a word (a word with one dash is never an option)\n"
	"  gen*                  words that start with gen\n"
	"  car-t OR cart         either\n"
	"  type:faq lang:en tag:GMP source:Amgros   filters, as the options above\n"
	"\n"
	"show ID opens a document by its id (the 'id#section' line of a hit; the #section may stay);\n"
	"show N opens hit N of your last search, through $PAGER when the output is a terminal.\n"
	"\n"
	"Examples:\n"
	"  atmp-search hospitalsundtagelse\n"
	"  atmp-search --lang en --type faq '\"gene therapy\"' trials\n"
	"  atmp-search --db kb.db --json genterapi | jq -r '.hits[].id'\n"
	"  atmp-search show 2\n"
	"  atmp-search show guidance/hospitalsundtagelse\n"
	"  atmp-search -- show      (searches for the word \"show\")\n"
	"\n"
	"Exit status: 0 success (also with no hits), 1 the daemon or the index failed, 2 bad usage.\n"
	"See atmp-search(1).\n";

enum opt { O_SERVER, O_DB, O_JSON, O_LIMIT, O_OFFSET, O_TYPE, O_LANG, O_TAG, O_SOURCE, O_TIMEOUT,
           O_COLOR, O_HELP, O_VERSION };

static const struct {
	const char *name;
	enum opt id;
	bool value;
} options[] = {
	{ "server", O_SERVER, true }, { "db", O_DB, true },         { "json", O_JSON, false },
	{ "limit", O_LIMIT, true },   { "offset", O_OFFSET, true }, { "type", O_TYPE, true },
	{ "lang", O_LANG, true },     { "tag", O_TAG, true },       { "source", O_SOURCE, true },
	{ "timeout", O_TIMEOUT, true }, { "color", O_COLOR, true }, { "help", O_HELP, false },
	{ "version", O_VERSION, false },
};

static bool parse_count(const char *s, size_t lo, size_t hi, size_t *out)
{
	if (!*s || strlen(s) > 9 || strspn(s, "0123456789") != strlen(s))
		return false;
	size_t v = (size_t)strtoul(s, NULL, 10);
	if (v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* Applies option id with value v (NULL for a flag); KB_ERR_INVALID on a bad value. */
static kb_status apply(kb_args *a, enum opt id, const char *name, const char *v, char **errmsg)
{
	kb_filter f = KB_FILTER_N;
	switch (id) {
	case O_SERVER:
		if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0)
			return kb_fail(KB_ERR_INVALID, errmsg, "--server '%s': want an http:// or https:// URL, "
			               "e.g. http://127.0.0.1:8080", v);
		a->server = v;
		break;
	case O_DB:
		if (!*v)
			return kb_fail(KB_ERR_INVALID, errmsg, "--db: want the index file's name");
		a->db = v;
		break;
	case O_JSON: a->json = true; break;
	case O_LIMIT:
		if (!parse_count(v, 1, 100, &a->limit))
			return kb_fail(KB_ERR_INVALID, errmsg, "--limit '%s': want a whole number from 1 to 100", v);
		break;
	case O_OFFSET:
		if (!parse_count(v, 0, 10000, &a->offset))
			return kb_fail(KB_ERR_INVALID, errmsg, "--offset '%s': want a whole number from 0 to 10000", v);
		break;
	case O_TIMEOUT: {
		char *end;
		double s = strtod(v, &end);
		if (!*v || *end || !(s > 0 && s <= 3600))
			return kb_fail(KB_ERR_INVALID, errmsg, "--timeout '%s': want seconds, more than 0 and at most 3600", v);
		a->timeout_ms = (long)(s * 1000 + 0.5);
		if (a->timeout_ms < 1)
			a->timeout_ms = 1;
		break;
	}
	case O_COLOR:
		if (strcmp(v, "auto") == 0)
			a->color = KB_COLOR_AUTO;
		else if (strcmp(v, "always") == 0)
			a->color = KB_COLOR_ALWAYS;
		else if (strcmp(v, "never") == 0)
			a->color = KB_COLOR_NEVER;
		else
			return kb_fail(KB_ERR_INVALID, errmsg, "--color '%s': want auto, always or never", v);
		break;
	case O_TYPE: f = KB_FILTER_TYPE; break;
	case O_LANG: f = KB_FILTER_LANG; break;
	case O_TAG: f = KB_FILTER_TAG; break;
	case O_SOURCE: f = KB_FILTER_SOURCE; break;
	case O_HELP: a->cmd = KB_CMD_HELP; break;
	case O_VERSION: a->cmd = KB_CMD_VERSION; break;
	}
	if (f != KB_FILTER_N && !kb_filter_value_ok(f, v)) {
		kb_buf want = { 0 };
		kb_filter_values(f, &want);
		kb_filter_hint(f, v, &want);
		kb_status rc = kb_fail(KB_ERR_INVALID, errmsg, "--%s '%s': want one of %s", name, v, want.s);
		kb_buf_free(&want);
		return rc;
	}
	if (f != KB_FILTER_N) {
		if (!*v)
			return kb_fail(KB_ERR_INVALID, errmsg, "--%s: want a value, not an empty string", name);
		if (a->nfilters[f] == KB_ARGS_MAX_FILTERS)
			return kb_fail(KB_ERR_INVALID, errmsg, "--%s: at most %d values", name, KB_ARGS_MAX_FILTERS);
		a->filters[f][a->nfilters[f]++] = v;
	}
	return KB_OK;
}

/* Reads the option at argv[*i] (which starts with "--"), and its value; advances *i past them. */
static kb_status option(kb_args *a, int argc, char **argv, int *i, char **errmsg)
{
	const char *arg = argv[*i] + 2, *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
	for (size_t k = 0; k < sizeof options / sizeof *options; k++) {
		if (strlen(options[k].name) != n || strncmp(arg, options[k].name, n) != 0)
			continue;
		const char *v = NULL;
		if (options[k].value) {
			if (eq)
				v = eq + 1;
			else if (*i + 1 < argc)
				v = argv[++*i];
			else
				return kb_fail(KB_ERR_INVALID, errmsg, "--%s needs a value", options[k].name);
		} else if (eq) {
			return kb_fail(KB_ERR_INVALID, errmsg, "--%s takes no value", options[k].name);
		}
		++*i;
		return apply(a, options[k].id, options[k].name, v, errmsg);
	}
	return kb_fail(KB_ERR_INVALID, errmsg, "unknown option '--%.*s'", (int)n, arg);
}

kb_status kb_args_parse(int argc, char **argv, kb_args *a, char **errmsg)
{
	memset(a, 0, sizeof *a);
	a->cmd = KB_CMD_SEARCH;
	a->limit = 10;
	a->timeout_ms = 10000;
	a->color = KB_COLOR_AUTO;
	kb_buf q = { 0 };
	bool words_only = false, any_word = false;
	int nshow = 0;
	kb_status rc = KB_OK;
	for (int i = 1; i < argc && rc == KB_OK;) {
		const char *arg = argv[i];
		if (!words_only && strcmp(arg, "--") == 0) {
			words_only = true;
			i++;
		} else if (!words_only && strncmp(arg, "--", 2) == 0) {
			rc = option(a, argc, argv, &i, errmsg);
			if (a->cmd == KB_CMD_HELP || a->cmd == KB_CMD_VERSION)
				break;
		} else if (!words_only && (strcmp(arg, "-h") == 0 || strcmp(arg, "-V") == 0)) {
			a->cmd = arg[1] == 'h' ? KB_CMD_HELP : KB_CMD_VERSION;
			break;
		} else if (!any_word && !words_only && strcmp(arg, "show") == 0) {
			a->cmd = KB_CMD_SHOW;
			any_word = true;
			i++;
		} else if (a->cmd == KB_CMD_SHOW) {
			a->target = arg;
			nshow++;
			i++;
		} else {
			if (q.len)
				kb_buf_addc(&q, ' ');
			kb_buf_adds(&q, arg);
			any_word = true;
			i++;
		}
	}
	a->query = kb_buf_detach(&q);
	if (rc != KB_OK || a->cmd == KB_CMD_HELP || a->cmd == KB_CMD_VERSION)
		return rc;
	if (a->server && a->db)
		return kb_fail(KB_ERR_INVALID, errmsg, "--server and --db cannot be used together: "
		               "pick the daemon or the index file");
	if (a->cmd == KB_CMD_SHOW && nshow == 0)
		return kb_fail(KB_ERR_INVALID, errmsg, "show needs a document id or the number of a hit");
	if (a->cmd == KB_CMD_SHOW && nshow > 1)
		return kb_fail(KB_ERR_INVALID, errmsg, "show takes one document id or number, not %d words "
		               "(to search for the word show: atmp-search -- show ...)", nshow);
	if (a->cmd == KB_CMD_SHOW && !*a->target)
		return kb_fail(KB_ERR_INVALID, errmsg, "show needs a document id or the number of a hit");
	if (a->cmd == KB_CMD_SEARCH && strspn(a->query, " \t\n") == strlen(a->query))
		return kb_fail(KB_ERR_INVALID, errmsg, "a query is missing");
	return KB_OK;
}

void kb_args_clear(kb_args *a)
{
	free(a->query);
	a->query = NULL;
}
