/* engine: a ranking split over two threads (kb_engine_split_at) gives the hits, scores, totals and
 * facets that one thread gives, on an index built so that the split has something to get wrong:
 * ties in score broken by collapse keys that do not follow docid order, documents whose sections
 * lie on both sides of the middle docid, sections without a key, and a match in the last docid. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "schema.h"
#include "testindex.h"

static char dir[] = "/tmp/atmp-test-engine-XXXXXX";

#define NDOCS 30

/* whether document i's sections carry a collapse key: without one each section is a hit */
static bool keyed(int i)
{
	return i % 7 != 3;
}

static void add_lone(kb_writer *w, const char *term, const char *key)
{
	static const unsigned slots[] = { KB_SLOT_KEY, KB_SLOT_DATA };
	const char *values[] = { key, key };
	test_add_section(w, &term, 1, slots, values, 2);
}

static kb_db *make_index(void)
{
	kb_writer *w = test_index_begin(dir, "index");
	if (!w)
		return NULL;
	/* two sections first that no query but "filler" matches: they move the middle docid (31 of
	 * 63) into the sections of document 14 (docids 30 to 32) */
	add_lone(w, "filler", "lone0");
	add_lone(w, "filler", "lone1");
	for (int i = 0; i < NDOCS; i++) {
		char key[16];
		/* keys in another order than the documents, so ties are not broken by docid */
		snprintf(key, sizeof key, "k%02d", (i * 7) % NDOCS);
		for (int s = 0; s <= i % 3; s++) {
			kb_wdoc *d = kb_wdoc_new();
			unsigned pos = 0;
			/* few distinct weights: many sections tie */
			for (int k = 0; k <= (i + s) % 3; k++)
				kb_wdoc_posting(d, "alpha", pos++, 1);
			if ((i + s) % 2 == 0)
				kb_wdoc_posting(d, "beta", pos++, 1);
			if (i % 5 == 0)
				kb_wdoc_posting(d, "gamma", pos++, 1);
			kb_wdoc_posting(d, "filler", pos++, 1);
			char data[32];
			snprintf(data, sizeof data, "doc%02d/%d", i, s);
			if (keyed(i))
				kb_wdoc_value(d, KB_SLOT_KEY, key);
			kb_wdoc_value(d, KB_SLOT_DATA, data);
			kb_wdoc_value(d, KB_SLOT_TYPE, i % 2 ? "faq" : "guidance");
			kb_wdoc_value(d, KB_SLOT_LANG, i % 3 ? "da" : "en");
			kb_writer_add(w, d, NULL);
			kb_wdoc_free(d);
		}
	}
	add_lone(w, "omega", "last"); /* the last docid: a half that ends before it loses it */
	return test_index_end(w, dir, "index");
}

static kb_eq *two(kb_eqop op, const char *a, const char *b)
{
	kb_eq *q = kb_eq_new(op);
	kb_eq_add(q, kb_eq_term(a));
	kb_eq_add(q, kb_eq_term(b));
	return q;
}

static const unsigned facets[] = { KB_SLOT_TYPE, KB_SLOT_LANG };
static int collapse = KB_SLOT_KEY; /* or -1: every section a hit */
static const kb_eq *then_tier;     /* kb_run_opts.then of every run */
static const char *const probes[] = { "alpha", "beta", "gamma" };

static kb_eresult *run(kb_db *db, const kb_docvals *vals, const kb_eq *q, const kb_eq *first, size_t offset,
                       size_t limit, size_t split_at)
{
	kb_engine_split_at(split_at);
	kb_run_opts o = { .offset = offset, .limit = limit, .collapse_slot = collapse, .vals = vals,
	                  .data_slot = KB_SLOT_DATA, .first = first, .then = then_tier, .probes = probes,
	                  .nprobes = 3 };
	kb_eresult *r = NULL;
	CHECK(kb_db_run(db, q, &o, &r, NULL) == KB_OK && r);
	return r;
}

