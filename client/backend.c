#include "backend.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fetch.h"
#include "json.h"
#include "util.h"

#define HINT_DB   "search an index file directly with --db FILE"
#define HINT_MAKE "start it with 'make run' (or 'atmp-searchd --db FILE'), or " HINT_DB

/* ---- the daemon ---- */

/* The daemon's answer to path_and_query as JSON text, or NULL with *st and *errmsg set. */
static char *ask(const kb_backend *b, const char *path_and_query, bool doc, kb_status *st, char **errmsg)
{
	kb_buf url = { 0 };
	kb_buf_adds(&url, b->server);
	while (url.len && url.s[url.len - 1] == '/')
		url.s[--url.len] = '\0';
	size_t base_len = url.len;
	kb_buf_adds(&url, path_and_query);
	char *base = kb_xstrndup(url.s, base_len);

	kb_fetched f;
	kb_fetch(url.s, b->timeout_ms, &f);
	json_t *j = f.error ? NULL : json_loads(f.body, 0, NULL);
	const char *msg = kb_json_str(j, "error");
	char *body = NULL;
	*st = KB_OK;
	if (f.timed_out) {
		*st = kb_fail(KB_ERR_IO, errmsg, "the search daemon at %s did not answer within %g second%s\n"
		              "  it may be busy or stuck: try again, allow more time with --timeout SECONDS, "
		              "or " HINT_DB, base, b->timeout_ms / 1000.0, b->timeout_ms == 1000 ? "" : "s");
	} else if (f.error) {
		*st = kb_fail(KB_ERR_IO, errmsg, "cannot reach the search daemon at %s: %s\n  " HINT_MAKE,
		              base, f.error);
	} else if (f.status == 200 && json_is_object(j)) {
		body = f.body;
		f.body = NULL;
	} else if (f.status == 200) {
		*st = kb_fail(KB_ERR_IO, errmsg, "%s did not answer with atmp-kb JSON: is it an atmp-searchd?", base);
	} else if (f.status == 400 && msg) {
		*st = kb_fail(KB_ERR_INVALID, errmsg, "%s (refused by the daemon at %s)", msg, base);
	} else if (f.status == 404 && doc && msg) {
		*st = kb_fail(KB_ERR_NOT_FOUND, errmsg, "%s at %s", msg, base);
	} else if (f.status == 404) {
		*st = kb_fail(KB_ERR_IO, errmsg, "%s has no %.*s (HTTP 404): is it an atmp-searchd?", base,
		              (int)strcspn(path_and_query, "?"), path_and_query);
	} else if (f.status == 503) {
		*st = kb_fail(KB_ERR_DATABASE, errmsg, "the search daemon at %s cannot answer: %s", base,
		              msg ? msg : "service unavailable");
	} else {
		*st = kb_fail(KB_ERR_IO, errmsg, "the search daemon at %s answered HTTP %ld%s%s", base, f.status,
		              msg ? ": " : "", msg ? msg : "");
	}
	json_decref(j);
	kb_fetched_clear(&f);
	kb_buf_free(&url);
	free(base);
	return body;
}

static char *search_server(const kb_backend *b, const kb_search_params *p, kb_status *st, char **errmsg)
{
	kb_buf pq = { 0 };
	char *eq = kb_url_escape(p->q ? p->q : "");
	kb_buf_printf(&pq, "/api/search?q=%s&limit=%zu&offset=%zu", eq, p->limit, p->offset);
	free(eq);
	for (int f = 0; f < KB_FILTER_N; f++)
		for (size_t i = 0; i < p->nfilters[f]; i++) {
			char *ev = kb_url_escape(p->filters[f][i]);
			kb_buf_printf(&pq, "&%s=%s", kb_filter_name((kb_filter)f), ev);
			free(ev);
		}
	char *body = ask(b, pq.s, false, st, errmsg);
	kb_buf_free(&pq);
	return body;
}

static char *doc_server(const kb_backend *b, const char *id, kb_status *st, char **errmsg)
{
	/* each segment escaped; the slashes stay, as they are part of the path /api/doc/guidance/x */
	kb_buf p = { 0 };
	kb_buf_adds(&p, "/api/doc/");
	for (const char *s = id; *s;) {
		size_t n = strcspn(s, "/");
		char *seg = kb_xstrndup(s, n), *e = kb_url_escape(seg);
		kb_buf_adds(&p, e);
		free(seg);
		free(e);
		s += n;
		if (*s == '/')
			kb_buf_addc(&p, *s++);
	}
	char *body = ask(b, p.s, true, st, errmsg);
	kb_buf_free(&p);
	return body;
}

/* ---- the index file ---- */

static kb_searcher *open_db(const char *db, kb_status *st, char **errmsg)
{
	struct stat sb;
	if (stat(db, &sb) != 0) {
		if (errno == ENOENT)
			*st = kb_fail(KB_ERR_IO, errmsg, "%s: no such index file\n"
			              "  build it with 'atmp-index --corpus corpus --db %s', "
			              "or search the daemon with --server URL", db, db);
		else
			*st = kb_fail(KB_ERR_IO, errmsg, "%s: %s", db, strerror(errno));
		return NULL;
	}
	if (access(db, R_OK) != 0) {
		*st = kb_fail(KB_ERR_IO, errmsg, "%s: cannot read the index file: %s", db, strerror(errno));
		return NULL;
	}
	kb_searcher *s = NULL;
	char *err = NULL;
	if (kb_searcher_open(db, &s, &err) != KB_OK) {
		size_t n = strlen(db);
		const char *detail = err ? err : "cannot open it";
		if (strncmp(detail, db, n) == 0 && strncmp(detail + n, ": ", 2) == 0)
			detail += n + 2; /* the library names the file too */
		if (S_ISDIR(sb.st_mode))
			*st = kb_fail(KB_ERR_DATABASE, errmsg, "%s: a directory, not an atmp-kb index file\n"
			              "  an index is one file, built with 'atmp-index --corpus DIR --db FILE'", db);
		else
			*st = kb_fail(KB_ERR_DATABASE, errmsg, "%s: not an atmp-kb index file (%s)\n"
			              "  an index is built with 'atmp-index --corpus DIR --db FILE'", db, detail);
		free(err);
		return NULL;
	}
	return s;
}

/* The index file's answer as JSON text: a search when p is given, else the document id. */
static char *ask_db(const kb_backend *b, const kb_search_params *p, const char *id, kb_status *st,
                    char **errmsg)
{
	kb_searcher *s = open_db(b->db, st, errmsg);
	if (!s)
		return NULL;
	json_t *res = NULL;
	char *body = NULL;
	*st = p ? kb_search_run(s, p, &res, errmsg) : kb_search_doc(s, id, &res, errmsg);
	if (*st == KB_OK)
		body = kb_json_dumps(res);
	json_decref(res);
	kb_searcher_close(s);
	return body;
}

/* ---- either ---- */

char *kb_backend_search(const kb_backend *b, const kb_search_params *p, kb_status *st, char **errmsg)
{
	*errmsg = NULL;
	return b->db ? ask_db(b, p, NULL, st, errmsg) : search_server(b, p, st, errmsg);
}

char *kb_backend_doc(const kb_backend *b, const char *id, kb_status *st, char **errmsg)
{
	*errmsg = NULL;
	return b->db ? ask_db(b, NULL, id, st, errmsg) : doc_server(b, id, st, errmsg);
}
