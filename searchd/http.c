#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdatomic.h>
#include <time.h>

#include "cache.h"
#include "json.h"
#include "metrics.h"
#include "search.h"
#include "served.h"
#include "util.h"
#include "work.h"
#include "zerohits.h"

#define MAX_OFFSET 10000
/* Each connection's memory for its request: enough that a query string of up to about 250 KB
 * reaches the handler, whose answer to it is a JSON 400. With 64 KiB, libmicrohttpd 0.9.75 answered
 * a query string of 65 KB with its own HTML page, and at some lengths near its limit with nothing
 * until the connection timed out; that now happens only near 256 KiB. Pages are touched only as a
 * request fills them, so the bound is what a thousand hostile connections could hold (256 MB). */
#define KB_CONNECTION_MEMORY (256 * 1024)

static struct MHD_Daemon *daemon_;
static kb_http_conf conf;
static char webroot[PATH_MAX];
static kb_cache *cache; /* answers to searches and suggestions; NULL with --cache-mb 0 */

/* Per request: what the access log and the metrics need. */
struct req {
	double t0;
	unsigned status;
	kb_endpoint endpoint;
	char method[8];
	char *path;  /* owned; the URL path as decoded */
	bool nul_path; /* the path as sent holds %00: decoded, it was cut short */
	bool answered; /* a search thread has put its answer here (see defer) */
	unsigned answer_status;
	char *answer;  /* owned; that answer (JSON, or the health check's text) */
	bool answer_text;
};

static atomic_bool stopping; /* SIGTERM came: every answer closes its connection */
static char nul_path;        /* its address in *con_cls marks a request whose path holds %00 */

/* ---- responses ---- */

static void common_headers(struct MHD_Response *r, const char *type)
{
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
}

