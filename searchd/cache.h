/* cache — the daemon's answer cache: the JSON bodies of answers already given, so that a repeated
 * request (a popular query, search-as-you-type typing the same prefix again) is answered from memory
 * without a search.
 *
 * A hash table and a least-recently-used list under one mutex, bounded by bytes: each entry counts
 * its key, its body and a fixed overhead, and the least recently used entries make room for a new
 * one. Lookups come from libmicrohttpd's connection threads, stores from the search threads.
 *
 * Every entry carries the index generation it was answered from (served.h); a lookup with another
 * generation is a miss and drops the entry, so an answer from a replaced index is never given once
 * the daemon has noticed the new one. A body's "took_ms" number is not stored: each lookup writes
 * the time the caller gives in its place (see kb_cache_get).
 *
 * Knows nothing of HTTP or of what a key means; depends only on lib/util and pthreads. */
#ifndef KB_CACHE_H
#define KB_CACHE_H
#include <stdbool.h>
#include <stddef.h>

#include "util.h"

typedef struct kb_cache kb_cache;

/* A new, empty cache of at most max_bytes (keys, bodies and per-entry overhead); caller frees with
 * kb_cache_free(). NULL when max_bytes is 0: every call below accepts a NULL cache (a cache that is
 * off: every lookup misses uncounted, nothing is stored). */
kb_cache *kb_cache_new(size_t max_bytes);
void kb_cache_free(kb_cache *c);

/* Appends one piece of a key to key: its length, then its n bytes. Pieces added in turn make a key
 * that no other sequence of pieces makes ("a" + "bc" is not "ab" + "c"), whatever bytes they hold. */
void kb_cache_key_add(kb_buf *key, const void *piece, size_t n);

/* Stores a copy of body (blen bytes, a compact JSON object) under key (klen bytes) as answered from
 * index generation gen, with the caller's tag (returned by kb_cache_get), replacing an entry of the
 * same key unless that one is of a newer generation. Evicts least recently used entries to make room;
 * a body larger than the whole cache is not stored. */
void kb_cache_put(kb_cache *c, const void *key, size_t klen, unsigned gen, const char *body, size_t blen,
                  unsigned tag);

/* The body stored under key for generation gen, with took_ms (milliseconds, rounded to 3 decimals)
 * written as the value of its first "took_ms" key, and *len its length and *tag its tag; caller frees
 * (a NUL-terminated string). NULL on a miss: no entry, or one of another generation, which is then
 * dropped. A hit makes the entry the most recently used. */
char *kb_cache_get(kb_cache *c, const void *key, size_t klen, unsigned gen, double took_ms, size_t *len,
                   unsigned *tag);

typedef struct {
	unsigned long long hits;   /* lookups answered */
	unsigned long long misses; /* lookups not answered, stale entries included */
	size_t bytes;              /* what the entries count now (see kb_cache_new) */
	size_t max_bytes;          /* the bound; 0 for a cache that is off */
	size_t entries;
} kb_cache_stats;

/* The cache's counters and size now (all 0 for NULL). */
kb_cache_stats kb_cache_stats_get(kb_cache *c);

#endif
