/* The query parser: the query language of INTERFACE.md, and anything else read as words. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "query.h"
#include "util.h"

/* A readable form of a parsed query: clauses separated by spaces; W(text), P(text), X(text)
 * for words, phrase, prefix; a leading '-' for negation; OR(a,b); then [key=value] filters. */
static void show_node(kb_buf *b, const kb_qnode *n)
{
	if (n->negated)
		kb_buf_addc(b, '-');
	if (n->kind == KB_QN_OR) {
		kb_buf_adds(b, "OR(");
		for (size_t i = 0; i < n->nkids; i++) {
			if (i)
				kb_buf_addc(b, ',');
			show_node(b, n->kids[i]);
		}
		kb_buf_addc(b, ')');
		return;
	}
	kb_buf_printf(b, "%c(%s)", n->kind == KB_QN_WORDS ? 'W' : n->kind == KB_QN_PHRASE ? 'P' : 'X', n->text);
}

static char *show(const char *q)
{
	kb_query *pq = kb_query_parse(q, strlen(q));
	kb_buf b = { 0 };
	for (size_t i = 0; i < pq->nclauses; i++) {
		if (i)
			kb_buf_addc(&b, ' ');
		show_node(&b, pq->clauses[i]);
	}
	for (int f = 0; f < KB_FILTER_N; f++)
		for (size_t i = 0; i < pq->nfilters[f]; i++)
			kb_buf_printf(&b, " [%s=%s]", kb_filter_name((kb_filter)f), pq->filters[f][i]);
	kb_query_free(pq);
	return kb_buf_detach(&b);
}

#define PARSES(q, want) do { char *s_ = show(q); CHECK_STR(s_, want); free(s_); } while (0)

int main(void)
{
	/* the language */
	PARSES("genterapi forsøg", "W(genterapi) W(forsøg)");
	PARSES("\"kliniske forsøg\" Danmark", "P(kliniske forsøg) W(Danmark)");
	PARSES("celleterapi -hund", "W(celleterapi) -W(hund)");
	PARSES("gen*", "X(gen)");
	PARSES("GMP OR GDP", "OR(W(GMP),W(GDP))");
	PARSES("a OR b OR c d", "OR(W(a),W(b),W(c)) W(d)");
	PARSES("type:faq lang:en tag:GMP source:Amgros hospital",
	       "W(hospital) [type=faq] [lang=en] [tag=GMP] [source=Amgros]");
	PARSES("source:\"Danske Regioner\" ATMP", "W(ATMP) [source=Danske Regioner]");
	/* type and lang are codes: read in lower case; tags and sources as typed */
	PARSES("type:FAQ lang:En tag:GMP source:AMGROS x", "W(x) [type=faq] [lang=en] [tag=GMP] [source=AMGROS]");

	/* a value no document can have, and what it is most likely a misspelling of */
	CHECK(kb_filter_value_near(KB_FILTER_TYPE, "guidence") && strcmp(kb_filter_value_near(KB_FILTER_TYPE, "guidence"), "guidance") == 0);
	CHECK(kb_filter_value_near(KB_FILTER_TYPE, "nwes") && strcmp(kb_filter_value_near(KB_FILTER_TYPE, "nwes"), "news") == 0);
	CHECK(kb_filter_value_near(KB_FILTER_TYPE, "Best-Practise") &&
	      strcmp(kb_filter_value_near(KB_FILTER_TYPE, "Best-Practise"), "best-practice") == 0);
	CHECK(kb_filter_value_near(KB_FILTER_LANG, "dk") && strcmp(kb_filter_value_near(KB_FILTER_LANG, "dk"), "da") == 0);
	CHECK(kb_filter_value_near(KB_FILTER_LANG, "DA") && strcmp(kb_filter_value_near(KB_FILTER_LANG, "DA"), "da") == 0);
	CHECK(kb_filter_value_near(KB_FILTER_LANG, "xx") == NULL);
	CHECK(kb_filter_value_near(KB_FILTER_LANG, "de") == NULL);   /* another language, not a typo */
	CHECK(kb_filter_value_near(KB_FILTER_LANG, "es") == NULL);
	CHECK(kb_filter_value_near(KB_FILTER_LANG, "English") && strcmp(kb_filter_value_near(KB_FILTER_LANG, "English"), "en") == 0);
	CHECK(kb_filter_value_near(KB_FILTER_LANG, "dansk") && strcmp(kb_filter_value_near(KB_FILTER_LANG, "dansk"), "da") == 0);
	CHECK(kb_filter_value_near(KB_FILTER_TYPE, "manual") == NULL);
	CHECK(kb_filter_value_near(KB_FILTER_TYPE, "") == NULL);
	CHECK(kb_filter_value_near(KB_FILTER_TAG, "GMP") == NULL);   /* any tag is a tag */
	char longv[200];
	memset(longv, 'a', sizeof longv - 1);
	longv[sizeof longv - 1] = '\0';
	CHECK(kb_filter_value_near(KB_FILTER_TYPE, longv) == NULL);
	PARSES("-\"god fremstillingspraksis\" GMP", "-P(god fremstillingspraksis) W(GMP)");

	/* anything else is words, never an error */
	PARSES("\"kliniske forsøg", "W(kliniske) W(forsøg)");
	PARSES("genterapi \"", "W(genterapi)");
	PARSES("*", "W(*)");
	PARSES("NEAR( genterapi", "W(NEAR() W(genterapi)");
	PARSES("AND AND", "W(AND) W(AND)");
	PARSES("OR genterapi", "W(OR) W(genterapi)");
	PARSES("genterapi OR", "W(genterapi) W(OR)");
	PARSES("- -- x", "W(-) W(--) W(x)");
	PARSES("foo:bar type:", "W(foo:bar) W(type:)");
	PARSES("or and", "W(or) W(and)");
	PARSES("", "");
	PARSES("   \t\n ", "");
	PARSES("a OR -b", "W(a) W(OR) -W(b)");

	/* hostile: many clauses are cut, many quotes do not explode */
	kb_buf many = { 0 };
	for (int i = 0; i < 500; i++)
		kb_buf_adds(&many, "ord ");
	kb_query *pq = kb_query_parse(many.s, many.len);
	CHECK(pq->nclauses == KB_QUERY_MAX_CLAUSES);
	kb_query_free(pq);
	kb_buf_free(&many);
	for (int i = 0; i < 1001; i++)
		kb_buf_addc(&many, '"');
	pq = kb_query_parse(many.s, many.len);
	CHECK(pq->nclauses <= KB_QUERY_MAX_CLAUSES);
	kb_query_free(pq);
	kb_buf_free(&many);
	/* OR alternatives count towards the cap too */
	for (int i = 0; i < 100; i++)
		kb_buf_adds(&many, "ord OR ");
	pq = kb_query_parse(many.s, many.len);
	CHECK(pq->nclauses == 1 && pq->clauses[0]->nkids == KB_QUERY_MAX_CLAUSES);
	kb_query_free(pq);
	kb_buf_free(&many);
	/* a filter at the very end of an unterminated buffer is read within it */
	char *unterminated = kb_xmalloc(5);
	memcpy(unterminated, "tag:x", 5);
	pq = kb_query_parse(unterminated, 5);
	CHECK(pq->nfilters[KB_FILTER_TAG] == 1 && strcmp(pq->filters[KB_FILTER_TAG][0], "x") == 0);
	kb_query_free(pq);
	free(unterminated);
	/* a NUL inside the given length is a byte like any other */
	pq = kb_query_parse("a\0b", 3);
	CHECK(pq->nclauses >= 1);
	kb_query_free(pq);
	TEST_END();
}
