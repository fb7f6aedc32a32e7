#include "expand.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compound.h"
#include "synmatch.h"
#include "util.h"

/* A respelling of a word tries each ambiguous letter both ways; this caps the combinations. */
#define MAX_SPELLINGS 64
#define MAX_CORRECTIONS 3
#define MAX_CODEPOINTS 48

struct kb_vocab {
	kb_db *db;
	kb_analyzer *an;
	const kb_words *words;
	kb_syngroup *groups;
	size_t ngroups;
	struct first_key *firsts;        /* owned; sorted by key, then group and term */
	size_t nfirsts;
};

/* A synonym term under a form of its first word that a query word meets it by (same_word): the
 * word, its Danish stem, its English stem. kb_synonym_match looks up a query word's forms here
 * instead of trying every term of every group at each word of a query. */
struct first_key {
	char *key; /* owned; 'w' + the word, 'd' + its Danish stem term, 'e' + its English one */
	size_t g, t;
};

/* ---- synonyms ---- */

struct stems {
	char da[160], en[160];
};

static void collect_stems(void *ctx, const char *term, kb_form form)
{
	struct stems *s = ctx;
	if (form != KB_FORM_STEM)
		return;
	char *to = strncmp(term, KB_PFX_STEM_DA, 2) == 0 ? s->da : s->en;
	size_t n = strlen(term);
	if (n >= sizeof s->da)
		n = 0; /* no stem this long comes from a word the analyzer keeps */
	memcpy(to, term, n);
	to[n] = '\0';
}

static struct stems stems_of(kb_analyzer *an, const char *word)
{
	struct stems x = { "", "" };
	kb_analyzer_query_terms(an, word, collect_stems, &x);
	return x;
}

/* Do two folded words mean the same for a synonym: equal, or with an equal stem in one language?
 * The synonym's stems were worked out once, when the groups were read. */
static bool same_word(const char *w, const struct stems *ws, const char *syn, const char *syn_stems)
{
	if (strcmp(w, syn) == 0)
		return true;
	const char *nl = strchr(syn_stems, '\n');
	size_t dl = nl ? (size_t)(nl - syn_stems) : strlen(syn_stems);
	return (ws->da[0] && strlen(ws->da) == dl && strncmp(ws->da, syn_stems, dl) == 0) ||
	       (ws->en[0] && nl && strcmp(ws->en, nl + 1) == 0);
}

struct group_ctx {
	kb_analyzer *an;
	kb_syngroup *group;
};

/* Adds a term to a group, in the order and with the numbers of kb_syngroup_each (synmatch.h), which
 * the indexer's S<g>:<t> terms have too. */
static void take_synterm(void *p, size_t index, const char *text, const kb_tokens *tk)
{
	struct group_ctx *c = p;
	kb_syngroup *grp = c->group;
	(void)index; /* the term's place in grp->terms */
	grp->terms = kb_xrealloc(grp->terms, (grp->n + 1) * sizeof *grp->terms);
	kb_synterm *st = &grp->terms[grp->n++];
	st->text = kb_xstrdup(text);
	st->nwords = tk->n;
	st->words = kb_xcalloc(tk->n, sizeof *st->words);
	st->stems = kb_xcalloc(tk->n, sizeof *st->stems);
	for (size_t k = 0; k < tk->n; k++) {
		st->words[k] = kb_xstrdup(kb_tokens_word(tk, k));
		struct stems x = stems_of(c->an, st->words[k]);
		kb_buf b = { 0 };
		kb_buf_printf(&b, "%s\n%s", x.da, x.en);
		st->stems[k] = kb_buf_detach(&b);
	}
}

static void load_synonyms(kb_vocab *v)
{
	char *text = NULL;
	kb_db_meta(v->db, "synonyms", &text, NULL);
	json_t *arr = text ? json_loads(text, 0, NULL) : NULL;
	size_t i;
	json_t *g;
	v->groups = kb_xcalloc(json_array_size(arr) + 1, sizeof *v->groups);
	json_array_foreach(arr, i, g) {
		kb_syngroup *grp = &v->groups[v->ngroups];
		grp->id = v->ngroups++;
		struct group_ctx c = { v->an, grp };
		kb_syngroup_each(v->an, json_string_value(g), take_synterm, &c);
	}
	json_decref(arr);
	free(text);
}

static void add_first(kb_vocab *v, char kind, const char *s, size_t n, size_t g, size_t t)
{
	if (!n)
		return;
	kb_buf b = { 0 };
	kb_buf_addc(&b, kind);
	kb_buf_add(&b, s, n);
	v->firsts = kb_xrealloc(v->firsts, (v->nfirsts + 1) * sizeof *v->firsts);
	v->firsts[v->nfirsts++] = (struct first_key){ kb_buf_detach(&b), g, t };
}

static int by_first_key(const void *a, const void *b)
{
	const struct first_key *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return x->g != y->g ? (x->g < y->g ? -1 : 1) : (x->t > y->t) - (x->t < y->t);
}

