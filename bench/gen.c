/* gen — a deterministic generator of corpora shaped like corpus/, for benchmarks.
 *
 *   gen --docs N --out DIR [--seed S] [--da FILE] [--en FILE] [--terms FILE] [--synonyms FILE]
 *
 * Writes N Markdown documents below DIR in the corpus layout of INTERFACE.md §1: front matter
 * (title, type, lang, source, url, tags, updated, summary), an introduction and `##` sections with
 * paragraphs, lists, bold words, legal references and links to other generated documents; FAQ
 * documents have one question per section. Text is drawn from word lists: the Danish one (wdanish)
 * for Danish documents, the English one (wamerican) for English ones, each word list shuffled once
 * with the seed and sampled with a Zipf-Mandelbrot frequency (a few words common, a long tail rare),
 * mixed with each language's function words and with the domain's terms (bench/terms.txt), which
 * have their own Zipf-like frequency. synonyms.txt is copied in when given.
 *
 * Document i depends only on the seed and i (each has its own random stream), so the first 1,000
 * documents of a 10k corpus are the 1k corpus, and the same arguments give byte-identical output.
 * A document links only to documents with a smaller number, so every link resolves in every size.
 *
 * Not product code: bench/ only. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

/* ---- random numbers: splitmix64 seeds a xoshiro256** stream per document ---- */

typedef struct { uint64_t s[4]; } rng;

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed * 0x2545F4914F6CDD1DULL ^ stream;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix(&x);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(rng *r)
{
	uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45);
	return out;
}

static double rng_unit(rng *r) { return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0); }
static unsigned rng_below(rng *r, unsigned n) { return (unsigned)(rng_unit(r) * n); }
static unsigned rng_range(rng *r, unsigned lo, unsigned hi) { return lo + rng_below(r, hi - lo + 1); }
static int rng_chance(rng *r, double p) { return rng_unit(r) < p; }

/* ---- word lists with a Zipf-Mandelbrot distribution: p(rank r) ∝ 1 / (r + q)^s ---- */

typedef struct {
	char **w;      /* owned words */
	size_t n, cap;
	double *cdf;   /* owned; cumulative probabilities by rank */
} zipf;

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gen: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		die("out of memory");
	return p;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		die("out of memory");
	return d;
}

static void zipf_add(zipf *z, const char *w)
{
	if (z->n == z->cap) {
		z->cap = z->cap ? 2 * z->cap : 256;
		z->w = xrealloc(z->w, z->cap * sizeof *z->w);
	}
	z->w[z->n++] = xstrdup(w);
}

static void zipf_finish(zipf *z, double s, double q)
{
	if (!z->n)
		die("an empty word list");
	z->cdf = xrealloc(NULL, z->n * sizeof *z->cdf);
	double sum = 0;
	for (size_t r = 0; r < z->n; r++)
		z->cdf[r] = (sum += 1.0 / pow((double)r + 1 + q, s));
	for (size_t r = 0; r < z->n; r++)
		z->cdf[r] /= sum;
}

static const char *zipf_pick(const zipf *z, rng *r)
{
	double u = rng_unit(r);
	size_t lo = 0, hi = z->n - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (z->cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return z->w[lo];
}

/* A plain word: lower-case start, letters (and inner hyphens) only, no possessive "'s". */
static int plain_word(const char *w)
{
	const unsigned char *p = (const unsigned char *)w;
	if (!*p || (*p >= 'A' && *p <= 'Z') || (*p == 0xC3 && p[1] >= 0x80 && p[1] <= 0x9E))
		return 0;
	size_t len = strlen(w);
	if (len < 2 || len > 24)
		return 0;
	for (; *p; p++)
		if (*p == '\'' || *p == ' ' || *p == '.' || (*p >= '0' && *p <= '9'))
			return 0;
	return w[len - 1] != '-' && w[0] != '-';
}

/* Loads a dictionary word list, keeps plain words, shuffles them with the seed (so a word's rank,
 * and so its frequency, does not follow the alphabet) and ranks them. */
static void load_words(zipf *z, const char *path, uint64_t seed)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("%s: %s (Debian packages wdanish and wamerican)", path, strerror(errno));
	char line[256];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (plain_word(line))
			zipf_add(z, line);
	}
	fclose(f);
	rng r;
	rng_seed(&r, seed, 0xd1c7);
	for (size_t i = z->n - 1; i > 0; i--) {
		size_t j = (size_t)(rng_unit(&r) * (double)(i + 1));
		char *t = z->w[i];
		z->w[i] = z->w[j];
		z->w[j] = t;
	}
	zipf_finish(z, 1.05, 20.0);
}

