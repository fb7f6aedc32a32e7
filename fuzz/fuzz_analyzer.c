/* Fuzz target: the analyzer (lib/analyzer.c) on any bytes, with compound splitting on a small lexicon
 * or without. Properties: no memory error; tokens lie inside the text, in order, with rising
 * positions; every word and term is valid UTF-8, and no term is longer than Xapian takes (245
 * bytes); a word's terms are the same when they come from the analyzer's memo; a word rebuilt from
 * its byte range (kb_tokens_add, as snippets do from the ranges the index keeps) is the word the
 * analysis made, folded alike. Two analyzers live
 * for the whole run, as in the indexer, so the memo is exercised across inputs. */
#include <string.h>

#include "analyzer.h"
#include "fuzz.h"
#include "util.h"

static kb_analyzer *plain, *split; /* without and with a lexicon */

static const char *const lexicon[] = {
	"gen", "terapi", "forsøg", "hospital", "undtagelse", "læge", "middel", "lægemiddel", "styrelse",
	"styrelsen", "celle", "klinisk", "fremstilling", "tilladelse", "plan", "sikkerhed", "data", "rod",
	"hav", "bil", "band", "år", "ø", "å", "e", "s", NULL,
};

static bool known(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	for (size_t i = 0; lexicon[i]; i++)
		if (strlen(lexicon[i]) == n && memcmp(lexicon[i], s, n) == 0)
			return true;
	return false;
}

static void check_term(const char *t)
{
	PROPERTY(t && *t);
	size_t n = strlen(t);
	PROPERTY(n <= 245);
	PROPERTY(kb_utf8_valid(t, n));
}

static void on_term(void *ctx, const char *term, kb_form form)
{
	check_term(term);
	if (ctx) {
		kb_buf_addc(ctx, (char)('0' + form));
		kb_buf_adds(ctx, term);
		kb_buf_addc(ctx, '|');
	}
}

static void on_posting(void *ctx, const char *term, unsigned pos)
{
	unsigned *max = ctx;
	check_term(term);
	if (pos > *max)
		*max = pos;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (kb_analyzer_new(&plain, NULL) != KB_OK || kb_analyzer_new(&split, NULL) != KB_OK)
		abort();
	kb_analyzer_set_lexicon(split, known, NULL);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!plain)
		LLVMFuzzerInitialize(NULL, NULL);
	const char *text = (const char *)data;
	kb_analyzer *an = size && data[0] & 1 ? split : plain;
	kb_lang lang = size && data[0] & 2 ? KB_LANG_EN : KB_LANG_DA;

	kb_tokens t = { 0 };
	unsigned next = kb_analyze(an, text, size, 5, &t);
	PROPERTY(next >= 5 && next - 5 >= (unsigned)t.n);
	for (size_t i = 0; i < t.n; i++) {
		const kb_token *k = &t.v[i];
		PROPERTY(k->start < k->end && k->end <= size);
		PROPERTY(i == 0 || (k->pos > t.v[i - 1].pos && k->start >= t.v[i - 1].end));
		const char *w = kb_tokens_word(&t, i);
		PROPERTY(*w && kb_utf8_valid(w, strlen(w)));
		kb_buf first = { 0 }, again = { 0 };
		kb_analyzer_index_terms(an, w, lang, on_term, &first);
		kb_analyzer_index_terms(an, w, lang, on_term, &again);
		PROPERTY(first.len == again.len && (!first.len || strcmp(first.s, again.s) == 0));
		kb_buf_free(&first);
		kb_buf_free(&again);
		kb_analyzer_query_terms(an, w, on_term, NULL);
		kb_is_stopword(w);
	}
	kb_tokens again = { 0 };
	for (size_t i = 0; i < t.n; i++)
		PROPERTY(kb_tokens_add(an, text, t.v[i].start, t.v[i].end, t.v[i].pos, &again));
	for (size_t i = 0; i < t.n && i < again.n; i++)
		PROPERTY(strcmp(kb_tokens_word(&again, i), kb_tokens_word(&t, i)) == 0);
	kb_tokens_clear(&again);
	kb_tokens_clear(&t);

	unsigned max = 0;
	unsigned end = kb_analyzer_index_text(an, text, size, lang, 100, on_posting, &max);
	PROPERTY(end >= 100 && (max == 0 || max < end + 64));

	if (kb_utf8_valid(text, size)) {
		char *z = kb_xstrndup(text, size);
		char *f = kb_analyzer_fold(an, z);
		PROPERTY(f && kb_utf8_valid(f, strlen(f)));
		PROPERTY(!strstr(f, "  ") && f[0] != ' ');
		free(f);
		free(z);
	}
	return 0;
}