static enum MHD_Result reply(struct MHD_Connection *c, struct req *rq, unsigned status,
                            struct MHD_Response *r)
{
	rq->status = status;
	/* counted when the answer is ready rather than when it is sent, so a client that reads
	 * /metrics after its answer always finds its request counted */
	kb_metrics_request(rq->endpoint, status, (kb_now_ms() - rq->t0) / 1000.0);
	if (atomic_load(&stopping))
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The CORS header for a page of an allowed site; nothing for any other. */
static void cors(struct MHD_Connection *c, struct MHD_Response *r)
{
	const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	MHD_add_response_header(r, "Vary", "Origin");
	if (!origin)
		return;
	for (size_t i = 0; i < conf.norigins; i++)
		if (strcmp(conf.origins[i], origin) == 0 || strcmp(conf.origins[i], "*") == 0) {
			MHD_add_response_header(r, "Access-Control-Allow-Origin", origin);
			return;
		}
}

static enum MHD_Result send_text(struct MHD_Connection *c, struct req *rq, unsigned status,
                                 const char *type, const char *body, const char *cache)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body,
	                                                         MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	common_headers(r, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
	return reply(c, rq, status, r);
}

/* Sends body (JSON; taken, freed here). */
static enum MHD_Result send_body(struct MHD_Connection *c, struct req *rq, unsigned status, char *body)
{
	if (!body)
		return MHD_NO;
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	common_headers(r, "application/json; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	cors(c, r);
	return reply(c, rq, status, r);
}

static enum MHD_Result send_json(struct MHD_Connection *c, struct req *rq, unsigned status, json_t *v)
{
	char *body = kb_json_dumps(v);
	json_decref(v);
	return send_body(c, rq, status, body);
}

static enum MHD_Result send_error(struct MHD_Connection *c, struct req *rq, unsigned status,
                                  const char *msg)
{
	return send_json(c, rq, status, json_pack("{s:s}", "error", msg));
}

/* ---- /api/search ---- */

#define MAX_FILTER_VALUES 20

struct params {
	const char *q;
	const char *limit, *offset;
	const char *vals[KB_FILTER_N][MAX_FILTER_VALUES];
	size_t nvals[KB_FILTER_N];
	char bad[128]; /* the first problem found while reading the parameters */
};

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key, size_t klen,
                               const char *val, size_t vlen)
{
	struct params *p = cls;
	(void)kind;
	(void)klen;
	if (!val)
		val = "";
	if (strcmp(key, "q") == 0 || strcmp(key, "limit") == 0 || strcmp(key, "offset") == 0) {
		if (vlen != strlen(val) && !p->bad[0])
			snprintf(p->bad, sizeof p->bad, "parameter '%s' contains a NUL byte", key);
		if (key[0] == 'q')
			p->q = val;
		else if (key[0] == 'l')
			p->limit = val;
		else
			p->offset = val;
		return MHD_YES;
	}
	for (int f = 0; f < KB_FILTER_N; f++) {
		if (strcmp(key, kb_filter_name((kb_filter)f)) != 0)
			continue;
		if (vlen != strlen(val) && !p->bad[0])
			snprintf(p->bad, sizeof p->bad, "parameter '%s' contains a NUL byte", key);
		else if (p->nvals[f] == MAX_FILTER_VALUES && !p->bad[0])
			snprintf(p->bad, sizeof p->bad, "too many values for parameter '%s' (at most %d)", key,
			         MAX_FILTER_VALUES);
		else if (p->nvals[f] < MAX_FILTER_VALUES && *val)
			p->vals[f][p->nvals[f]++] = val;
	}
	return MHD_YES; /* unknown parameters are ignored */
}

/* A whole number in [lo, hi], written in plain digits; false for anything else. */
static bool parse_count(const char *s, size_t lo, size_t hi, size_t *out)
{
	size_t v = 0;
	if (!s || !*s || strlen(s) > 9)
		return false;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (size_t)(*p - '0');
	}
	if (v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static void zero_hits(const kb_search_params *sp)
{
	kb_buf filters = { 0 };
	for (int f = 0; f < KB_FILTER_N; f++)
		for (size_t i = 0; i < sp->nfilters[f]; i++)
			kb_buf_printf(&filters, "%s%s=%s", filters.len ? " " : "", kb_filter_name((kb_filter)f),
			              sp->filters[f][i]);
	kb_metrics_zero_hits();
	kb_zerohits_log(sp->q, filters.s ? filters.s : "");
	kb_buf_free(&filters);
}

/* Work handed to the search threads (work.h), which alone hold searchers: the connection waits
 * suspended meanwhile, and its request's memory, which the parameters point into, with it. */
typedef enum { JOB_SEARCH, JOB_DOC, JOB_SUGGEST, JOB_HEALTH } job_kind;

struct job {
	job_kind kind;
	struct MHD_Connection *c;
	struct req *rq;
	struct params p;
	kb_search_params sp;  /* JOB_SEARCH */
	const char *id;       /* JOB_DOC */
	size_t limit;         /* JOB_SUGGEST */
	kb_buf key;           /* the answer cache's key for it; empty: its answer is not cached */
};

/* The tag of a cached search answer that found nothing: a hit still counts and logs it. */
#define CACHED_ZERO_HITS 1u

static void free_job(struct job *j)
{
	kb_buf_free(&j->key);
	free(j);
}

static char *error_json(const char *msg)
{
	json_t *v = json_pack("{s:s}", "error", msg ? msg : "unknown error");
	char *body = kb_json_dumps(v);
	json_decref(v);
	return body;
}

/* The answer to a job: status and body into the request, and a good one into the cache. */
static void answer(struct job *j)
{
	/* the generation before the searcher: the answer is then never stamped with a generation newer
	 * than the index it came from, and an index replaced meanwhile makes it stale, not current */
	unsigned gen = kb_served_generation();
	kb_searcher *s = kb_served_get();
	struct req *rq = j->rq;
	json_t *res = NULL;
	char *err = NULL;
	kb_status st = KB_OK;
	if (j->kind == JOB_HEALTH) {
		rq->answer_text = true;
		rq->answer_status = s ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE;
		rq->answer = kb_xstrdup(s ? "ok\n" : "no index\n");
		return;
	}
	if (!s) {
		rq->answer_status = MHD_HTTP_SERVICE_UNAVAILABLE;
		rq->answer = error_json("the index cannot be opened");
		return;
	}
	char *text = NULL;
	size_t total = 0;
	if (j->kind == JOB_SEARCH) /* written as text: no jansson objects to build and dump */
		st = kb_search_answer(s, &j->sp, &text, &total, &err);
	else if (j->kind == JOB_DOC)
		st = kb_search_doc(s, j->id, &res, &err);
	else
		st = kb_search_suggest(s, j->p.q ? j->p.q : "", j->limit, &res, &err);
	if (st == KB_OK) {
		bool zero = j->kind == JOB_SEARCH && j->sp.q[0] && total == 0;
		if (zero)
			zero_hits(&j->sp);
		rq->answer_status = MHD_HTTP_OK;
		rq->answer = text ? text : kb_json_dumps(res);
		json_decref(res);
		if (j->key.len && rq->answer)
			kb_cache_put(cache, j->key.s, j->key.len, gen, rq->answer, strlen(rq->answer),
			             zero ? CACHED_ZERO_HITS : 0);
	} else {
		rq->answer_status = st == KB_ERR_INVALID ? MHD_HTTP_BAD_REQUEST
		                    : st == KB_ERR_NOT_FOUND ? MHD_HTTP_NOT_FOUND : MHD_HTTP_SERVICE_UNAVAILABLE;
		rq->answer = error_json(err);
	}
	free(err);
}

/* Runs on a search thread (or, once they have stopped, on the connection's): the answer, then the
 * connection goes on. */
static void run_job(void *arg)
{
	struct job *j = arg;
	answer(j);
	j->rq->answered = true;
	MHD_resume_connection(j->c);
	free_job(j);
}

/* Hands j over; the answer is sent when the handler is called again (see handle). */
static enum MHD_Result defer(struct job *j)
{
	/* suspended before it is handed over, so a search thread cannot resume it first */
	MHD_suspend_connection(j->c);
	if (!kb_work_submit(run_job, j))
		run_job(j);
	return MHD_YES;
}

static struct job *new_job(job_kind kind, struct MHD_Connection *c, struct req *rq)
{
	struct job *j = kb_xcalloc(1, sizeof *j);
	j->kind = kind;
	j->c = c;
	j->rq = rq;
	return j;
}

/* Answers j's request from the cache when it holds the answer (true, and *ret is the result), with
 * the time of this request so far as its took_ms. */
static bool from_cache(struct job *j, enum MHD_Result *ret)
{
	if (!j->key.len)
		return false;
	unsigned tag = 0;
	char *body = kb_cache_get(cache, j->key.s, j->key.len, kb_served_generation(), kb_now_ms() - j->rq->t0,
	                          NULL, &tag);
	if (!body)
		return false;
	if (tag & CACHED_ZERO_HITS)
		zero_hits(&j->sp);
	*ret = send_body(j->c, j->rq, MHD_HTTP_OK, body);
	return true;
}

/* A search's key: what it was asked, parsed and checked (the numbers as numbers, each filter's values
 * in the order they came). */
static void search_key(kb_buf *key, const kb_search_params *sp)
{
	char n[64];
	kb_cache_key_add(key, "search", 6);
	kb_cache_key_add(key, sp->q, strlen(sp->q));
	kb_cache_key_add(key, n, (size_t)snprintf(n, sizeof n, "%zu %zu", sp->limit, sp->offset));
	for (int f = 0; f < KB_FILTER_N; f++) {
		kb_cache_key_add(key, n, (size_t)snprintf(n, sizeof n, "%zu", sp->nfilters[f]));
		for (size_t i = 0; i < sp->nfilters[f]; i++)
			kb_cache_key_add(key, sp->filters[f][i], strlen(sp->filters[f][i]));
	}
}

static void suggest_key(kb_buf *key, const char *q, size_t limit)
{
	char n[24];
	kb_cache_key_add(key, "suggest", 7);
	kb_cache_key_add(key, q, strlen(q));
	kb_cache_key_add(key, n, (size_t)snprintf(n, sizeof n, "%zu", limit));
}

static enum MHD_Result api_search(struct MHD_Connection *c, struct req *rq)
{
	struct job *j = new_job(JOB_SEARCH, c, rq);
	struct params *p = &j->p;
	kb_search_params *sp = &j->sp;
	MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, collect, p);
	const char *bad = p->bad[0] ? p->bad : NULL;
	*sp = (kb_search_params){ .q = p->q ? p->q : "", .limit = 10, .offset = 0 };
	if (!bad && p->limit && !parse_count(p->limit, 1, KB_MAX_LIMIT, &sp->limit))
		bad = "parameter 'limit' must be a whole number from 1 to 100";
	if (!bad && p->offset && !parse_count(p->offset, 0, MAX_OFFSET, &sp->offset))
		bad = "parameter 'offset' must be a whole number from 0 to 10000";
	for (int f = 0; f < KB_FILTER_N; f++) {
		sp->filters[f] = p->vals[f];
		sp->nfilters[f] = p->nvals[f];
	}
	char *err = NULL;
	if (!bad && kb_search_check(sp, &err) != KB_OK)
		bad = err;
	enum MHD_Result ret;
	if (bad) {
		ret = send_error(c, rq, MHD_HTTP_BAD_REQUEST, bad);
		free(err);
		free(j);
		return ret;
	}
	if (cache)
		search_key(&j->key, sp);
	if (from_cache(j, &ret)) {
		free_job(j);
		return ret;
	}
	return defer(j);
}

static enum MHD_Result api_doc(struct MHD_Connection *c, struct req *rq, const char *id)
{
	struct job *j = new_job(JOB_DOC, c, rq);
	j->id = id;
	return defer(j);
}

#define MAX_SUGGESTIONS 8

static enum MHD_Result api_suggest(struct MHD_Connection *c, struct req *rq)
{
	struct job *j = new_job(JOB_SUGGEST, c, rq);
	MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, collect, &j->p);
	j->limit = MAX_SUGGESTIONS;
	const char *bad = j->p.bad[0] ? j->p.bad : NULL;
	if (!bad && j->p.limit && !parse_count(j->p.limit, 1, 20, &j->limit))
		bad = "parameter 'limit' must be a whole number from 1 to 20";
	enum MHD_Result ret;
	if (bad) {
		ret = send_error(c, rq, MHD_HTTP_BAD_REQUEST, bad);
		free(j);
		return ret;
	}
	if (cache)
		suggest_key(&j->key, j->p.q ? j->p.q : "", j->limit);
	if (from_cache(j, &ret)) {
		free_job(j);
		return ret;
	}
	return defer(j);
}

