/* query — the query language of INTERFACE.md into a tree of our own.
 *
 * Purely syntactic: it finds phrases, negations, prefixes, OR and field filters in the user's string
 * and keeps each piece's raw text; turning text into terms is the analyzer's job (search.c does it).
 * Nothing the user types is an error: unbalanced quotes, stray operators and punctuation are words. */
#ifndef KB_QUERY_H
#define KB_QUERY_H
#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Past this many clauses (counting each OR alternative) the rest of a query is ignored: it bounds
 * the work a hostile query causes. */
#define KB_QUERY_MAX_CLAUSES 32

typedef enum {
	KB_QN_WORDS,  /* text: one or more words as typed ("CAR-T" is one piece of text, two words) */
	KB_QN_PHRASE, /* text: the words inside balanced quotes, in order */
	KB_QN_PREFIX, /* text: the part before a trailing '*' */
	KB_QN_OR      /* kids: alternatives (each a WORDS, PHRASE or PREFIX node) */
} kb_qkind;

typedef struct kb_qnode {
	kb_qkind kind;
	bool negated;            /* a leading '-': documents with it are excluded */
	char *text;              /* owned; NULL for OR */
	struct kb_qnode **kids;  /* owned; for OR */
	size_t nkids;
} kb_qnode;

typedef enum { KB_FILTER_TYPE, KB_FILTER_LANG, KB_FILTER_TAG, KB_FILTER_SOURCE, KB_FILTER_N } kb_filter;

typedef struct {
	kb_qnode **clauses;      /* owned; ranked together, documents with all of them first */
	size_t nclauses;
	char **filters[KB_FILTER_N]; /* owned values of type:, lang:, tag:, source: (OR within a key) */
	size_t nfilters[KB_FILTER_N];
} kb_query;

/* Parses q (len bytes; the caller has checked it is UTF-8). Never fails: returns a tree the caller
 * frees with kb_query_free(). A type: or lang: value is taken in lower case (`lang:EN`): they are
 * codes, and the query language reads what a person meant rather than erring. */
kb_query *kb_query_parse(const char *q, size_t len);
void kb_query_free(kb_query *query);

/* Adds a filter value (copied), as the API's type=/lang=/tag=/source= parameters do. */
void kb_query_add_filter(kb_query *query, kb_filter key, const char *value);

/* The query key of a filter ("type", "lang", "tag", "source"). */
const char *kb_filter_name(kb_filter f);

/* Whether a filter takes value: type and lang only the values of the corpus format (INTERFACE.md
 * §1.1), so that a misspelt one is an error rather than no hits; tag and source any. */
bool kb_filter_value_ok(kb_filter f, const char *value);
/* The value f takes that value most likely means, or NULL: case aside, at most two letters
 * inserted, deleted or changed in a value longer than two ("guidence" → "guidance"), or a common
 * name of a language ("dk", "english"). For type and lang only. */
const char *kb_filter_value_near(kb_filter f, const char *value);
/* Appends "; did you mean 'guidance'?" to out when kb_filter_value_near() has a value for value, for
 * the messages refusing it; else nothing. */
void kb_filter_hint(kb_filter f, const char *value, kb_buf *out);
/* Appends those values to out for messages, "guidance, best-practice, faq, news, minutes, analysis"
 * for type; nothing for tag and source. */
void kb_filter_values(kb_filter f, kb_buf *out);

#endif