static void index_first_words(kb_vocab *v)
{
	for (size_t g = 0; g < v->ngroups; g++)
		for (size_t t = 0; t < v->groups[g].n; t++) {
			const kb_synterm *st = &v->groups[g].terms[t];
			if (!st->nwords)
				continue;
			const char *ss = st->stems[0], *nl = strchr(ss, '\n');
			add_first(v, 'w', st->words[0], strlen(st->words[0]), g, t);
			add_first(v, 'd', ss, nl ? (size_t)(nl - ss) : strlen(ss), g, t);
			if (nl)
				add_first(v, 'e', nl + 1, strlen(nl + 1), g, t);
		}
	if (v->nfirsts)
		qsort(v->firsts, v->nfirsts, sizeof *v->firsts, by_first_key);
}

kb_status kb_vocab_new(kb_db *db, kb_analyzer *an, const kb_words *words, kb_vocab **out, char **errmsg)
{
	(void)errmsg;
	kb_vocab *v = kb_xcalloc(1, sizeof *v);
	v->db = db;
	v->an = an;
	v->words = words;
	load_synonyms(v);
	index_first_words(v);
	*out = v;
	return KB_OK;
}

void kb_vocab_free(kb_vocab *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->nfirsts; i++)
		free(v->firsts[i].key);
	free(v->firsts);
	for (size_t g = 0; g < v->ngroups; g++) {
		for (size_t t = 0; t < v->groups[g].n; t++) {
			kb_synterm *st = &v->groups[g].terms[t];
			for (size_t k = 0; k < st->nwords; k++) {
				free(st->words[k]);
				free(st->stems[k]);
			}
			free(st->words);
			free(st->stems);
			free(st->text);
		}
		free(v->groups[g].terms);
	}
	free(v->groups);
	free(v);
}

/* A query word as it may meet a synonym's word: as typed, or as one of the other spellings of the
 * Danish letters the plan reads it as (kb_respellings), worked out only once it has failed to meet
 * a synonym's word with æ, ø or å as typed: most queries need none. */
typedef struct {
	const char *word;
	struct stems stems;
	bool respelt;          /* its respellings were worked out (or are not wanted) */
	char **alts;           /* owned; its respellings */
	struct stems *alt_stems;
	size_t nalts;
} reading;

enum { MEETS_NOT, MEETS_AS_WRITTEN, MEETS_RESPELT };

static void respell_reading(kb_vocab *v, reading *r)
{
	if (r->respelt)
		return;
	r->respelt = true;
	r->nalts = kb_respellings(v, r->word, &r->alts);
	r->alt_stems = kb_xcalloc(r->nalts ? r->nalts : 1, sizeof *r->alt_stems);
	for (size_t a = 0; a < r->nalts; a++)
		r->alt_stems[a] = stems_of(v->an, r->alts[a]);
}

static int meets(kb_vocab *v, reading *r, const char *syn, const char *syn_stems)
{
	if (same_word(r->word, &r->stems, syn, syn_stems))
		return MEETS_AS_WRITTEN;
	if (!strpbrk(syn, "\xC3"))
		return MEETS_NOT; /* a respelling holds æ, ø or å, and is the same word only with one */
	respell_reading(v, r);
	for (size_t a = 0; a < r->nalts; a++)
		if (same_word(r->alts[a], &r->alt_stems[a], syn, syn_stems))
			return MEETS_RESPELT;
	return MEETS_NOT;
}

/* Terms (as first_keys with an empty key, to be ordered by group and term) met by a first word. */
typedef struct {
	struct first_key *v; /* owned; the keys are borrowed */
	size_t n;
} firsts_met;

static void add_key_matches(const kb_vocab *v, char kind, const char *s, firsts_met *out)
{
	if (!*s)
		return;
	kb_buf key = { 0 };
	kb_buf_addc(&key, kind);
	kb_buf_adds(&key, s);
	size_t lo = 0, hi = v->nfirsts;
	while (lo < hi) { /* the first key not before it */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(v->firsts[mid].key, key.s) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < v->nfirsts && strcmp(v->firsts[lo].key, key.s) == 0; lo++) {
		out->v = kb_xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		out->v[out->n++] = (struct first_key){ "", v->firsts[lo].g, v->firsts[lo].t };
	}
	kb_buf_free(&key);
}

/* The terms whose first word a word with these stems meets by same_word. */
static void add_terms_met(const kb_vocab *v, const char *word, const struct stems *s, firsts_met *out)
{
	add_key_matches(v, 'w', word, out);
	add_key_matches(v, 'd', s->da, out);
	add_key_matches(v, 'e', s->en, out);
}

