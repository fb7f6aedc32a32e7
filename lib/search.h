/* search — answers a query over an index: parses it, expands each word into its analysed forms,
 * ranks sections, keeps one hit per document, cuts snippets and counts facets; the answer is the
 * JSON object of INTERFACE.md §3.
 *
 * A kb_searcher owns one index handle and one analyzer and is not thread-safe: the daemon keeps one
 * per thread. It depends on analyzer, query and engine, never on the programs. */
#ifndef KB_SEARCH_H
#define KB_SEARCH_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "query.h"
#include "status.h"

#define KB_MAX_QUERY_BYTES 1000
#define KB_MAX_LIMIT       100

typedef struct kb_searcher kb_searcher;

/* Opens the index file at path. *out is NULL on failure. */
kb_status kb_searcher_open(const char *path, kb_searcher **out, char **errmsg);
/* The same, sharing like's vocabulary (read-only, reference-counted) when like is open on the same
 * version of the index; else reading its own. like (borrowed, may be NULL) may be used by another
 * thread meanwhile and may be closed before or after the new searcher. */
kb_status kb_searcher_open_like(const char *path, const kb_searcher *like, kb_searcher **out,
                                char **errmsg);
void kb_searcher_close(kb_searcher *s);

typedef struct {
	const char *q;           /* the query as typed; UTF-8, at most KB_MAX_QUERY_BYTES */
	size_t limit;            /* 1..KB_MAX_LIMIT */
	size_t offset;
	const char *const *filters[KB_FILTER_N]; /* borrowed values of type, lang, tag, source */
	size_t nfilters[KB_FILTER_N];
} kb_search_params;

/* Checks what a caller can get wrong (query length, UTF-8, limit) before any work; KB_ERR_INVALID
 * with a message naming the parameter. */
kb_status kb_search_check(const kb_search_params *p, char **errmsg);

/* Runs a search; *body (caller frees) is the response object as compact JSON text, written
 * directly (the text kb_json_dumps would make of it), and *total (when total is not NULL) its total. */
kb_status kb_search_answer(kb_searcher *s, const kb_search_params *p, char **body, size_t *total,
                           char **errmsg);

/* The same answer as a jansson object (caller frees with json_decref()). */
kb_status kb_search_run(kb_searcher *s, const kb_search_params *p, json_t **out, char **errmsg);

/* The document with this id: its metadata and rendered HTML. KB_ERR_NOT_FOUND when there is none. */
kb_status kb_search_doc(kb_searcher *s, const char *id, json_t **out, char **errmsg);

/* Completions for search as you type: the query q with its last word completed to the words of
 * the index that start with it, most frequent first, at most limit. *out (caller frees with
 * json_decref()) is {"query": q, "suggestions": [...]}. KB_ERR_INVALID for a q that is too long or
 * not UTF-8. */
kb_status kb_search_suggest(kb_searcher *s, const char *q, size_t limit, json_t **out, char **errmsg);

/* Which version of the index file s reads (its UUID, new with each build). Borrowed; valid while
 * s is open. */
const char *kb_searcher_version(const kb_searcher *s);

/* The number of documents (not sections) in the index. */
size_t kb_searcher_ndocs(kb_searcher *s);

#endif
