#include "compound.h"

#include <string.h>

#include "analyzer.h"

/* Short parts are mostly accidents of spelling: pen+gene, all+rede, hindr+inger. A real compound's
 * parts are rarely shorter than these; the one short first part that matters ("gen" in genterapi)
 * is allowed when what follows is a long, known word. */
#define MIN_HEAD       4
#define MIN_SHORT_HEAD 3
#define MIN_LONG_TAIL  6
#define MIN_TAIL       5
#define MIN_WORD       7

static size_t chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

static bool letters_only(const char *w)
{
	for (const unsigned char *p = (const unsigned char *)w; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p >= 0x80))
			return false;
	return true;
}

/* A part must be a known word and not a function word: "for", "over", "under" make derivations,
 * not compounds ("forsøg" is not for + søg). */
static bool good_part(const char *s, size_t n, kb_known_fn known, void *ctx)
{
	char buf[128];
	if (n >= sizeof buf || !known(ctx, s, n))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return !kb_is_stopword(buf);
}

static size_t split_from(const char *w, size_t start, size_t len, kb_known_fn known, void *ctx,
                         kb_part *parts, size_t max, int depth);

/* Where the tail after a head of h bytes starts: with no linking letter, or after an s or an e. */
static size_t tail_start(const char *s, size_t h, int link)
{
	if (link == 0)
		return h;
	return s[h] == (link == 1 ? 's' : 'e') ? h + 1 : 0;
}

/* Two parts: the longest known head whose rest is a known word. */
static size_t split_two(const char *w, size_t start, size_t len, kb_known_fn known, void *ctx,
                        kb_part *parts)
{
	const char *s = w + start;
	size_t n = len - start;
	for (size_t h = n; h-- > 1;) {
		if (((unsigned char)s[h] & 0xC0) == 0x80)
			continue; /* only at character boundaries */
		size_t hc = chars(s, h);
		if (hc < MIN_SHORT_HEAD || !good_part(s, h, known, ctx))
			continue;
		for (int link = 0; link < 3; link++) {
			size_t ts = tail_start(s, h, link);
			if (!ts || ts >= n)
				continue;
			size_t tc = chars(s + ts, n - ts);
			if (tc < MIN_TAIL || (hc < MIN_HEAD && tc < MIN_LONG_TAIL))
				continue;
			if (good_part(s + ts, n - ts, known, ctx)) {
				parts[0] = (kb_part){ start, h };
				parts[1] = (kb_part){ start + ts, n - ts };
				return 2;
			}
		}
	}
	return 0;
}

/* Three or more parts: a known head, and a rest that splits in its turn. */
static size_t split_more(const char *w, size_t start, size_t len, kb_known_fn known, void *ctx,
                         kb_part *parts, size_t max, int depth)
{
	const char *s = w + start;
	size_t n = len - start;
	for (size_t h = n; h-- > 1;) {
		if (((unsigned char)s[h] & 0xC0) == 0x80 || chars(s, h) < MIN_HEAD ||
		    !good_part(s, h, known, ctx))
			continue;
		for (int link = 0; link < 3; link++) {
			size_t ts = tail_start(s, h, link);
			if (!ts || ts >= n)
				continue;
			size_t k = split_from(w, start + ts, len, known, ctx, parts + 1, max - 1, depth + 1);
			if (k) {
				parts[0] = (kb_part){ start, h };
				return k + 1;
			}
		}
	}
	return 0;
}

/* Fewer parts are preferred: a split into two known words beats any longer one. */
static size_t split_from(const char *w, size_t start, size_t len, kb_known_fn known, void *ctx,
                         kb_part *parts, size_t max, int depth)
{
	if (max < 2 || depth > 2)
		return 0;
	size_t k = split_two(w, start, len, known, ctx, parts);
	return k ? k : split_more(w, start, len, known, ctx, parts, max, depth);
}

/* Does a part after the first begin with an ending that makes a word of a word or inflects it
 * (behandling, definition, beskyttelse, sikkerhed), there or after the letter before it doubled
 * (beskyt|telse is beskytt + else)? A word list holds some as words ("ingen", "ioner", "telse"),
 * but such a split is a derivation's, no compound's: kvalificer|ingen, kommis|ionen, and the part
 * term it would make would meet "ingen" and "ioner" in those words. */
static bool part_is_ending(const char *w, const kb_part *parts, size_t k)
{
	static const char *const endings[] = { "ing", "ion", "ende", "else", "hed", "lig", "isk" };
	for (size_t i = 1; i < k; i++) {
		const char *p = w + parts[i].start;
		bool doubled = parts[i].start == parts[i - 1].start + parts[i - 1].len && p[0] == p[-1];
		for (size_t e = 0; e < sizeof endings / sizeof *endings; e++) {
			size_t el = strlen(endings[e]);
			if ((parts[i].len >= el && strncmp(p, endings[e], el) == 0) ||
			    (doubled && parts[i].len > el && strncmp(p + 1, endings[e], el) == 0))
				return true;
		}
	}
	return false;
}

/* A word the lexicon lists whole ("vurderingen", "forordninger") is more often a derivation than a
 * compound: it is split only into long parts. */
static bool plausible_for_known_word(const char *w, const kb_part *parts, size_t k)
{
	for (size_t i = 0; i < k; i++)
		if (chars(w + parts[i].start, parts[i].len) < 5)
			return false;
	return true;
}

/* The lexicon's answers for the pieces of one word, as the splits ask for the same piece several
 * times (a head for two parts, then again for three; a tail, then its own split), and each answer
 * may cost a stemmer's run or two. Words longer than MEMO_BYTES go without. */
#define MEMO_BYTES 64

struct memo {
	kb_known_fn known;
	void *ctx;
	const char *word;
	unsigned char seen[MEMO_BYTES][MEMO_BYTES + 1]; /* [start][length]: 0 not asked, 1 no, 2 yes */
};

static bool known_memo(void *p, const char *s, size_t n)
{
	struct memo *m = p;
	size_t start = (size_t)(s - m->word);
	if (start >= MEMO_BYTES || n > MEMO_BYTES)
		return m->known(m->ctx, s, n);
	if (!m->seen[start][n])
		m->seen[start][n] = m->known(m->ctx, s, n) ? 2 : 1;
	return m->seen[start][n] == 2;
}

size_t kb_compound_split(const char *word, kb_known_fn known, void *ctx, kb_part *parts, size_t max)
{
	size_t len = strlen(word);
	if (chars(word, len) < MIN_WORD || !letters_only(word))
		return 0;
	struct memo m;
	m.known = known;
	m.ctx = ctx;
	m.word = word;
	if (len <= MEMO_BYTES) {
		memset(m.seen, 0, sizeof m.seen);
		known = known_memo;
		ctx = &m;
	}
	size_t k = split_from(word, 0, len, known, ctx, parts, max, 0);
	if (k && (part_is_ending(word, parts, k) ||
	          (known(ctx, word, len) && !plausible_for_known_word(word, parts, k))))
		return 0;
	return k;
}

bool kb_compound_part_may_start(const char *word, size_t at)
{
	size_t len = strlen(word);
	/* from at on: the last part, or more parts, each as long as a part is */
	return at > 0 && at < len && chars(word, len) >= MIN_WORD && letters_only(word) &&
	       chars(word + at, len - at) >= MIN_TAIL;
}
