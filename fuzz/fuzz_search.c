/* Fuzz target: the whole search plan — parse, expand (stems, compounds, synonyms, spelling), rank,
 * snippets, facets — on a small real index ($ATMP_FUZZ_DB; fuzz/run.sh builds it from the bundled
 * corpus). The first two bytes pick limit and offset, a third a type filter; the rest is the query.
 * Properties: no memory error; a query that passes kb_search_check is answered (KB_OK) with at
 * most limit hits, total >= offset + hits, snippets whose only markup is <mark>; and an id lookup
 * is KB_OK or KB_ERR_NOT_FOUND. */
#include <string.h>

#include "fuzz.h"
#include "search.h"
#include "util.h"

static kb_searcher *s;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *db = getenv("ATMP_FUZZ_DB");
	char *err = NULL;
	if (!db || kb_searcher_open(db, &s, &err) != KB_OK) {
		fprintf(stderr, "fuzz_search: set ATMP_FUZZ_DB to an index file (%s)\n", err ? err : "unset");
		exit(2);
	}
	return 0;
}

static void check_snippet(const char *snip)
{
	PROPERTY(snip);
	kb_buf b = { 0 };
	for (const char *p = snip; *p;) {
		if (strncmp(p, "<mark>", 6) == 0)
			p += 6;
		else if (strncmp(p, "</mark>", 7) == 0)
			p += 7;
		else
			kb_buf_addc(&b, *p++);
	}
	PROPERTY(!b.s || (!strchr(b.s, '<') && !strchr(b.s, '>')));
	kb_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = { "faq", "guidance", "news" };
	if (size < 3)
		return 0;
	kb_search_params p = { .limit = 1 + data[0] % KB_MAX_LIMIT, .offset = data[1] % 32 };
	const char *type[1] = { types[data[2] % 3] };
	if (data[2] & 0x80) {
		p.filters[KB_FILTER_TYPE] = type;
		p.nfilters[KB_FILTER_TYPE] = 1;
	}
	char *q = kb_xstrndup((const char *)data + 3, size - 3); /* stops at a NUL, as the daemon refuses one */
	p.q = q;
	char *err = NULL;
	if (kb_search_check(&p, &err) != KB_OK) {
		PROPERTY(err);
		free(err);
		free(q);
		return 0;
	}
	json_t *res = NULL;
	kb_status st = kb_search_run(s, &p, &res, &err);
	if (st != KB_OK)
		fprintf(stderr, "fuzz_search: %s\n", err ? err : "?");
	PROPERTY(st == KB_OK && res);
	json_t *hits = json_object_get(res, "hits");
	PROPERTY(json_is_array(hits) && json_array_size(hits) <= p.limit);
	json_int_t total = json_integer_value(json_object_get(res, "total"));
	PROPERTY(total >= 0 && json_array_size(hits) <= (size_t)total);
	size_t i;
	json_t *h;
	json_array_foreach(hits, i, h) {
		check_snippet(json_string_value(json_object_get(h, "snippet")));
		PROPERTY(json_string_value(json_object_get(h, "id")));
	}
	json_decref(res);

	json_t *doc = NULL;
	st = kb_search_doc(s, q, &doc, &err);
	PROPERTY(st == KB_OK || st == KB_ERR_NOT_FOUND);
	json_decref(doc);
	free(err);
	free(q);
	return 0;
}