size_t kb_synonym_match(kb_vocab *v, char *const *words, size_t n, bool *respelt, const kb_syngroup **group,
                        size_t *term)
{
	size_t best = 0;
	reading *r = kb_xcalloc(n ? n : 1, sizeof *r);
	for (size_t i = 0; i < n; i++)
		r[i] = (reading){ .word = words[i], .stems = stems_of(v->an, words[i]), .respelt = !respelt };
	/* only the terms whose first word the first word meets, as written or respelt, in the order of
	 * the groups: of two as long, the first found is taken */
	firsts_met fm = { 0 };
	if (n) {
		add_terms_met(v, r[0].word, &r[0].stems, &fm);
		respell_reading(v, &r[0]);
		for (size_t a = 0; a < r[0].nalts; a++)
			add_terms_met(v, r[0].alts[a], &r[0].alt_stems[a], &fm);
		if (fm.n)
			qsort(fm.v, fm.n, sizeof *fm.v, by_first_key);
	}
	for (size_t i = 0; i < fm.n; i++) {
		size_t g = fm.v[i].g, t = fm.v[i].t;
		if (i && fm.v[i - 1].g == g && fm.v[i - 1].t == t)
			continue;
		const kb_synterm *st = &v->groups[g].terms[t];
		if (st->nwords > n || st->nwords <= best)
			continue;
		size_t k = 0;
		bool respelling = false;
		for (int m; k < st->nwords && (m = meets(v, &r[k], st->words[k], st->stems[k])); k++)
			respelling |= m == MEETS_RESPELT;
		if (k == st->nwords) {
			best = k;
			*group = &v->groups[g];
			*term = t;
			if (respelt)
				*respelt = respelling;
		}
	}
	free(fm.v);
	for (size_t i = 0; i < n; i++) {
		kb_strings_free(r[i].alts, r[i].nalts);
		free(r[i].alt_stems);
	}
	free(r);
	return best;
}

/* ---- forms of a word ---- */

static size_t freq(kb_vocab *v, const char *term)
{
	return kb_words_freq(v->words, term);
}

/* The dictionaries' entry under a folded word or a stem term (the indexer's "tr:" metadata): its
 * translations, one a line (caller frees), or NULL. */
static char *dictionary_entry(kb_vocab *v, const char *word_or_stem)
{
	kb_buf key = { 0 };
	char *found = NULL;
	kb_buf_printf(&key, "tr:%s", word_or_stem);
	kb_db_meta(v->db, key.s, &found, NULL);
	kb_buf_free(&key);
	return found;
}

struct tr_ctx {
	kb_vocab *v;
	char *found;
};

static void lookup_stem(void *p, const char *term, kb_form form)
{
	struct tr_ctx *t = p;
	if (form == KB_FORM_STEM && !t->found)
		t->found = dictionary_entry(t->v, term);
}

size_t kb_translations(kb_vocab *v, const char *word, char ***out)
{
	struct tr_ctx t = { v, dictionary_entry(v, word) };
	if (!t.found)
		kb_analyzer_query_terms(v->an, word, lookup_stem, &t);
	*out = NULL;
	size_t n = 0;
	char *save = NULL;
	for (char *s = t.found ? strtok_r(t.found, "\n", &save) : NULL; s; s = strtok_r(NULL, "\n", &save)) {
		*out = kb_xrealloc(*out, (n + 1) * sizeof **out);
		(*out)[n++] = kb_xstrdup(s);
	}
	free(t.found);
	return n;
}

/* Is word i of w more frequent than word j (or as frequent and before it)? */
static bool more_frequent(const kb_words *w, size_t i, size_t j)
{
	uint32_t a = kb_words_at(w, i).freq, b = kb_words_at(w, j).freq;
	return a != b ? a > b : i < j;
}

/* Restores the heap property (the least frequent word on top) from slot k down. */
static void sift_down(const kb_words *w, size_t *heap, size_t n, size_t k)
{
	for (;;) {
		size_t least = k, l = 2 * k + 1, r = l + 1;
		if (l < n && more_frequent(w, heap[least], heap[l]))
			least = l;
		if (r < n && more_frequent(w, heap[least], heap[r]))
			least = r;
		if (least == k)
			return;
		size_t t = heap[k];
		heap[k] = heap[least];
		heap[least] = t;
		k = least;
	}
}

/* A prefix may match tens of thousands of words ("a"): the max most frequent are kept in a heap
 * as the range is read once, instead of sorting it. */
size_t kb_prefix_words(kb_vocab *v, const char *prefix, size_t max, const char ***out)
{
	size_t lo, hi, n = 0;
	kb_words_prefix(v->words, prefix, &lo, &hi);
	size_t *heap = kb_xcalloc(max ? max : 1, sizeof *heap);
	for (size_t i = lo; i < hi && max; i++) {
		if (n < max) {
			heap[n++] = i;
			for (size_t k = n / 2; n == max && k-- > 0;)
				sift_down(v->words, heap, n, k);
		} else if (more_frequent(v->words, i, heap[0])) {
			heap[0] = i;
			sift_down(v->words, heap, n, 0);
		}
	}
	if (n < max) /* never made a heap: make it now, for the sort below */
		for (size_t k = n / 2; k-- > 0;)
			sift_down(v->words, heap, n, k);
	/* take the least frequent off the top, filling the list from its end */
	const char **list = kb_xcalloc(n ? n : 1, sizeof *list);
	for (size_t m = n; m > 0; m--) {
		list[m - 1] = kb_words_at(v->words, heap[0]).word;
		heap[0] = heap[m - 1];
		sift_down(v->words, heap, m - 1, 0);
	}
	free(heap);
	*out = list;
	return n;
}

