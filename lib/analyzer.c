#include "analyzer.h"

#include <libstemmer.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

/* Longer "words" are junk (base64, hashes): indexing them only bloats the index, and Xapian refuses
 * terms over 245 bytes. */
#define MAX_WORD_BYTES 64

#define STEM_SLOTS 256
#define STEM_KEY 40 /* longer words are stemmed each time */
struct stem_slot {
	uint8_t lang, n, sl; /* n == 0: empty */
	bool ok;
	char word[STEM_KEY], stem[STEM_KEY];
};

struct kb_analyzer {
	UBreakIterator *words;
	const UNormalizer2 *fold;     /* NFKC_Casefold; owned by ICU */
	/* What fold does to each character below U+0100 on its own, where that is one such character
	 * again (Æ → æ, a → a), else 0 (ß → ss, ½ → 1⁄2): read from ICU when the analyzer is made.
	 * Latin-1 holds no combining marks, so a word of such characters folds character by
	 * character, and Danish words need not go through the normalizer. */
	uint8_t latin_fold[256];
	struct sb_stemmer *stem[2];   /* indexed by kb_lang */
	UChar *u16;                   /* the text being analysed, as UTF-16 */
	size_t *off;                  /* byte offset in the UTF-8 text of each UTF-16 unit, and the end */
	size_t cap16;
	kb_known_fn known;            /* the lexicon, or NULL */
	void *known_ctx;
	/* The terms of words already analysed for indexing: text is Zipf-distributed, so most words
	 * come again, and a word's terms do not depend on where it stands. Keys "d:word"/"e:word";
	 * values the terms, each a form digit, the term and a NUL, then one more NUL. */
	char **memo_keys, **memo_vals;
	size_t memo_cap, memo_n;
	/* The last stems worked out, by a hash of word and language: a query asks for one word's stems
	 * many times over (its forms, its synonyms, its compound parts, the lexicon's checks), and
	 * Snowball was 3.6% of a search at 1k documents. Part of the analyzer (21 KB), with no
	 * allocation of its own. */
	struct stem_slot stems[STEM_SLOTS];
};

/* Past this many words the memo starts again, bounding the analyzer's memory. */
#define MEMO_MAX 65536

size_t kb_start_len(const char *word)
{
	size_t chars = 0, i = 0;
	for (; word[i]; i++)
		if (((unsigned char)word[i] & 0xC0) != 0x80 && chars++ == KB_START_CHARS)
			return i; /* the start of the character after them */
	return chars == KB_START_CHARS ? i : 0;
}

bool kb_lang_parse(const char *s, kb_lang *out)
{
	if (s && strcmp(s, "da") == 0) { *out = KB_LANG_DA; return true; }
	if (s && strcmp(s, "en") == 0) { *out = KB_LANG_EN; return true; }
	return false;
}

void kb_analyzer_set_lexicon(kb_analyzer *a, kb_known_fn known, void *ctx)
{
	a->known = known;
	a->known_ctx = ctx;
	a->memo_n = MEMO_MAX; /* what was remembered was split with another lexicon */
}

void kb_tokens_clear(kb_tokens *t)
{
	free(t->v);
	kb_buf_free(&t->buf);
	memset(t, 0, sizeof *t);
}

