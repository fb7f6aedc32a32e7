/* atmp-search: the terminal client (INTERFACE.md §2.3). This file only ties the modules together:
 * args reads the command line, backend asks the daemon or the index file, render and doc turn the
 * answers into text, history remembers the last hits for `show N`, pager shows a document. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "backend.h"
#include "doc.h"
#include "history.h"
#include "pager.h"
#include "render.h"
#include "search.h"
#include "term.h"
#include "util.h"

#define DEFAULT_SERVER "http://127.0.0.1:8080"

/* Exit statuses of INTERFACE.md §2. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

static int fail(kb_status st, char *errmsg)
{
	fprintf(stderr, "atmp-search: %s\n", errmsg ? errmsg : kb_status_str(st));
	free(errmsg);
	if (st != KB_ERR_INVALID)
		return EXIT_FAIL;
	/* a bad query or filter is bad usage, told as the command line's own mistakes are */
	fprintf(stderr, "%sTry 'atmp-search --help' for more.\n", kb_args_synopsis);
	return EXIT_USAGE;
}

/* Flushes stdout; a failure to write (a full disk, a closed pipe) is a runtime failure. */
static int finish(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "atmp-search: cannot write the output: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	return status;
}

static int search(const kb_args *a, const kb_backend *b)
{
	kb_search_params p = { .q = a->query, .limit = a->limit, .offset = a->offset };
	bool filtered = false;
	for (int f = 0; f < KB_FILTER_N; f++) {
		p.filters[f] = a->filters[f];
		p.nfilters[f] = a->nfilters[f];
		filtered |= a->nfilters[f] > 0;
	}
	char *err = NULL;
	size_t qlen = strlen(a->query);
	kb_status st = KB_OK;
	if (qlen > KB_MAX_QUERY_BYTES)
		st = kb_fail(KB_ERR_INVALID, &err, "the query is too long (%zu bytes; at most %d)", qlen,
		             KB_MAX_QUERY_BYTES);
	else if (!kb_utf8_valid(a->query, qlen))
		st = kb_fail(KB_ERR_INVALID, &err, "the query is not valid UTF-8");
	else
		st = kb_search_check(&p, &err); /* the same words for a bad query in both modes */
	if (st != KB_OK)
		return fail(st, err);
	char *body = kb_backend_search(b, &p, &st, &err);
	if (!body)
		return fail(st, err);
	json_t *res = json_loads(body, 0, NULL);
	char *herr = NULL;
	if (kb_history_save(res, a->offset, b->server, b->db, &herr) != KB_OK)
		free(herr); /* only `show N` needs it, and it says where it looked */
	if (a->json) {
		printf("%s\n", body);
	} else {
		kb_term t = kb_term_detect(STDOUT_FILENO, a->color);
		kb_render_opts o = { .color = t.color, .width = t.width, .offset = a->offset, .filtered = filtered };
		kb_render_results(stdout, res, &o);
	}
	json_decref(res);
	free(body);
	return finish(EXIT_OK);
}

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

static int show(const kb_args *a, kb_backend *b)
{
	kb_recalled hit = { 0 };
	char *id = NULL, *section = NULL, *err = NULL;
	kb_status st = KB_OK;
	if (all_digits(a->target)) {
		size_t n = strlen(a->target) > 9 ? 0 : (size_t)strtoul(a->target, NULL, 10);
		st = kb_history_get(n, &hit, &err);
		if (st != KB_OK) {
			kb_recalled_clear(&hit);
			return fail(st, err);
		}
		if (!a->server && !a->db) { /* where that search ran, unless told otherwise */
			b->server = hit.db ? NULL : hit.server ? hit.server : b->server;
			b->db = hit.db;
		}
		id = kb_xstrdup(hit.id);
		section = kb_xstrdup(hit.section);
	} else {
		size_t n = strcspn(a->target, "#"); /* the id#section of a hit opens its document */
		id = kb_xstrndup(a->target, n);
		section = a->target[n] && a->target[n + 1] ? kb_xstrdup(a->target + n + 1) : NULL;
	}
	char *body = kb_backend_doc(b, id, &st, &err);
	int status = EXIT_OK;
	if (!body) {
		status = fail(st, err);
		if (st == KB_ERR_NOT_FOUND)
			fprintf(stderr, "  find its id with a search: atmp-search WORDS\n");
	} else if (a->json) {
		printf("%s\n", body);
		status = finish(EXIT_OK);
	} else {
		json_t *doc = json_loads(body, 0, NULL);
		kb_term t = kb_term_detect(STDOUT_FILENO, a->color);
		kb_doc_opts o = { .color = t.color, .width = t.width, .section = section };
		char *text = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&text, &len);
		kb_doc_render(mem, doc, &o);
		fclose(mem);
		if (kb_pager_show(text, len) != 0)
			status = finish(EXIT_FAIL);
		free(text);
		json_decref(doc);
	}
	free(body);
	free(id);
	free(section);
	kb_recalled_clear(&hit);
	return status;
}

int main(int argc, char **argv)
{
	kb_malloc_settle(); /* for --db, as atmp-searchd */
	kb_args a;
	char *err = NULL;
	if (kb_args_parse(argc, argv, &a, &err) != KB_OK) {
		fprintf(stderr, "atmp-search: %s\n%sTry 'atmp-search --help' for more.\n", err, kb_args_synopsis);
		free(err);
		kb_args_clear(&a);
		return EXIT_USAGE;
	}
	int status = EXIT_OK;
	const char *env = getenv("ATMP_SERVER");
	kb_backend b = { .server = a.server, .db = a.db, .timeout_ms = a.timeout_ms };
	if (!b.server && !b.db)
		b.server = env && *env ? env : DEFAULT_SERVER;
	switch (a.cmd) {
	case KB_CMD_HELP:
		fputs(kb_args_help, stdout);
		status = finish(EXIT_OK);
		break;
	case KB_CMD_VERSION:
		printf("atmp-search %s\n", KB_VERSION);
		status = finish(EXIT_OK);
		break;
	case KB_CMD_SHOW: status = show(&a, &b); break;
	case KB_CMD_SEARCH: status = search(&a, &b); break;
	}
	kb_args_clear(&a);
	return status;
}
