/* plan — turns a parsed query into the engine query that answers it, graded from the words as
 * typed to their stems, other spellings, compound parts, synonyms and spelling corrections; and
 * keeps what the results need to show: the terms to mark in snippets, why each form was asked for,
 * and a corrected query to suggest.
 *
 * Depends on analyzer, expand, query, engine, snippet. One plan serves one search. */
#ifndef KB_PLAN_H
#define KB_PLAN_H
#include "analyzer.h"
#include "engine.h"
#include "expand.h"
#include "query.h"
#include "snippet.h"

typedef struct {
	char *term;      /* owned; the index term that, when a hit holds it, explains ... */
	char *why;       /* owned; ... this: "DKMA → Lægemiddelstyrelsen (synonym)"; NULL for a compound
	                    part, whose text needs the document's word: see typed */
	char *typed;     /* owned; the query word, for a compound part's explanation */
	char *as_typed[3];/* owned; the typed word's own terms (word, stems): a hit holding one of them
	                    met the word as typed, and needs no explanation */
	size_t nas_typed;
	char *also[3];   /* owned; more terms the hit must hold too (the other words of a phrase) */
	size_t nalso;
} kb_why;

typedef struct {
	kb_eq *query;    /* owned; NULL when the query asks for nothing */
	kb_eq *first;    /* owned; or NULL: the part of query whose sections rank before all others
	                    (those holding every clause of a query of several) */
	kb_eq *then;     /* owned; or NULL: query with each synonym term typed as separate words asked
	                    for where its words stand in a row (by its index term), as if quoted: its
	                    sections rank after first's and before the rest of query's, those found only
	                    by such a term's words apart. NULL when no such term */
	kb_eq *negated;  /* owned; what "-word" excludes, or NULL: it excludes whole documents, so the
	                    caller finds the documents holding it and leaves them out */
	kb_termset marks;/* terms whose words a snippet marks */
	kb_why *whys;    /* owned */
	size_t nwhys;
	char *suggestion;/* owned; the query with its misspelt words corrected, or NULL */
	kb_bonus *bonus; /* owned; the words as typed, which rank a hit above one holding only their
	                    stems: weighed for the best hits only (kb_run_opts.bonus), not in query */
	size_t nbonus;
} kb_plan;

/* Plans the query pq (q is its text as typed). Clear *plan with kb_plan_clear(). */
void kb_plan_make(kb_analyzer *an, kb_vocab *vocab, const kb_query *pq, const char *q, kb_plan *plan);
void kb_plan_clear(kb_plan *plan);

#endif