kb_status kb_analyzer_new(kb_analyzer **out, char **errmsg)
{
	UErrorCode err = U_ZERO_ERROR;
	kb_analyzer *a = kb_xcalloc(1, sizeof *a);
	*out = NULL;
	a->fold = unorm2_getNFKCCasefoldInstance(&err);
	for (UChar c = 1; c < 256 && U_SUCCESS(err); c++) {
		UChar out16[8];
		int32_t n = unorm2_normalize(a->fold, &c, 1, out16, 8, &err);
		a->latin_fold[c] = (uint8_t)(U_SUCCESS(err) && n == 1 && out16[0] < 256 ? out16[0] : 0);
	}
	if (U_SUCCESS(err))
		a->words = ubrk_open(UBRK_WORD, "da", NULL, 0, &err);
	if (U_FAILURE(err)) {
		kb_analyzer_free(a);
		return kb_fail(KB_ERR_INTERNAL, errmsg, "ICU: %s", u_errorName(err));
	}
	a->stem[KB_LANG_DA] = sb_stemmer_new("danish", "UTF_8");
	a->stem[KB_LANG_EN] = sb_stemmer_new("english", "UTF_8");
	if (!a->stem[KB_LANG_DA] || !a->stem[KB_LANG_EN]) {
		kb_analyzer_free(a);
		return kb_fail(KB_ERR_INTERNAL, errmsg, "libstemmer: no Danish or English stemmer");
	}
	*out = a;
	return KB_OK;
}

void kb_analyzer_free(kb_analyzer *a)
{
	if (!a)
		return;
	if (a->words)
		ubrk_close(a->words);
	for (int i = 0; i < 2; i++)
		if (a->stem[i])
			sb_stemmer_delete(a->stem[i]);
	free(a->u16);
	free(a->off);
	for (size_t i = 0; i < a->memo_cap; i++) {
		free(a->memo_keys[i]);
		free(a->memo_vals[i]);
	}
	free(a->memo_keys);
	free(a->memo_vals);
	free(a);
}

/* Our own UTF-8 → UTF-16 conversion, because we need to know where each unit came from so a word
 * can be cut out of the original text for a snippet. */
static size_t to_utf16(kb_analyzer *a, const char *text, size_t len)
{
	if (len + 1 > a->cap16) {
		a->cap16 = len + 1;
		a->u16 = kb_xrealloc(a->u16, a->cap16 * sizeof *a->u16);
		a->off = kb_xrealloc(a->off, (a->cap16 + 1) * sizeof *a->off);
	}
	const uint8_t *s = (const uint8_t *)text;
	int32_t i = 0, n = (int32_t)len;
	size_t k = 0;
	while (i < n) {
		int32_t at = i;
		UChar32 c;
		U8_NEXT(s, i, n, c);
		if (c < 0 || c == 0)
			c = 0xFFFD;
		if (U16_LENGTH(c) == 2) {
			a->off[k] = (size_t)at;
			a->u16[k++] = U16_LEAD(c);
			a->off[k] = (size_t)at;
			a->u16[k++] = U16_TRAIL(c);
		} else {
			a->off[k] = (size_t)at;
			a->u16[k++] = (UChar)c;
		}
	}
	a->off[k] = len;
	return k;
}

/* Most words are Latin-1 letters and digits, folded a character at a time (see latin_fold), from
 * their UTF-8 w (n bytes) into buf with a NUL; false, with nothing appended, for a word with any
 * other character, or too long (the normalizer then has the word). */
static bool fold_latin(const kb_analyzer *a, const char *w, size_t n, kb_buf *buf)
{
	const unsigned char *u = (const unsigned char *)w;
	kb_grow((void **)&buf->s, &buf->cap, buf->len + 2 * n + 1, 1);
	unsigned char *out = (unsigned char *)buf->s + buf->len;
	size_t k = 0;
	bool simple = true;
	for (size_t i = 0; i < n && simple; i++) {
		unsigned c = u[i];
		if (c >= 0x80) { /* U+0080-U+00FF are C2 or C3 and one continuation byte */
			simple = (c == 0xC2 || c == 0xC3) && i + 1 < n && (u[i + 1] & 0xC0) == 0x80;
			if (simple)
				c = ((c & 0x1F) << 6) | (u[++i] & 0x3F);
		}
		unsigned char f = simple ? a->latin_fold[c] : 0;
		simple = f != 0;
		if (f < 0x80) {
			out[k++] = f;
		} else {
			out[k++] = (unsigned char)(0xC0 | (f >> 6));
			out[k++] = (unsigned char)(0x80 | (f & 0x3F));
		}
	}
	if (!simple || k > MAX_WORD_BYTES) {
		out[0] = '\0'; /* the buffer stays as it was */
		return false;
	}
	out[k] = '\0';
	buf->len += k + 1;
	return true;
}

