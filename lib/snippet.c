#include "snippet.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Long sections are cut before analysis: a snippet comes from where the matches are, and looking
 * further than this costs time on every hit for no better snippet. */
#define MAX_SCAN_BYTES 16384

void kb_termset_add(kb_termset *ts, const char *term)
{
	if (kb_termset_has(ts, term))
		return;
	ts->terms = kb_xrealloc(ts->terms, (ts->n + 1) * sizeof *ts->terms);
	ts->terms[ts->n++] = kb_xstrdup(term);
}

void kb_termset_add_prefix(kb_termset *ts, const char *prefix)
{
	ts->prefixes = kb_xrealloc(ts->prefixes, (ts->np + 1) * sizeof *ts->prefixes);
	ts->prefixes[ts->np++] = kb_xstrdup(prefix);
}

bool kb_termset_has(const kb_termset *ts, const char *term)
{
	for (size_t i = 0; i < ts->n; i++)
		if (strcmp(ts->terms[i], term) == 0)
			return true;
	return false;
}

void kb_termset_clear(kb_termset *ts)
{
	for (size_t i = 0; i < ts->n; i++)
		free(ts->terms[i]);
	for (size_t i = 0; i < ts->np; i++)
		free(ts->prefixes[i]);
	free(ts->terms);
	free(ts->prefixes);
	memset(ts, 0, sizeof *ts);
}

