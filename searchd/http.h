/* http — the daemon's HTTP side on libmicrohttpd: routes, parameter checks, static files, headers.
 * The only file that includes microhttpd.h; every answer comes from lib/ through served.h. */
#ifndef KB_HTTP_H
#define KB_HTTP_H
#include <stdbool.h>
#include <stddef.h>

typedef struct {
	const char *listen;          /* "HOST:PORT"; port 0 picks a free one */
	const char *web;             /* folder of the widget and pages */
	const char *const *origins;  /* sites allowed to call the API from their pages (CORS) */
	size_t norigins;
	unsigned threads;            /* search threads, and as many connection threads; 0: one per core */
	size_t cache_mb;             /* the answer cache's bound in MiB (cache.h); 0: no cache */
	bool log;                    /* an access-log line per request on stderr */
	bool log_client_ip;          /* ... starting with the client's address */
} kb_http_conf;

/* Whether listen is HOST:PORT with a host and a port from 0 to 65535 in digits. A malformed value is
 * bad usage, found before starting; a well-formed one that cannot be used fails kb_http_start. */
bool kb_http_listen_valid(const char *listen);
#define KB_LISTEN_WANT "want HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:8080"

/* Starts serving; false with *errmsg (caller frees) when the address or web folder is unusable.
 * On success prints the URL it listens on to stderr. */
bool kb_http_start(const kb_http_conf *conf, char **errmsg);

/* Stops accepting, lets requests in flight finish, and stops. */
void kb_http_stop(void);

#endif
