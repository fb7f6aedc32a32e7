/* fetch — one HTTP GET with libcurl, for the terminal client's --server mode.
 *
 * Depends on libcurl and lib/util only; never prints. */
#ifndef KB_FETCH_H
#define KB_FETCH_H
#include <stdbool.h>
#include <stddef.h>

typedef struct {
	long status;     /* HTTP status; 0 when no answer came */
	char *body;      /* owned; the response body, NUL-terminated ("" when none) */
	size_t len;      /* bytes in body */
	char *error;     /* owned; why no answer came (NULL when one did) */
	bool timed_out;  /* no (complete) answer within the time allowed */
} kb_fetched;

/* GETs url without following redirects, giving up after timeout_ms milliseconds (connecting
 * included). Fills *out (the caller's); clear it with kb_fetched_clear(). */
void kb_fetch(const char *url, long timeout_ms, kb_fetched *out);

/* Frees what *f owns and zeroes it. */
void kb_fetched_clear(kb_fetched *f);

/* s percent-encoded for use as a URL query value or path segment; caller frees. */
char *kb_url_escape(const char *s);

#endif
