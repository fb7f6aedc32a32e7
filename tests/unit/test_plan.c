/* plan: which forms of a query word the engine query reads, and which it weighs only as a bonus
 * on the best hits (plan.h), planned against a small index built here. */
#include "harness.h"
#include "testindex.h"

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

static kb_db *make_index(void)
{
	/* a Danish section with the word as written, one with an inflection of it */
	static const char *const a[] = { "genterapi", "ZDgenterapi", "lægemiddel", "ZDlægemiddel", NULL };
	static const char *const b[] = { "genterapien", "ZDgenterapi", "lægemidlet", "ZDlægemidl", NULL };
	/* words with æ, ø, å; and sølen, as frequent as solen and more, one letter from what solen is */
	static const char *const c[] = { "lægemiddelstyrelsen", "forsøg", "solen", "sølen", NULL };
	static const char *const d[] = { "sølen", "høst", "ZDhøst", "mølle", "møller", NULL };
	/* an English section: its words are English only */
	static const char *const e[] = { "requirements", "ZErequir", NULL };
	/* a compound with a linking s, whose first part is a word with a synonym of its own */
	static const char *const f[] = { "hospitalsundtagelse", "ZDhospitalsundtag", "hospital", "ZDhospital", NULL };
	const char *const *docs[] = { a, b, c, d, e, f };
	kb_writer *w = test_index_begin(dir, "index");
	if (!w)
		return NULL;
	for (size_t k = 0; k < sizeof docs / sizeof *docs; k++) {
		kb_wdoc *doc = kb_wdoc_new();
		for (size_t i = 0; docs[k][i]; i++)
			kb_wdoc_posting(doc, docs[k][i], (unsigned)i, 1);
		kb_writer_add(w, doc, NULL);
		kb_wdoc_free(doc);
	}
	/* synonym groups, as the indexer stores synonyms.txt: each its terms, one a line */
	kb_writer_set_meta(w, "synonyms", "[\"Lægemiddelstyrelsen\\nDKMA\", \"forsøg\\ntrial\", "
	                                  "\"sølen\\nsunset\", \"klinisk forsøg\\nclinical trial\", "
	                                  "\"hospital\\nsygehus\"]", NULL);
	/* a word of the dictionaries, as the indexer stores them */
	kb_writer_set_meta(w, "tr:molle", "mill", NULL);
	return test_index_end(w, dir, "index");
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

static bool same_eq(const kb_eq *a, const kb_eq *b)
{
	if (!a || !b)
		return a == b;
	if (a->op != b->op || a->scale != b->scale || a->nkids != b->nkids ||
	    strcmp(a->term ? a->term : "", b->term ? b->term : "") != 0)
		return false;
	for (size_t i = 0; i < a->nkids; i++)
		if (!same_eq(a->kids[i], b->kids[i]))
			return false;
	return true;
}

static bool same_bonus(const kb_plan *a, const kb_plan *b)
{
	if (a->nbonus != b->nbonus)
		return false;
	for (size_t i = 0; i < a->nbonus; i++)
		if (strcmp(a->bonus[i].term, b->bonus[i].term) != 0 || a->bonus[i].scale != b->bonus[i].scale)
			return false;
	return true;
}

static bool has_why(const kb_plan *p, const char *why)
{
	for (size_t i = 0; i < p->nwhys; i++)
		if (p->whys[i].why && strcmp(p->whys[i].why, why) == 0)
			return true;
	return false;
}

static bool yes(void *ctx)
{
	(void)ctx;
	return true;
}

static bool no(void *ctx)
{
	(void)ctx;
	return false;
}

static bool count_ask(void *ctx)
{
	++*(int *)ctx;
	return true;
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

	/* a synonym term typed as separate words: its words anywhere in a section in the query, the
	 * term itself (S3:1, its words in a row) and its synonyms in the tier before the rest (then);
	 * the other words, filters and exclusions as in the query */
	plan(an, v, "clinical trial", &p);
	CHECK(p.then && has_term(p.then, "S3:1") && has_term(p.then, "S3:0"));
	CHECK(!has_term(p.query, "S3:1") && has_term(p.query, "S3:0"));
	CHECK(p.first == NULL);
	kb_plan_clear(&p);
	plan(an, v, "klinisk forsøg genterapi type:faq", &p);
	CHECK(p.then && has_term(p.then, "S3:0") && has_term(p.then, "S3:1"));
	CHECK(has_term(p.then, "ZDgenterapi") && has_term(p.then, "XTfaq"));
	CHECK(!has_term(p.query, "S3:0") && p.first);
	kb_plan_clear(&p);
	/* the tier is the query as if the term were quoted: the other words weigh and find as before */
	plan(an, v, "clinical trial genterapi", &p);
	CHECK(p.then && has_term(p.then, "S3:1") && has_term(p.then, "S3:0") && has_term(p.then, "ZDgenterapi"));
	CHECK(!has_term(p.query, "S3:1"));
	kb_plan_clear(&p);
	/* quoted, the term is asked for as such already; no term, no such tier */
	static const char *const no_then[] = { "\"clinical trial\"", "genterapi", "genterapi trial", "trial clinical" };
	for (size_t i = 0; i < sizeof no_then / sizeof *no_then; i++) {
		plan(an, v, no_then[i], &p);
		CHECK(p.then == NULL);
		kb_plan_clear(&p);
	}

	/* written apart, with the linking s left out: the compound, before the first word's synonyms */
	plan(an, v, "hospital undtagelse", &p);
	CHECK(has_term(p.query, "ZDhospitalsundtag") && bonus_of(&p, "hospitalsundtagelse") > 0);
	CHECK(!has_term(p.query, "S4:1"));
	kb_plan_clear(&p);
	plan(an, v, "hospital", &p);
	CHECK(has_term(p.query, "S4:1")); /* alone, hospital has its synonym */
	kb_plan_clear(&p);

	/* misspelt: the correction's forms are read, and it is suggested */
	plan(an, v, "genterepi", &p);
	CHECK(has_term(p.query, "ZDgenterapi") && has_term(p.query, "genterapi"));
	CHECK_STR(p.suggestion, "genterapi");
	kb_plan_clear(&p);

	/* a typo in a word typed without æ, ø or å: corrected from its respelling, and suggested with
	 * the letters (ae for æ; a plain o for ø, only where nothing nearer is found) */
	plan(an, v, "laegemidelstyrelsen", &p);
	CHECK_STR(p.suggestion, "lægemiddelstyrelsen");
	CHECK(has_term(p.query, "lægemiddelstyrelsen"));
	kb_plan_clear(&p);
	plan(an, v, "forsgo", &p);
	CHECK_STR(p.suggestion, "forsøg");
	CHECK(has_term(p.query, "forsøg"));
	kb_plan_clear(&p);
	/* a plain o read as ø is a guess: "solenn" is solen, one letter away as typed, not sølen (one
	 * from sølenn), however frequent */
	plan(an, v, "solenn", &p);
	CHECK_STR(p.suggestion, "solen");
	CHECK(!has_term(p.query, "sølen"));
	kb_plan_clear(&p);

	/* a word typed without æ, ø or å, read as its spelling with them, gets that spelling's synonyms
	 * (S0:1 is DKMA, term 1 of group 0), as typed with the letters, also as a word of a longer term;
	 * a plain o is read as ø only for a word the index does not know: solen keeps to itself */
	static const struct {
		const char *q, *syn, *form;
		bool has;
	} respelt[] = {
		{ "lægemiddelstyrelsen", "S0:1", "lægemiddelstyrelsen", true },
		{ "laegemiddelstyrelsen", "S0:1", "lægemiddelstyrelsen", true },
		{ "forsog", "S1:1", "forsøg", true },
		{ "klinisk forsog", "S3:1", "forsøg", true },
		{ "solen", "S2:1", "sølen", false },
	};
	for (size_t i = 0; i < sizeof respelt / sizeof *respelt; i++) {
		plan(an, v, respelt[i].q, &p);
		CHECK(has_term(p.query, respelt[i].syn) == respelt[i].has);
		CHECK(has_term(p.query, respelt[i].form) == respelt[i].has);
		kb_plan_clear(&p);
	}

	/* a word the index knows only with æ, ø or å (or ae, oe, aa for them) is read as that spelling,
	 * the most frequent of two; a plain a or o only as a guess, in a word of five bytes or more: host
	 * is English as often as it is høst. A word it knows, or the dictionaries know, is left as it is,
	 * and so is one whose respelling the index holds only by a stem. A prefix no word of the index
	 * starts with, likewise: the respelling the most frequent word starts with, ae/oe/aa first */
	static const struct {
		bool prefix, guess;
		const char *typed, *read;
	} read_as[] = {
		{ false, true, "laegemiddelstyrelsen", "lægemiddelstyrelsen" }, { false, true, "forsog", "forsøg" },
		{ false, false, "forsog", NULL }, { false, false, "forsoeg", "forsøg" },
		{ false, true, "forsoeg", "forsøg" }, { false, true, "solenn", NULL }, { false, true, "solen", NULL },
		{ false, true, "forsøg", NULL }, { false, true, "genterapien", NULL },
		{ false, true, "genterapierne", NULL }, { false, true, "solene", NULL },
		{ false, true, "host", NULL }, { false, true, "hoest", "høst" }, { false, true, "lægemidlt", NULL },
		{ true, true, "laegemid", "lægemid" }, { true, true, "forso", "forsø" }, { true, true, "fors", NULL },
		{ true, true, "sol", NULL }, { true, true, "sole", NULL }, { true, true, "soel", "søl" },
		{ true, true, "sael", NULL }, { true, true, "xyz", NULL }, { true, true, "", NULL },
	};
	for (size_t i = 0; i < sizeof read_as / sizeof *read_as; i++) {
		char *r = read_as[i].prefix ? kb_prefix_read_as(v, read_as[i].typed)
		                            : kb_read_as(v, read_as[i].typed, read_as[i].guess ? yes : no, NULL);
		if (read_as[i].read)
			CHECK_STR(r, read_as[i].read);
		else
			CHECK(r == NULL);
		free(r);
	}
	/* a word of the dictionaries is a word as typed, and not read: molle (a dialect word), not mølle,
	 * while moller, in no dictionary, is møller */
	char *r = kb_read_as(v, "molle", yes, NULL);
	CHECK(r == NULL);
	free(r);
	r = kb_read_as(v, "moller", yes, NULL);
	CHECK_STR(r, "møller");
	free(r);
	/* whether to guess is asked only of a word that needs it: not of one the index knows, nor of
	 * one with ae, oe or aa for æ, ø or å, nor of a short one */
	static const struct {
		const char *typed;
		int asked;
	} asks[] = { { "solen", 0 }, { "forsoeg", 0 }, { "hosst", 1 }, { "forsog", 1 }, { "host", 0 } };
	for (size_t i = 0; i < sizeof asks / sizeof *asks; i++) {
		int asked = 0;
		free(kb_read_as(v, asks[i].typed, count_ask, &asked));
		CHECK(asked == asks[i].asked);
	}
	CHECK(kb_english_only(v, "requirements"));
	CHECK(!kb_english_only(v, "forsøg") && !kb_english_only(v, "unknownword"));

	/* in an English query, a plain o is not guessed to be ø: the word is not planned as forsøg
	 * (only its respelling added, a grade below) */
	kb_plan en, da;
	plan(an, v, "forsog requirements", &en);
	plan(an, v, "forsøg requirements", &da);
	CHECK(!same_eq(en.query, da.query) && has_term(en.query, "forsøg"));
	kb_plan_clear(&en);
	kb_plan_clear(&da);

	/* so it is planned as typed with the letters, the same query and bonuses (not a weaker other
	 * spelling), in phrases, alternatives and exclusions too; and hits are told how it was read */
	static const struct {
		const char *typed, *with, *why; /* why: the explanation planned, if any */
	} same[] = {
		{ "laegemiddelstyrelsen", "lægemiddelstyrelsen", "laegemiddelstyrelsen → lægemiddelstyrelsen (folding)" },
		{ "forsog genterapi", "forsøg genterapi", "forsog → forsøg (folding)" },
		{ "klinisk forsoeg", "klinisk forsøg", "forsoeg → forsøg (folding)" },
		{ "\"genterapi forsog\"", "\"genterapi forsøg\"", "forsog → forsøg (folding)" },
		{ "genterapi OR forsog", "genterapi OR forsøg", "forsog → forsøg (folding)" },
		{ "genterapi -forsog", "genterapi -forsøg", NULL },
		{ "laegemid*", "lægemid*", NULL },
		{ "forsog genterapi forso*", "forsøg genterapi forsø*", "forsog → forsøg (folding)" },
	};
	for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
		kb_plan typed, with;
		plan(an, v, same[i].typed, &typed);
		plan(an, v, same[i].with, &with);
		CHECK(same_eq(typed.query, with.query));
		CHECK(same_eq(typed.first, with.first));
		CHECK(same_eq(typed.negated, with.negated));
		CHECK(same_bonus(&typed, &with));
		CHECK(same[i].why ? has_why(&typed, same[i].why) : typed.nwhys == with.nwhys);
		kb_plan_clear(&typed);
		kb_plan_clear(&with);
	}

	/* a phrase keeps its words as typed in the query */
	plan(an, v, "\"genterapi lægemiddel\"", &p);
	CHECK(has_term(p.query, "genterapi") && has_term(p.query, "lægemiddel"));
	kb_plan_clear(&p);

	/* a prefix is its words, expanded from the vocabulary, also where it excludes */
	plan(an, v, "genter*", &p);
	CHECK(has_term(p.query, "genterapi") && has_term(p.query, "genterapien"));
	CHECK(!has_term(p.query, "genter"));
	kb_plan_clear(&p);
	plan(an, v, "lægemiddel -genter*", &p);
	CHECK(has_term(p.negated, "genterapi") && has_term(p.negated, "genterapien"));
	CHECK(!has_term(p.negated, "genter"));
	kb_plan_clear(&p);

	/* a prefix of three characters is the one start term of all its words (analyzer.h), however
	 * many there are; two are still its words */
	plan(an, v, "gen*", &p);
	CHECK(has_term(p.query, "Pgen") && !has_term(p.query, "genterapi"));
	kb_plan_clear(&p);
	plan(an, v, "læg*", &p);
	CHECK(has_term(p.query, "Plæg"));
	kb_plan_clear(&p);
	plan(an, v, "ge*", &p);
	CHECK(has_term(p.query, "genterapi") && !has_term(p.query, "Pge"));
	kb_plan_clear(&p);
}

int main(void)
{
	if (!test_dir(dir))
		return 1;
	kb_db *db = make_index();
	test_vocab t;
	CHECK(db != NULL);
	CHECK(test_vocab_open(db, &t));
	if (t.vocab)
		test_plans(t.an, t.vocab);
	test_vocab_close(&t);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	TEST_END();
}
