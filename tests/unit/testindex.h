/* testindex — a small index for the unit tests that need one: documents given as NULL-terminated
 * term lists (each term at its place as its position, wdf 1), built in a folder and compacted to
 * one file; and its vocabulary, as a searcher holds it, for query expansion. */
#ifndef KB_TESTINDEX_H
#define KB_TESTINDEX_H
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include "analyzer.h"
#include "engine.h"
#include "expand.h"
#include "words.h"

/* Makes the folder dir (a mkdtemp() template, filled in); false, with a message, on failure. */
static inline bool test_dir(char *dir)
{
	if (mkdtemp(dir))
		return true;
	perror("mkdtemp");
	return false;
}

/* Removes the folder dir and what it holds, saying so when it cannot. */
static inline void test_dir_remove(const char *dir)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/* A writer on a new database in the folder dir/name.db, for test_index_end(); NULL on failure. */
static inline kb_writer *test_index_begin(const char *dir, const char *name)
{
	char sub[256];
	snprintf(sub, sizeof sub, "%s/%s.db", dir, name);
	kb_writer *w = NULL;
	return kb_writer_open(sub, &w, NULL) == KB_OK ? w : NULL;
}

/* Commits w, compacts its database into the file dir/name and opens that; NULL on failure. */
static inline kb_db *test_index_end(kb_writer *w, const char *dir, const char *name)
{
	char sub[256], file[256];
	snprintf(sub, sizeof sub, "%s/%s.db", dir, name);
	snprintf(file, sizeof file, "%s/%s", dir, name);
	kb_writer_close(w, NULL);
	kb_db *db = NULL;
	if (kb_compact_single(sub, file, NULL) != KB_OK || kb_db_open(file, &db, NULL) != KB_OK)
		return NULL;
	return db;
}

/* Adds to w a section of the words terms[0..n) at positions 0.. (wdf 1) and "filler" after them,
 * with the value values[k] in slot slots[k] for k < nvalues. */
static inline void test_add_section(kb_writer *w, const char *const *terms, size_t n, const unsigned *slots,
                                    const char *const *values, size_t nvalues)
{
	kb_wdoc *d = kb_wdoc_new();
	for (size_t k = 0; k < n; k++)
		kb_wdoc_posting(d, terms[k], (unsigned)k, 1);
	kb_wdoc_posting(d, "filler", (unsigned)n, 1);
	for (size_t k = 0; k < nvalues; k++)
		kb_wdoc_value(d, slots[k], values[k]);
	kb_writer_add(w, d, NULL);
	kb_wdoc_free(d);
}

/* The index of docs[0..n), the file dir/name (built in the folder dir/name.db); NULL on failure. */
static inline kb_db *test_index(const char *dir, const char *name, const char *const *const *docs, size_t n)
{
	kb_writer *w = test_index_begin(dir, name);
	if (!w)
		return NULL;
	for (size_t k = 0; k < n; k++) {
		kb_wdoc *d = kb_wdoc_new();
		for (size_t i = 0; docs[k][i]; i++)
			kb_wdoc_posting(d, docs[k][i], (unsigned)i, 1);
		kb_writer_add(w, d, NULL);
		kb_wdoc_free(d);
	}
	return test_index_end(w, dir, name);
}

/* An index with what a query's expansion asks of it. */
typedef struct {
	kb_db *db;
	kb_analyzer *an;
	kb_words *words;
	kb_vocab *vocab;
} test_vocab;

/* Takes db (NULL is accepted) and reads its vocabulary; false when something failed. Close *t with
 * test_vocab_close() either way. */
static inline bool test_vocab_open(kb_db *db, test_vocab *t)
{
	*t = (test_vocab){ db, NULL, NULL, NULL };
	return db && kb_analyzer_new(&t->an, NULL) == KB_OK && kb_words_load(db, &t->words, NULL) == KB_OK &&
	       kb_vocab_new(db, t->an, t->words, &t->vocab, NULL) == KB_OK;
}

static inline void test_vocab_close(test_vocab *t)
{
	kb_vocab_free(t->vocab);
	kb_words_unref(t->words);
	kb_analyzer_free(t->an);
	kb_db_close(t->db);
}

#endif