/* Folds u16[from, to), which came from text (a->off gives where), into toks->buf; false when the
 * word is too long to be a word. */
static bool fold_word(kb_analyzer *a, const char *text, int32_t from, int32_t to, kb_tokens *toks)
{
	UChar folded[MAX_WORD_BYTES * 2];
	char utf8[MAX_WORD_BYTES * 2 + 8];
	UErrorCode err = U_ZERO_ERROR;
	if (to - from > MAX_WORD_BYTES)
		return false;
	if (fold_latin(a, text + a->off[from], a->off[to] - a->off[from], &toks->buf))
		return true;
	int32_t n = unorm2_normalize(a->fold, a->u16 + from, to - from, folded,
	                             (int32_t)(sizeof folded / sizeof *folded), &err);
	if (U_FAILURE(err))
		return false;
	int32_t m = 0;
	u_strToUTF8(utf8, (int32_t)sizeof utf8, &m, folded, n, &err);
	if (U_FAILURE(err) || m == 0 || m > MAX_WORD_BYTES)
		return false;
	kb_buf_add(&toks->buf, utf8, (size_t)m);
	kb_buf_addc(&toks->buf, '\0');
	return true;
}

unsigned kb_analyze(kb_analyzer *a, const char *text, size_t len, unsigned first_pos, kb_tokens *toks)
{
	unsigned pos = first_pos;
	UErrorCode err = U_ZERO_ERROR;
	if (len == 0 || len > INT32_MAX / 2)
		return pos;
	size_t n16 = to_utf16(a, text, len);
	ubrk_setText(a->words, a->u16, (int32_t)n16, &err);
	if (U_FAILURE(err))
		return pos;
	int32_t from = ubrk_first(a->words);
	for (int32_t to = ubrk_next(a->words); to != UBRK_DONE; from = to, to = ubrk_next(a->words)) {
		if (ubrk_getRuleStatus(a->words) < UBRK_WORD_NONE_LIMIT)
			continue;
		size_t at = toks->buf.len;
		if (!fold_word(a, text, from, to, toks))
			continue;
		kb_grow((void **)&toks->v, &toks->cap, toks->n + 1, sizeof *toks->v);
		toks->v[toks->n++] = (kb_token){ .word = at, .start = a->off[from], .end = a->off[to],
		                                 .pos = pos++ };
	}
	ubrk_setText(a->words, NULL, 0, &err); /* drop the pointer to our buffer */
	return pos;
}

bool kb_tokens_add(kb_analyzer *a, const char *text, size_t start, size_t end, unsigned pos, kb_tokens *toks)
{
	if (end <= start || end - start > MAX_WORD_BYTES * 4)
		return false;
	size_t at = toks->buf.len;
	/* most words take the shorter way; it spares them UTF-16, which cost more than the rest of a
	 * snippet did */
	if (!fold_latin(a, text + start, end - start, &toks->buf) &&
	    !fold_word(a, text + start, 0, (int32_t)to_utf16(a, text + start, end - start), toks))
		return false;
	kb_grow((void **)&toks->v, &toks->cap, toks->n + 1, sizeof *toks->v);
	toks->v[toks->n++] = (kb_token){ .word = at, .start = start, .end = end, .pos = pos };
	return true;
}

char *kb_analyzer_fold(kb_analyzer *a, const char *text)
{
	kb_tokens t = { 0 };
	kb_buf out = { 0 };
	kb_analyze(a, text, strlen(text), 0, &t);
	for (size_t i = 0; i < t.n; i++) {
		if (i)
			kb_buf_addc(&out, ' ');
		kb_buf_adds(&out, kb_tokens_word(&t, i));
	}
	kb_tokens_clear(&t);
	return kb_buf_detach(&out);
}