/* ---- the languages ---- */

enum { DA, EN };

static const char *const stop_da[] = {
	"og", "i", "at", "det", "en", "til", "er", "som", "på", "de", "med", "for", "af", "den", "der",
	"et", "ikke", "om", "har", "kan", "skal", "fra", "eller", "men", "også", "efter", "ved", "være",
	"når", "så", "hvis", "bliver", "blev", "under", "mellem", "over", "før", "hvor", "alle", "andre",
	"deres", "sin", "sit", "sine", "dem", "man", "vi", "kun", "mere", "meget", "samt", "inden", "hos",
	"uden", "denne", "dette", "disse", "både", "fordi", "dog",
};
static const char *const stop_en[] = {
	"the", "of", "and", "to", "in", "a", "is", "for", "that", "on", "with", "as", "by", "are", "be",
	"it", "an", "or", "from", "at", "this", "which", "not", "can", "must", "has", "have", "their",
	"its", "when", "if", "may", "should", "will", "also", "but", "into", "under", "between", "than",
	"before", "after", "each", "all", "other", "more", "only", "such", "these", "those", "where",
	"who", "there", "both", "because", "within", "without", "through", "been", "was",
};
static const char *const question_da[] = {
	"Hvordan", "Hvad", "Hvornår", "Hvem", "Hvilke", "Hvor", "Skal", "Kan", "Må", "Hvorfor",
};
static const char *const question_en[] = {
	"How", "What", "When", "Who", "Which", "Where", "Do", "Can", "Must", "Why",
};
static const char *const law_da[] = {
	"forordning (EF) nr. 1394/2007", "direktiv 2001/83/EF", "forordning (EU) nr. 536/2014",
	"direktiv 2001/18/EF", "forordning (EU) 2021/2282", "lov om kliniske forsøg", "vævsloven § 3",
	"artikel 28", "bekendtgørelse nr. 1358", "lægemiddelloven § 39",
};
static const char *const law_en[] = {
	"Regulation (EC) No 1394/2007", "Directive 2001/83/EC", "Regulation (EU) No 536/2014",
	"Directive 2001/18/EC", "Regulation (EU) 2021/2282", "Article 28", "Article 14(7)",
	"the Clinical Trials Regulation", "Part IV of EudraLex Volume 4", "Article 3(7)",
};
static const char *const sources[] = {
	"ATMP Danmark", "Lægemiddelstyrelsen", "Medicinrådet", "Amgros", "European Medicines Agency",
	"Europa-Kommissionen", "Sundhedsstyrelsen", "Danske Regioner", "Arbejdstilsynet", "Rigshospitalet",
	"Aarhus Universitetshospital", "Datatilsynet", "De Videnskabsetiske Medicinske Komitéer",
	"Cell and Gene Therapy Catapult", "EATRIS ERIC", "Sundhedsdatastyrelsen", "Novo Nordisk Fonden",
	"Region Hovedstaden", "Odense Universitetshospital", "Nordisk Lægemiddelforum",
};
static const char *const hosts[] = {
	"laegemiddelstyrelsen.dk", "medicinraadet.dk", "amgros.dk", "www.ema.europa.eu",
	"health.ec.europa.eu", "sst.dk", "regioner.dk", "at.dk", "www.rigshospitalet.dk", "atmpdanmark.dk",
};

