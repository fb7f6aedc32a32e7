/* The analyzer: given Danish and English text, the words and terms a user's search depends on. */
#include <stdlib.h>
#include <string.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "analyzer.h"
#include "harness.h"

static kb_analyzer *an;

/* The folded words of text, joined by '|'. */
static char *words(const char *text)
{
	kb_tokens t = { 0 };
	kb_buf out = { 0 };
	kb_analyze(an, text, strlen(text), 0, &t);
	for (size_t i = 0; i < t.n; i++) {
		if (i)
			kb_buf_addc(&out, '|');
		kb_buf_adds(&out, kb_tokens_word(&t, i));
	}
	kb_tokens_clear(&t);
	return kb_buf_detach(&out);
}

static void collect(void *ctx, const char *term, kb_form form)
{
	kb_buf *b = ctx;
	if (b->len)
		kb_buf_addc(b, '|');
	kb_buf_adds(b, term);
	kb_buf_adds(b, form == KB_FORM_EXACT ? "=" : "~");
}

static char *index_terms(const char *word, kb_lang lang)
{
	kb_buf b = { 0 };
	kb_analyzer_index_terms(an, word, lang, collect, &b);
	return kb_buf_detach(&b);
}

static char *query_terms(const char *word)
{
	kb_buf b = { 0 };
	kb_analyzer_query_terms(an, word, collect, &b);
	return kb_buf_detach(&b);
}

#define CHECK_OWNED(expr, want) do { char *s_ = (expr); CHECK_STR(s_, want); free(s_); } while (0)

static void test_words(void)
{
	/* case folding and Danish letters kept */
	CHECK_OWNED(words("Genterapien virker på Rigshospitalet."), "genterapien|virker|på|rigshospitalet");
	CHECK_OWNED(words("LÆGEMIDDELSTYRELSEN Ærø Århus"), "lægemiddelstyrelsen|ærø|århus");
	/* ICU keeps an apostrophe inflection in the word */
	CHECK_OWNED(words("ATMP'er og ATMP'erne"), "atmp'er|og|atmp'erne");
	/* NFKC: full-width letters and ligatures become plain letters */
	CHECK_OWNED(words("ＡＴＭＰ ﬁle"), "atmp|file");
	/* punctuation and spaces are not words */
	CHECK_OWNED(words("  -- !! ( ) \"  "), "");
	CHECK_OWNED(words("CAR-T, 2001/18/EF"), "car|t|2001|18|ef");
	CHECK_OWNED(words("Straße"), "strasse");
}

static void test_positions_and_offsets(void)
{
	kb_tokens t = { 0 };
	const char *text = "Kliniske  forsøg, i Danmark";
	unsigned next = kb_analyze(an, text, strlen(text), 100, &t);
	CHECK(t.n == 4);
	CHECK(next == 104);
	CHECK(t.v[0].pos == 100 && t.v[3].pos == 103);
	/* offsets are bytes of the original text, so a snippet can cut the word as written */
	CHECK(t.v[1].start == 10 && t.v[1].end == 17); /* "forsøg": ø is two bytes */
	CHECK(strncmp(text + t.v[3].start, "Danmark", 7) == 0);
	kb_tokens_clear(&t);
}

static void test_index_terms(void)
{
	/* Danish text: the word and its Danish stem */
	CHECK_OWNED(index_terms("genterapien", KB_LANG_DA), "genterapien=|ZDgenterapi~");
	CHECK_OWNED(index_terms("genterapi", KB_LANG_DA), "genterapi=|ZDgenterapi~");
	CHECK_OWNED(index_terms("forsøgene", KB_LANG_DA), "forsøgene=|ZDforsøg~");
	/* English text: the English stem */
	CHECK_OWNED(index_terms("therapies", KB_LANG_EN), "therapies=|ZEtherapi~");
	CHECK_OWNED(index_terms("trials", KB_LANG_EN), "trials=|ZEtrial~");
	/* an acronym's inflection is cut at the apostrophe before stemming */
	CHECK_OWNED(index_terms("atmp'erne", KB_LANG_DA), "atmp'erne=|ZDatmp~");
	/* numbers are not stemmed */
	CHECK_OWNED(index_terms("1394", KB_LANG_DA), "1394=|ZD1394~");
}

static void test_query_terms(void)
{
	/* a query does not know its language: stems both ways; and as a part of a Danish compound */
	CHECK_OWNED(query_terms("genterapien"), "genterapien=|ZDgenterapi~|ZEgenterapien~|Cgenterapi~");
	CHECK_OWNED(query_terms("therapies"), "therapies=|ZDtherapi~|ZEtherapi~|Ctherapi~");
}

/* Where a snippet, with no word list, takes a query word's stem inside a word for a compound part
 * (the index split the compound on a word list): where a part after the first may begin, never in
 * a word's last letters, which are an ending ("gen" in lovgivningen is the definite -en after a g). */
static void test_compound_part_places(void)
{
	CHECK(kb_compound_part_may_start("celleterapierne", 5));          /* celle + terapierne */
	CHECK(kb_compound_part_may_start("sundhedsdatastyrelsen", 12));   /* ... + styrelsen */
	CHECK(!kb_compound_part_may_start("lovgivningen", 9));
	CHECK(!kb_compound_part_may_start("ansøgningen", 9));
	CHECK(!kb_compound_part_may_start("kreftforeningen", 12));
	CHECK(!kb_compound_part_may_start("forsøgene", 5));
	CHECK(!kb_compound_part_may_start("ingen", 2));
	/* the first part is not told from the start of a plain word (generelle) without a word list */
	CHECK(!kb_compound_part_may_start("genterapi", 0));
}