/* The part of a word a stemmer should see: "atmp'er" → "atmp", "patient's" → "patient" (Danish
 * writes inflections of acronyms after an apostrophe; English, the genitive). */
static size_t stem_base(const char *word)
{
	const char *q = strchr(word, '\'');
	const char *r = strstr(word, "\xE2\x80\x99"); /* U+2019 */
	size_t n = strlen(word);
	if (q && (size_t)(q - word) < n)
		n = (size_t)(q - word);
	if (r && (size_t)(r - word) < n)
		n = (size_t)(r - word);
	return n;
}

static bool has_digit(const char *w)
{
	for (; *w; w++)
		if (*w >= '0' && *w <= '9')
			return true;
	return false;
}

/* The Snowball stem of word[0, n) in lang, as *st (the stemmer's or the memo's buffer, valid until
 * the next stem) and *sl; false for a word with a digit (numbers, codes and "2001/18/ef"-like words are not
 * inflected) or one the stemmer fails on. */
static bool snowball_stem(kb_analyzer *a, const char *word, size_t n, kb_lang lang, const char **st,
                          size_t *sl)
{
	if (n == 0 || has_digit(word))
		return false;
	struct stem_slot *slot = NULL;
	if (n < STEM_KEY) {
		uint32_t h = 2166136261u ^ (uint32_t)lang; /* FNV-1a */
		for (size_t i = 0; i < n; i++)
			h = (h ^ (unsigned char)word[i]) * 16777619u;
		slot = &a->stems[h % STEM_SLOTS];
		if (slot->n == n && slot->lang == lang && memcmp(slot->word, word, n) == 0) {
			*st = slot->stem;
			*sl = slot->sl;
			return slot->ok;
		}
	}
	const sb_symbol *s = sb_stemmer_stem(a->stem[lang], (const sb_symbol *)word, (int)n);
	bool ok = s != NULL;
	if (ok) {
		*st = (const char *)s;
		*sl = (size_t)sb_stemmer_length(a->stem[lang]);
	}
	if (slot && (!ok || *sl < STEM_KEY)) {
		*slot = (struct stem_slot){ .lang = (uint8_t)lang, .n = (uint8_t)n, .sl = ok ? (uint8_t)*sl : 0, .ok = ok };
		memcpy(slot->word, word, n);
		if (ok)
			memcpy(slot->stem, s, *sl);
	}
	return ok;
}

static void emit_prefixed(const char *pfx, const char *st, size_t sl, kb_form form, kb_term_cb cb, void *ctx)
{
	char term[MAX_WORD_BYTES * 2 + 8];
	if (sl == 0 || sl > MAX_WORD_BYTES * 2)
		return;
	size_t pl = strlen(pfx);
	memcpy(term, pfx, pl);
	memcpy(term + pl, st, sl);
	term[pl + sl] = '\0';
	cb(ctx, term, form);
}

/* A word's stem term in lang; a word that is not inflected stands as its own stem. */
static void emit_stem(kb_analyzer *a, const char *word, kb_lang lang, kb_term_cb cb, void *ctx)
{
	size_t n = stem_base(word), sl = n;
	const char *st = word;
	snowball_stem(a, word, n, lang, &st, &sl);
	emit_prefixed(lang == KB_LANG_DA ? KB_PFX_STEM_DA : KB_PFX_STEM_EN, st, sl, KB_FORM_STEM, cb, ctx);
}

/* A part's term: its Danish stem under the part prefix. */
static void emit_part_stem(kb_analyzer *a, const char *part, kb_term_cb cb, void *ctx)
{
	const char *st;
	size_t sl;
	if (snowball_stem(a, part, stem_base(part), KB_LANG_DA, &st, &sl))
		emit_prefixed(KB_PFX_PART, st, sl, KB_FORM_PART, cb, ctx);
}

