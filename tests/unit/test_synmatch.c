/* synmatch: where the terms of synonym groups occur in analysed text (synmatch.h). */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "synmatch.h"

static kb_analyzer *an;

struct found {
	char terms[16][KB_SYNTERM_MAX];
	size_t n;
	kb_buf texts;   /* the postings' terms, kept for the call */
	size_t off[512];
	unsigned pos[512];
	size_t np;
};

static void keep(void *ctx, const char *term, unsigned pos)
{
	struct found *f = ctx;
	if (f->np < 512) {
		f->off[f->np] = f->texts.len;
		f->pos[f->np++] = pos;
		kb_buf_add(&f->texts, term, strlen(term) + 1);
	}
}

static void take(void *ctx, const char *term)
{
	struct found *f = ctx;
	if (f->n < 16)
		snprintf(f->terms[f->n++], KB_SYNTERM_MAX, "%s", term);
}

/* The group terms found in text, as a document in lang, joined by spaces. */
static const char *groups_in(const kb_synmatch *m, const char *text, kb_lang lang)
{
	static char out[256];
	struct found f = { 0 };
	kb_analyzer_index_text(an, text, strlen(text), lang, 0, keep, &f);
	kb_posting p[512];
	for (size_t i = 0; i < f.np; i++)
		p[i] = (kb_posting){ f.texts.s + f.off[i], f.pos[i] };
	kb_synmatch_find(m, p, f.np, take, &f);
	out[0] = '\0';
	for (size_t i = 0; i < f.n; i++) {
		if (i)
			strcat(out, " ");
		strcat(out, f.terms[i]);
	}
	kb_buf_free(&f.texts);
	return out;
}

static bool known(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	static const char *const words[] = { "celle", "terapi", "center", "hospital", "undtagelse" };
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strlen(words[i]) == n && strncmp(words[i], s, n) == 0)
			return true;
	return false;
}

static void test_terms(void)
{
	char *groups[] = { "celleterapi\ncell therapy", "hospitalsundtagelse\nhospital exemption",
	                   "GMP\ngood manufacturing practice", "center\ncentre" };
	kb_synmatch *m = kb_synmatch_new(an, groups, 4);
	char t[KB_SYNTERM_MAX];
	kb_synmatch_term(12, 3, t);
	CHECK_STR(t, "S12:3");

	/* a multi-word term: its words in a row, as written or with the document language's stems */
	CHECK_STR(groups_in(m, "New cell therapy trials", KB_LANG_EN), "S0:1");
	CHECK_STR(groups_in(m, "Two cell therapies were approved", KB_LANG_EN), "S0:1");
	CHECK_STR(groups_in(m, "the therapy of a cell", KB_LANG_EN), "");
	CHECK_STR(groups_in(m, "cell, therapy", KB_LANG_EN), "S0:1"); /* punctuation is not a word */
	CHECK_STR(groups_in(m, "Good Manufacturing Practice applies", KB_LANG_EN), "S2:1");
	CHECK_STR(groups_in(m, "good manufacturing", KB_LANG_EN), "");
	/* a one-word term: as written, inflected, and as an acronym */
	CHECK_STR(groups_in(m, "Celleterapien virker", KB_LANG_DA), "S0:0");
	CHECK_STR(groups_in(m, "krav til GMP", KB_LANG_DA), "S2:0");
	/* three groups in one text, each once per occurrence */
	CHECK_STR(groups_in(m, "GMP for celleterapi og hospitalsundtagelsen", KB_LANG_DA), "S2:0 S0:0 S1:0");
	CHECK_STR(groups_in(m, "ingen af dem", KB_LANG_DA), "");
	/* a word that is two terms of a group at once is each of them */
	char *same[] = { "terapi\nterapier\ntherapy" };
	kb_synmatch *m2 = kb_synmatch_new(an, same, 1);
	CHECK_STR(groups_in(m2, "nye terapier", KB_LANG_DA), "S0:1 S0:0");
	kb_synmatch_free(m2);

	/* a one-word term inside a compound, which the lexicon splits */
	kb_analyzer_set_lexicon(an, known, NULL);
	CHECK_STR(groups_in(m, "et celleterapicenter", KB_LANG_DA), "S3:0");
	CHECK_STR(groups_in(m, "et celleterapicenter", KB_LANG_EN), ""); /* English is not split */
	kb_analyzer_set_lexicon(an, NULL, NULL);
	kb_synmatch_free(m);

	/* no groups: nothing found, nothing to crash on */
	m = kb_synmatch_new(an, NULL, 0);
	CHECK_STR(groups_in(m, "cell therapy", KB_LANG_EN), "");
	kb_synmatch_find(m, NULL, 0, take, NULL);
	kb_synmatch_free(m);
	kb_synmatch_free(NULL);
}

static void take_numbered(void *ctx, size_t index, const char *text, const kb_tokens *words)
{
	kb_buf *b = ctx;
	kb_buf_printf(b, "%s%zu=%s/%zu", b->len ? "|" : "", index, text, words->n);
}

/* Terms without words (a dash, a blank line) get no number: S<g>:<t> and the query side count alike. */
static void test_numbering(void)
{
	kb_buf b = { 0 };
	kb_syngroup_each(an, "—\nblodprøve\n\n  \nblood test\n-", take_numbered, &b);
	CHECK_STR(b.s, "0=blodprøve/1|1=blood test/2");
	kb_buf_free(&b);
	kb_syngroup_each(an, "", take_numbered, &b);
	kb_syngroup_each(an, NULL, take_numbered, &b);
	CHECK(b.len == 0);
	kb_buf_free(&b);
}

int main(void)
{
	if (kb_analyzer_new(&an, NULL) != KB_OK) {
		fprintf(stderr, "cannot create the analyzer\n");
		return 1;
	}
	test_terms();
	test_numbering();
	kb_analyzer_free(an);
	TEST_END();
}
