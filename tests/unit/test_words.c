/* words: the index's vocabulary in memory (words.h), read from a small index built here. */
#include "harness.h"
#include "testindex.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer.h"
#include "engine.h"
#include "expand.h"
#include "words.h"

static char dir[] = "/tmp/atmp-test-words-XXXXXX";

static kb_db *make_index(void)
{
	static const char *const a[] = { "genterapi", "ZDgenterapi", "Cgen", "Cterapi", "XDdoc1", "S3", NULL };
	static const char *const b[] = { "genterapien", "ZDgenterapi", "hospital", "ZEhospit", "ærlig", "42", NULL };
	static const char *const c[] = { "genterapi", "hospitalet", NULL };
	const char *const *docs[] = { a, b, c };
	return test_index(dir, "index", docs, sizeof docs / sizeof *docs);
}

static void test_words(kb_db *db)
{
	kb_words *w = NULL;
	CHECK(kb_words_load(db, &w, NULL) == KB_OK && w);
	if (!w)
		return;
	/* words, stems and parts with how many sections hold them */
	CHECK(kb_words_freq(w, "genterapi") == 2);
	CHECK(kb_words_freq(w, "genterapien") == 1);
	CHECK(kb_words_freq(w, "ZDgenterapi") == 2);
	CHECK(kb_words_freq(w, "ZEhospit") == 1);
	CHECK(kb_words_freq(w, "Cterapi") == 1);
	CHECK(kb_words_freq(w, "ærlig") == 1);
	CHECK(kb_words_freq(w, "42") == 1);
	/* not there, or not kept: document ids and group terms are no words */
	CHECK(kb_words_freq(w, "genterap") == 0);
	CHECK(kb_words_freq(w, "genterapierne") == 0);
	CHECK(kb_words_freq(w, "XDdoc1") == 0);
	CHECK(kb_words_freq(w, "S3") == 0);
	CHECK(kb_words_freq(w, "") == 0);

	/* the words for spelling, in byte order, with their letters */
	CHECK(kb_words_count(w) == 6);
	const char *want[] = { "42", "genterapi", "genterapien", "hospital", "hospitalet", "ærlig" };
	for (size_t i = 0; i < kb_words_count(w) && i < 6; i++)
		CHECK_STR(kb_words_at(w, i).word, want[i]);
	kb_word ae = kb_words_at(w, 5);
	CHECK(ae.ncp == 5 && ae.freq == 1);
	uint32_t cps[] = { 0xE6, 'r', 'l', 'i', 'g' };
	CHECK(ae.mask == kb_letter_mask(cps, 5));
	uint32_t hosp[] = { 'h', 'o', 's', 'p', 'i', 't', 'a', 'l', 'e', 't' };
	CHECK(kb_letter_mask_twice(hosp, 10) == 1ULL << ('t' % 64));
	CHECK(kb_letter_mask_twice(hosp, 8) == 0);

	/* grouped by length: "hospital" and "genterapi" are 8 and 9 letters long */
	kb_word_span s8 = kb_words_of_length(w, 8), s9 = kb_words_of_length(w, 9), s5 = kb_words_of_length(w, 5);
	CHECK(s8.n == 1 && s8.idx[0] == 3 && s8.mask[0] == kb_words_at(w, 3).mask);
	CHECK(s9.n == 1 && strcmp(kb_words_at(w, s9.idx[0]).word, "genterapi") == 0);
	CHECK(s5.n == 1 && s5.idx[0] == 5);
	CHECK(kb_words_of_length(w, 7).n == 0 && kb_words_of_length(w, 300).n == 0);
	CHECK(s8.twice[0] == 0 && kb_words_of_length(w, 10).twice[0] == 1ULL << ('t' % 64)); /* hospitalet */

	/* the words a prefix stands for: a range in byte order */
	size_t lo, hi;
	kb_words_prefix(w, "gen", &lo, &hi);
	CHECK(lo == 1 && hi == 3);
	kb_words_prefix(w, "hospitalet", &lo, &hi);
	CHECK(lo == 4 && hi == 5);
	kb_words_prefix(w, "x", &lo, &hi);
	CHECK(lo == hi && lo == 5);
	kb_words_prefix(w, "\xc3\xa6", &lo, &hi); /* æ */
	CHECK(lo == 5 && hi == 6);
	kb_words_prefix(w, "", &lo, &hi);
	CHECK(lo == 0 && hi == 6);

	/* shared: the last reference frees it */
	char *uuid = NULL;
	kb_db_uuid(db, &uuid, NULL);
	CHECK(uuid && strcmp(kb_words_source(w), uuid) == 0 && strlen(uuid) == 36);
	free(uuid);
	kb_words *again = kb_words_ref(w);
	CHECK(again == w);
	kb_words_unref(w);
	CHECK(kb_words_freq(again, "hospital") == 1);
	kb_words_unref(again);
	kb_words_unref(NULL);
}

/* A prefix keeps its most frequent words, however many the index holds: "term" + i is in
 * i % 7 + 1 sections, and the ties go to the first in byte order. */
static void test_prefix_words(void)
{
	char terms[100][8];
	const char *lists[7][102];
	const char *const *docs[7];
	for (int d = 0; d < 7; d++) {
		size_t k = 0;
		for (int i = 0; i < 100; i++)
			if (i % 7 + 1 > d) {
				snprintf(terms[i], sizeof terms[i], "term%02d", i);
				lists[d][k++] = terms[i];
			}
		lists[d][k++] = "other";
		lists[d][k] = NULL;
		docs[d] = lists[d];
	}
	kb_db *db = test_index(dir, "many", docs, 7);
	test_vocab t;
	CHECK(db != NULL);
	CHECK(test_vocab_open(db, &t));
	kb_vocab *v = t.vocab;
	const kb_words *w = t.words;
	if (v) {
		const char **list = NULL;
		/* in 7 sections: term06, term13, ... term97 (14 words); then in 6: term05, term12, ... */
		size_t n = kb_prefix_words(v, "term", 16, &list);
		CHECK(n == 16);
		CHECK(n == 16 && strcmp(list[0], "term06") == 0 && strcmp(list[13], "term97") == 0);
		CHECK(n == 16 && strcmp(list[14], "term05") == 0 && strcmp(list[15], "term12") == 0);
		for (size_t i = 1; i < n; i++)
			CHECK(kb_words_freq(w, list[i - 1]) >= kb_words_freq(w, list[i]));
		free(list);
		/* fewer than asked for: all of them, most frequent first */
		n = kb_prefix_words(v, "term9", 16, &list);
		CHECK(n == 10 && strcmp(list[0], "term90") == 0 && strcmp(list[1], "term97") == 0 &&
		      strcmp(list[2], "term96") == 0 && strcmp(list[9], "term98") == 0);
		free(list);
		n = kb_prefix_words(v, "terms", 16, &list);
		CHECK(n == 0);
		free(list);
		n = kb_prefix_words(v, "o", 0, &list);
		CHECK(n == 0);
		free(list);
	}
	test_vocab_close(&t);
}

int main(void)
{
	if (!test_dir(dir))
		return 1;
	kb_db *db = make_index();
	CHECK(db != NULL);
	if (db)
		test_words(db);
	kb_db_close(db);
	test_prefix_words();
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	TEST_END();
}
