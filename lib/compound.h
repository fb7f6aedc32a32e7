/* compound — splits Danish compounds into the words they are made of, on a lexicon:
 * "genterapi" → gen + terapi, "hospitalsundtagelse" → hospital + (s) + undtagelse,
 * "lægemiddelstyrelsen" → lægemiddel + styrelsen, and lægemiddel → læge + middel.
 *
 * No list of compounds is kept: a split is accepted when both sides are words the lexicon knows
 * (a callback, so the indexer can use a word list and a query the index's own vocabulary). */
#ifndef KB_COMPOUND_H
#define KB_COMPOUND_H
#include <stdbool.h>
#include <stddef.h>

/* Does the lexicon know the word s (n bytes, folded)? */
typedef bool (*kb_known_fn)(void *ctx, const char *s, size_t n);

typedef struct {
	size_t start, len; /* a part: bytes of the word */
} kb_part;

#define KB_MAX_PARTS 6

/* Splits word into at most max parts (recursively, longest first part first). Returns the number of
 * parts (0 when the word is not a compound the lexicon can explain). Parts never include a linking
 * 's' or 'e'. */
size_t kb_compound_split(const char *word, kb_known_fn known, void *ctx, kb_part *parts, size_t max);

/* Could a part of word after its first begin at byte at, as kb_compound_split cuts parts (with no
 * lexicon to tell: only what no split makes is ruled out)? Not in a word too short to be split, nor
 * in its last few letters, which no part is as short as: the "gen" of lovgivningen, behandlingen and
 * ingen is their definite ending -en after a g, no part. */
bool kb_compound_part_may_start(const char *word, size_t at);

#endif
