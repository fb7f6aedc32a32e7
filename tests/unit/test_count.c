/* engine: the total and the facets of a search. Below KB_CHECK_AT_LEAST matching sections they are
 * exact, and every kind of query tree must match the sections Xapian would (words in one section,
 * not spread over a document's sections); above it the total is an estimate, which must stay close
 * where documents have different numbers of sections and matches bunch in a stretch of docids. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "schema.h"
#include "testindex.h"

static char dir[] = "/tmp/atmp-test-count-XXXXXX";

#define NSMALL 60

/* Document i of the small index: sections 0 and, for odd i, 1. "a" and "b" are in all its sections
 * (a for even i, b for i divisible by 3), "c" in section 0 when i is divisible by 5, "d" in
 * section 1, and the words stand in that order (for the phrase "a b"). */
static bool has(int i, int s, char t)
{
	switch (t) {
	case 'a': return i % 2 == 0;
	case 'b': return i % 3 == 0;
	case 'c': return s == 0 && i % 5 == 0;
	case 'd': return s == 1;
	}
	return false;
}

static void add_section(kb_writer *w, const char *key, const char *type, const char *const *terms, size_t n)
{
	static const unsigned slots[] = { KB_SLOT_KEY, KB_SLOT_DATA, KB_SLOT_TYPE, KB_SLOT_LANG };
	const char *values[] = { key, key, type, "da" };
	test_add_section(w, terms, n, slots, values, 4);
}

static kb_db *small_index(void)
{
	kb_writer *w = test_index_begin(dir, "small");
	if (!w)
		return NULL;
	for (int i = 0; i < NSMALL; i++)
		for (int s = 0; s <= i % 2; s++) {
			const char *terms[4];
			size_t n = 0;
			for (const char *t = "abcd"; *t; t++)
				if (has(i, s, *t))
					terms[n++] = *t == 'a' ? "a" : *t == 'b' ? "b" : *t == 'c' ? "c" : "d";
			char key[16];
			snprintf(key, sizeof key, "s%02d", i);
			add_section(w, key, i % 2 ? "faq" : "guidance", terms, n);
		}
	return test_index_end(w, dir, "small");
}

#define NBIG 4000

/* The big index: documents 0..1999 one section each, the others four; "w" in every section, "x"
 * in the documents 3000..3499 only (a stretch of docids, as a folder of one type is), "y" in the
 * first 520 (20 past the first 500 sections, then none: a sample from there finds them dense). */
static kb_db *big_index(void)
{
	kb_writer *w = test_index_begin(dir, "big");
	if (!w)
		return NULL;
	for (int i = 0; i < NBIG; i++) {
		char key[16];
		snprintf(key, sizeof key, "b%04d", i);
		for (int s = 0; s < (i < NBIG / 2 ? 1 : 4); s++) {
			const char *terms[] = { "w", i < 520 ? "y" : "x" };
			add_section(w, key, "guidance", terms, (i >= 3000 && i < 3500) || i < 520 ? 2 : 1);
		}
	}
	return test_index_end(w, dir, "big");
}

static const unsigned facets[] = { KB_SLOT_TYPE, KB_SLOT_LANG };

static kb_eresult *run(kb_db *db, const kb_docvals *vals, const kb_eq *q)
{
	kb_run_opts o = { .offset = 0, .limit = 10, .collapse_slot = KB_SLOT_KEY, .vals = vals,
	                  .data_slot = KB_SLOT_DATA };
	kb_eresult *r = NULL;
	CHECK(kb_db_run(db, q, &o, &r, NULL) == KB_OK && r);
	return r;
}

static kb_eq *node(kb_eqop op, kb_eq *a, kb_eq *b)
{
	kb_eq *q = kb_eq_new(op);
	kb_eq_add(q, a);
	kb_eq_add(q, b);
	return q;
}

static kb_eq *t(const char *term)
{
	return kb_eq_term(term);
}

/* How many documents of the small index have a section where match(i, s) holds, and how many of
 * those are FAQs (odd i). */
typedef bool (*section_match)(int i, int s);

static void expect(kb_db *db, const kb_docvals *vals, kb_eq *q, section_match match, const char *what)
{
	size_t docs = 0, faqs = 0;
	for (int i = 0; i < NSMALL; i++)
		for (int s = 0; s <= i % 2; s++)
			if (match(i, s)) {
				docs++;
				faqs += i % 2;
				break;
			}
	kb_eresult *r = run(db, vals, q);
	if (r && r->total != docs)
		fprintf(stderr, "%s: total %zu, expected %zu\n", what, r->total, docs);
	CHECK(r && r->total == docs);
	size_t faq_count = 0;
	for (size_t v = 0; r && r->nfacets && v < r->nfacetvals[0]; v++)
		if (strcmp(r->facets[0][v].value, "faq") == 0)
			faq_count = r->facets[0][v].count;
	CHECK(faq_count == faqs);
	kb_eresult_free(r);
	kb_eq_free(q);
}

