#include "metrics.h"

#include <stdatomic.h>
#include <stdint.h>

#include "util.h"

static const char *const endpoint_names[KB_EP_N] = { "search", "doc", "suggest", "healthz", "metrics",
                                                     "static", "other" };

/* The statuses the daemon answers with; anything else is counted as "other". */
static const unsigned statuses[] = { 200, 400, 404, 405, 413, 414, 431, 500, 503 };
#define NSTATUS (sizeof statuses / sizeof *statuses)

/* seconds; a curated index answers in well under a millisecond, so the low buckets are fine */
static const double buckets[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5 };
#define NBUCKET (sizeof buckets / sizeof *buckets)

static atomic_ullong requests[KB_EP_N][NSTATUS + 1];
static atomic_ullong histogram[NBUCKET + 1];
static atomic_ullong total_us;
static atomic_ullong count;
static atomic_ullong zero_hits;

void kb_metrics_request(kb_endpoint ep, unsigned status, double seconds)
{
	size_t s = NSTATUS;
	for (size_t i = 0; i < NSTATUS; i++)
		if (statuses[i] == status)
			s = i;
	if (ep >= KB_EP_N)
		ep = KB_EP_OTHER;
	atomic_fetch_add(&requests[ep][s], 1);
	size_t b = 0;
	while (b < NBUCKET && seconds > buckets[b])
		b++;
	atomic_fetch_add(&histogram[b], 1);
	atomic_fetch_add(&total_us, (unsigned long long)(seconds * 1e6));
	atomic_fetch_add(&count, 1);
}

void kb_metrics_zero_hits(void)
{
	atomic_fetch_add(&zero_hits, 1);
}

char *kb_metrics_text(double index_age_s, size_t index_docs, const kb_cache_stats *cache)
{
	kb_buf b = { 0 };
	kb_buf_adds(&b, "# HELP atmp_requests_total HTTP requests answered, by endpoint and status.\n"
	                "# TYPE atmp_requests_total counter\n");
	for (int e = 0; e < KB_EP_N; e++)
		for (size_t s = 0; s <= NSTATUS; s++) {
			unsigned long long n = atomic_load(&requests[e][s]);
			if (!n)
				continue;
			if (s < NSTATUS)
				kb_buf_printf(&b, "atmp_requests_total{endpoint=\"%s\",status=\"%u\"} %llu\n",
				              endpoint_names[e], statuses[s], n);
			else
				kb_buf_printf(&b, "atmp_requests_total{endpoint=\"%s\",status=\"other\"} %llu\n",
				              endpoint_names[e], n);
		}
	kb_buf_adds(&b, "# HELP atmp_request_duration_seconds Time to answer a request.\n"
	                "# TYPE atmp_request_duration_seconds histogram\n");
	unsigned long long cum = 0;
	for (size_t i = 0; i < NBUCKET; i++) {
		cum += atomic_load(&histogram[i]);
		kb_buf_printf(&b, "atmp_request_duration_seconds_bucket{le=\"%g\"} %llu\n", buckets[i], cum);
	}
	cum += atomic_load(&histogram[NBUCKET]);
	kb_buf_printf(&b, "atmp_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
	kb_buf_printf(&b, "atmp_request_duration_seconds_sum %.6f\n", (double)atomic_load(&total_us) / 1e6);
	kb_buf_printf(&b, "atmp_request_duration_seconds_count %llu\n", (unsigned long long)atomic_load(&count));
	kb_buf_printf(&b, "# HELP atmp_zero_hit_queries_total Searches that found nothing.\n"
	                  "# TYPE atmp_zero_hit_queries_total counter\n"
	                  "atmp_zero_hit_queries_total %llu\n", (unsigned long long)atomic_load(&zero_hits));
	kb_buf_printf(&b, "# HELP atmp_index_age_seconds Seconds since the served index file was written.\n"
	                  "# TYPE atmp_index_age_seconds gauge\n"
	                  "atmp_index_age_seconds %.0f\n", index_age_s);
	kb_buf_printf(&b, "# HELP atmp_index_documents Documents in the served index.\n"
	                  "# TYPE atmp_index_documents gauge\n"
	                  "atmp_index_documents %zu\n", index_docs);
	kb_buf_printf(&b, "# HELP atmp_cache_hits_total Searches and suggestions answered from the answer cache.\n"
	                  "# TYPE atmp_cache_hits_total counter\n"
	                  "atmp_cache_hits_total %llu\n"
	                  "# HELP atmp_cache_misses_total Searches and suggestions the answer cache did not hold.\n"
	                  "# TYPE atmp_cache_misses_total counter\n"
	                  "atmp_cache_misses_total %llu\n"
	                  "# HELP atmp_cache_bytes What the answers in the cache take (keys, bodies, overhead).\n"
	                  "# TYPE atmp_cache_bytes gauge\n"
	                  "atmp_cache_bytes %zu\n"
	                  "# HELP atmp_cache_max_bytes The answer cache's bound (--cache-mb; 0: off).\n"
	                  "# TYPE atmp_cache_max_bytes gauge\n"
	                  "atmp_cache_max_bytes %zu\n"
	                  "# HELP atmp_cache_entries Answers in the cache.\n"
	                  "# TYPE atmp_cache_entries gauge\n"
	                  "atmp_cache_entries %zu\n",
	              cache->hits, cache->misses, cache->bytes, cache->max_bytes, cache->entries);
	return kb_buf_detach(&b);
}