void kb_strings_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

struct known_ctx {
	kb_vocab *v;
	bool known;
};

static void check_known(void *p, const char *term, kb_form form)
{
	struct known_ctx *k = p;
	if (form != KB_FORM_PART && !k->known)
		k->known = freq(k->v, term) > 0;
}

bool kb_vocab_knows(kb_vocab *v, const char *word)
{
	struct known_ctx k = { v, false };
	kb_analyzer_query_terms(v->an, word, check_known, &k);
	return k.known;
}

struct lang_ctx {
	kb_vocab *v;
	bool da, en;
};

static void check_lang(void *p, const char *term, kb_form form)
{
	struct lang_ctx *l = p;
	if (form != KB_FORM_STEM || freq(l->v, term) == 0)
		return;
	if (strncmp(term, KB_PFX_STEM_DA, 2) == 0)
		l->da = true;
	else
		l->en = true;
}

bool kb_english_only(kb_vocab *v, const char *word)
{
	struct lang_ctx l = { v, false, false };
	kb_analyzer_query_terms(v->an, word, check_lang, &l);
	return l.en && !l.da;
}

static void add_form(kb_wforms *f, const char *term, kb_grade grade, const char *why)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].term, term) == 0) {
			if (grade < f->v[i].grade) {
				f->v[i].grade = grade;
				free(f->v[i].why);
				f->v[i].why = why ? kb_xstrdup(why) : NULL;
			}
			return;
		}
	f->v = kb_xrealloc(f->v, (f->n + 1) * sizeof *f->v);
	f->v[f->n++] = (kb_wform){ kb_xstrdup(term), grade, why ? kb_xstrdup(why) : NULL };
}

struct add_ctx {
	kb_wforms *f;
	kb_vocab *v;
	kb_grade exact, stem;   /* the grades given to the word itself and to its stems */
	const char *why;
	size_t hits;            /* how many of the forms the index holds */
};

static void add_terms_of(void *p, const char *term, kb_form form)
{
	struct add_ctx *c = p;
	kb_grade g = form == KB_FORM_EXACT ? c->exact : form == KB_FORM_STEM ? c->stem : KB_GRADE_NEAR;
	if (form == KB_FORM_PART && c->exact != KB_GRADE_EXACT)
		return; /* parts only of the word as typed: a part of a respelling is too far */
	if (form == KB_FORM_PART && c->f->found >= KB_PLENTY)
		return; /* the word as a part of compounds, only when it is not plenty as it is (its stems
		           come before it) */
	size_t n = freq(c->v, term);
	if (n == 0)
		return;
	if ((g == KB_GRADE_EXACT || g == KB_GRADE_STEM) && n > c->f->found)
		c->f->found = n;
	c->hits++;
	add_form(c->f, term, g, form == KB_FORM_PART ? NULL : c->why);
}

/* The word's forms at the given grades; returns how many the index holds. */
static size_t add_word(kb_vocab *v, kb_wforms *f, const char *word, kb_grade exact, kb_grade stem,
                       const char *why)
{
	struct add_ctx c = { f, v, exact, stem, why, 0 };
	kb_analyzer_query_terms(v->an, word, add_terms_of, &c);
	return c.hits;
}

/* Respellings of the Danish letters: æ ø å and the digraphs ae oe aa that stand for them, both ways;
 * with lossy, also a plain a or o for å or ø, as typed on a keyboard without them. */
typedef struct {
	const char *from, *to;
} swap;

static const swap to_digraph[] = { { "æ", "ae" }, { "ø", "oe" }, { "å", "aa" } };
static const swap from_digraph[] = { { "ae", "æ" }, { "oe", "ø" }, { "aa", "å" } };
static const swap lossy[] = { { "ae", "æ" }, { "oe", "ø" }, { "aa", "å" }, { "a", "å" }, { "o", "ø" } };
#define NLOSSY (sizeof lossy / sizeof *lossy)

/* The lossless swaps for a word: its æ, ø, å as ae, oe, aa, or the other way round. */
static const swap *digraphs_for(const char *word)
{
	return strpbrk(word, "\xC3") ? to_digraph : from_digraph;
}

static void respell(const char *w, const swap *sw, size_t nsw, kb_buf *cur, char ***out, size_t *nout)
{
	if (*nout >= MAX_SPELLINGS)
		return;
	if (!*w) {
		*out = kb_xrealloc(*out, (*nout + 1) * sizeof **out);
		(*out)[(*nout)++] = kb_xstrdup(cur->s ? cur->s : "");
		return;
	}
	size_t keep = cur->len;
	for (size_t i = 0; i < nsw; i++) {
		size_t fl = strlen(sw[i].from);
		if (strncmp(w, sw[i].from, fl) != 0)
			continue;
		kb_buf_adds(cur, sw[i].to);
		respell(w + fl, sw, nsw, cur, out, nout);
		kb_buf_cut(cur, keep);
	}
	size_t cl = 1;
	while (((unsigned char)w[cl] & 0xC0) == 0x80)
		cl++;
	kb_buf_add(cur, w, cl);
	respell(w + cl, sw, nsw, cur, out, nout);
	kb_buf_cut(cur, keep);
}

