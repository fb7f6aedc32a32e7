#include "words.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* A sorted list of terms in one string arena: offsets rather than pointers halve what a term costs
 * beside its bytes, which matters at a few hundred thousand terms. */
typedef struct {
	uint32_t *off;
	uint32_t *freq;
	size_t n, cap;
} table;

struct kb_words {
	atomic_size_t refs;
	char *source;
	kb_buf arena;       /* every term, NUL-terminated, one after another */
	table words;        /* unprefixed terms, in byte order */
	uint64_t *masks;    /* per word */
	uint64_t *twice;    /* per word, while loading (then in by_twice) */
	uint8_t *ncp;       /* per word, at most 255 */
	size_t mcap;
	table terms;        /* prefixed terms (parts, stems), in byte order */
	size_t by_len[257]; /* the words of length l are by_idx[by_len[l] .. by_len[l + 1]) */
	uint32_t *by_idx;
	uint64_t *by_mask;
	uint64_t *by_twice;
	bool too_big;
};

uint64_t kb_letter_mask(const uint32_t *cps, size_t n)
{
	uint64_t m = 0;
	for (size_t i = 0; i < n; i++)
		m |= 1ULL << (cps[i] % 64);
	return m;
}

uint64_t kb_letter_mask_twice(const uint32_t *cps, size_t n)
{
	uint64_t once = 0, twice = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t bit = 1ULL << (cps[i] % 64);
		twice |= once & bit;
		once |= bit;
	}
	return twice;
}

static bool put(kb_words *w, table *t, const char *term, size_t freq)
{
	size_t len = strlen(term);
	if (w->arena.len + len + 1 > UINT32_MAX) {
		w->too_big = true;
		return false;
	}
	size_t cap = t->cap;
	kb_grow((void **)&t->off, &t->cap, t->n + 1, sizeof *t->off);
	if (t->cap != cap)
		t->freq = kb_xrealloc(t->freq, t->cap * sizeof *t->freq);
	t->off[t->n] = (uint32_t)w->arena.len;
	t->freq[t->n] = freq > UINT32_MAX ? UINT32_MAX : (uint32_t)freq;
	t->n++;
	kb_buf_add(&w->arena, term, len + 1);
	return true;
}

static bool take_word(void *ctx, const char *term, size_t freq)
{
	kb_words *w = ctx;
	if (!put(w, &w->words, term, freq))
		return false;
	size_t cap = w->mcap;
	kb_grow((void **)&w->masks, &w->mcap, w->words.n, sizeof *w->masks);
	if (w->mcap != cap) {
		w->ncp = kb_xrealloc(w->ncp, w->mcap * sizeof *w->ncp);
		w->twice = kb_xrealloc(w->twice, w->mcap * sizeof *w->twice);
	}
	uint32_t cps[256];
	size_t n = kb_utf8_decode(term, cps, 255);
	w->masks[w->words.n - 1] = kb_letter_mask(cps, n);
	w->twice[w->words.n - 1] = kb_letter_mask_twice(cps, n);
	w->ncp[w->words.n - 1] = (uint8_t)n;
	return true;
}

static bool take_term(void *ctx, const char *term, size_t freq)
{
	kb_words *w = ctx;
	return put(w, &w->terms, term, freq);
}

/* A misspelt word is compared only with words of about its length: grouped, with their letter sets
 * beside them, those are a few short runs of memory instead of the whole vocabulary. */
static void group_by_length(kb_words *w)
{
	size_t n = w->words.n;
	memset(w->by_len, 0, sizeof w->by_len);
	for (size_t i = 0; i < n; i++)
		w->by_len[w->ncp[i] + 1]++;
	for (int l = 1; l <= 256; l++)
		w->by_len[l] += w->by_len[l - 1];
	size_t fill[256];
	memcpy(fill, w->by_len, sizeof fill);
	w->by_idx = kb_xmalloc((n ? n : 1) * sizeof *w->by_idx);
	w->by_mask = kb_xmalloc((n ? n : 1) * sizeof *w->by_mask);
	w->by_twice = kb_xmalloc((n ? n : 1) * sizeof *w->by_twice);
	for (size_t i = 0; i < n; i++) {
		size_t at = fill[w->ncp[i]]++;
		w->by_idx[at] = (uint32_t)i;
		w->by_mask[at] = w->masks[i];
		w->by_twice[at] = w->twice[i];
	}
	free(w->twice);
	w->twice = NULL;
}

