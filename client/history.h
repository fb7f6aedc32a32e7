/* history — the hits of the last search, remembered so that `atmp-search show N` can name one by
 * its number. Kept in $XDG_CACHE_HOME/atmp-kb/last-search.json ($XDG_CACHE_HOME when set and
 * absolute, else ~/.cache), written whole to a temporary file and renamed, so a reader never sees half.
 *
 * Depends on jansson and lib/ (util, status); never prints. */
#ifndef KB_HISTORY_H
#define KB_HISTORY_H
#include <jansson.h>
#include <stddef.h>

#include "status.h"

typedef struct {
	char *id;      /* owned; the document id */
	char *section; /* owned; the anchor of the best-matching section, or NULL */
	char *query;   /* owned; the query of that search */
	char *server;  /* owned; where the search ran: the daemon's URL, or NULL ... */
	char *db;      /* owned; ... the index file (an absolute path), or NULL */
} kb_recalled;

/* The file the last search is kept in; NULL when neither XDG_CACHE_HOME nor HOME says where.
 * Caller frees. */
char *kb_history_path(void);

/* Remembers the hits of res (a search response; borrowed), numbered from offset + 1, and where the
 * search ran (server or db; borrowed). KB_ERR_IO with a message when the file cannot be written. */
kb_status kb_history_save(const json_t *res, size_t offset, const char *server, const char *db,
                          char **errmsg);

/* Fills *out with hit n (counted as the list showed it) of the last search. KB_ERR_NOT_FOUND with a
 * message for people when there is no last search or it had no hit n. Clear *out with
 * kb_recalled_clear() either way. */
kb_status kb_history_get(size_t n, kb_recalled *out, char **errmsg);

void kb_recalled_clear(kb_recalled *r);

#endif