/* Adds the forms of word's respellings by sw[0..nsw) that the index holds; returns how many. Each
 * respelling with a form there is also added to held (owned by the caller), when held is given. */
static size_t add_respellings(kb_vocab *v, kb_wforms *f, const char *word, const char *typed,
                              const swap *sw, size_t nsw, char ***held, size_t *nheld)
{
	char **alts = NULL;
	size_t nalts = 0, hits = 0;
	kb_buf cur = { 0 };
	respell(word, sw, nsw, &cur, &alts, &nalts);
	kb_buf_free(&cur);
	for (size_t i = 0; i < nalts; i++) {
		/* a plain a or o read as å or ø is a guess: only into a word the index holds as such, not
		 * one that shares a stem with it (medicinradt is a typo of medicinrådet, not medicinrådt) */
		if (strcmp(alts[i], word) != 0 && (sw != lossy || freq(v, alts[i]) > 0)) {
			kb_buf why = { 0 };
			kb_buf_printf(&why, "%s → %s (folding)", typed, alts[i]);
			size_t h = add_word(v, f, alts[i], KB_GRADE_NEAR, KB_GRADE_NEAR, why.s);
			kb_buf_free(&why);
			hits += h;
			if (h && held) {
				*held = kb_xrealloc(*held, (*nheld + 1) * sizeof **held);
				(*held)[(*nheld)++] = kb_xstrdup(alts[i]);
			}
		}
		free(alts[i]);
	}
	free(alts);
	return hits;
}

/* A part is known when the index holds it or a word of its stem ("patient" in "patienterne"). */
static bool known_in_index(void *ctx, const char *s, size_t n)
{
	char w[128];
	if (n >= sizeof w)
		return false;
	memcpy(w, s, n);
	w[n] = '\0';
	return kb_vocab_knows(ctx, w);
}

/* A word the index does not know as such may be a compound of words it knows: patientsikkerhed
 * meets "sikkerhed for patienterne". */
static void split_parts(kb_vocab *v, kb_wforms *f, const char *word)
{
	kb_part parts[KB_MAX_PARTS];
	size_t k = kb_compound_split(word, known_in_index, v, parts, KB_MAX_PARTS);
	if (k < 2)
		return;
	f->parts = kb_xcalloc(k, sizeof *f->parts);
	for (size_t i = 0; i < k; i++)
		f->parts[i] = kb_xstrndup(word + parts[i].start, parts[i].len);
	f->nparts = k;
}

/* Do the parts of a split stand in the index as words? A part it knows only as a stem ("cele" in
 * celeterapi, through cel, the stem of celle) is a guess: a close spelling of the whole word
 * (celleterapi) explains the word better. False when the word was not split. */
static bool parts_are_words(kb_vocab *v, const kb_wforms *f)
{
	for (size_t i = 0; i < f->nparts; i++)
		if (freq(v, f->parts[i]) == 0)
			return false;
	return f->nparts > 0;
}

static void drop_parts(kb_wforms *f)
{
	for (size_t i = 0; i < f->nparts; i++)
		free(f->parts[i]);
	free(f->parts);
	f->parts = NULL;
	f->nparts = 0;
}

/* ---- spelling ---- */

/* Optimal string alignment distance (a swap of two neighbours is one edit: hopsital → hospital),
 * or max + 1 once it is certainly more than max. Only cells within max of the diagonal can stay
 * within max, so only those are worked out (Ukkonen's band). */
static int distance(const uint32_t *a, size_t n, const uint32_t *b, size_t m, int max)
{
	int d[MAX_CODEPOINTS + 1][MAX_CODEPOINTS + 1];
	size_t w = (size_t)max;
	if ((n > m ? n - m : m - n) > w)
		return max + 1;
#define CELL(i, j) ((j) + w < (i) || (j) > (i) + w ? max + 1 : d[i][j])
	for (size_t j = 0; j <= m && j <= w; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= n; i++) {
		size_t lo = i > w ? i - w : 1, hi = i + w < m ? i + w : m;
		if (lo == 1)
			d[i][0] = (int)i;
		int rowmin = lo == 1 ? (int)i : max + 1;
		for (size_t j = lo; j <= hi; j++) {
			int cost = a[i - 1] != b[j - 1];
			int v = CELL(i - 1, j) + 1;
			if (CELL(i, j - 1) + 1 < v)
				v = CELL(i, j - 1) + 1;
			if (CELL(i - 1, j - 1) + cost < v)
				v = CELL(i - 1, j - 1) + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && CELL(i - 2, j - 2) + 1 < v)
				v = CELL(i - 2, j - 2) + 1;
			d[i][j] = v;
			if (v < rowmin)
				rowmin = v;
		}
		if (rowmin > max)
			return max + 1;
	}