kb_status kb_words_load(kb_db *db, kb_words **out, char **errmsg)
{
	kb_words *w = kb_xcalloc(1, sizeof *w);
	atomic_init(&w->refs, 1);
	kb_status rc = kb_db_uuid(db, &w->source, errmsg);
	/* Words start with a lower-case letter, a digit or a multi-byte character, and prefixed terms
	 * with A-Z: asking for each first byte in turn skips the prefixes not wanted here (document
	 * ids, tags), and keeps both lists in byte order. */
	for (int b = 1; b < 256 && rc == KB_OK; b++) {
		char first[2] = { (char)b, '\0' };
		if ((b >= 'A' && b <= 'Z') || (b < '0' && b != '\'') || (b >= 0x80 && b < 0xC2))
			continue;
		rc = kb_db_terms(db, first, take_word, w, errmsg);
	}
	static const char *const prefixes[] = { "C", "ZD", "ZE" }; /* in byte order */
	for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes && rc == KB_OK; i++)
		rc = kb_db_terms(db, prefixes[i], take_term, w, errmsg);
	if (rc == KB_OK && w->too_big)
		rc = kb_fail(KB_ERR_NOMEM, errmsg, "the index's vocabulary is over 4 GB");
	if (rc == KB_OK)
		group_by_length(w);
	if (rc != KB_OK) {
		kb_words_unref(w);
		w = NULL;
	}
	*out = w;
	return rc;
}

kb_words *kb_words_ref(kb_words *w)
{
	atomic_fetch_add(&w->refs, 1);
	return w;
}

void kb_words_unref(kb_words *w)
{
	if (!w || atomic_fetch_sub(&w->refs, 1) != 1)
		return;
	free(w->source);
	kb_buf_free(&w->arena);
	free(w->words.off);
	free(w->words.freq);
	free(w->terms.off);
	free(w->terms.freq);
	free(w->masks);
	free(w->twice);
	free(w->ncp);
	free(w->by_idx);
	free(w->by_mask);
	free(w->by_twice);
	free(w);
}

const char *kb_words_source(const kb_words *w)
{
	return w->source ? w->source : "";
}

size_t kb_words_freq(const kb_words *w, const char *term)
{
	const table *t = (term[0] >= 'A' && term[0] <= 'Z') ? &w->terms : &w->words;
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(w->arena.s + t->off[mid], term);
		if (c == 0)
			return t->freq[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

void kb_words_prefix(const kb_words *w, const char *prefix, size_t *lo, size_t *hi)
{
	size_t len = strlen(prefix), a = 0, b = w->words.n;
	while (a < b) { /* the first word not below prefix */
		size_t mid = a + (b - a) / 2;
		if (strcmp(w->arena.s + w->words.off[mid], prefix) < 0)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	b = w->words.n;
	while (a < b) { /* the first word after lo that does not start with prefix */
		size_t mid = a + (b - a) / 2;
		if (strncmp(w->arena.s + w->words.off[mid], prefix, len) == 0)
			a = mid + 1;
		else
			b = mid;
	}
	*hi = a;
}

size_t kb_words_count(const kb_words *w)
{
	return w->words.n;
}

kb_word kb_words_at(const kb_words *w, size_t i)
{
	return (kb_word){ w->arena.s + w->words.off[i], w->words.freq[i], w->ncp[i], w->masks[i] };
}

kb_word_span kb_words_of_length(const kb_words *w, size_t ncp)
{
	if (ncp > 255 || !w->by_idx)
		return (kb_word_span){ NULL, NULL, NULL, 0 };
	size_t a = w->by_len[ncp], b = w->by_len[ncp + 1];
	return (kb_word_span){ w->by_idx + a, w->by_mask + a, w->by_twice + a, b - a };
}