/* types with the folder they live in (as in corpus/README.md) and their share of the corpus */
static const struct { const char *type, *folder; double share; } types[] = {
	{ "guidance", "guidance", 0.30 },     { "best-practice", "international", 0.15 },
	{ "faq", "faq", 0.20 },               { "news", "news", 0.15 },
	{ "minutes", "minutes", 0.10 },       { "analysis", "analysis", 0.10 },
};
#define NTYPES (sizeof types / sizeof types[0])

typedef struct {
	zipf words[2];  /* dictionary words by language */
	zipf terms[2];  /* domain terms by language */
	zipf stops[2];  /* function words by language */
	uint64_t seed;
} model;

/* bench/terms.txt: "da<TAB>term" or "en<TAB>term" a line, most frequent first; '#' comments. */
static void load_terms(model *m, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	char line[512];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		char *tab = strchr(line, '\t');
		if (!tab || tab[1] == 0)
			continue;
		*tab = 0;
		zipf_add(&m->terms[strcmp(line, "en") == 0 ? EN : DA], tab + 1);
	}
	fclose(f);
	zipf_finish(&m->terms[DA], 1.0, 1.0);
	zipf_finish(&m->terms[EN], 1.0, 1.0);
}

static void load_stops(zipf *z, const char *const *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		zipf_add(z, w[i]);
	zipf_finish(z, 1.0, 2.0);
}

/* ---- text ---- */

typedef struct { char *s; size_t n, cap; } buf;