static enum MHD_Result metrics(struct MHD_Connection *c, struct req *rq)
{
	kb_cache_stats cs = kb_cache_stats_get(cache);
	char *text = kb_metrics_text(kb_served_age(), kb_served_ndocs(), &cs);
	enum MHD_Result ret = send_text(c, rq, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", text,
	                                "no-store");
	free(text);
	return ret;
}

/* ---- static files ---- */

static const char *content_type(const char *path)
{
	static const char *const map[][2] = {
		{ ".html", "text/html; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },   { ".svg", "image/svg+xml; charset=utf-8" },
		{ ".png", "image/png" },                 { ".ico", "image/x-icon" },
		{ ".json", "application/json; charset=utf-8" }, { ".txt", "text/plain; charset=utf-8" },
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof map / sizeof *map; i++)
		if (strcmp(dot, map[i][0]) == 0)
			return map[i][1];
	return "application/octet-stream";
}

/* Serves rel (a path below the web folder) only when, with every symlink resolved, it is still
 * below the web folder: a URL never names a file outside it. */
static enum MHD_Result send_file(struct MHD_Connection *c, struct req *rq, const char *rel)
{
	char want[PATH_MAX * 2], real[PATH_MAX];
	if (strstr(rel, "..") || strchr(rel, '\\'))
		return send_text(c, rq, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", "not found\n", "no-cache");
	snprintf(want, sizeof want, "%s/%s", webroot, rel);
	size_t rootlen = strlen(webroot);
	struct stat st;
	int fd = -1;
	if (realpath(want, real) && strncmp(real, webroot, rootlen) == 0 && real[rootlen] == '/' &&
	    stat(real, &st) == 0 && S_ISREG(st.st_mode))
		fd = open(real, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return send_text(c, rq, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", "not found\n", "no-cache");
	struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
	if (!r) {
		close(fd);
		return MHD_NO;
	}
	const char *type = content_type(real);
	common_headers(r, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "public, max-age=300");
	if (strncmp(type, "text/html", 9) == 0)
		MHD_add_response_header(r, "Content-Security-Policy",
		                        "default-src 'self'; img-src 'self' data:; object-src 'none'; "
		                        "base-uri 'none'; frame-ancestors 'self'");
	else
		cors(c, r);
	return reply(c, rq, MHD_HTTP_OK, r);
}

/* ---- routing ---- */

static enum MHD_Result route(struct MHD_Connection *c, struct req *rq, const char *url)
{
	if (strcmp(url, "/healthz") == 0) {
		rq->endpoint = KB_EP_HEALTHZ;
		return defer(new_job(JOB_HEALTH, c, rq));
	}
	if (strcmp(url, "/api/search") == 0) {
		rq->endpoint = KB_EP_SEARCH;
		return api_search(c, rq);
	}
	if (strncmp(url, "/api/doc/", 9) == 0) {
		rq->endpoint = KB_EP_DOC;
		return api_doc(c, rq, url + 9);
	}
	if (strcmp(url, "/api/suggest") == 0) {
		rq->endpoint = KB_EP_SUGGEST;
		return api_suggest(c, rq);
	}
	if (strcmp(url, "/metrics") == 0) {
		rq->endpoint = KB_EP_METRICS;
		return metrics(c, rq);
	}
	if (strncmp(url, "/api/", 5) == 0)
		return send_error(c, rq, MHD_HTTP_NOT_FOUND, "no such endpoint");
	rq->endpoint = KB_EP_STATIC;
	if (rq->nul_path) /* no file name holds a NUL */
		return send_text(c, rq, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", "not found\n", "no-cache");
	if (strcmp(url, "/") == 0)
		return send_file(c, rq, "index.html");
	if (strncmp(url, "/doc/", 5) == 0)
		return send_file(c, rq, "doc.html");
	return send_file(c, rq, url + 1);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **ctx)
{
	(void)cls;
	(void)version;
	(void)upload;
	struct req *rq = *ctx;
	if (!rq || rq == (void *)&nul_path) {
		bool nul = rq == (void *)&nul_path;
		rq = kb_xcalloc(1, sizeof *rq);
		rq->t0 = kb_now_ms();
		rq->endpoint = KB_EP_OTHER;
		rq->nul_path = nul;
		snprintf(rq->method, sizeof rq->method, "%s", method);
		rq->path = kb_xstrdup(url);
		*ctx = rq;
		/* Requests that are refused whole are answered at once, before a body is read: only the
		 * answers to good requests wait for the second call (where libmicrohttpd keeps the
		 * connection alive) */
		if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
			struct MHD_Response *r = MHD_create_response_from_buffer(strlen("method not allowed\n"),
			                                                         (void *)"method not allowed\n",
			                                                         MHD_RESPMEM_PERSISTENT);
			common_headers(r, "text/plain; charset=utf-8");
			MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
			MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
			return reply(c, rq, MHD_HTTP_METHOD_NOT_ALLOWED, r);
		}
		const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if ((len && strcmp(len, "0") != 0) ||
		    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING))
			return send_text(c, rq, MHD_HTTP_CONTENT_TOO_LARGE, "text/plain; charset=utf-8",
			                 "request bodies are not accepted\n", "no-store");
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0; /* a body that came anyway is dropped; the answer is already queued */
		return MHD_YES;
	}
	if (rq->answered) { /* called again after a search thread resumed the connection */
		char *body = rq->answer;
		rq->answer = NULL;
		if (!rq->answer_text)
			return send_body(c, rq, rq->answer_status, body);
		enum MHD_Result ret = send_text(c, rq, rq->answer_status, "text/plain; charset=utf-8", body, "no-store");
		free(body);
		return ret;
	}
	return route(c, rq, url);
}

/* Called with the request target as sent, before anything is decoded (a decoded %00 cuts the path
 * short unseen): marks a path that holds one. It allocates nothing, so nothing leaks when
 * libmicrohttpd refuses a request before calling the handler. */
static void *begin(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	(void)c;
	size_t n = strcspn(uri, "?");
	for (size_t i = 0; i + 2 < n; i++)
		if (uri[i] == '%' && uri[i + 1] == '0' && uri[i + 2] == '0')
			return &nul_path;
	return NULL;
}

/* The path as one log field: control characters escaped, so a request cannot forge log lines. */
static void log_path(kb_buf *b, const char *s)
{
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch <= 0x20 || ch >= 0x7f) /* also non-ASCII: U+202E would reorder the line on a terminal */
			kb_buf_printf(b, "%%%02X", ch);
		else
			kb_buf_addc(b, *s);
	}
}

static void completed(void *cls, struct MHD_Connection *c, void **ctx, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)toe;
	struct req *rq = *ctx;
	if (!rq || rq == (void *)&nul_path)
		return;
	double ms = kb_now_ms() - rq->t0;
	if (conf.log) {
		kb_buf line = { 0 };
		if (conf.log_client_ip) {
			const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
			char ip[INET6_ADDRSTRLEN] = "-";
			if (ci && ci->client_addr->sa_family == AF_INET)
				inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, ip, sizeof ip);
			else if (ci && ci->client_addr->sa_family == AF_INET6)
				inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, ip, sizeof ip);
			kb_buf_printf(&line, "%s ", ip);
		}
		kb_buf_printf(&line, "%s ", rq->method);
		log_path(&line, rq->path);
		kb_buf_printf(&line, " %u %.2fms\n", rq->status, ms);
		fputs(line.s, stderr);
		kb_buf_free(&line);
	}
	free(rq->answer);
	free(rq->path);
	free(rq);
	*ctx = NULL;
}