static bool m_a_or_b(int i, int s) { return has(i, s, 'a') || has(i, s, 'b'); }
static bool m_a_and_b(int i, int s) { return has(i, s, 'a') && has(i, s, 'b'); }
static bool m_c_and_d(int i, int s) { return has(i, s, 'c') && has(i, s, 'd'); }
static bool m_a_not_b(int i, int s) { return has(i, s, 'a') && !has(i, s, 'b'); }
static bool m_ac_filter_b(int i, int s) { return (has(i, s, 'a') || has(i, s, 'c')) && has(i, s, 'b'); }
static bool m_a(int i, int s) { return has(i, s, 'a'); }
static bool m_b(int i, int s) { return has(i, s, 'b'); }
static bool m_c(int i, int s) { return has(i, s, 'c'); }
static bool m_c_or_d(int i, int s) { return has(i, s, 'c') || has(i, s, 'd'); }
static bool m_not_a(int i, int s) { return !has(i, s, 'a'); }
static bool m_none(int i, int s) { (void)i, (void)s; return false; }
static bool m_d_not_c_or_b(int i, int s) { return has(i, s, 'd') && !has(i, s, 'c') && !has(i, s, 'b'); }
static bool m_ab_or_c(int i, int s) { return (has(i, s, 'a') && has(i, s, 'b')) || has(i, s, 'c'); }

static void small_cases(kb_db *db, const kb_docvals *vals)
{
	expect(db, vals, node(KB_EQ_OR, t("a"), t("b")), m_a_or_b, "a OR b");
	expect(db, vals, node(KB_EQ_AND, t("a"), t("b")), m_a_and_b, "a AND b");
	/* c and d are in one document, never in one section */
	expect(db, vals, node(KB_EQ_AND, t("c"), t("d")), m_c_and_d, "c AND d");
	expect(db, vals, node(KB_EQ_AND_NOT, t("a"), t("b")), m_a_not_b, "a AND_NOT b");
	kb_eq *not_either = node(KB_EQ_AND_NOT, t("d"), t("c"));
	kb_eq_add(not_either, t("b"));
	expect(db, vals, not_either, m_d_not_c_or_b, "d AND_NOT (c, b)");
	expect(db, vals, node(KB_EQ_FILTER, node(KB_EQ_OR, t("a"), t("c")), t("b")), m_ac_filter_b, "(a OR c) FILTER b");
	expect(db, vals, node(KB_EQ_AND_MAYBE, t("a"), t("d")), m_a, "a AND_MAYBE d");
	expect(db, vals, kb_eq_scale(t("b"), 0.5), m_b, "b scaled");
	expect(db, vals, node(KB_EQ_SYNONYM, t("c"), t("d")), m_c_or_d, "c SYNONYM d");
	expect(db, vals, node(KB_EQ_FILTER, kb_eq_new(KB_EQ_ALL), t("c")), m_c, "every section FILTER c");
	expect(db, vals, node(KB_EQ_AND_NOT, kb_eq_new(KB_EQ_ALL), t("a")), m_not_a, "every section AND_NOT a");
	expect(db, vals, node(KB_EQ_OR, t("nowhere"), node(KB_EQ_AND, t("a"), t("b"))), m_a_and_b, "nowhere OR (a AND b)");
	expect(db, vals, node(KB_EQ_AND, t("nowhere"), t("a")), m_none, "nowhere AND a");
	expect(db, vals, kb_eq_new(KB_EQ_OR), m_none, "an empty OR");
	/* Xapian counts phrases: a then b at the next position */
	expect(db, vals, node(KB_EQ_PHRASE, t("a"), t("b")), m_a_and_b, "phrase a b");
	expect(db, vals, node(KB_EQ_OR, node(KB_EQ_PHRASE, t("a"), t("b")), t("c")), m_ab_or_c, "phrase a b OR c");
}

/* The estimate of the big index's documents holding q, within a fifth of truth. A part of the
 * docids that holds the change from one-section to four-section documents is sampled at its start
 * and counted as if it were all one-section documents: that is the most it is off by here. */
static void estimate(kb_db *db, const kb_docvals *vals, kb_eq *q, size_t truth, const char *what)
{
	kb_eresult *r = run(db, vals, q);
	double off = r ? ((double)r->total - (double)truth) / (double)truth : 1;
	if (off > 0.2 || off < -0.2)
		fprintf(stderr, "%s: total %zu, truly %zu\n", what, r ? r->total : 0, truth);
	CHECK(r && off <= 0.2 && off >= -0.2);
	kb_eresult_free(r);
	kb_eq_free(q);
}

static void big_cases(kb_db *db, const kb_docvals *vals)
{
	/* the first 500 sections are 500 documents of one section; the rest have four each */
	estimate(db, vals, t("w"), NBIG, "w");
	/* all of x's documents lie past the first 500 sections */
	estimate(db, vals, t("x"), 500, "x");
	estimate(db, vals, node(KB_EQ_AND_NOT, t("w"), t("x")), NBIG - 500, "w AND_NOT x");
	/* never more documents than sections hold the word: for one word its list's length, for
	 * more the shortest list of an AND */
	estimate(db, vals, t("y"), 520, "y");
	estimate(db, vals, node(KB_EQ_AND, t("y"), t("w")), 520, "y AND w");
}

int main(void)
{
	if (!test_dir(dir))
		return 1;
	kb_engine_split_at(0);
	kb_db *db = small_index();
	CHECK(db != NULL);
	kb_docvals *vals = NULL;
	CHECK(db && kb_docvals_load(db, KB_SLOT_KEY, facets, 2, &vals, NULL) == KB_OK);
	if (db && vals)
		small_cases(db, vals);
	kb_docvals_unref(vals);
	kb_db_close(db);
	db = big_index();
	CHECK(db != NULL);
	vals = NULL;
	CHECK(db && kb_docvals_load(db, KB_SLOT_KEY, facets, 2, &vals, NULL) == KB_OK);
	if (db && vals)
		big_cases(db, vals);
	kb_docvals_unref(vals);
	kb_db_close(db);
	test_dir_remove(dir);
	TEST_END();
}
