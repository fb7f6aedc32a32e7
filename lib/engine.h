/* engine — Xapian behind a plain C header; the project's only C++ (engine.cc).
 *
 * It stores and matches terms that arrive already analysed, and runs query trees built by search.c;
 * it holds no language logic. Every Xapian exception becomes a kb_status and a message: none crosses
 * into C. A kb_db is one read-only handle and is not thread-safe: each thread opens its own. */
#ifndef KB_ENGINE_H
#define KB_ENGINE_H
#include <stdbool.h>
#include <stddef.h>
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- query trees ---- */

typedef enum {
	KB_EQ_TERM,     /* a term */
	KB_EQ_WILDCARD, /* every term starting with term: the KB_WILDCARD_TERMS most frequent */
	KB_EQ_ALL,      /* every document */
	KB_EQ_AND, KB_EQ_OR,
	KB_EQ_SYNONYM,  /* OR, weighted as if one term */
	KB_EQ_PHRASE,   /* kids at consecutive positions */
	KB_EQ_AND_NOT,  /* the first kid without the others */
	KB_EQ_AND_MAYBE,/* the first kid, with the weight of the others where they match too */
	KB_EQ_FILTER,   /* the first kid, restricted to the others (which add no weight) */
	KB_EQ_SCALE     /* the one kid, its weight times scale */
} kb_eqop;

typedef struct kb_eq {
	kb_eqop op;
	char *term;          /* owned; TERM and WILDCARD */
	double scale;        /* SCALE */
	struct kb_eq **kids; /* owned */
	size_t nkids;
} kb_eq;

kb_eq *kb_eq_new(kb_eqop op);                 /* caller frees with kb_eq_free() */
kb_eq *kb_eq_term(const char *term);          /* term is copied */
kb_eq *kb_eq_wildcard(const char *prefix);
kb_eq *kb_eq_scale(kb_eq *kid, double scale); /* takes kid */
void kb_eq_add(kb_eq *parent, kb_eq *kid);    /* takes kid; NULL is ignored */
kb_eq *kb_eq_copy(const kb_eq *q);            /* a deep copy; caller frees with kb_eq_free() */
void kb_eq_free(kb_eq *q);

/* ---- writing ---- */

typedef struct kb_writer kb_writer;
typedef struct kb_wdoc kb_wdoc;

/* Creates a new writable database in the folder dir (which must not hold one). */
kb_status kb_writer_open(const char *dir, kb_writer **out, char **errmsg);
/* Copies the index file src into the folder dir as a writable database and opens it: the start of
 * an incremental build, at the cost of a block copy rather than re-adding every document. */
kb_status kb_writer_open_copy(const char *src, const char *dir, kb_writer **out, char **errmsg);
/* Commits and closes; NULL is accepted. Returns the status of the commit. */
kb_status kb_writer_close(kb_writer *w, char **errmsg);

kb_wdoc *kb_wdoc_new(void);                   /* caller frees with kb_wdoc_free() */
void kb_wdoc_free(kb_wdoc *d);
void kb_wdoc_posting(kb_wdoc *d, const char *term, unsigned pos, unsigned wdf); /* positional */
void kb_wdoc_term(kb_wdoc *d, const char *term, unsigned wdf);                  /* no position */
/* When d is added, each run of its terms that share a start of start_len(term) bytes (0: none)
 * gives it the term pfx + that start too, with their wdfs summed, not counted again in its length.
 * pfx must outlive d. */
void kb_wdoc_starts(kb_wdoc *d, const char *pfx, size_t (*start_len)(const char *term));
void kb_wdoc_value(kb_wdoc *d, unsigned slot, const char *value);

/* Adds the document (d stays the caller's), its wdfs first weighed by its length for BM25
 * (engine.cc), in d too: what a search weighs is not the wdf given here. */
kb_status kb_writer_add(kb_writer *w, kb_wdoc *d, char **errmsg);
kb_status kb_writer_set_meta(kb_writer *w, const char *key, const char *value, char **errmsg);
/* Deletes every document holding term. */
kb_status kb_writer_delete(kb_writer *w, const char *term, char **errmsg);
typedef struct kb_db kb_db;

/* Compacts the database in folder dir into the single file dst. */
kb_status kb_compact_single(const char *dir, const char *dst, char **errmsg);

/* ---- reading ---- */

/* Opens an index file read-only. */
kb_status kb_db_open(const char *path, kb_db **out, char **errmsg);
void kb_db_close(kb_db *db);
/* The index's UUID, new with each build: *out (caller frees) names this version of the file. */
kb_status kb_db_uuid(kb_db *db, char **out, char **errmsg);
/* Calls cb for each term starting with prefix ("" for all), in byte order, with how many documents
 * hold it, until cb returns false. */
kb_status kb_db_terms(kb_db *db, const char *prefix, bool (*cb)(void *ctx, const char *term, size_t freq),
                      void *ctx, char **errmsg);