/* Terms for the parts of a Danish compound: the Danish stem of each part. */
static void emit_parts(kb_analyzer *a, const char *word, kb_term_cb cb, void *ctx)
{
	kb_part parts[KB_MAX_PARTS];
	size_t k = kb_compound_split(word, a->known, a->known_ctx, parts, KB_MAX_PARTS);
	for (size_t i = 0; i < k; i++) {
		char part[MAX_WORD_BYTES + 1];
		if (parts[i].len > MAX_WORD_BYTES)
			continue;
		memcpy(part, word + parts[i].start, parts[i].len);
		part[parts[i].len] = '\0';
		emit_part_stem(a, part, cb, ctx);
	}
}

static void analyse_word(kb_analyzer *a, const char *word, kb_lang lang, kb_term_cb cb, void *ctx)
{
	cb(ctx, word, KB_FORM_EXACT);
	emit_stem(a, word, lang, cb, ctx);
	if (lang == KB_LANG_DA && a->known)
		emit_parts(a, word, cb, ctx);
}

static void memo_record(void *p, const char *term, kb_form form)
{
	kb_buf *b = p;
	kb_buf_addc(b, (char)('0' + form));
	kb_buf_add(b, term, strlen(term) + 1);
}

static size_t memo_slot(const kb_analyzer *a, const char *key)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	size_t i = (size_t)h & (a->memo_cap - 1);
	while (a->memo_keys[i] && strcmp(a->memo_keys[i], key) != 0)
		i = (i + 1) & (a->memo_cap - 1);
	return i;
}

static void memo_reset(kb_analyzer *a)
{
	for (size_t i = 0; i < a->memo_cap; i++) {
		free(a->memo_keys[i]);
		free(a->memo_vals[i]);
	}
	free(a->memo_keys);
	free(a->memo_vals);
	a->memo_cap = MEMO_MAX * 2;
	a->memo_keys = kb_xcalloc(a->memo_cap, sizeof *a->memo_keys);
	a->memo_vals = kb_xcalloc(a->memo_cap, sizeof *a->memo_vals);
	a->memo_n = 0;
}

void kb_analyzer_index_terms(kb_analyzer *a, const char *word, kb_lang lang, kb_term_cb cb, void *ctx)
{
	char key[MAX_WORD_BYTES * 2 + 8];
	if (strlen(word) > MAX_WORD_BYTES * 2) {
		analyse_word(a, word, lang, cb, ctx);
		return;
	}
	snprintf(key, sizeof key, "%c:%s", lang == KB_LANG_DA ? 'd' : 'e', word);
	if (!a->memo_cap || a->memo_n >= MEMO_MAX)
		memo_reset(a);
	size_t i = memo_slot(a, key);
	if (!a->memo_keys[i]) {
		kb_buf terms = { 0 };
		analyse_word(a, word, lang, memo_record, &terms);
		kb_buf_addc(&terms, '\0');
		a->memo_keys[i] = kb_xstrdup(key);
		a->memo_vals[i] = kb_buf_detach(&terms);
		a->memo_n++;
	}
	for (const char *t = a->memo_vals[i]; *t; t += strlen(t) + 1)
		cb(ctx, t + 1, (kb_form)(t[0] - '0'));
}

void kb_analyzer_query_terms(kb_analyzer *a, const char *word, kb_term_cb cb, void *ctx)
{
	cb(ctx, word, KB_FORM_EXACT);
	/* the word's Danish stem is also its term as a part of compounds: stemmed once for both, and
	 * kept here while the callbacks run */
	size_t n = stem_base(word), sl = n;
	const char *st = word;
	char da[MAX_WORD_BYTES * 2 + 1];
	bool stemmed = snowball_stem(a, word, n, KB_LANG_DA, &st, &sl) && sl < sizeof da;
	if (stemmed) {
		memcpy(da, st, sl);
		st = da;
	}
	emit_prefixed(KB_PFX_STEM_DA, st, sl, KB_FORM_STEM, cb, ctx);
	emit_stem(a, word, KB_LANG_EN, cb, ctx);
	if (stemmed)
		emit_prefixed(KB_PFX_PART, da, sl, KB_FORM_PART, cb, ctx);
}

