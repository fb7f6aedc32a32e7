/* cache: the daemon's answer cache (searchd/cache.h): stored answers come back with this request's
 * took_ms, never from another index generation, within the byte bound, each under its own key. */
#include "harness.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"

#define BODY "{\"query\":\"genterapi\",\"total\":3,\"took_ms\":0.41,\"hits\":[{\"id\":\"a\"}],\"suggestion\":null}"

/* The key of the pieces given, NULL-terminated. Caller frees. */
static kb_buf key_of(const char *const *pieces)
{
	kb_buf k = { 0 };
	for (size_t i = 0; pieces[i]; i++)
		kb_cache_key_add(&k, pieces[i], strlen(pieces[i]));
	return k;
}

static void put(kb_cache *c, const char *key, unsigned gen, const char *body, unsigned tag)
{
	kb_cache_put(c, key, strlen(key), gen, body, strlen(body), tag);
}

/* The body under key for gen with took_ms ms, or NULL; caller frees. */
static char *get(kb_cache *c, const char *key, unsigned gen, double ms)
{
	return kb_cache_get(c, key, strlen(key), gen, ms, NULL, NULL);
}

static void test_put_get(void)
{
	kb_cache *c = kb_cache_new(1 << 20);
	CHECK(get(c, "k", 1, 0) == NULL);
	put(c, "k", 1, BODY, 7);
	size_t len = 0;
	unsigned tag = 0;
	char *b = kb_cache_get(c, "k", 1, 1, 1.5, &len, &tag);
	CHECK_STR(b, "{\"query\":\"genterapi\",\"total\":3,\"took_ms\":1.5,\"hits\":[{\"id\":\"a\"}],\"suggestion\":null}");
	CHECK(b && len == strlen(b));
	CHECK(tag == 7);
	free(b);
	/* a second put of the key replaces the answer */
	put(c, "k", 1, "{\"query\":\"x\",\"total\":0,\"took_ms\":2.0,\"hits\":[]}", 0);
	b = get(c, "k", 1, 0.25);
	CHECK_STR(b, "{\"query\":\"x\",\"total\":0,\"took_ms\":0.25,\"hits\":[]}");
	free(b);
	kb_cache_stats st = kb_cache_stats_get(c);
	CHECK(st.hits == 2 && st.misses == 1 && st.entries == 1 && st.bytes > 0 && st.max_bytes == 1 << 20);
	kb_cache_free(c);
}

