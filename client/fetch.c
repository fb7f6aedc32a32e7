#include "fetch.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_BODY (64u << 20) /* a search answer is kilobytes; anything this big is not one */

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	kb_buf *b = ctx;
	if (b->len + size * n > MAX_BODY)
		return 0; /* makes curl fail with CURLE_WRITE_ERROR */
	kb_buf_add(b, p, size * n);
	return size * n;
}

void kb_fetch(const char *url, long timeout_ms, kb_fetched *out)
{
	memset(out, 0, sizeof *out);
	kb_buf body = { 0 };
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *h = curl_easy_init();
	if (!h) {
		out->error = kb_xstrdup("cannot start libcurl");
		out->body = kb_xstrdup("");
		return;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "atmp-search/" KB_VERSION);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	CURLcode rc = curl_easy_perform(h);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
	} else {
		out->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
		out->error = kb_xstrdup(errbuf[0] ? errbuf : curl_easy_strerror(rc));
	}
	curl_easy_cleanup(h);
	out->len = body.len;
	out->body = kb_buf_detach(&body);
}

void kb_fetched_clear(kb_fetched *f)
{
	free(f->body);
	free(f->error);
	memset(f, 0, sizeof *f);
}

char *kb_url_escape(const char *s)
{
	char *e = curl_easy_escape(NULL, s, (int)strlen(s));
	char *copy = kb_xstrdup(e ? e : "");
	curl_free(e);
	return copy;
}
