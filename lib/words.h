/* words — the index's vocabulary in memory: every word the index holds (its unprefixed terms) with
 * how many sections hold it, and every stem and compound-part term. Query expansion asks it, many
 * times a query, whether the index knows a form; a lookup here is a binary search in memory, where
 * asking the index is a B-tree walk with a read of each block.
 *
 * Read once per index file, then never changed: the searchers of all the daemon's threads share one
 * (reference-counted, atomically). Depends on engine and util. */
#ifndef KB_WORDS_H
#define KB_WORDS_H
#include <stddef.h>
#include <stdint.h>
#include "engine.h"

typedef struct kb_words kb_words;

/* Reads the vocabulary of db. *out (one reference, dropped with kb_words_unref()) is NULL on
 * failure. */
kb_status kb_words_load(kb_db *db, kb_words **out, char **errmsg);
kb_words *kb_words_ref(kb_words *w);  /* another reference to w; returns w */
void kb_words_unref(kb_words *w);     /* frees w with its last reference; NULL is accepted */

/* The identity of the index file w was read from (its UUID), to tell whether it fits another
 * handle. Borrowed; valid while w is. */
const char *kb_words_source(const kb_words *w);

/* How many sections hold term (a word, or a ZD/ZE stem or C part term); 0 when none does. */
size_t kb_words_freq(const kb_words *w, const char *term);

/* The words (not the prefixed terms), for spelling correction: word i of kb_words_count(). */
size_t kb_words_count(const kb_words *w);
typedef struct {
	const char *word; /* borrowed; valid while w is */
	uint32_t freq;
	uint32_t ncp;     /* its length in code points */
	uint64_t mask;    /* which letters it has (bit c % 64 for code point c) */
} kb_word;
kb_word kb_words_at(const kb_words *w, size_t i);

/* The words starting with prefix: words *lo .. *hi of kb_words_at() (none when they are equal). */
void kb_words_prefix(const kb_words *w, const char *prefix, size_t *lo, size_t *hi);

/* The words of one length (in code points), for spelling: word idx[i] has the letters mask[i],
 * and those of them it has twice or more twice[i]; in byte order. Borrowed; valid while w is. */
typedef struct {
	const uint32_t *idx;
	const uint64_t *mask;
	const uint64_t *twice;
	size_t n;
} kb_word_span;
kb_word_span kb_words_of_length(const kb_words *w, size_t ncp);

/* The letter set of a word of n code points, as kb_word.mask; and the letters it has at least twice.
 * (Bit c % 64 stands for code point c, so letters 64 apart count as one.) One edit of a word
 * changes at most two bits of the two masks together. */
uint64_t kb_letter_mask(const uint32_t *cps, size_t n);
uint64_t kb_letter_mask_twice(const uint32_t *cps, size_t n);

#endif