/* ---- whole texts: legal references and repairs need the words around a word ---- */

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

void kb_legal_units(const char *text, const kb_tokens *t, kb_posting_cb cb, void *ctx)
{
	for (size_t i = 0; i < t->n; i++) {
		const char *w = kb_tokens_word(t, i);
		/* "art. 28", "artikel 28", "article 28": the article number as one unit */
		if (i + 1 < t->n && (!strcmp(w, "art") || !strcmp(w, "artikel") || !strcmp(w, "article")) &&
		    all_digits(kb_tokens_word(t, i + 1))) {
			char unit[80];
			snprintf(unit, sizeof unit, KB_PFX_UNIT "art%s", kb_tokens_word(t, i + 1));
			cb(ctx, unit, t->v[i + 1].pos);
			continue;
		}
		/* "1394/2007", "2001/18/EF": numbers joined by slashes, letters after them dropped, so the
		 * Danish EF and the English EC of one directive are one unit */
		if (!all_digits(w))
			continue;
		kb_buf unit = { 0 };
		kb_buf_adds(&unit, KB_PFX_UNIT);
		kb_buf_adds(&unit, w);
		size_t j = i;
		while (j + 1 < t->n && t->v[j + 1].start == t->v[j].end + 1 && text[t->v[j].end] == '/' &&
		       all_digits(kb_tokens_word(t, j + 1)) && unit.len < 60) {
			kb_buf_addc(&unit, '/');
			kb_buf_adds(&unit, kb_tokens_word(t, j + 1));
			j++;
		}
		if (j > i)
			cb(ctx, unit.s, t->v[i].pos);
		kb_buf_free(&unit);
		i = j;
	}
}

static bool known_word(kb_analyzer *a, const char *w)
{
	kb_part parts[KB_MAX_PARTS];
	size_t n = strlen(w);
	return a->known(a->known_ctx, w, n) || kb_compound_split(w, a->known, a->known_ctx, parts, KB_MAX_PARTS);
}

/* The letter PDF extraction most often loses the mark of, as the plain vowel it leaves behind. */
static const char *restore_vowel(char v)
{
	return v == 'a' ? "å" : v == 'o' ? "ø" : v == 'e' ? "æ" : NULL;
}

struct repair_ctx {
	kb_posting_cb cb;
	void *ctx;
	unsigned pos;
};

static void emit_repaired(void *p, const char *term, kb_form form)
{
	struct repair_ctx *r = p;
	(void)form;
	r->cb(r->ctx, term, r->pos);
}

/* "pa" → "på"; "rammevilka r" → "rammevilkår": a word the lexicon does not know, ending in a vowel
 * that stood for å, ø or æ, alone or joined to the piece after the space PDF extraction left. */
static void repair(kb_analyzer *a, const char *text, const kb_tokens *t, size_t i, kb_lang lang,
                   kb_posting_cb cb, void *ctx)
{
	const char *w = kb_tokens_word(t, i);
	size_t n = strlen(w);
	const char *v = n >= 2 && n < MAX_WORD_BYTES ? restore_vowel(w[n - 1]) : NULL;
	if (!v || known_word(a, w))
		return;
	char fixed[MAX_WORD_BYTES * 2 + 8];
	struct repair_ctx r = { cb, ctx, t->v[i].pos };
	if (i + 1 < t->n && strlen(kb_tokens_word(t, i + 1)) < MAX_WORD_BYTES) {
		bool spaces_only = true;
		for (size_t k = t->v[i].end; k < t->v[i + 1].start; k++)
			spaces_only &= text[k] == ' ';
		snprintf(fixed, sizeof fixed, "%.*s%s%s", (int)(n - 1), w, v, kb_tokens_word(t, i + 1));
		if (spaces_only && known_word(a, fixed)) {
			kb_analyzer_index_terms(a, fixed, lang, emit_repaired, &r);
			return;
		}
	}
	snprintf(fixed, sizeof fixed, "%.*s%s", (int)(n - 1), w, v);
	if (a->known(a->known_ctx, fixed, strlen(fixed)))
		kb_analyzer_index_terms(a, fixed, lang, emit_repaired, &r);
}