static void test_took_ms_is_this_requests(void)
{
	kb_cache *c = kb_cache_new(1 << 20);
	put(c, "search", 1, BODY, 0);
	static const struct {
		double ms;
		const char *want;
	} cases[] = {
		{ 0.0123456, "0.012" }, { 12.3456, "12.346" }, { 0, "0.0" }, { 3, "3.0" }, { 0.0004, "0.0" },
		{ 1234.5678, "1234.57" }, { -1, "0.0" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *b = get(c, "search", 1, cases[i].ms), want[256];
		snprintf(want, sizeof want,
		         "{\"query\":\"genterapi\",\"total\":3,\"took_ms\":%s,\"hits\":[{\"id\":\"a\"}],\"suggestion\":null}",
		         cases[i].want);
		CHECK_STR(b, want);
		free(b);
	}
	/* only the first "took_ms": is the answer's own; a query that names it is a string, escaped */
	put(c, "q", 1, "{\"query\":\"\\\"took_ms\\\":5\",\"took_ms\":1e-05,\"x\":{\"took_ms\":9}}", 0);
	char *b = get(c, "q", 1, 2);
	CHECK_STR(b, "{\"query\":\"\\\"took_ms\\\":5\",\"took_ms\":2.0,\"x\":{\"took_ms\":9}}");
	free(b);
	/* the number last in its object, and an answer without took_ms (a suggestion) as it was */
	put(c, "end", 1, "{\"took_ms\":0.5}", 0);
	b = get(c, "end", 1, 0.75);
	CHECK_STR(b, "{\"took_ms\":0.75}");
	free(b);
	put(c, "suggest", 1, "{\"query\":\"gen\",\"suggestions\":[\"genterapi\"]}", 0);
	b = get(c, "suggest", 1, 0.75);
	CHECK_STR(b, "{\"query\":\"gen\",\"suggestions\":[\"genterapi\"]}");
	free(b);
	kb_cache_free(c);
}

static void test_other_generation_is_a_miss(void)
{
	kb_cache *c = kb_cache_new(1 << 20);
	put(c, "k", 3, BODY, 0);
	CHECK(get(c, "k", 4, 0) == NULL);
	/* and the stale entry is gone: not even its own generation finds it now */
	CHECK(get(c, "k", 3, 0) == NULL);
	kb_cache_stats st = kb_cache_stats_get(c);
	CHECK(st.entries == 0 && st.bytes == 0 && st.misses == 2 && st.hits == 0);
	/* an answer from an older index does not replace one from the newer */
	put(c, "k", 5, BODY, 1);
	put(c, "k", 4, BODY, 2);
	unsigned tag = 0;
	char *b = kb_cache_get(c, "k", 1, 5, 0, NULL, &tag);
	CHECK(b && tag == 1);
	free(b);
	kb_cache_free(c);
}

static void test_bound_evicts_least_recently_used(void)
{
	/* what one entry counts, measured */
	kb_cache *c = kb_cache_new(1 << 20);
	put(c, "k1", 1, BODY, 0);
	size_t cost = kb_cache_stats_get(c).bytes;
	kb_cache_free(c);
	CHECK(cost >= strlen("k1") + strlen(BODY) - strlen("0.41"));

	c = kb_cache_new(3 * cost);
	put(c, "k1", 1, BODY, 0);
	put(c, "k2", 1, BODY, 0);
	put(c, "k3", 1, BODY, 0);
	free(get(c, "k1", 1, 0)); /* k1 used again: k2 is now the least recently used */
	put(c, "k4", 1, BODY, 0);
	char *b1 = get(c, "k1", 1, 0), *b2 = get(c, "k2", 1, 0), *b3 = get(c, "k3", 1, 0), *b4 = get(c, "k4", 1, 0);
	CHECK(b1 && !b2 && b3 && b4);
	free(b1);
	free(b2);
	free(b3);
	free(b4);
	kb_cache_stats st = kb_cache_stats_get(c);
	CHECK(st.entries == 3 && st.bytes == 3 * cost && st.bytes <= st.max_bytes);
	/* k1, k3, k4 were used in that order: two more evict k1 and k3 */
	put(c, "k5", 1, BODY, 0);
	put(c, "k6", 1, BODY, 0);
	b1 = get(c, "k1", 1, 0), b3 = get(c, "k3", 1, 0), b4 = get(c, "k4", 1, 0);
	CHECK(!b1 && !b3 && b4);
	free(b4);
	/* an answer larger than the whole cache is not stored, and evicts nothing */
	char big[4096];
	memset(big, ' ', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	put(c, "big", 1, big, 0);
	CHECK(get(c, "big", 1, 0) == NULL);
	CHECK(kb_cache_stats_get(c).entries == 3);
	kb_cache_free(c);
}

static void test_keys_of_other_pieces_do_not_collide(void)
{
	kb_cache *c = kb_cache_new(1 << 20);
	static const char *const sets[][4] = {
		{ "a", "bc", NULL }, { "ab", "c", NULL }, { "abc", NULL }, { "a", "b", "c", NULL },
		{ "1:a", "b", NULL }, { "1", ":ab", NULL }, { "a\x1f", "b", NULL }, { "a", "\x1f" "b", NULL },
		{ "\xff\x01", "", NULL }, { "", "\xff\x01", NULL },
	};
	size_t n = sizeof sets / sizeof *sets;
	kb_buf keys[sizeof sets / sizeof *sets];
	for (size_t i = 0; i < n; i++) {
		char body[64];
		keys[i] = key_of(sets[i]);
		snprintf(body, sizeof body, "{\"answer\":%zu}", i);
		kb_cache_put(c, keys[i].s, keys[i].len, 1, body, strlen(body), (unsigned)i);
	}
	CHECK(kb_cache_stats_get(c).entries == n);
	for (size_t i = 0; i < n; i++) {
		char want[64];
		unsigned tag = 99;
		char *b = kb_cache_get(c, keys[i].s, keys[i].len, 1, 0, NULL, &tag);
		snprintf(want, sizeof want, "{\"answer\":%zu}", i);
		CHECK_STR(b, want);
		CHECK(tag == i);
		free(b);
		kb_buf_free(&keys[i]);
	}
	kb_cache_free(c);
}

static void test_off(void)
{
	kb_cache *c = kb_cache_new(0);
	CHECK(c == NULL);
	put(c, "k", 1, BODY, 0);
	CHECK(get(c, "k", 1, 0) == NULL);
	kb_cache_stats st = kb_cache_stats_get(c);
	CHECK(st.hits == 0 && st.misses == 0 && st.bytes == 0 && st.max_bytes == 0);
	kb_cache_free(NULL);
}

/* ---- many threads at once: lookups and stores interleaved, the bound kept ---- */

static kb_cache *shared;
static _Atomic int bad_bodies;

static void *hammer(void *arg)
{
	unsigned seed = (unsigned)(size_t)arg;
	for (int i = 0; i < 20000; i++) {
		char key[16];
		seed = seed * 1103515245u + 12345u;
		snprintf(key, sizeof key, "q%u", (seed >> 8) % 200);
		char *b = get(shared, key, 1 + (seed >> 20) % 2, 0.5);
		if (b) {
			if (strcmp(b, "{\"query\":\"genterapi\",\"total\":3,\"took_ms\":0.5,\"hits\":[{\"id\":\"a\"}],"
			              "\"suggestion\":null}") != 0)
				bad_bodies++;
			free(b);
		} else {
			put(shared, key, 1 + (seed >> 20) % 2, BODY, 0);
		}
	}
	return NULL;
}

static void test_threads(void)
{
	kb_cache *c = kb_cache_new(1 << 20);
	put(c, "k1", 1, BODY, 0);
	size_t cost = kb_cache_stats_get(c).bytes;
	kb_cache_free(c);
	shared = kb_cache_new(50 * cost); /* a quarter of the keys fit */
	pthread_t t[4];
	for (size_t i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, hammer, (void *)(i + 1));
	for (size_t i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	kb_cache_stats st = kb_cache_stats_get(shared);
	CHECK(bad_bodies == 0);
	CHECK(st.hits + st.misses == 4 * 20000);
	CHECK(st.hits > 0 && st.bytes <= st.max_bytes && st.entries <= 50);
	kb_cache_free(shared);
}

int main(void)
{
	test_put_get();
	test_took_ms_is_this_requests();
	test_other_generation_is_a_miss();
	test_bound_evicts_least_recently_used();
	test_keys_of_other_pieces_do_not_collide();
	test_off();
	test_threads();
	TEST_END();
}