/* Decodes %XX and '+' (a space, as browsers send form values); MHD's own decoder leaves '+'. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	char *w = s;
	for (char *r = s; *r; r++) {
		if (*r == '+') {
			*w++ = ' ';
		} else if (*r == '%' && r[1] && r[2] && strchr("0123456789abcdefABCDEF", r[1]) &&
		           strchr("0123456789abcdefABCDEF", r[2])) {
			char hex[3] = { r[1], r[2], 0 };
			*w++ = (char)strtol(hex, NULL, 16);
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

/* getaddrinfo alone would take a service name for the port, and a number above 65535 wraps around */
bool kb_http_listen_valid(const char *listen)
{
	const char *colon = strrchr(listen, ':');
	if (!colon || colon == listen || !colon[1] || strlen(colon + 1) > 5)
		return false;
	long port = 0;
	for (const char *p = colon + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		port = port * 10 + (*p - '0');
	}
	return port <= 65535;
}

static bool resolve(const char *listen, struct sockaddr_storage *ss, socklen_t *len, char **errmsg)
{
	char host[256];
	const char *colon = strrchr(listen, ':');
	if (!kb_http_listen_valid(listen) || (size_t)(colon - listen) >= sizeof host) {
		kb_fail(KB_ERR_INVALID, errmsg, "--listen '%s': " KB_LISTEN_WANT, listen);
		return false;
	}
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	char *h = host;
	if (h[0] == '[' && h[strlen(h) - 1] == ']') {
		h[strlen(h) - 1] = '\0';
		h++;
	}
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV }, *ai = NULL;
	int rc = getaddrinfo(h, colon + 1, &hints, &ai);
	if (rc != 0 || !ai) {
		kb_fail(KB_ERR_INVALID, errmsg, "--listen '%s': %s", listen, gai_strerror(rc));
		return false;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return true;
}

