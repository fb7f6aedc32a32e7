/* synmatch — finds the terms of synonyms.txt's groups in analysed text, so the indexer can give
 * every occurrence of any term of group g one more term, "S<g>". A query then asks for a group
 * with that one term instead of every other term of it, each a phrase in three forms: for the
 * common domain words with several multi-word synonyms, the difference between a few posting
 * lists and a few dozen, most of them positional.
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

/* The matcher for groups[0..n) (each group its terms, one a line, as the index's "synonyms"
 * metadata holds them; group g's index term is "S<g>"). Caller frees with kb_synmatch_free(). */
kb_synmatch *kb_synmatch_new(kb_analyzer *an, char *const *groups, size_t n);
void kb_synmatch_free(kb_synmatch *m);

/* The index term of group g: "S" and g in decimal, into out (at least KB_SYNTERM_MAX bytes). */
#define KB_SYNTERM_MAX 24
void kb_synmatch_term(size_t g, char *out);

/* One term of a text at a position, as kb_analyzer_index_text() gives them. */
typedef struct {
	const char *term; /* borrowed */
	unsigned pos;
} kb_posting;

/* Calls cb(ctx, term) with the group term of each occurrence of a group's term among the postings
 * p[0..n) (in position order; several at one position are all that word's terms). */
void kb_synmatch_find(const kb_synmatch *m, const kb_posting *p, size_t n,
                      void (*cb)(void *ctx, const char *term), void *ctx);

#endif
