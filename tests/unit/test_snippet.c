/* Snippets from the word boundaries the indexer keeps (kb_snippet_spans) must be the snippets the
 * text's own analysis gives: same words, same folding, same marks; and boundaries that do not fit
 * the text must not change a snippet at all. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "snippet.h"

static kb_analyzer *an;

static const char *const texts[] = {
	"Hospitalsundtagelsen giver Lægemiddelstyrelsen tilladelse til fremstilling af ATMP'er.",
	"ÆBLER, ØL og ÅER: Ærø-færgen sejler. Straße, 5 µg/kg, Émile Zola's patient’s file.",
	"Directive 2001/18/EC and Regulation (EC) No 1394/2007, art. 28; e.g. CAR-T cells 1.000,50 kr.",
	"Gene therapy — γονιδιακή θεραπεία — генная терапия — 基因治疗 🧬 done",
	"Ill-formed \xff\xfe bytes \xc3\x28 in the middle of celleterapi text",
	"",
	"   ",
};

/* the snippet both ways; returns the one from spans (the caller frees it), checks it equals the
 * analysed one */
static char *both_ways(const char *text, const kb_termset *ts)
{
	kb_tokens t = { 0 };
	kb_buf spans = { 0 };
	kb_analyze(an, text, strlen(text), 0, &t);
	kb_snippet_spans(&t, &spans);
	for (size_t i = 0; i < spans.len; i++)
		CHECK(spans.s[i] >= 0x40 && spans.s[i] <= 0x7F);
	char *plain = kb_snippet(an, text, NULL, 0, KB_LANG_DA, ts, 12);
	char *kept = kb_snippet(an, text, spans.s ? spans.s : "", spans.len, KB_LANG_DA, ts, 12);
	CHECK_STR(kept, plain);
	free(plain);
	kb_buf_free(&spans);
	kb_tokens_clear(&t);
	return kept;
}

static void same_both_ways(const char *text, const kb_termset *ts)
{
	free(both_ways(text, ts));
}

/* The terms terms[0..n) and the prefix "fremst", with every text of texts both ways. */
static kb_termset both_ways_with(const char *const *terms, size_t n)
{
	kb_termset ts = { 0 };
	for (size_t i = 0; i < n; i++)
		kb_termset_add(&ts, terms[i]);
	kb_termset_add_prefix(&ts, "fremst");
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		same_both_ways(texts[i], &ts);
	return ts;
}

static void test_kept_equals_analysed(void)
{
	const char *terms[] = { "hospitalsundtagelsen", "ZDlægemiddelstyr", "ærø", "øl", "strasse", "μg",
		                "2001", "car", "θεραπεία", "celleterapi", "Cterapi", "zola's" };
	kb_termset ts = both_ways_with(terms, sizeof terms / sizeof *terms);

	/* without compound parts, words are looked at only when their first letter may match: in
	 * upper case, as a Latin-1 letter, folded to two letters (Straße), or from a ligature */
	const char *some[] = { "hospitalsundtagelsen", "ZDlægemiddelstyr", "ærø", "øl", "strasse", "μg",
		               "2001", "car", "émile", "zola's", "ZDatmp", "file" };
	kb_termset few = both_ways_with(some, sizeof some / sizeof *some);
	same_both_ways("The \xef\xac\x81le is here: a ﬁle, a FILE.", &few);
	kb_termset_clear(&few);

	/* a part stands after a word's first letter: a word one letter longer than the part may hold
	 * it, and is looked at though its first letter is no term's */
	kb_termset part = { 0 };
	kb_termset_add(&part, "Cterapi");
	char *marked = both_ways("Xterapi og terapi.", &part);
	CHECK(strstr(marked, "<mark>Xterapi</mark>") != NULL);
	free(marked);
	kb_termset_clear(&part);

	/* a long text: only its first part is looked at, the same part both ways */
	kb_buf big = { 0 };
	for (int i = 0; i < 3000; i++)
		kb_buf_adds(&big, i == 2900 ? "celleterapi " : "tekst ");
	kb_buf_adds(&big, "celleterapi");
	same_both_ways(big.s, &ts);
	kb_buf_free(&big);
	kb_termset_clear(&ts);
}

static void test_words_rebuilt(void)
{
	/* the words rebuilt from spans are kb_analyze's, folded alike */
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		kb_tokens t = { 0 }, u = { 0 };
		kb_analyze(an, texts[i], strlen(texts[i]), 0, &t);
		for (size_t k = 0; k < t.n; k++)
			CHECK(kb_tokens_add(an, texts[i], t.v[k].start, t.v[k].end, (unsigned)k, &u));
		CHECK(u.n == t.n);
		for (size_t k = 0; k < t.n && k < u.n; k++)
			CHECK_STR(kb_tokens_word(&u, k), kb_tokens_word(&t, k));
		kb_tokens_clear(&t);
		kb_tokens_clear(&u);
	}
}

static void test_bad_spans_ignored(void)
{
	const char *text = texts[0];
	kb_termset ts = { 0 };
	kb_termset_add(&ts, "tilladelse");
	char *want = kb_snippet(an, text, NULL, 0, KB_LANG_DA, &ts, 6);
	const char *bad[] = {
		"\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f", /* a number that never ends */
		"@\x5f@\x5f@\x5f@\x5f@\x5f@\x5f@\x5f@\x5f", /* ranges past the end of the text */
		"A",                                        /* a range without its length */
		"12:ab",                                    /* bytes the indexer never writes */
		"@@",                                       /* an empty word */
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *got = kb_snippet(an, text, bad[i], strlen(bad[i]), KB_LANG_DA, &ts, 6);
		CHECK_STR(got, want);
		free(got);
	}
	CHECK(strstr(want, "<mark>tilladelse</mark>") != NULL);
	free(want);
	kb_termset_clear(&ts);
}

int main(void)
{
	if (kb_analyzer_new(&an, NULL) != KB_OK) {
		fprintf(stderr, "cannot create the analyzer\n");
		return 1;
	}
	test_kept_equals_analysed();
	test_words_rebuilt();
	test_bad_spans_ignored();
	kb_analyzer_free(an);
	TEST_END();
}