/* The listening socket, bound here rather than by libmicrohttpd, whose own failure message names
 * port 0 for an address given whole: the error names the address and the reason. -1 on failure. */
static int open_listener(const struct sockaddr_storage *ss, socklen_t sl, unsigned *port, char **errmsg)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), on = 1;
	if (fd >= 0) {
		/* as libmicrohttpd does: a restart may bind while the last run's connections time out */
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
		if (ss->ss_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
	}
	struct sockaddr_storage got;
	socklen_t gl = sizeof got;
	if (fd < 0 || bind(fd, (const struct sockaddr *)ss, sl) != 0 || listen(fd, 512) != 0 ||
	    getsockname(fd, (struct sockaddr *)&got, &gl) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		kb_fail(KB_ERR_IO, errmsg, "cannot listen on %s: %s", conf.listen, strerror(e));
		return -1;
	}
	*port = ntohs(got.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&got)->sin6_port
	                                       : ((struct sockaddr_in *)&got)->sin_port);
	return fd;
}

/* Each search thread opens its searcher when it starts: one that first opened it later could meet
 * a broken new file and have no previous index to keep answering from (served.h). */
static void open_searcher(void)
{
	kb_served_get();
}

bool kb_http_start(const kb_http_conf *cf, char **errmsg)
{
	conf = *cf;
	struct stat st;
	if (!realpath(conf.web, webroot) || stat(webroot, &st) != 0) {
		kb_fail(KB_ERR_IO, errmsg, "--web '%s': %s", conf.web, strerror(errno));
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		kb_fail(KB_ERR_IO, errmsg, "--web '%s': not a folder (want the folder holding the widget and pages)",
		        conf.web);
		return false;
	}
	struct sockaddr_storage ss;
	socklen_t sl;
	if (!resolve(conf.listen, &ss, &sl, errmsg))
		return false;
	unsigned threads = conf.threads;
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 1 ? (unsigned)n : 2;
	}
	/* searches run on their own pool (work.h): libmicrohttpd's threads each keep the connections
	 * they accepted, and a burst of connections on one of them would leave a core idle */
	cache = kb_cache_new(conf.cache_mb * 1024 * 1024);
	if (!kb_work_start(threads, open_searcher)) {
		kb_cache_free(cache);
		cache = NULL;
		kb_fail(KB_ERR_INTERNAL, errmsg, "cannot start the search threads");
		return false;
	}
	unsigned port = 0;
	int listener = open_listener(&ss, sl, &port, errmsg);
	if (listener < 0) {
		kb_work_stop();
		kb_cache_free(cache);
		cache = NULL;
		return false;
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
	                 MHD_ALLOW_SUSPEND_RESUME;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	daemon_ = MHD_start_daemon(flags, 0, NULL, NULL, handle, NULL,
		MHD_OPTION_LISTEN_SOCKET, (MHD_socket)listener,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1000,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)0,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)KB_CONNECTION_MEMORY,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)512,
		MHD_OPTION_NOTIFY_COMPLETED, (MHD_RequestCompletedCallback)completed, NULL,
		MHD_OPTION_URI_LOG_CALLBACK, (void *(*)(void *, const char *, struct MHD_Connection *))begin, NULL,
		MHD_OPTION_UNESCAPE_CALLBACK, (size_t (*)(void *, struct MHD_Connection *, char *))unescape, NULL,
		MHD_OPTION_END);
	if (!daemon_) {
		close(listener);
		kb_work_stop();
		kb_cache_free(cache);
		cache = NULL;
		kb_fail(KB_ERR_IO, errmsg, "cannot serve on %s (libmicrohttpd did not start)", conf.listen);
		return false;
	}
	char host[INET6_ADDRSTRLEN] = "";
	if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof host);
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof host);
	fprintf(stderr, ss.ss_family == AF_INET6 ? "atmp-searchd: listening on http://[%s]:%u/\n"
	                                         : "atmp-searchd: listening on http://%s:%u/\n",
	        host, port);
	return true;
}

void kb_http_stop(void)
{
	if (!daemon_)
		return;
	atomic_store(&stopping, true);
	MHD_socket s = MHD_quiesce_daemon(daemon_);
	if (s != MHD_INVALID_SOCKET)
		close(s);
	/* finish what is in flight: wait for every connection to end, at most the connection timeout */
	for (int i = 0; i < 10 * 20; i++) {
		const union MHD_DaemonInfo *di = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (!di || di->num_connections == 0)
			break;
		struct timespec ts = { 0, 50 * 1000000L };
		nanosleep(&ts, NULL);
	}
	/* every search handed over is answered (its connection resumed) before the daemon goes */
	kb_work_stop();
	MHD_stop_daemon(daemon_);
	daemon_ = NULL;
	kb_cache_free(cache);
	cache = NULL;
}