/* A small word list, with words that are also endings ("ingen" none, "ionen" the ion, "telse"). */
static bool lexicon_knows(void *ctx, const char *s, size_t n)
{
	static const char *const known[] = { "gen", "terapi", "celle", "kvalificer", "ingen", "kommis", "ionen",
	                                     "beskyt", "telse", "sporbar", "heden", "sundhed", "data", "styrelsen" };
	(void)ctx;
	for (size_t i = 0; i < sizeof known / sizeof *known; i++)
		if (strlen(known[i]) == n && memcmp(known[i], s, n) == 0)
			return true;
	return false;
}

static size_t split(const char *word)
{
	kb_part parts[KB_MAX_PARTS];
	return kb_compound_split(word, lexicon_knows, NULL, parts, KB_MAX_PARTS);
}

/* A compound is split into the words it is made of, never into a word and an ending that the word
 * list happens to hold as a word: kvalificeringen is kvalificering + en, no kvalificer + ingen, and
 * "ingen" must not find it as a compound part. */
static void test_compounds_not_split_before_an_ending(void)
{
	CHECK(split("genterapi") == 2);
	CHECK(split("celleterapi") == 2);
	CHECK(split("sundhedsdatastyrelsen") == 3);
	CHECK(split("kvalificeringen") == 0);
	CHECK(split("kommissionen") == 0);
	CHECK(split("beskyttelse") == 0); /* beskytt + else, the t doubled */
	CHECK(split("sporbarheden") == 0);
}

static void test_fold(void)
{
	CHECK_OWNED(kb_analyzer_fold(an, "Danske  Regioner"), "danske regioner");
	CHECK_OWNED(kb_analyzer_fold(an, "GMP"), "gmp");
	CHECK_OWNED(kb_analyzer_fold(an, "ÆBLE Øl ÅR Émile"), "æble øl år émile");
	CHECK_OWNED(kb_analyzer_fold(an, "Straße"), "strasse");
	CHECK_OWNED(kb_analyzer_fold(an, "5µg"), "5μg");
}

/* Words of Latin-1 characters take a shorter way than the normalizer: for every character up to
 * U+00FF inside a word, the result must be what ICU's NFKC_Casefold makes of that word. */
static void test_fold_latin1_as_icu(void)
{
	UErrorCode err = U_ZERO_ERROR;
	const UNormalizer2 *nf = unorm2_getNFKCCasefoldInstance(&err);
	CHECK(U_SUCCESS(err));
	unsigned compared = 0;
	for (UChar32 c = 1; c < 256 && U_SUCCESS(err); c++) {
		UChar w16[4] = { 'X', (UChar)c, 'y', 0 }, f16[16];
		char word[16], want[64];
		int32_t n = 0;
		u_strToUTF8(word, sizeof word, &n, w16, 3, &err);
		kb_tokens t = { 0 };
		kb_analyze(an, word, (size_t)n, 0, &t);
		if (t.n == 1 && t.v[0].start == 0 && t.v[0].end == (size_t)n) { /* c is part of a word */
			int32_t m = unorm2_normalize(nf, w16, 3, f16, 16, &err);
			u_strToUTF8(want, sizeof want, &n, f16, m, &err);
			CHECK_STR(kb_tokens_word(&t, 0), want);
			compared++;
		}
		kb_tokens_clear(&t);
	}
	CHECK(U_SUCCESS(err));
	CHECK(compared > 120); /* the letters, digits and joiners of Latin-1 */
}

static void test_stopwords(void)
{
	CHECK(kb_is_stopword("og"));
	CHECK(kb_is_stopword("hvordan"));
	CHECK(kb_is_stopword("the"));
	CHECK(kb_is_stopword("who"));
	CHECK(!kb_is_stopword("genterapi"));
	CHECK(!kb_is_stopword("gmp"));
}

static void test_hostile(void)
{
	/* ill-formed UTF-8, NUL bytes and a long run of one letter must neither crash nor make terms
	 * Xapian would refuse */
	const char junk[] = "\xff\xfe\xc3\x28 ok \xe2\x82 \x00 end";
	kb_tokens t = { 0 };
	kb_analyze(an, junk, sizeof junk - 1, 0, &t);
	CHECK(t.n >= 2);
	kb_tokens_clear(&t);
	char *longword = malloc(100001);
	memset(longword, 'a', 100000);
	longword[100000] = '\0';
	CHECK_OWNED(words(longword), "");
	free(longword);
}

/* a start is three characters, not three bytes */
static void test_start_len(void)
{
	CHECK(kb_start_len("genterapi") == 3);
	CHECK(kb_start_len("gen") == 3);
	CHECK(kb_start_len("ge") == 0);
	CHECK(kb_start_len("") == 0);
	CHECK(kb_start_len("lægemiddel") == 4);
	CHECK(kb_start_len("æøå") == 6);
	CHECK(kb_start_len("æø") == 0);
	CHECK(kb_start_len("1394/2007") == 3);
}

int main(void)
{
	if (kb_analyzer_new(&an, NULL) != KB_OK) {
		fprintf(stderr, "cannot create the analyzer\n");
		return 1;
	}
	test_words();
	test_positions_and_offsets();
	test_index_terms();
	test_query_terms();
	test_compound_part_places();
	test_compounds_not_split_before_an_ending();
	test_fold();
	test_fold_latin1_as_icu();
	test_stopwords();
	test_hostile();
	test_start_len();
	kb_analyzer_free(an);
	TEST_END();
}
