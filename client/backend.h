/* backend — where the terminal client's answers come from: the search daemon over HTTP (GET
 * /api/search, /api/doc/ID) or, with no daemon, an index file opened directly through lib/search.
 * Either way the answer is the API's JSON text, byte for byte what the daemon would send (but for
 * took_ms), so --json output is the same in both modes.
 *
 * Depends on fetch and lib/ (search, json); never prints: failures come back as a status and a
 * message for people that says what to do. */
#ifndef KB_BACKEND_H
#define KB_BACKEND_H
#include "search.h"
#include "status.h"

typedef struct {
	const char *server; /* borrowed; the daemon's base URL (with --server, or the default) ... */
	const char *db;     /* borrowed; ... or the index file (with --db); exactly one is set */
	long timeout_ms;    /* how long to wait for the daemon */
} kb_backend;

/* Runs the search p (borrowed). Returns the response's JSON text (caller frees), or NULL with a
 * status — KB_ERR_INVALID when the request itself is bad (the caller's usage error), others when the
 * daemon or the index failed — and *errmsg (caller frees). */
char *kb_backend_search(const kb_backend *b, const kb_search_params *p, kb_status *st, char **errmsg);

/* The document id as the JSON text of GET /api/doc/ID (caller frees), or NULL as above;
 * KB_ERR_NOT_FOUND when there is no such document. */
char *kb_backend_doc(const kb_backend *b, const char *id, kb_status *st, char **errmsg);

#endif
