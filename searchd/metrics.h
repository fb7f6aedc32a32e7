/* metrics — what the daemon counts, for GET /metrics in Prometheus's text format: requests by
 * endpoint and status, a latency histogram, searches that found nothing, the index's age and size,
 * and the answer cache's hits, misses and size.
 * Counters are atomics: every request thread adds to them without a lock. */
#ifndef KB_METRICS_H
#define KB_METRICS_H
#include <stddef.h>

#include "cache.h"

typedef enum {
	KB_EP_SEARCH, KB_EP_DOC, KB_EP_SUGGEST, KB_EP_HEALTHZ, KB_EP_METRICS, KB_EP_STATIC, KB_EP_OTHER,
	KB_EP_N
} kb_endpoint;

/* Counts one finished request. */
void kb_metrics_request(kb_endpoint ep, unsigned status, double seconds);

/* Counts one search that found nothing. */
void kb_metrics_zero_hits(void);

/* The exposition text (caller frees), with the index's age and document count and the answer
 * cache's figures (cache.h; counted there). */
char *kb_metrics_text(double index_age_s, size_t index_docs, const kb_cache_stats *cache);

#endif