#undef CELL
	return d[n][m] > max ? max + 1 : d[n][m];
}

static bool is_acronym(const char *typed)
{
	size_t letters = 0;
	for (const unsigned char *p = (const unsigned char *)typed; *p; p++) {
		if (*p >= 'a' && *p <= 'z')
			return false;
		letters += (*p >= 'A' && *p <= 'Z');
	}
	return letters > 0;
}

/* A typo in a word typed without æ, ø or å is one edit from a respelling of it and three or more
 * from the word: "laegemidelstyrelsen" is one letter from lægemiddelstyrelsen read with æ, "forsgo"
 * two letters swapped in forsøg read with ø. So a correction starts from the word as typed and its
 * respellings with up to MAX_RESPELT of ae, oe, aa read as æ, ø, å; and, only when none of those is
 * near a word of the index, from its respellings with a plain a or o read as å or ø, as the lossy
 * respellings of kb_expand_word come only after the others: a guess, and most words hold an a or an
 * o. At most MAX_STARTS spellings each time, fewer letters respelt first. */
#define MAX_RESPELT 2
#define MAX_STARTS 32

typedef struct {
	uint32_t cp[MAX_CODEPOINTS];
	size_t n;
	uint64_t mask, twice;  /* its letter sets (words.h) */
} spelling;

static const struct {
	uint32_t from[2];
	size_t nfrom;
	uint32_t to;
	bool lossy;
} letter_swaps[] = {
	{ { 'a', 'e' }, 2, 0xE6, false }, { { 'o', 'e' }, 2, 0xF8, false }, { { 'a', 'a' }, 2, 0xE5, false },
	{ { 'a' }, 1, 0xE5, true }, { { 'o' }, 1, 0xF8, true },
};

struct respelling {
	const uint32_t *w;     /* the word */
	size_t n;
	bool lossy;            /* the spellings wanted: with a plain a or o read as å or ø, or without */
	uint32_t cur[MAX_CODEPOINTS];
	spelling *out;
	size_t nout;
};

/* Adds the spellings of w[i..n) after cur[0..len) with exactly k letters respelt; used: whether a
 * plain a or o was respelt in cur. */
static void respell_from(struct respelling *r, size_t i, size_t len, int k, bool used)
{
	if (r->nout >= MAX_STARTS || (size_t)k > r->n - i)
		return;
	if (i == r->n) {
		if (used != r->lossy)
			return;
		spelling *sp = &r->out[r->nout++];
		memcpy(sp->cp, r->cur, len * sizeof *r->cur);
		sp->n = len;
		sp->mask = kb_letter_mask(r->cur, len);
		sp->twice = kb_letter_mask_twice(r->cur, len);
		return;
	}
	for (size_t s = 0; k > 0 && s < sizeof letter_swaps / sizeof *letter_swaps; s++) {
		size_t fl = letter_swaps[s].nfrom;
		if ((letter_swaps[s].lossy && !r->lossy) || i + fl > r->n || r->w[i] != letter_swaps[s].from[0] ||
		    (fl == 2 && r->w[i + 1] != letter_swaps[s].from[1]))
			continue;
		r->cur[len] = letter_swaps[s].to;
		respell_from(r, i + fl, len + 1, k - 1, used || letter_swaps[s].lossy);
	}
	r->cur[len] = r->w[i];
	respell_from(r, i + 1, len + 1, k, used);
}

/* The spellings of q[0..n) a correction starts from (see above), into out; returns how many. Without
 * lossy, the word as typed is the first. */
static size_t spellings(const uint32_t *q, size_t n, bool lossy, spelling *out)
{
	struct respelling r = { .w = q, .n = n, .lossy = lossy, .out = out };
	for (int k = 0; k <= MAX_RESPELT; k++)
		respell_from(&r, 0, 0, k, false);
	return r.nout;
}

static bool closer(int d, size_t freq, size_t i, int d2, size_t freq2, size_t i2)
{
	return d < d2 || (d == d2 && (freq > freq2 || (freq == freq2 && i < i2)));
}

/* The letter-set test below runs for every word of about the right length; without the
 * processor's own popcount instruction (not in the x86-64 baseline Debian builds for) each count
 * was a library call, and half the time of a correction. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define KB_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define KB_POPCNT_CLONES
#endif

/* The nearest words the index knows within max edits of one of the spellings sp[0..nsp), the
 * closest, then the most frequent, then the first in byte order: up to MAX_CORRECTIONS of them into
 * best and bestd; returns how many. Each word of about the right length is read once, however many
 * spellings there are: its letter set is tested against the letters every spelling holds and those
 * any holds, and only a word that passes is compared with each spelling. */
