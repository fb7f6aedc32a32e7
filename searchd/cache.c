#include "cache.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The body's took_ms is the value after the first occurrence of these bytes. In the compact JSON of
 * kb_json_dumps a string can never hold them: inside a string every '"' is escaped as \", so a '"'
 * straight after "took_ms" ends the string, and this is the key itself. lib/search.c puts took_ms
 * right after query and total, before any hit, so the first one is the answer's own. */
#define TOOK "\"took_ms\":"
#define TOOK_LEN (sizeof TOOK - 1)
#define NO_SLOT SIZE_MAX

struct entry {
	struct entry *chain;         /* the next entry in its bucket */
	struct entry *newer, *older; /* the LRU list */
	uint64_t hash;
	size_t klen;                 /* key bytes at data */
	size_t blen;                 /* body bytes after the key, without the took_ms number */
	size_t slot;                 /* where in the body the took_ms number goes; NO_SLOT: none */
	unsigned gen;                /* the index generation it was answered from */
	unsigned tag;                /* the caller's */
	char data[];                 /* the key, then the body */
};

/* What an entry counts beyond its key and body: itself and its share of the bucket array. */
#define OVERHEAD (sizeof(struct entry) + sizeof(struct entry *))

struct kb_cache {
	pthread_mutex_t lock;
	struct entry **buckets; /* nbuckets chains (a power of two) */
	size_t nbuckets;
	size_t entries;
	size_t bytes, max_bytes;
	struct entry *newest, *oldest;
	unsigned long long hits, misses;
};

kb_cache *kb_cache_new(size_t max_bytes)
{
	if (!max_bytes)
		return NULL;
	kb_cache *c = kb_xcalloc(1, sizeof *c);
	pthread_mutex_init(&c->lock, NULL);
	c->nbuckets = 64;
	c->buckets = kb_xcalloc(c->nbuckets, sizeof *c->buckets);
	c->max_bytes = max_bytes;
	return c;
}

