/* plan: which forms of a query word the engine query reads, and which it weighs only as a bonus
 * on the best hits (plan.h), planned against a small index built here. */
#include "harness.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer.h"
#include "engine.h"
#include "expand.h"
#include "plan.h"
#include "query.h"
#include "words.h"

static char dir[] = "/tmp/atmp-test-plan-XXXXXX";

static void add(kb_writer *w, const char *const *terms)
{
	kb_wdoc *d = kb_wdoc_new();
	for (size_t i = 0; terms[i]; i++)
		kb_wdoc_posting(d, terms[i], (unsigned)i, 1);
	kb_writer_add(w, d, NULL);
	kb_wdoc_free(d);
}

static kb_db *make_index(void)
{
	char sub[64], file[64];
	snprintf(sub, sizeof sub, "%s/db", dir);
	snprintf(file, sizeof file, "%s/index", dir);
	kb_writer *w = NULL;
	if (kb_writer_open(sub, &w, NULL) != KB_OK)
		return NULL;
	/* a Danish section with the word as written, one with an inflection of it */
	static const char *const a[] = { "genterapi", "ZDgenterapi", "lægemiddel", "ZDlægemiddel", NULL };
	static const char *const b[] = { "genterapien", "ZDgenterapi", "lægemidlet", "ZDlægemidl", NULL };
	add(w, a);
	add(w, b);
	kb_writer_close(w, NULL);
	kb_db *db = NULL;
	if (kb_compact_single(sub, file, NULL) != KB_OK || kb_db_open(file, &db, NULL) != KB_OK)
		return NULL;
	return db;
}

static bool has_term(const kb_eq *q, const char *term)
{
	if (!q)
		return false;
	if ((q->op == KB_EQ_TERM || q->op == KB_EQ_WILDCARD) && strcmp(q->term, term) == 0)
		return true;
	for (size_t i = 0; i < q->nkids; i++)
		if (has_term(q->kids[i], term))
			return true;
	return false;
}

static double bonus_of(const kb_plan *p, const char *term)
{
	for (size_t i = 0; i < p->nbonus; i++)
		if (strcmp(p->bonus[i].term, term) == 0)
			return p->bonus[i].scale;
	return 0;
}

static void plan(kb_analyzer *an, kb_vocab *v, const char *q, kb_plan *p)
{
	kb_query *pq = kb_query_parse(q, strlen(q));
	kb_plan_make(an, v, pq, q, p);
	kb_query_free(pq);
}

static void test_plans(kb_analyzer *an, kb_vocab *v)
{
	kb_plan p;

	/* as typed: the stem finds both sections; the word itself only adds weight, as a bonus */
	plan(an, v, "genterapi", &p);
	CHECK(has_term(p.query, "ZDgenterapi"));
	CHECK(!has_term(p.query, "genterapi"));
	CHECK(bonus_of(&p, "genterapi") > 0);
	CHECK(p.suggestion == NULL);
	kb_plan_clear(&p);

	/* typed apart, the compound counts as both words, its bonus too */
	plan(an, v, "genterapi", &p);
	double alone = bonus_of(&p, "genterapi");
	kb_plan_clear(&p);
	plan(an, v, "gen terapi", &p);
	CHECK(alone > 0 && bonus_of(&p, "genterapi") == 2 * alone);
	kb_plan_clear(&p);
	plan(an, v, "genterapi gen terapi", &p);
	CHECK(alone > 0 && bonus_of(&p, "genterapi") == 3 * alone);
	kb_plan_clear(&p);

	/* misspelt: the correction's forms are read, and it is suggested */
	plan(an, v, "genterepi", &p);
	CHECK(has_term(p.query, "ZDgenterapi") && has_term(p.query, "genterapi"));
	CHECK_STR(p.suggestion, "genterapi");
	kb_plan_clear(&p);

	/* a phrase keeps its words as typed in the query */
	plan(an, v, "\"genterapi lægemiddel\"", &p);
	CHECK(has_term(p.query, "genterapi") && has_term(p.query, "lægemiddel"));
	kb_plan_clear(&p);

	/* a prefix is its words, expanded from the vocabulary */
	plan(an, v, "genter*", &p);
	CHECK(has_term(p.query, "genterapi") && has_term(p.query, "genterapien"));
	CHECK(!has_term(p.query, "genter"));
	kb_plan_clear(&p);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	kb_db *db = make_index();
	kb_analyzer *an = NULL;
	kb_words *w = NULL;
	kb_vocab *v = NULL;
	CHECK(db != NULL);
	CHECK(db && kb_analyzer_new(&an, NULL) == KB_OK && kb_words_load(db, &w, NULL) == KB_OK);
	CHECK(w && kb_vocab_new(db, an, w, &v, NULL) == KB_OK);
	if (v)
		test_plans(an, v);
	kb_vocab_free(v);
	kb_words_unref(w);
	kb_analyzer_free(an);
	kb_db_close(db);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	TEST_END();
}