/* Cuts scan bytes back to a UTF-8 character boundary. */
static size_t utf8_cut(const char *s, size_t n)
{
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

void kb_snippet_spans(const kb_tokens *t, kb_buf *out)
{
	size_t last = 0;
	for (size_t i = 0; i < t->n && t->v[i].end <= MAX_SCAN_BYTES; i++) {
		size_t num[2] = { t->v[i].start - last, t->v[i].end - t->v[i].start };
		for (int k = 0; k < 2; k++) {
			size_t v = num[k];
			for (; v >= 32; v >>= 5)
				kb_buf_addc(out, (char)(0x60 | (v & 31)));
			kb_buf_addc(out, (char)(0x40 | v));
		}
		last = t->v[i].end;
	}
}

/* The next number of spans at *at; false at the end or on a byte kb_snippet_spans does not write. */
static bool span_number(const char *spans, size_t n, size_t *at, size_t *out)
{
	size_t v = 0;
	for (unsigned shift = 0; *at < n && shift < 40; shift += 5) {
		unsigned char c = (unsigned char)spans[(*at)++];
		if (c < 0x40 || c > 0x7F)
			return false;
		v |= (size_t)(c & 31) << shift;
		if (c < 0x60) {
			*out = v;
			return true;
		}
	}
	return false;
}

typedef struct {
	size_t start, end;
} range;

/* Is at a place where a word may begin or end: the text's end, or not inside a UTF-8 character? */
static bool boundary(const char *text, size_t len, size_t at)
{
	return at == len || ((unsigned char)text[at] & 0xC0) != 0x80;
}

/* The words' byte ranges in text[0, len), from the kept spans; false when they do not fit the
 * text (then *out is freed). */
static bool ranges_of(const char *text, size_t len, const char *spans, size_t nspans, range **out,
                      size_t *n)
{
	size_t at = 0, end = 0, gap, wlen;
	*out = kb_xmalloc((nspans / 2 + 1) * sizeof **out); /* a word takes two bytes at least */
	*n = 0;
	while (at < nspans) {
		if (!span_number(spans, nspans, &at, &gap) || !span_number(spans, nspans, &at, &wlen) ||
		    gap > len - end || wlen == 0 || wlen > len - end - gap || !boundary(text, len, end + gap) ||
		    !boundary(text, len, end + gap + wlen)) {
			free(*out);
			*out = NULL;
			*n = 0;
			return false;
		}
		(*out)[(*n)++] = (range){ end + gap, end + gap + wlen };
		end += gap + wlen;
	}
	return true;
}

/* The query's terms sorted for one snippet's words: the words to look up, and the stems and
 * compound parts that need a closer look. Most words of a text match none, and are told so by a
 * binary search and a few first letters instead of a pass over every term. */
typedef struct {
	const kb_termset *ts;
	const char **words;   /* terms without a prefix, sorted */
	size_t nwords;
	const char **stems;   /* the stems of the text's language, without their prefix */
	size_t nstems;
	const char **parts;   /* compound parts' stems (Danish texts only), without their prefix */
	size_t nparts;
	kb_lang lang;
	size_t min_part;      /* the shortest part's length in bytes (when there are parts) */
	bool first[128];      /* the ASCII bytes that a term, prefix or stem starts with */
} matcher;

static int by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void matcher_init(matcher *m, const kb_termset *ts, kb_lang lang)
{
	size_t n = ts->n ? ts->n : 1;
	*m = (matcher){ ts, kb_xcalloc(n, sizeof *m->words), 0, kb_xcalloc(n, sizeof *m->stems), 0,
	                kb_xcalloc(n, sizeof *m->parts), 0, lang, SIZE_MAX, { false } };
	const char *pfx = lang == KB_LANG_DA ? KB_PFX_STEM_DA : KB_PFX_STEM_EN;
	for (size_t i = 0; i < ts->n; i++) {
		const char *t = ts->terms[i];
		if (!(t[0] >= 'A' && t[0] <= 'Z'))
			m->words[m->nwords++] = t;
		else if (strncmp(t, pfx, 2) == 0 && strlen(t + 2) > 1)
			m->stems[m->nstems++] = t + 2;
		else if (t[0] == KB_PFX_PART[0] && lang == KB_LANG_DA && strlen(t + 1) >= 3) {
			m->parts[m->nparts++] = t + 1;
			size_t len = strlen(t + 1);
			m->min_part = len < m->min_part ? len : m->min_part;
		}
	}
	qsort(m->words, m->nwords, sizeof *m->words, by_str);
	const char *const *lists[] = { m->words, m->stems, (const char *const *)ts->prefixes };
	size_t ns[] = { m->nwords, m->nstems, ts->np };
	for (int l = 0; l < 3; l++)
		for (size_t i = 0; i < ns[l]; i++)
			if ((unsigned char)lists[l][i][0] < 0x80)
				m->first[(unsigned char)lists[l][i][0]] = true;
}

/* Can the word text[r.start, r.end) match before it is folded? A word that begins with an ASCII
 * byte folds to begin with it in lower case, and all but a compound part match from a word's start;
 * a part stands after a word's first letter, so an ASCII word (which folds to its own length) no
 * longer than the shortest part holds none. So most words of a text need not be folded at all. */
static bool may_match(const matcher *m, const char *text, range r)
{
	unsigned char c = (unsigned char)text[r.start];
	if (c >= 0x80)
		return true;
	c = (unsigned char)kb_ascii_lower((char)c);
	if (m->first[c])
		return true;
	if (!m->nparts)
		return false;
	if (r.end - r.start > m->min_part)
		return true;
	for (size_t i = r.start; i < r.end; i++)
		if ((unsigned char)text[i] >= 0x80)
			return true; /* not ASCII: it may fold longer */
	return false;
}

static void matcher_clear(matcher *m)
{
	free(m->words);
	free(m->stems);
	free(m->parts);
}

struct match_ctx {
	const kb_termset *ts;
	bool hit;
};

static void check_term(void *ctx, const char *term, kb_form form)
{
	struct match_ctx *m = ctx;
	(void)form;
	if (!m->hit && kb_termset_has(m->ts, term))
		m->hit = true;
}

/* A compound part's term names the part's stem; the searcher has no word list to split compounds
 * as the indexer did, but a Danish word holding the stem after its first letters, where a part may
 * begin, is the compound the index split ("celleterapierne" holds "terapi"); not a word that holds
 * it only in its ending ("gen" in lovgivningen). */
static bool holds_part(const char *word, const matcher *m)
{
	for (size_t i = 0; i < m->nparts; i++)
		for (const char *at = strstr(word, m->parts[i]); at; at = strstr(at + 1, m->parts[i]))
			if (kb_compound_part_may_start(word, (size_t)(at - word)))
				return true;
	return false;
}

/* Could a stem of the set be this word's stem? Snowball's stems begin with the word, all but
 * perhaps their last letter (happy → happi), so a word that does not start that way is not stemmed
 * at all: most words of a text are skipped without running the stemmer. */
static bool stem_possible(const char *word, const matcher *m)
{
	for (size_t i = 0; i < m->nstems; i++) {
		const char *t = m->stems[i];
		if (t[0] == word[0] && strncmp(word, t, strlen(t) - 1) == 0)
			return true;
	}
	return false;
}

static bool word_matches(kb_analyzer *a, const char *word, const matcher *m)
{
	const kb_termset *ts = m->ts;
	for (size_t i = 0; i < ts->np; i++)
		if (strncmp(word, ts->prefixes[i], strlen(ts->prefixes[i])) == 0)
			return true;
	if (bsearch(&word, m->words, m->nwords, sizeof *m->words, by_str))
		return true;
	if (stem_possible(word, m)) {
		struct match_ctx x = { ts, false };
		kb_analyzer_index_terms(a, word, m->lang, check_term, &x);
		if (x.hit)
			return true;
	}
	return holds_part(word, m);
}

/* The words of text[0, len) as byte ranges (*w) and whether each matches ts (*hit), both for the
 * caller to free; returns how many. From the kept spans where they fit the text, folding only the
 * words that may match (most do not); else by analysing the text. */
static size_t match_words(kb_analyzer *a, const char *text, size_t len, const char *spans, size_t nspans,
                          const kb_termset *ts, kb_lang lang, range **w, bool **hit)
{
	matcher m;
	matcher_init(&m, ts, lang);
	size_t n = 0;
	if (spans && ranges_of(text, len, spans, nspans, w, &n)) {
		*hit = kb_xcalloc(n ? n : 1, sizeof **hit);
		kb_tokens one = { 0 };
		for (size_t i = 0; i < n; i++)
			if (may_match(&m, text, (*w)[i])) {
				kb_tokens_reset(&one);
				(*hit)[i] = kb_tokens_add(a, text, (*w)[i].start, (*w)[i].end, 0, &one) &&
				            word_matches(a, kb_tokens_word(&one, 0), &m);
			}
		kb_tokens_clear(&one);
	} else {
		kb_tokens t = { 0 };
		kb_analyze(a, text, len, 0, &t);
		n = t.n;
		*w = kb_xcalloc(n ? n : 1, sizeof **w);
		*hit = kb_xcalloc(n ? n : 1, sizeof **hit);
		for (size_t i = 0; i < n; i++) {
			(*w)[i] = (range){ t.v[i].start, t.v[i].end };
			(*hit)[i] = word_matches(a, kb_tokens_word(&t, i), &m);
		}
		kb_tokens_clear(&t);
	}
	matcher_clear(&m);
	return n;
}

/* The part of text a snippet looks at. */
static size_t scan_length(const char *text)
{
	size_t len = strlen(text);
	return len > MAX_SCAN_BYTES ? utf8_cut(text, MAX_SCAN_BYTES) : len;
}

char *kb_word_with_term(kb_analyzer *a, const char *text, const char *spans, size_t nspans, kb_lang lang,
                        const char *term)
{
	kb_termset one = { 0 };
	kb_termset_add(&one, term);
	range *w;
	bool *hit;
	size_t nw = match_words(a, text, scan_length(text), spans, nspans, &one, lang, &w, &hit);
	char *found = NULL;
	for (size_t i = 0; i < nw && !found; i++)
		if (hit[i])
			found = kb_xstrndup(text + w[i].start, w[i].end - w[i].start);
	free(w);
	free(hit);
	kb_termset_clear(&one);
	return found;
}

char *kb_snippet(kb_analyzer *a, const char *text, const char *spans, size_t nspans, kb_lang lang,
                 const kb_termset *ts, size_t max_words)
{
	size_t len = scan_length(text);
	range *w;
	bool *hit;
	size_t nw = match_words(a, text, len, spans, nspans, ts, lang, &w, &hit);

	/* the window of max_words words holding the most matches; the earliest wins a tie */
	size_t best = 0, best_n = 0, cur = 0;
	for (size_t i = 0; i < nw; i++) {
		cur += hit[i];
		if (i >= max_words)
			cur -= hit[i - max_words];
		if (cur > best_n) {
			best_n = cur;
			best = i >= max_words ? i - max_words + 1 : 0;
		}
	}
	/* start a little before the first match, so it is read in context */
	if (best_n && best > 0) {
		size_t first = best;
		while (first < nw && !hit[first])
			first++;
		size_t lead = max_words / 4;
		best = first > lead ? first - lead : 0;
	}
	size_t last = nw ? (best + max_words < nw ? best + max_words : nw) : 0;

	kb_buf out = { 0 };
	size_t from = (nw && best > 0) ? w[best].start : 0;
	size_t to = (nw && last < nw) ? w[last - 1].end : len;
	if (from > 0)
		kb_buf_adds(&out, "… ");
	size_t at = from;
	for (size_t i = best; i < last; i++) {
		if (!hit[i])
			continue;
		kb_buf_add_html(&out, text + at, w[i].start - at);
		kb_buf_adds(&out, "<mark>");
		kb_buf_add_html(&out, text + w[i].start, w[i].end - w[i].start);
		kb_buf_adds(&out, "</mark>");
		at = w[i].end;
	}
	kb_buf_add_html(&out, text + at, to - at);
	if (to < strlen(text))
		kb_buf_adds(&out, " …");
	free(hit);
	free(w);
	/* the text keeps its blocks apart with newlines; a snippet is one line */
	for (size_t i = 0; i < out.len; i++)
		if (out.s[i] == '\n' || out.s[i] == '\r' || out.s[i] == '\t')
			out.s[i] = ' ';
	return kb_buf_detach(&out);
}