void kb_analyzer_index_tokens(kb_analyzer *a, const char *text, const kb_tokens *t, kb_lang lang,
                              kb_posting_cb cb, void *ctx)
{
	for (size_t i = 0; i < t->n; i++) {
		struct repair_ctx r = { cb, ctx, t->v[i].pos };
		kb_analyzer_index_terms(a, kb_tokens_word(t, i), lang, emit_repaired, &r);
		if (lang == KB_LANG_DA && a->known)
			repair(a, text, t, i, lang, cb, ctx);
	}
	kb_legal_units(text, t, cb, ctx);
}

unsigned kb_analyzer_index_text(kb_analyzer *a, const char *text, size_t len, kb_lang lang,
                                unsigned first_pos, kb_posting_cb cb, void *ctx)
{
	kb_tokens t = { 0 };
	unsigned next = kb_analyze(a, text, len, first_pos, &t);
	kb_analyzer_index_tokens(a, text, &t, lang, cb, ctx);
	kb_tokens_clear(&t);
	return next;
}

/* Stop words: the most frequent function words of each language. Kept short on purpose: a word
 * that carries meaning in this domain (e.g. "under", "mod") is better searched than dropped. */
static const char *const stopwords[] = {
	/* Danish */
	"af", "alle", "at", "da", "de", "dem", "den", "denne", "der", "deres", "det", "dette", "dig",
	"din", "dit", "du", "efter", "eller", "en", "end", "er", "et", "for", "fra", "ham", "han",
	"hans", "har", "havde", "have", "hende", "hendes", "her", "hos", "hun", "hvad", "hvem",
	"hvis", "hvor", "hvordan", "hvilke", "hvilken", "hvornår", "i", "ikke", "ind", "jeg", "jer",
	"kan", "man", "mig", "min", "mit", "mine", "med", "meget", "men", "mens", "mod", "må", "ned",
	"noget", "nogle", "nu", "når", "og", "også", "om", "op", "os", "over", "på", "sig", "sin",
	"sine", "sit", "skal", "skulle", "som", "så", "thi", "til", "ud", "var", "vi", "vil", "ville",
	"vor", "være", "været",
	/* English */
	"a", "about", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "do", "does",
	"for", "from", "had", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me",
	"my", "of", "on", "or", "our", "should", "so", "than", "that", "the", "their", "them", "then",
	"there", "these", "they", "this", "those", "to", "was", "we", "were", "what", "when", "where",
	"which", "who", "whom", "why", "will", "with", "would", "you", "your",
};

static const char *sorted_stopwords[sizeof stopwords / sizeof *stopwords];
static pthread_once_t stopwords_once = PTHREAD_ONCE_INIT;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void sort_stopwords(void)
{
	memcpy(sorted_stopwords, stopwords, sizeof stopwords);
	qsort(sorted_stopwords, sizeof stopwords / sizeof *stopwords, sizeof *sorted_stopwords, cmp_str);
}

bool kb_is_stopword(const char *word)
{
	/* asked for every word indexed and every part of every compound tried: a binary search */
	pthread_once(&stopwords_once, sort_stopwords);
	return bsearch(&word, sorted_stopwords, sizeof stopwords / sizeof *stopwords, sizeof *sorted_stopwords,
	               cmp_str) != NULL;
}