static void buf_add(buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		while (b->n + n + 1 > b->cap)
			b->cap = b->cap ? 2 * b->cap : 4096;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = 0;
}
static void buf_adds(buf *b, const char *s) { buf_add(b, s, strlen(s)); }
static void buf_printf(buf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	buf_add(b, tmp, n < (int)sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Upper-cases the first letter at b->s[at] (ASCII, and æ ø å). */
static void capitalise(buf *b, size_t at)
{
	unsigned char *p = (unsigned char *)b->s + at;
	if (*p >= 'a' && *p <= 'z')
		*p -= 32;
	else if (p[0] == 0xC3 && (p[1] == 0xA6 || p[1] == 0xB8 || p[1] == 0xA5))
		p[1] -= 0x20;
}

/* One word of running text: a function word, a domain term or a dictionary word. */
static const char *word(const model *m, rng *r, int lang, int *is_term)
{
	double u = rng_unit(r);
	*is_term = 0;
	if (u < 0.42)
		return zipf_pick(&m->stops[lang], r);
	if (u < 0.50) {
		*is_term = 1;
		return zipf_pick(&m->terms[lang], r);
	}
	return zipf_pick(&m->words[lang], r);
}

/* One sentence of nwords words; plain: no Markdown (for front matter). */
static void sentence(buf *b, const model *m, rng *r, int lang, unsigned nwords, int plain)
{
	size_t start = b->n;
	for (unsigned i = 0; i < nwords; i++) {
		int term;
		const char *w = word(m, r, lang, &term);
		if (i)
			buf_adds(b, i > 3 && rng_chance(r, 0.06) ? ", " : " ");
		if (term && rng_chance(r, 0.08) && !plain) {
			buf_adds(b, "**");
			buf_adds(b, w);
			buf_adds(b, "**");
		} else {
			buf_adds(b, w);
		}
		if (i == nwords / 2 && rng_chance(r, 0.05)) {
			buf_adds(b, " ");
			buf_adds(b, lang == DA ? law_da[rng_below(r, 10)] : law_en[rng_below(r, 10)]);
		} else if (i == nwords / 3 && rng_chance(r, 0.04)) {
			buf_printf(b, " %u %s", rng_range(r, 2, 60), lang == DA ? "dage" : "days");
		}
	}
	capitalise(b, start + (b->s[start] == '*' ? 2 : 0));
	buf_adds(b, ".");
}

/* The path of document i below the corpus root, without ".md"; the title is written to title. */
typedef struct {
	unsigned type, lang;
	char path[256];
	buf title;
} head;

static void slug_add(char *out, size_t cap, size_t *n, const char *w)
{
	static const struct { const char *from, *to; } fold[] = {
		{ "æ", "ae" }, { "ø", "oe" }, { "å", "aa" }, { "Æ", "ae" }, { "Ø", "oe" }, { "Å", "aa" },
		{ "é", "e" }, { "ü", "u" }, { "ö", "o" }, { "ä", "a" },
	};
	for (const char *p = w; *p && *n + 3 < cap;) {
		unsigned char c = (unsigned char)*p;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			out[(*n)++] = (char)c;
			p++;
		} else if (c >= 'A' && c <= 'Z') {
			out[(*n)++] = (char)(c + 32);
			p++;
		} else {
			size_t k, m = 0;
			for (k = 0; k < sizeof fold / sizeof fold[0]; k++)
				if (strncmp(p, fold[k].from, (m = strlen(fold[k].from))) == 0)
					break;
			if (k < sizeof fold / sizeof fold[0]) {
				for (const char *t = fold[k].to; *t; t++)
					out[(*n)++] = *t;
				p += m;
			} else {
				if (*n && out[*n - 1] != '-')
					out[(*n)++] = '-';
				p++;
				while ((*p & 0xC0) == 0x80)
					p++;
			}
		}
	}
	out[*n] = 0;
}

/* Draws document i's type, language and title from its own stream (always first, so that any
 * other document can recompute them to link here). */
static void make_head(const model *m, uint64_t i, head *h, rng *r)
{
	rng_seed(r, m->seed, i + 1);
	double u = rng_unit(r), acc = 0;
	h->type = NTYPES - 1;
	for (unsigned t = 0; t < NTYPES; t++)
		if (u < (acc += types[t].share)) {
			h->type = t;
			break;
		}
	h->lang = rng_chance(r, 0.35) ? EN : DA;
	h->title.n = 0;
	unsigned n = rng_range(r, 3, 8), term_at = rng_below(r, n);
	char slug[120];
	size_t sn = 0;
	for (unsigned k = 0; k < n; k++) {
		/* titles are mostly content words: the domain term, dictionary words, a few function words */
		const char *w = k == term_at ? zipf_pick(&m->terms[h->lang], r)
		              : k > 0 && rng_chance(r, 0.25) ? zipf_pick(&m->stops[h->lang], r)
		              : zipf_pick(&m->words[h->lang], r);
		if (k)
			buf_adds(&h->title, " ");
		buf_adds(&h->title, w);
		if (k < 4) {
			if (sn && slug[sn - 1] != '-')
				slug[sn++] = '-';
			slug_add(slug, 60, &sn, w);
		}
	}
	capitalise(&h->title, 0);
	while (sn && slug[sn - 1] == '-')
		slug[--sn] = 0;
	snprintf(h->path, sizeof h->path, "%s/%03llu/%s-%06llu", types[h->type].folder,
	         (unsigned long long)(i / 1000), sn ? slug : "doc", (unsigned long long)i);
}

static void tags_line(buf *b, const model *m, rng *r, int lang)
{
	unsigned n = rng_range(r, 2, 6);
	const char *seen[8];
	buf_adds(b, "tags: [");
	for (unsigned k = 0, got = 0; k < 20 && got < n; k++) {
		const char *t = zipf_pick(&m->terms[lang], r);
		int dup = 0;
		for (unsigned j = 0; j < got; j++)
			dup |= strcmp(seen[j], t) == 0;
		if (dup || strpbrk(t, ",[]:"))
			continue;
		if (got)
			buf_adds(b, ", ");
		buf_adds(b, t);
		seen[got++] = t;
	}
	buf_adds(b, "]\n");
}

static void paragraph(buf *b, const model *m, rng *r, int lang, uint64_t i)
{
	if (rng_chance(r, 0.15)) { /* a list */
		unsigned n = rng_range(r, 2, 5);
		for (unsigned k = 0; k < n; k++) {
			buf_adds(b, "- ");
			size_t at = b->n;
			sentence(b, m, r, lang, rng_range(r, 3, 10), 0);
			b->s[--b->n] = 0; /* list items without a full stop */
			(void)at;
			buf_adds(b, "\n");
		}
		buf_adds(b, "\n");
		return;
	}
	unsigned n = rng_range(r, 2, 4);
	for (unsigned k = 0; k < n; k++) {
		if (k)
			buf_adds(b, " ");
		sentence(b, m, r, lang, rng_range(r, 6, 18), 0);
	}
	if (i > 0 && rng_chance(r, 0.12)) { /* a link to an earlier document */
		uint64_t j = (uint64_t)(rng_unit(r) * (double)i);
		head t = { 0 };
		rng tr;
		make_head(m, j, &t, &tr);
		buf_printf(b, " %s [%s](../../%s.md).", lang == DA ? "Se også" : "See also", t.title.s, t.path);
		free(t.title.s);
	}
	buf_adds(b, "\n\n");
}

static void heading(buf *b, const model *m, rng *r, int lang, int faq, buf *seen)
{
	for (int attempt = 0;; attempt++) {
		buf h = { 0 };
		if (faq) {
			buf_adds(&h, lang == DA ? question_da[rng_below(r, 10)] : question_en[rng_below(r, 10)]);
			unsigned n = rng_range(r, 3, 8), at = rng_below(r, n);
			for (unsigned k = 0; k < n; k++) {
				int term;
				buf_adds(&h, " ");
				buf_adds(&h, k == at ? zipf_pick(&m->terms[lang], r) : word(m, r, lang, &term));
			}
			buf_adds(&h, "?");
		} else {
			unsigned n = rng_range(r, 1, 5), at = rng_below(r, n);
			for (unsigned k = 0; k < n; k++) {
				if (k)
					buf_adds(&h, " ");
				buf_adds(&h, k == at ? zipf_pick(&m->terms[lang], r) : zipf_pick(&m->words[lang], r));
			}
			capitalise(&h, 0);
			if (attempt >= 5)
				buf_printf(&h, " %d", attempt);
		}
		/* headings must be unique within a document (their anchors are); compare as slugs */
		char slug[200];
		size_t sn = 0;
		slug_add(slug, sizeof slug, &sn, h.s);
		char key[204];
		snprintf(key, sizeof key, "\n%s\n", slug);
		if (seen->s && strstr(seen->s, key) && attempt < 20) {
			free(h.s);
			continue;
		}
		buf_adds(seen, key + 1);
		buf_adds(b, "## ");
		buf_adds(b, h.s);
		buf_adds(b, "\n\n");
		free(h.s);
		return;
	}
}

static void mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(path, 0755) != 0 && errno != EEXIST)
				die("%s: %s", path, strerror(errno));
			*p = '/';
		}
}

