#include "history.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "util.h"

#define FILE_NAME "last-search.json"

static char *cache_dir(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	kb_buf b = { 0 };
	if (xdg && xdg[0] == '/')
		kb_buf_printf(&b, "%s/atmp-kb", xdg);
	else if (home && *home)
		kb_buf_printf(&b, "%s/.cache/atmp-kb", home);
	else
		return NULL;
	return kb_buf_detach(&b);
}

char *kb_history_path(void)
{
	char *dir = cache_dir();
	if (!dir)
		return NULL;
	kb_buf b = { 0 };
	kb_buf_printf(&b, "%s/" FILE_NAME, dir);
	free(dir);
	return kb_buf_detach(&b);
}

/* mkdir -p, the last component private to the user. */
static int make_dirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int rc = mkdir(path, 0755);
		*p = '/';
		if (rc != 0 && errno != EEXIST)
			return -1;
	}
	return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

kb_status kb_history_save(const json_t *res, size_t offset, const char *server, const char *db,
                          char **errmsg)
{
	char *dir = cache_dir();
	if (!dir)
		return kb_fail(KB_ERR_IO, errmsg, "cannot remember the search: neither XDG_CACHE_HOME nor HOME is set");
	json_t *hits = json_array();
	size_t i;
	const json_t *h;
	json_array_foreach(json_object_get(res, "hits"), i, h)
		json_array_append_new(hits, json_pack("{s:O?,s:O?}", "id", json_object_get(h, "id"), "section",
		                                      json_object_get(h, "section")));
	char abs[PATH_MAX];
	json_t *mem = json_pack("{s:O?,s:s?,s:s?,s:I,s:o}", "query", json_object_get(res, "query"),
	                        "server", server, "db", db && realpath(db, abs) ? abs : db,
	                        "first", (json_int_t)offset + 1, "hits", hits);
	char *text = kb_json_dumps(mem);
	json_decref(mem);

	kb_status rc = KB_OK;
	kb_buf tmp = { 0 };
	kb_buf_printf(&tmp, "%s/" FILE_NAME ".XXXXXX", dir);
	int fd = -1;
	if (make_dirs(dir) != 0 || (fd = mkstemp(tmp.s)) < 0) {
		rc = kb_fail(KB_ERR_IO, errmsg, "%s: cannot remember the search: %s", dir, strerror(errno));
	} else {
		FILE *f = fdopen(fd, "w");
		bool ok = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
		ok = (f ? fclose(f) == 0 : (close(fd), false)) && ok;
		kb_buf path = { 0 };
		kb_buf_printf(&path, "%s/" FILE_NAME, dir);
		if (!ok || rename(tmp.s, path.s) != 0) {
			rc = kb_fail(KB_ERR_IO, errmsg, "%s: cannot remember the search: %s", path.s, strerror(errno));
			unlink(tmp.s);
		}
		kb_buf_free(&path);
	}
	kb_buf_free(&tmp);
	free(text);
	free(dir);
	return rc;
}

static char *dup_str(const json_t *o, const char *k)
{
	return kb_xstrdup(kb_json_str(o, k));
}

kb_status kb_history_get(size_t n, kb_recalled *out, char **errmsg)
{
	memset(out, 0, sizeof *out);
	char *path = kb_history_path();
	if (!path)
		return kb_fail(KB_ERR_NOT_FOUND, errmsg, "no last search to take hit %zu from "
		               "(neither XDG_CACHE_HOME nor HOME is set)", n);
	json_error_t jerr;
	json_t *mem = json_load_file(path, 0, &jerr);
	kb_status rc = KB_OK;
	const json_t *hits = json_object_get(mem, "hits");
	size_t first = (size_t)json_integer_value(json_object_get(mem, "first"));
	if (!mem || !json_is_array(hits) || first < 1) {
		rc = kb_fail(KB_ERR_NOT_FOUND, errmsg, "no last search to take hit %zu from (%s): "
		             "search first, then use the number of a hit", n, path);
	} else if (n < first || n - first >= json_array_size(hits)) {
		size_t k = json_array_size(hits);
		char *q = dup_str(mem, "query");
		if (k == 0)
			rc = kb_fail(KB_ERR_NOT_FOUND, errmsg, "the last search ('%s') had no hits", q ? q : "");
		else
			rc = kb_fail(KB_ERR_NOT_FOUND, errmsg, "the last search ('%s') showed hits %zu–%zu; "
			             "there is no hit %zu", q ? q : "", first, first + k - 1, n);
		free(q);
	} else {
		const json_t *h = json_array_get(hits, n - first);
		out->id = dup_str(h, "id");
		out->section = dup_str(h, "section");
		out->query = dup_str(mem, "query");
		out->server = dup_str(mem, "server");
		out->db = dup_str(mem, "db");
		if (!out->id)
			rc = kb_fail(KB_ERR_NOT_FOUND, errmsg, "%s: hit %zu has no id", path, n);
	}
	json_decref(mem);
	free(path);
	return rc;
}

void kb_recalled_clear(kb_recalled *r)
{
	if (!r)
		return;
	free(r->id);
	free(r->section);
	free(r->query);
	free(r->server);
	free(r->db);
	memset(r, 0, sizeof *r);
}