static bool same(const kb_eresult *a, const kb_eresult *b)
{
	if (a->nhits != b->nhits || a->total != b->total || a->nfacets != b->nfacets)
		return false;
	for (size_t i = 0; i < a->nhits; i++)
		if (a->hits[i].score != b->hits[i].score || strcmp(a->hits[i].data, b->hits[i].data) != 0)
			return false;
	for (size_t f = 0; f < a->nfacets; f++) {
		if (a->nfacetvals[f] != b->nfacetvals[f])
			return false;
		for (size_t v = 0; v < a->nfacetvals[f]; v++)
			if (a->facets[f][v].count != b->facets[f][v].count ||
			    strcmp(a->facets[f][v].value, b->facets[f][v].value) != 0)
				return false;
	}
	return true;
}

/* One query at every page of two sizes, one thread against two. */
static void compare(kb_db *db, const kb_docvals *vals, const kb_eq *q, const kb_eq *first, bool splits)
{
	static const size_t limits[] = { 3, 10, 40 };
	for (size_t l = 0; l < sizeof limits / sizeof *limits; l++)
		for (size_t offset = 0; offset < 70; offset += limits[l]) {
			kb_eresult *one = run(db, vals, q, first, offset, limits[l], 0);
			kb_eresult *split = run(db, vals, q, first, offset, limits[l], 1);
			if (one && split) {
				CHECK(!one->split);
				CHECK(split->split == splits);
				CHECK(one->nhits > 0 || offset > 0);
				if (!same(one, split))
					fprintf(stderr, "differs: offset %zu limit %zu\n", offset, limits[l]);
				CHECK(same(one, split));
			}
			kb_eresult_free(one);
			kb_eresult_free(split);
		}
}