/* A metadata value: *value (caller frees) is NULL when the key is not set. */
kb_status kb_db_meta(kb_db *db, const char *key, char **value, char **errmsg);
/* Calls cb for each metadata key starting with prefix, in order, until it returns false. */
kb_status kb_db_meta_keys(kb_db *db, const char *prefix, bool (*cb)(void *ctx, const char *key),
                          void *ctx, char **errmsg);

/* The distinct values of slot of the documents matching q (at most max), in *out: an owned array
 * of owned strings, *n of them; the caller frees each and the array. */
kb_status kb_db_values(kb_db *db, const kb_eq *q, unsigned slot, size_t max, char ***out, size_t *n,
                       char **errmsg);

/* The values of a few slots of every document, in memory, for counting facets: read once per
 * index file, then read-only and shared by the searchers of all threads (reference-counted). */
typedef struct kb_docvals kb_docvals;

/* Reads the values of key_slot (what counts as one document) and of slots[0..n) (the facets).
 * *out (one reference, dropped with kb_docvals_unref()) is NULL on failure. */
kb_status kb_docvals_load(kb_db *db, unsigned key_slot, const unsigned *slots, size_t n, kb_docvals **out,
                          char **errmsg);
kb_docvals *kb_docvals_ref(kb_docvals *v); /* another reference to v; returns v */
void kb_docvals_unref(kb_docvals *v);      /* frees v with its last reference; NULL is accepted */

/* A word ending in '*' stands for at most this many words, the most frequent: "a*" must stay cheap. */
#define KB_WILDCARD_TERMS 64

/* A term whose weight (BM25, times scale) a hit gets on top of what the query gave it, when the
 * hit holds it. */
typedef struct {
	char *term;
	double scale;
} kb_bonus;

/* Bonuses are weighed for this many of a ranking's best hits, which are then ordered again; the
 * hits after them keep the query's order, so a page's hits are the same whatever its size. */
#define KB_BONUS_WINDOW 10

typedef struct {
	size_t offset, limit;
	int collapse_slot;       /* one hit per distinct value of this slot, which also breaks ties in
	                            score, so the order does not depend on how the index was built; -1:
	                            none */
	const kb_docvals *vals;  /* borrowed; the collapse key and the facets: distinct keys are counted
	                            per value of each of its facet slots (kb_eresult.facets) */
	unsigned data_slot;      /* the value slot holding what kb_ehit.data gives of a hit */
	const char *const *probes;   /* terms to look for in each hit (see kb_ehit.terms), ... */
	size_t nprobes;
	size_t nlater;           /* ... but the last nlater of them only in the hits holding one of
	                            the others (where they may change what those explain) */
	const kb_eq *first;      /* borrowed; or NULL: a part of the query whose documents rank before
	                            all others (each by its best section that matches first), the rest
	                            after them; total and facets are the whole query's */
	const kb_eq *then;       /* borrowed; or NULL: a part of the query whose documents rank after
	                            first's and before the rest, as first's do */
	const kb_bonus *bonus;   /* borrowed; weighed for the first KB_BONUS_WINDOW hits of each ranking */
	size_t nbonus;
} kb_run_opts;

typedef struct {
	double score;
	char *data;              /* owned; the hit's value in kb_run_opts.data_slot */
	char **terms;            /* owned; the probe terms (kb_run_opts.probes) this document holds */
	size_t nterms;
} kb_ehit;

typedef struct {
	char *value;             /* owned */
	size_t count;
} kb_facet_count;

typedef struct {
	kb_ehit *hits;           /* owned; best first */
	size_t nhits;
	size_t total;            /* matching documents (collapsed) */
	kb_facet_count **facets; /* owned; facets[i] for the vals' slot i, sorted by count, then value */
	size_t *nfacetvals;
	size_t nfacets;
	bool split;              /* a ranking ran on two threads (see kb_engine_split_at()) */
} kb_eresult;

/* Runs q. *out (caller frees with kb_eresult_free()) is NULL on failure.
 *
 * A ranking of a query that matches at least KB_SPLIT_AT sections (50000, by the first pass's
 * estimate) runs on two threads, each over half the docids with its own handle on the file (opened
 * at the first such search), and the halves' best are merged: the same hits in the same order,
 * sooner where a second core is free. Not for a ranking of one list (a term, a SYNONYM, every
 * section for filters alone), where checking each posting's docid costs what the split saves. */
kb_status kb_db_run(kb_db *db, const kb_eq *q, const kb_run_opts *opts, kb_eresult **out,
                    char **errmsg);
/* Sets the threshold above (0: never split), for the whole process. Unset, it is KB_SPLIT_AT on a
 * machine with two cores or more, else 0, or ATMP_SPLIT_AT from the environment. */
void kb_engine_split_at(size_t sections);
#define KB_SPLIT_AT 50000
void kb_eresult_free(kb_eresult *r);

#ifdef __cplusplus
}
#endif
#endif
