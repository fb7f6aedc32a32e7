/* status — the one error code of libatmpkb.
 *
 * Every library call that can fail returns a kb_status; where a person needs details, it also sets an
 * optional `char **errmsg` (caller frees with free()). The library never prints. */
#ifndef KB_STATUS_H
#define KB_STATUS_H

typedef enum {
	KB_OK = 0,
	KB_ERR_NOMEM,     /* out of memory */
	KB_ERR_IO,        /* a file could not be read, written or renamed */
	KB_ERR_INVALID,   /* bad input: a parameter, a corpus file, a query */
	KB_ERR_NOT_FOUND, /* no such document or key */
	KB_ERR_DATABASE,  /* the index is missing, corrupt or not an index */
	KB_ERR_INTERNAL   /* a bug, or an error from a library we did not expect */
} kb_status;

/* A short English phrase for a status; a static string, never NULL. */
const char *kb_status_str(kb_status st);

/* Sets *errmsg (when errmsg is not NULL) to a newly allocated printf-style message and returns st,
 * so a failing path can `return kb_fail(st, errmsg, "...", ...)`. */
kb_status kb_fail(kb_status st, char **errmsg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
