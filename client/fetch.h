/* fetch — one HTTP GET with libcurl, for the terminal client's --server mode. */
#ifndef KB_FETCH_H
#define KB_FETCH_H
#include <stdbool.h>
#include <stddef.h>

typedef struct {
	long status;   /* HTTP status; 0 when no answer came */
	char *body;    /* owned; the response body, NUL-terminated */
	size_t len;
	char *error;   /* owned; why no answer came (NULL when one did) */
} kb_fetched;

/* GETs url, giving up after timeout_s seconds. Fills *out; clear it with kb_fetched_clear(). */
void kb_fetch(const char *url, long timeout_s, kb_fetched *out);
void kb_fetched_clear(kb_fetched *f);

/* s percent-encoded for use as a URL query value; caller frees. */
char *kb_url_escape(const char *s);

#endif
