#include "synmatch.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* How a group term's word may stand in a text: as written, or as its stem in one language; a
 * one-word term also as a compound part. A multi-word term keeps one kind for all its words. */
enum { K_EXACT, K_DA, K_EN, K_PART, K_N };

typedef struct {
	size_t group;
	size_t index;     /* its place in the group */
	size_t nwords;
	char **forms;     /* owned; nwords * K_N, word w's form of kind k at [w * K_N + k]; "" for none */
} sterm;

typedef struct {
	uint32_t hash;
	const char *s;    /* borrowed from a sterm's forms */
	size_t sterm;
	int kind;
} key;

struct kb_synmatch {
	sterm *terms;
	size_t nterms;
	key *keys;        /* the first word's forms of every term, by hash */
	size_t nkeys;
};

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

static int by_hash(const void *a, const void *b)
{
	const key *x = a, *y = b;
	return x->hash < y->hash ? -1 : x->hash > y->hash;
}

static void take_form(void *ctx, const char *term, kb_form form)
{
	char **f = ctx;
	int k = form == KB_FORM_EXACT ? K_EXACT : form == KB_FORM_PART ? K_PART
	        : strncmp(term, KB_PFX_STEM_DA, 2) == 0 ? K_DA : K_EN;
	if (!f[k][0]) {
		free(f[k]);
		f[k] = kb_xstrdup(term);
	}
}

void kb_syngroup_each(kb_analyzer *an, const char *group, kb_synterm_cb cb, void *ctx)
{
	char *lines = kb_xstrdup(group ? group : ""), *save = NULL;
	size_t index = 0;
	for (char *text = strtok_r(lines, "\n", &save); text; text = strtok_r(NULL, "\n", &save)) {
		kb_tokens t = { 0 };
		kb_analyze(an, text, strlen(text), 0, &t);
		if (t.n)
			cb(ctx, index++, text, &t);
		kb_tokens_clear(&t);
	}
	free(lines);
}

struct add_ctx {
	kb_synmatch *m;
	kb_analyzer *an;
	size_t group;
};

/* Adds term index of a group, whose words are t. */
static void add_term(void *p, size_t index, const char *text, const kb_tokens *t)
{
	struct add_ctx *a = p;
	kb_synmatch *m = a->m;
	(void)text;
	m->terms = kb_xrealloc(m->terms, (m->nterms + 1) * sizeof *m->terms);
	sterm *st = &m->terms[m->nterms++];
	st->group = a->group;
	st->index = index;
	st->nwords = t->n;
	st->forms = kb_xcalloc(t->n * K_N, sizeof *st->forms);
	for (size_t w = 0; w < t->n; w++) {
		char **f = st->forms + w * K_N;
		for (int k = 0; k < K_N; k++)
			f[k] = kb_xstrdup("");
		kb_analyzer_query_terms(a->an, kb_tokens_word(t, w), take_form, f);
	}
}

kb_synmatch *kb_synmatch_new(kb_analyzer *an, char *const *groups, size_t n)
{
	kb_synmatch *m = kb_xcalloc(1, sizeof *m);
	for (size_t g = 0; g < n; g++) {
		struct add_ctx a = { m, an, g };
		kb_syngroup_each(an, groups[g], add_term, &a);
	}
	m->keys = kb_xcalloc(m->nterms * K_N + 1, sizeof *m->keys);
	for (size_t i = 0; i < m->nterms; i++) {
		const sterm *st = &m->terms[i];
		for (int k = 0; k < K_N; k++) {
			const char *s = st->forms[k];
			if (*s && (k != K_PART || st->nwords == 1))
				m->keys[m->nkeys++] = (key){ hash(s), s, i, k };
		}
	}
	qsort(m->keys, m->nkeys, sizeof *m->keys, by_hash);
	return m;
}

void kb_synmatch_free(kb_synmatch *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nterms; i++) {
		for (size_t f = 0; f < m->terms[i].nwords * K_N; f++)
			free(m->terms[i].forms[f]);
		free(m->terms[i].forms);
	}
	free(m->terms);
	free(m->keys);
	free(m);
}

void kb_synmatch_term(size_t g, size_t t, char *out)
{
	snprintf(out, KB_SYNTERM_MAX, "S%zu:%zu", g, t);
}

/* The postings grouped by position: word i's terms are sorted[at[i] .. at[i + 1]). */
typedef struct {
	const kb_posting **sorted;
	size_t *at;
	size_t nwords;
} words_t;

static int by_pos(const void *a, const void *b)
{
	const kb_posting *x = *(const kb_posting *const *)a, *y = *(const kb_posting *const *)b;
	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return x < y ? -1 : x > y; /* keeps the given order within a position */
}

static bool word_has(const words_t *w, size_t i, const char *term)
{
	for (size_t j = w->at[i]; j < w->at[i + 1]; j++)
		if (strcmp(w->sorted[j]->term, term) == 0)
			return true;
	return false;
}

/* Do the words after word i continue term st (whose first word matched in kind)? */
static bool rest_matches(const words_t *w, size_t i, const sterm *st, int kind)
{
	unsigned pos = w->sorted[w->at[i]]->pos;
	for (size_t k = 1; k < st->nwords; k++) {
		const char *form = st->forms[k * K_N + kind];
		if (i + k >= w->nwords || w->sorted[w->at[i + k]]->pos != pos + k || !*form ||
		    !word_has(w, i + k, form))
			return false;
	}
	return true;
}

void kb_synmatch_find(const kb_synmatch *m, const kb_posting *p, size_t n,
                      void (*cb)(void *ctx, const char *term), void *ctx)
{
	if (!m || !m->nkeys || !n)
		return;
	words_t w = { kb_xcalloc(n, sizeof *w.sorted), kb_xcalloc(n + 1, sizeof *w.at), 0 };
	for (size_t i = 0; i < n; i++)
		w.sorted[i] = &p[i];
	qsort(w.sorted, n, sizeof *w.sorted, by_pos);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || w.sorted[i]->pos != w.sorted[i - 1]->pos)
			w.at[w.nwords++] = i;
	w.at[w.nwords] = n;
	size_t *marked = kb_xcalloc(m->nterms + 1, sizeof *marked), nmarked;
	for (size_t i = 0; i < w.nwords; i++) {
		nmarked = 0;
		for (size_t j = w.at[i]; j < w.at[i + 1]; j++) {
			const char *term = w.sorted[j]->term;
			key probe = { hash(term), NULL, 0, 0 };
			size_t lo = 0, hi = m->nkeys;
			while (lo < hi) { /* the first key of this hash */
				size_t mid = lo + (hi - lo) / 2;
				if (m->keys[mid].hash < probe.hash)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (; lo < m->nkeys && m->keys[lo].hash == probe.hash; lo++) {
				const key *k = &m->keys[lo];
				const sterm *st = &m->terms[k->sterm];
				if (strcmp(k->s, term) != 0 || (st->nwords > 1 && !rest_matches(&w, i, st, k->kind)))
					continue;
				bool seen = false; /* a term once per word, however many of its forms are there */
				for (size_t x = 0; x < nmarked && !seen; x++)
					seen = marked[x] == k->sterm;
				if (seen)
					continue;
				marked[nmarked++] = k->sterm;
				char t[KB_SYNTERM_MAX];
				kb_synmatch_term(st->group, st->index, t);
				cb(ctx, t);
			}
		}
	}
	free(marked);
	free(w.sorted);
	free(w.at);
}