KB_POPCNT_CLONES static size_t nearest(kb_vocab *v, const spelling *sp, size_t nsp, int max, size_t *best,
                                       int *bestd)
{
	/* the letters every spelling holds, and those that only some do (which a word may hold or not) */
	uint64_t every = ~0ULL, any = 0, every2 = ~0ULL, any2 = 0;
	size_t shortest = SIZE_MAX, longest = 0, nbest = 0;
	for (size_t s = 0; s < nsp; s++) {
		every &= sp[s].mask;
		any |= sp[s].mask;
		every2 &= sp[s].twice;
		any2 |= sp[s].twice;
		shortest = sp[s].n < shortest ? sp[s].n : shortest;
		longest = sp[s].n > longest ? sp[s].n : longest;
	}
	uint64_t fixed = ~(any & ~every), fixed2 = ~(any2 & ~every2);
	/* max edits change the length by at most max, and the letter sets by at most 2 * max (words.h):
	 * a word within max of some spelling lacks at most 2 * max letters that every spelling holds, or
	 * holds at most that many that none does (with one spelling: the letters in one set of the two) */
	for (size_t len = shortest > (size_t)max ? shortest - (size_t)max : 0;
	     nsp && len <= longest + (size_t)max && len < MAX_CODEPOINTS; len++) {
		kb_word_span span = kb_words_of_length(v->words, len);
		for (size_t j = 0; j < span.n; j++) {
			uint64_t m = span.mask[j], t = span.twice[j];
			if (__builtin_popcountll((every ^ m) & fixed) + __builtin_popcountll((every2 ^ t) & fixed2) > 2 * max)
				continue;
			size_t i = span.idx[j];
			kb_word cand = kb_words_at(v->words, i);
			uint32_t cps[MAX_CODEPOINTS];
			size_t cn = kb_utf8_decode(cand.word, cps, MAX_CODEPOINTS);
			int d = max + 1;
			for (size_t s = 0; s < nsp && d > 0; s++) {
				if (nsp > 1 && ((sp[s].n > cn ? sp[s].n - cn : cn - sp[s].n) > (size_t)max ||
				                __builtin_popcountll(sp[s].mask ^ m) + __builtin_popcountll(sp[s].twice ^ t) > 2 * max))
					continue;
				/* 0 only from a respelling (the word as typed is not in the index) that those of
				 * kb_expand_word, MAX_SPELLINGS at most, did not reach */
				int ds = distance(sp[s].cp, sp[s].n, cps, cn, max);
				if (ds < d)
					d = ds;
			}
			if (d > max)
				continue;
			/* keep the closest, then the most frequent, then the first in byte order */
			size_t pos = nbest;
			while (pos > 0 && closer(d, cand.freq, i, bestd[pos - 1],
			                         kb_words_at(v->words, best[pos - 1]).freq, best[pos - 1]))
				pos--;
			if (pos >= MAX_CORRECTIONS)
				continue;
			if (nbest < MAX_CORRECTIONS)
				nbest++;
			memmove(best + pos + 1, best + pos, (nbest - 1 - pos) * sizeof *best);
			memmove(bestd + pos + 1, bestd + pos, (nbest - 1 - pos) * sizeof *bestd);
			best[pos] = i;
			bestd[pos] = d;
		}
	}
	return nbest;
}

/* The nearest words the index knows, from the word or its respellings: edit distance 1 for 4-7
 * letters, 2 for longer; several at the same distance are all kept, the most frequent first. */
static void add_corrections(kb_vocab *v, kb_wforms *f, const char *word, const char *typed)
{
	uint32_t q[MAX_CODEPOINTS];
	size_t n = kb_utf8_decode(word, q, MAX_CODEPOINTS);
	if (n < 4 || n >= MAX_CODEPOINTS || is_acronym(typed))
		return;
	for (const char *p = word; *p; p++)
		if (*p >= '0' && *p <= '9')
			return;
	int max = n <= 7 ? 1 : 2;
	spelling sp[MAX_STARTS];
	size_t best[MAX_CORRECTIONS];
	int bestd[MAX_CORRECTIONS];
	size_t nbest = nearest(v, sp, spellings(q, n, false, sp), max, best, bestd);
	if (nbest == 0)
		nbest = nearest(v, sp, spellings(q, n, true, sp), max, best, bestd);
	for (size_t i = 0; i < nbest; i++) {
		if (bestd[i] > bestd[0])
			break;
		kb_buf why = { 0 };
		const char *fix = kb_words_at(v->words, best[i]).word;
		kb_buf_printf(&why, "%s → %s (spelling)", typed, fix);
		add_word(v, f, fix, KB_GRADE_SPELLING, KB_GRADE_SPELLING, why.s);
		kb_buf_free(&why);
		f->fixes = kb_xrealloc(f->fixes, (f->nfixes + 1) * sizeof *f->fixes);
		f->fixes[f->nfixes++] = kb_xstrdup(fix);
	}
}

/* The other spellings of the Danish letters that word is read as, into f, after the word's own
 * forms, of which the index holds hits (known: it holds the word itself). Another spelling of the
 * letters is always worth asking for (Århus and Aarhus); a plain a or o read as å or ø only for a
 * word the index does not know, in no form (rod and rød stay apart). Returns how many forms of them
 * the index holds; the respellings it holds go to held, when given (see add_respellings). */