int main(void)
{
	if (!test_dir(dir))
		return 1;
	kb_db *db = make_index();
	CHECK(db != NULL);
	kb_docvals *vals = NULL;
	CHECK(db && kb_docvals_load(db, KB_SLOT_KEY, facets, 2, &vals, NULL) == KB_OK);
	if (db && vals) {
		kb_eq *or = two(KB_EQ_OR, "alpha", "beta"), *and = two(KB_EQ_AND, "alpha", "beta");
		kb_eq *gamma = two(KB_EQ_OR, "gamma", "beta");
		compare(db, vals, or, NULL, true);
		compare(db, vals, and, NULL, true);
		/* a first pass (the AND) and the rest after it, passing over the first's documents */
		compare(db, vals, or, and, true);
		compare(db, vals, gamma, NULL, true);
		/* a single term is read by one thread: the split would cost what it saves */
		kb_eq *alpha = kb_eq_term("alpha");
		compare(db, vals, alpha, NULL, false);
		/* a document is one hit, however many of its sections match on either side; a section
		 * without a key is a hit of its own */
		size_t hits = 0;
		for (int i = 0; i < NDOCS; i++)
			hits += keyed(i) ? 1 : (size_t)(i % 3 + 1);
		kb_eresult *r = run(db, vals, or, NULL, 0, 40, 1);
		CHECK(r && r->split && r->nhits == hits && r->total == hits);
		for (size_t i = 0; r && i < r->nhits; i++)
			for (size_t j = 0; j < i; j++)
				CHECK(strcmp(r->hits[i].data, r->hits[j].data) != 0 &&
				      (!keyed(atoi(r->hits[i].data + 3)) || strncmp(r->hits[i].data, r->hits[j].data, 5) != 0));
		kb_eresult_free(r);
		/* a later probe is looked for only in the hits holding an earlier one: alpha, in every
		 * section, is found in the hits holding gamma and in no other */
		static const char *const later[] = { "gamma", "alpha" };
		kb_run_opts lo = { .limit = 40, .collapse_slot = collapse, .vals = vals, .data_slot = KB_SLOT_DATA,
		                   .probes = later, .nprobes = 2, .nlater = 1 };
		kb_eresult *lr = NULL;
		CHECK(kb_db_run(db, or, &lo, &lr, NULL) == KB_OK && lr && lr->nhits == hits);
		size_t with_gamma = 0;
		for (size_t i = 0; lr && i < lr->nhits; i++) {
			bool g = lr->hits[i].nterms && strcmp(lr->hits[i].terms[0], "gamma") == 0;
			with_gamma += g;
			CHECK(lr->hits[i].nterms == (g ? 2u : 0u));
		}
		CHECK(with_gamma > 0 && with_gamma < hits);
		kb_eresult_free(lr);
		/* the last docid is in the upper half */
		kb_eq *omega = two(KB_EQ_AND, "omega", "filler");
		r = run(db, vals, omega, NULL, 0, 10, 1);
		CHECK(r && r->split && r->nhits == 1 && strcmp(r->hits[0].data, "last") == 0);
		kb_eresult_free(r);
		/* filters alone rank every section: one list, read by one thread */
		kb_eq *filtered = kb_eq_new(KB_EQ_FILTER);
		kb_eq_add(filtered, kb_eq_new(KB_EQ_ALL));
		kb_eq_add(filtered, kb_eq_term("gamma"));
		compare(db, vals, filtered, NULL, false);
		/* without collapsing, every section a hit: nothing may come from both halves */
		collapse = -1;
		compare(db, vals, or, NULL, true);
		compare(db, vals, or, and, true);
		r = run(db, vals, or, NULL, 0, 70, 1);
		CHECK(r && r->split && r->nhits == 2 * NDOCS); /* alpha is in every section of the 30 */
		for (size_t i = 0; r && i < r->nhits; i++)
			for (size_t j = 0; j < i; j++)
				CHECK(strcmp(r->hits[i].data, r->hits[j].data) != 0);
		kb_eresult_free(r);
		collapse = KB_SLOT_KEY;
		/* three tiers: sections holding beta and gamma, then those holding beta, then the rest,
		 * although alpha outweighs both in the query; each document once, in one order whatever
		 * the page, on one thread or two */
		kb_eq *any = kb_eq_new(KB_EQ_OR);
		kb_eq_add(any, kb_eq_term("alpha"));
		kb_eq_add(any, kb_eq_scale(kb_eq_term("beta"), 0.001));
		kb_eq_add(any, kb_eq_scale(kb_eq_term("gamma"), 0.001));
		kb_eq *bg = two(KB_EQ_AND, "beta", "gamma"), *b = kb_eq_new(KB_EQ_FILTER);
		kb_eq_add(b, kb_eq_copy(any));
		kb_eq_add(b, kb_eq_term("beta"));
		then_tier = b;
		compare(db, vals, any, bg, true);
		r = run(db, vals, any, bg, 0, 40, 0);
		int tier = 0, tiers_seen = 0;
		for (size_t i = 0; r && i < r->nhits; i++) {
			bool has[3] = { false, false, false };
			for (size_t t = 0; t < r->hits[i].nterms; t++)
				for (int k = 0; k < 3; k++)
					has[k] |= strcmp(r->hits[i].terms[t], probes[k]) == 0;
			int here = has[1] && has[2] ? 0 : has[1] ? 1 : 2;
			CHECK(here >= tier);
			tiers_seen |= 1 << here;
			tier = here;
			CHECK(i == 0 || r->hits[i].score <= r->hits[i - 1].score);
		}
		CHECK(r && tiers_seen == 7 && r->nhits == hits);
		kb_eresult_free(r);
		then_tier = NULL;
		kb_eq_free(b);
		kb_eq_free(bg);
		kb_eq_free(any);
		kb_eq_free(filtered);
		kb_eq_free(omega);
		kb_eq_free(alpha);
		kb_eq_free(gamma);
		kb_eq_free(or);
		kb_eq_free(and);
	}
	kb_docvals_unref(vals);
	kb_db_close(db);
	/* an index of one section has no halves */
	kb_writer *w = test_index_begin(dir, "one");
	kb_db *one = NULL;
	if (w) {
		add_lone(w, "alpha", "only");
		one = test_index_end(w, dir, "one");
	}
	CHECK(one && kb_docvals_load(one, KB_SLOT_KEY, facets, 2, &vals, NULL) == KB_OK);
	if (one && vals) {
		kb_eq *q = two(KB_EQ_OR, "alpha", "filler");
		collapse = -1;
		kb_eresult *r = run(one, vals, q, NULL, 0, 10, 1);
		CHECK(r && !r->split && r->nhits == 1);
		kb_eresult_free(r);
		kb_eq_free(q);
		kb_docvals_unref(vals);
	}
	kb_db_close(one);
	test_dir_remove(dir);
	TEST_END();
}
