/* synmatch — finds the terms of synonyms.txt's groups in analysed text, so the indexer can give
 * every occurrence of term t of group g one more term, "S<g>:<t>", without positions. A query
 * then asks for another term of a group with that one term instead of a phrase in three forms
 * (as written, Danish stems, English stems): for the domain words with several multi-word
 * synonyms, the difference between a few plain posting lists and a few dozen positional ones.
 *
 * A group's term occurs where its words stand at consecutive positions, each as written or with
 * the same stem in the document's language (all words alike, as a phrase query matches); a
 * one-word term also where it is a part of a compound. That is what the query side matched before
 * with phrases and compound parts, so the results are the same.
 *
 * Built once from the groups, then read-only. Depends on analyzer and util. */
#ifndef KB_SYNMATCH_H
#define KB_SYNMATCH_H
#include <stddef.h>
#include "analyzer.h"

typedef struct kb_synmatch kb_synmatch;

/* Calls cb for each term of a group (its terms one a line, as the index's "synonyms" metadata holds
 * them) that has words: with its number in the group (the t of "S<g>:<t>"), its text, and its words
 * (kb_analyze of the text; borrowed for the call). A line without words is no term and gets no
 * number. The one place that numbering is decided: the indexer's matcher (kb_synmatch_new) and the
 * query side's groups (expand.h) both come from here, so their terms cannot drift apart. */
typedef void (*kb_synterm_cb)(void *ctx, size_t index, const char *text, const kb_tokens *words);
void kb_syngroup_each(kb_analyzer *an, const char *group, kb_synterm_cb cb, void *ctx);

/* The matcher for groups[0..n) (each group its terms, one a line, as the index's "synonyms"
 * metadata holds them; a line without words is no term and is not counted). Caller frees with
 * kb_synmatch_free(). */
kb_synmatch *kb_synmatch_new(kb_analyzer *an, char *const *groups, size_t n);
void kb_synmatch_free(kb_synmatch *m);

/* The index term of term t of group g, "S<g>:<t>" in decimal, into out (at least KB_SYNTERM_MAX
 * bytes). */
#define KB_SYNTERM_MAX 48
void kb_synmatch_term(size_t g, size_t t, char *out);

/* One term of a text at a position, as kb_analyzer_index_text() gives them. */
typedef struct {
	const char *term; /* borrowed */
	unsigned pos;
} kb_posting;

/* Calls cb(ctx, term) with the index term of each occurrence of a group's term among the postings
 * p[0..n) (several at one position are all that word's terms). */
void kb_synmatch_find(const kb_synmatch *m, const kb_posting *p, size_t n,
                      void (*cb)(void *ctx, const char *term), void *ctx);

#endif