static size_t add_spellings(kb_vocab *v, kb_wforms *f, const char *word, const char *typed, bool known,
                            size_t hits, char ***held, size_t *nheld)
{
	size_t more = add_respellings(v, f, word, typed, digraphs_for(word), 3, held, nheld);
	if (!known && hits + more == 0)
		more += add_respellings(v, f, word, typed, lossy, NLOSSY, held, nheld);
	return more;
}

size_t kb_respellings(kb_vocab *v, const char *word, char ***out)
{
	*out = NULL;
	size_t n = 0;
	if (strpbrk(word, "\xC3"))
		return 0;
	/* a word with none of ae, oe, aa has other spellings only when the index does not know it */
	bool known = freq(v, word) > 0;
	if (known && !strstr(word, "ae") && !strstr(word, "oe") && !strstr(word, "aa"))
		return 0;
	kb_wforms f;
	memset(&f, 0, sizeof f);
	size_t hits = add_word(v, &f, word, KB_GRADE_EXACT, KB_GRADE_STEM, NULL);
	add_spellings(v, &f, word, word, known, hits, out, &n);
	kb_wforms_clear(&f);
	return n;
}

/* The respelling of s (not s itself) by sw[0..nsw) that score rates highest; NULL when none scores
 * above 0. */
static char *best_respelling(kb_vocab *v, const char *s, size_t (*score)(kb_vocab *, const char *),
                             const swap *sw, size_t nsw)
{
	char **alts = NULL, *best = NULL;
	size_t nalts = 0, most = 0;
	kb_buf cur = { 0 };
	respell(s, sw, nsw, &cur, &alts, &nalts);
	kb_buf_free(&cur);
	for (size_t i = 0; i < nalts; i++) {
		size_t f = strcmp(alts[i], s) != 0 ? score(v, alts[i]) : 0;
		if (f > most) {
			most = f;
			free(best);
			best = alts[i];
		} else {
			free(alts[i]);
		}
	}
	free(alts);
	return best;
}

/* Is word a headword or a translation of the dictionaries (kb_translations): a word of Danish or
 * English as typed, which a respelling would only guess at ("mad" is no "måd"). */
static bool in_dictionary(kb_vocab *v, const char *word)
{
	char *found = dictionary_entry(v, word);
	free(found);
	return found != NULL;
}

char *kb_read_as(kb_vocab *v, const char *word, bool (*may_guess)(void *ctx), void *ctx)
{
	/* the respelling must be a word of the index itself: a stem shared with one is not enough
	 * (korrigere is no kørrigere for køre's sake), while the word as typed may share a stem with
	 * another word (noglen is nøglen, not nogle) */
	if (freq(v, word) > 0 || in_dictionary(v, word))
		return NULL;
	/* a plain a or o is a guess, and a short word typed so is as often English (host, mask, bare) */
	char *r = best_respelling(v, word, freq, digraphs_for(word), 3);
	if (!r && strlen(word) >= KB_GUESS_MIN_BYTES && may_guess(ctx))
		r = best_respelling(v, word, freq, lossy, NLOSSY);
	return r;
}

/* How frequent the most frequent word starting with prefix is; 0: there is none. */
static size_t top_frequency(kb_vocab *v, const char *prefix)
{
	const char **top = NULL;
	size_t f = kb_prefix_words(v, prefix, 1, &top) ? kb_words_freq(v->words, top[0]) : 0;
	free(top);
	return f;
}

char *kb_prefix_read_as(kb_vocab *v, const char *prefix)
{
	size_t lo, hi;
	kb_words_prefix(v->words, prefix, &lo, &hi);
	if (!*prefix || lo < hi) /* a word starts with it as typed: the common case, at every keystroke */
		return NULL;
	char *r = best_respelling(v, prefix, top_frequency, digraphs_for(prefix), 3);
	return r ? r : best_respelling(v, prefix, top_frequency, lossy, NLOSSY);
}

void kb_expand_word(kb_vocab *v, const char *word, const char *typed, kb_wforms *f)
{
	memset(f, 0, sizeof *f);
	size_t hits = add_word(v, f, word, KB_GRADE_EXACT, KB_GRADE_STEM, NULL);
	bool known = freq(v, word) > 0;
	hits += add_spellings(v, f, word, typed, known, hits, NULL, NULL);
	if (f->found < KB_PLENTY)
		split_parts(v, f, word);
	if (!known && hits == 0 && !parts_are_words(v, f))
		add_corrections(v, f, word, typed);
	if (f->nfixes)
		drop_parts(f);
	/* the word as typed is always asked for, even when unknown, so it still marks in snippets */
	if (f->n == 0 || strcmp(f->v[0].term, word) != 0)
		add_form(f, word, KB_GRADE_EXACT, NULL);
}

void kb_wforms_clear(kb_wforms *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].term);
		free(f->v[i].why);
	}
	free(f->v);
	drop_parts(f);
	kb_strings_free(f->fixes, f->nfixes);
	memset(f, 0, sizeof *f);
}
