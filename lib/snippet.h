/* snippet — the piece of a section's text that best shows why it matched, with the matched words in
 * <mark>. The text is analysed with the same analyzer as at index time, so a word is marked exactly
 * when one of its index terms is among the query's; the word is marked as it stands in the text. */
#ifndef KB_SNIPPET_H
#define KB_SNIPPET_H
#include <stdbool.h>
#include <stddef.h>
#include "analyzer.h"

/* The terms (and prefixes) a query looks for; a small set, searched linearly. */
typedef struct {
	char **terms;    /* owned */
	size_t n;
	char **prefixes; /* owned: folded word prefixes from `gen*` */
	size_t np;
} kb_termset;

void kb_termset_add(kb_termset *ts, const char *term);   /* copies; ignores duplicates */
void kb_termset_add_prefix(kb_termset *ts, const char *prefix);
bool kb_termset_has(const kb_termset *ts, const char *term);
void kb_termset_clear(kb_termset *ts);

/* Where the words of a text are, kept by the indexer so that a snippet need not break the text
 * into words again (the costliest part of a snippet): the byte ranges of t's words (kb_analyze of
 * the text) that lie within the part of a text a snippet looks at, appended to out as bytes from
 * '@' to DEL (never NUL, a newline or a digit), each range its distance from the last one's end and
 * its length in five-bit groups. */
void kb_snippet_spans(const kb_tokens *t, kb_buf *out);

/* HTML-escaped text of at most about max_words words around the best cluster of matches, each
 * matching word wrapped in <mark></mark>, with "…" where text was cut. spans (nspans bytes, from
 * kb_snippet_spans for this text) may be NULL: the text is then analysed here; spans that do not fit
 * the text are ignored the same way. Caller frees. */
char *kb_snippet(kb_analyzer *a, const char *text, const char *spans, size_t nspans, kb_lang lang,
                 const kb_termset *ts, size_t max_words);

/* The first word of text (as written) that one of whose index terms is term, or that holds the
 * compound part a KB_PFX_PART term names; NULL when none. spans as for kb_snippet. Caller frees. */
char *kb_word_with_term(kb_analyzer *a, const char *text, const char *spans, size_t nspans, kb_lang lang,
                        const char *term);

#endif