static size_t write_doc(const model *m, const char *out, uint64_t i, buf *b)
{
	rng r;
	head h = { 0 };
	make_head(m, i, &h, &r);
	int lang = h.lang, faq = strcmp(types[h.type].type, "faq") == 0;
	b->n = 0;
	buf_adds(b, "---\ntitle: ");
	buf_adds(b, h.title.s);
	buf_printf(b, "\ntype: %s\nlang: %s\n", types[h.type].type, lang == DA ? "da" : "en");
	buf_printf(b, "source: %s\n", sources[(unsigned)(pow(rng_unit(&r), 2.0) * 20)]);
	buf_printf(b, "url: https://%s/%s\n", hosts[rng_below(&r, 10)], h.path);
	tags_line(b, m, &r, lang);
	buf_printf(b, "updated: %04u-%02u-%02u\n", rng_range(&r, 2019, 2026), rng_range(&r, 1, 12),
	           rng_range(&r, 1, 28));
	buf_adds(b, "summary: ");
	sentence(b, m, &r, lang, rng_range(&r, 10, 24), 1);
	buf_adds(b, "\n---\n\n");
	unsigned nintro = 1;
	for (unsigned k = 0; k < nintro; k++)
		paragraph(b, m, &r, lang, i);
	/* sections: FAQs have many short ones, news few; the rest in between */
	unsigned nsec = faq ? rng_range(&r, 3, 6) : strcmp(types[h.type].type, "news") == 0
	                    ? rng_range(&r, 0, 2) : rng_range(&r, 1, 4);
	buf seen = { 0 };
	buf_adds(&seen, "\n");
	for (unsigned s = 0; s < nsec; s++) {
		heading(b, m, &r, lang, faq, &seen);
		unsigned np = faq ? 1 : rng_range(&r, 1, 2);
		for (unsigned k = 0; k < np; k++)
			paragraph(b, m, &r, lang, i);
	}
	free(seen.s);
	char path[4096];
	snprintf(path, sizeof path, "%s/%s.md", out, h.path);
	mkdirs(path);
	FILE *f = fopen(path, "w");
	if (!f || fwrite(b->s, 1, b->n, f) != b->n || fclose(f) != 0)
		die("%s: %s", path, strerror(errno));
	free(h.title.s);
	return b->n;
}

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
	if (!in || !out)
		die("cannot copy %s to %s: %s", from, to, strerror(errno));
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, in)) > 0)
		fwrite(tmp, 1, n, out);
	fclose(in);
	if (fclose(out) != 0)
		die("%s: %s", to, strerror(errno));
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "docs", required_argument, NULL, 'n' },  { "out", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 's' },  { "da", required_argument, NULL, 'd' },
		{ "en", required_argument, NULL, 'e' },    { "terms", required_argument, NULL, 't' },
		{ "synonyms", required_argument, NULL, 'y' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *da = "/usr/share/dict/danish", *en = "/usr/share/dict/american-english";
	const char *terms = "bench/terms.txt", *syn = NULL;
	unsigned long long ndocs = 0, seed = 2025;
	int ch;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'n': ndocs = strtoull(optarg, NULL, 10); break;
		case 'o': out = optarg; break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'd': da = optarg; break;
		case 'e': en = optarg; break;
		case 't': terms = optarg; break;
		case 'y': syn = optarg; break;
		default:
			fprintf(stderr, "usage: gen --docs N --out DIR [--seed S] [--da FILE] [--en FILE] "
			                "[--terms FILE] [--synonyms FILE]\n");
			return ch == 'h' ? 0 : 2;
		}
	}
	if (!out || !ndocs)
		die("--docs N and --out DIR are required");
	model m = { .seed = seed };
	load_words(&m.words[DA], da, seed);
	load_words(&m.words[EN], en, seed + 1);
	load_terms(&m, terms);
	load_stops(&m.stops[DA], stop_da, sizeof stop_da / sizeof *stop_da);
	load_stops(&m.stops[EN], stop_en, sizeof stop_en / sizeof *stop_en);
	if (mkdir(out, 0755) != 0 && errno != EEXIST)
		die("%s: %s", out, strerror(errno));
	buf b = { 0 };
	unsigned long long bytes = 0;
	for (uint64_t i = 0; i < ndocs; i++)
		bytes += write_doc(&m, out, i, &b);
	if (syn) {
		char to[4096];
		snprintf(to, sizeof to, "%s/synonyms.txt", out);
		copy_file(syn, to);
	}
	free(b.s);
	fprintf(stderr, "gen: %llu documents, %llu bytes in %s\n", ndocs, bytes, out);
	return 0;
}