void kb_cache_free(kb_cache *c)
{
	if (!c)
		return;
	for (struct entry *e = c->newest, *next; e; e = next) {
		next = e->older;
		free(e);
	}
	free(c->buckets);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void kb_cache_key_add(kb_buf *key, const void *piece, size_t n)
{
	kb_buf_printf(key, "%zu:", n);
	kb_buf_add(key, piece, n);
}

/* FNV-1a, 64 bits */
static uint64_t hash_of(const void *key, size_t n)
{
	const unsigned char *p = key;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

/* The link that points at the entry of key (or at NULL, where it would go). Lock held. */
static struct entry **find(kb_cache *c, uint64_t h, const void *key, size_t klen)
{
	struct entry **link = &c->buckets[h & (c->nbuckets - 1)];
	while (*link && !((*link)->hash == h && (*link)->klen == klen && memcmp((*link)->data, key, klen) == 0))
		link = &(*link)->chain;
	return link;
}

static void lru_unlink(kb_cache *c, struct entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		c->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		c->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void lru_push(kb_cache *c, struct entry *e)
{
	e->newer = NULL;
	e->older = c->newest;
	if (c->newest)
		c->newest->newer = e;
	c->newest = e;
	if (!c->oldest)
		c->oldest = e;
}

/* Takes e, found at *link, out of the cache and frees it. Lock held. */
static void drop(kb_cache *c, struct entry **link, struct entry *e)
{
	*link = e->chain;
	lru_unlink(c, e);
	c->bytes -= OVERHEAD + e->klen + e->blen;
	c->entries--;
	free(e);
}

static void grow(kb_cache *c)
{
	size_t n = c->nbuckets * 2;
	struct entry **b = kb_xcalloc(n, sizeof *b);
	for (size_t i = 0; i < c->nbuckets; i++)
		for (struct entry *e = c->buckets[i], *next; e; e = next) {
			next = e->chain;
			e->chain = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	free(c->buckets);
	c->buckets = b;
	c->nbuckets = n;
}

void kb_cache_put(kb_cache *c, const void *key, size_t klen, unsigned gen, const char *body, size_t blen,
                  unsigned tag)
{
	if (!c)
		return;
	/* the number after "took_ms": is left out; kb_cache_get writes its own */
	size_t slot = NO_SLOT, cut = 0;
	const char *mark = memmem(body, blen, TOOK, TOOK_LEN);
	if (mark) {
		slot = (size_t)(mark - body) + TOOK_LEN;
		while (slot + cut < blen && strchr("0123456789+-.eE", body[slot + cut]) && body[slot + cut])
			cut++;
	}
	size_t stored = blen - cut, cost = OVERHEAD + klen + stored;
	if (cost > c->max_bytes)
		return;
	struct entry *e = kb_xmalloc(sizeof *e + klen + stored);
	*e = (struct entry){ .hash = hash_of(key, klen), .klen = klen, .blen = stored, .slot = slot, .gen = gen,
	                     .tag = tag };
	memcpy(e->data, key, klen);
	char *b = e->data + klen;
	if (slot == NO_SLOT) {
		memcpy(b, body, blen);
	} else {
		memcpy(b, body, slot);
		memcpy(b + slot, body + slot + cut, blen - slot - cut);
	}

	pthread_mutex_lock(&c->lock);
	struct entry **link = find(c, e->hash, key, klen);
	if (*link && (int)((*link)->gen - gen) > 0) {
		/* answered from an older index than the entry there (a search that began before a swap) */
		pthread_mutex_unlock(&c->lock);
		free(e);
		return;
	}
	if (*link)
		drop(c, link, *link);
	while (c->bytes + cost > c->max_bytes && c->oldest) {
		struct entry *old = c->oldest;
		drop(c, find(c, old->hash, old->data, old->klen), old);
	}
	link = &c->buckets[e->hash & (c->nbuckets - 1)];
	e->chain = *link;
	*link = e;
	lru_push(c, e);
	c->bytes += cost;
	if (++c->entries > c->nbuckets)
		grow(c);
	pthread_mutex_unlock(&c->lock);
}

/* took_ms as lib/search.c writes it: rounded to 3 decimals, printed as jansson prints a real (%.6g,
 * and ".0" when that looks like an integer). */
static int format_ms(char *out, size_t n, double ms)
{
	if (!(ms >= 0)) /* also NaN */
		ms = 0;
	int k = snprintf(out, n, "%.6g", round(ms * 1000.0) / 1000.0);
	if (k > 0 && (size_t)k + 2 < n && strspn(out, "0123456789-") == (size_t)k) {
		memcpy(out + k, ".0", 3);
		k += 2;
	}
	return k;
}

char *kb_cache_get(kb_cache *c, const void *key, size_t klen, unsigned gen, double took_ms, size_t *len,
                   unsigned *tag)
{
	if (!c)
		return NULL;
	char num[32];
	size_t nlen = (size_t)format_ms(num, sizeof num, took_ms);
	uint64_t h = hash_of(key, klen);
	pthread_mutex_lock(&c->lock);
	struct entry **link = find(c, h, key, klen), *e = *link;
	if (!e || e->gen != gen) {
		if (e)
			drop(c, link, e);
		c->misses++;
		pthread_mutex_unlock(&c->lock);
		return NULL;
	}
	c->hits++;
	lru_unlink(c, e);
	lru_push(c, e);
	const char *b = e->data + e->klen;
	size_t n = e->blen + (e->slot == NO_SLOT ? 0 : nlen);
	char *out = kb_xmalloc(n + 1);
	if (e->slot == NO_SLOT) {
		memcpy(out, b, e->blen);
	} else {
		memcpy(out, b, e->slot);
		memcpy(out + e->slot, num, nlen);
		memcpy(out + e->slot + nlen, b + e->slot, e->blen - e->slot);
	}
	out[n] = '\0';
	if (tag)
		*tag = e->tag;
	pthread_mutex_unlock(&c->lock);
	if (len)
		*len = n;
	return out;
}

kb_cache_stats kb_cache_stats_get(kb_cache *c)
{
	kb_cache_stats st = { 0 };
	if (!c)
		return st;
	pthread_mutex_lock(&c->lock);
	st = (kb_cache_stats){ .hits = c->hits, .misses = c->misses, .bytes = c->bytes, .max_bytes = c->max_bytes,
	                       .entries = c->entries };
	pthread_mutex_unlock(&c->lock);
	return st;
}
