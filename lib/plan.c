#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synmatch.h"
#include "util.h"

/* Each grade is a synonym of its own forms (see kb_grade), weighted apart. A document holding the
 * word as typed also holds its stem (both are indexed at every word), so it collects the exact and
 * the stem weights; one with only the stem, the stem weight; and so on down: exact > stem > near >
 * spelling. The exact grade of a word with stems is a bonus (kb_plan.bonus), weighed for the best
 * hits only: in the query, its posting list (as long as the stem's) was read for every match. */
static const double level_weight[KB_GRADE_N] = { 0.6, 1.0, 0.7, 0.5 };
#define W_PARTS 0.6 /* all the parts of a compound, as separate words */
#define W_SYN   0.5 /* another term of the word's synonym group, per word typed: a phrase weighs
                       as much as its words together, so a longer alternative is scaled down */
#define W_GROUP 0.7 /* a synonym group's index term (any of its terms), per word typed */
#define W_PHRASE_TERM 1.0 /* a phrase asked for by its synonym term, per word */
#define W_FIX_SYN 0.15 /* a correction's synonyms, on top of W_GROUP: far below the correction itself,
                       or a page on the synonym outranks the page with the corrected word */
#define W_RESPELT_SYN 0.01 /* the synonyms met through another spelling of a word the index knows
                       as typed (ae for æ, and so on), on top of W_GROUP: they only add the pages
                       the respelling (a near grade) misses, and must not outrank them. A word the
                       index knows only with the letters is read as typed with them instead
                       (read_as_respelt), synonyms and all */
#define W_TRANS 0.9 /* a dictionary translation into the other language, per word typed */
#define W_UNIT  2.0 /* a legal reference cited as a unit */

/* What the synonyms of a term met as typed (1) or through a respelling (kb_synonym_match) weigh. */
static double respelt_weight(bool respelt)
{
	return respelt ? W_RESPELT_SYN : 1.0;
}

struct ctx {
	kb_analyzer *an;
	kb_vocab *vocab;
	kb_plan *plan;
	char **typos;       /* pairs: typed word, its correction */
	size_t ntypos;
	double scale;       /* what the word being planned is scaled by in the query, for its bonus */
	const kb_query *pq;
	int english;        /* a positive word of the query is one the index holds in English documents
	                       only: 1, 0, or -1 until asked (may_guess) */
	struct in_a_row *rows; /* the synonym terms typed as separate words (synonym_query) */
	size_t nrows;
};

/* A synonym term typed as separate words: the query for its words anywhere in a section (a node of
 * the plan's query, borrowed), and for the term where they stand in a row (owned). */
struct in_a_row {
	const kb_eq *apart;
	kb_eq *row;
};

/* Keeps typed and its correction for the suggestion, as "key:typed" and "key:fix" with a key. */
static void add_typo(struct ctx *c, const char *key, const char *typed, const char *fix)
{
	kb_buf t = { 0 }, f = { 0 };
	kb_buf_printf(&t, "%s%s%s", key ? key : "", key ? ":" : "", typed);
	kb_buf_printf(&f, "%s%s%s", key ? key : "", key ? ":" : "", fix);
	c->typos = kb_xrealloc(c->typos, (c->ntypos + 1) * 2 * sizeof *c->typos);
	c->typos[2 * c->ntypos] = kb_buf_detach(&t);
	c->typos[2 * c->ntypos + 1] = kb_buf_detach(&f);
	c->ntypos++;
}

struct typed_terms {
	kb_why *w;
};

static void take_typed(void *ctx, const char *term, kb_form form)
{
	kb_why *w = ctx;
	if (form != KB_FORM_PART && w->nas_typed < 3)
		w->as_typed[w->nas_typed++] = kb_xstrdup(term);
}

/* Explains term with why, for hits that do not hold typed_word (folded) as typed. */
static void add_why(struct ctx *c, const char *term, const char *why, const char *typed, const char *typed_word)
{
	kb_plan *p = c->plan;
	for (size_t i = 0; i < p->nwhys; i++)
		if (strcmp(p->whys[i].term, term) == 0)
			return;
	p->whys = kb_xrealloc(p->whys, (p->nwhys + 1) * sizeof *p->whys);
	kb_why *w = &p->whys[p->nwhys++];
	*w = (kb_why){ .term = kb_xstrdup(term), .why = why ? kb_xstrdup(why) : NULL,
	               .typed = typed ? kb_xstrdup(typed) : NULL };
	if (typed_word)
		kb_analyzer_query_terms(c->an, typed_word, take_typed, w);
}

/* Explains the alternative words[0..n) (a synonym or a translation of typed_word), for hits that
 * hold all of its words but not typed_word as typed. */
static void add_why_words(struct ctx *c, char *const *words, size_t n, const char *why, const char *typed_word)
{
	const char *key[4];
	size_t nk = 0;
	for (size_t i = 0; i < n && nk < 4; i++)
		if (!kb_is_stopword(words[i]))
			key[nk++] = words[i];
	if (!nk)
		return;
	add_why(c, key[0], why, NULL, typed_word);
	kb_why *w = &c->plan->whys[c->plan->nwhys - 1];
	if (strcmp(w->term, key[0]) != 0 || w->nalso)
		return; /* the first word explained something else already */
	for (size_t i = 1; i < nk; i++)
		w->also[w->nalso++] = kb_xstrdup(key[i]);
}

/* The plain forms of a word, with no expansion: for synonyms, translations and compound parts. A
 * translation into Danish may stand inside a compound ("treatment" → behandling, in
 * behandlingscentre), so parts are asked for too. */
static void add_plain(void *p, const char *term, kb_form form)
{
	struct { kb_eq *syn; kb_termset *ts; } *x = p;
	(void)form;
	kb_eq_add(x->syn, kb_eq_term(term));
	kb_termset_add(x->ts, term);
}

static void add_exact_or_stem(void *p, const char *term, kb_form form)
{
	if (form != KB_FORM_PART)
		kb_eq_add(p, kb_eq_term(term));
}

/* The word and its stems only. */
static kb_eq *exact_and_stems(struct ctx *c, const char *word)
{
	kb_eq *syn = kb_eq_new(KB_EQ_SYNONYM);
	kb_analyzer_query_terms(c->an, word, add_exact_or_stem, syn);
	return syn;
}

static void mark_term(void *p, const char *term, kb_form form)
{
	(void)form;
	kb_termset_add(p, term);
}

/* Marks a word's forms in snippets without asking for them. */
static void mark_word(struct ctx *c, const char *word)
{
	kb_analyzer_query_terms(c->an, word, mark_term, &c->plan->marks);
}

static kb_eq *plain_word(struct ctx *c, const char *word)
{
	struct { kb_eq *syn; kb_termset *ts; } x = { kb_eq_new(KB_EQ_SYNONYM), &c->plan->marks };
	kb_analyzer_query_terms(c->an, word, add_plain, &x);
	return x.syn;
}

static kb_eq *phrase_query(struct ctx *c, char *const *words, size_t n);
static void add_synonyms(struct ctx *c, kb_eq *into, const char *text, const char *typed_word, double k,
                         const kb_syngroup *g, size_t matched);

/* A term asked for in two places weighs twice, as it would in the query. */
static void add_bonus(kb_plan *p, const char *term, double scale)
{
	for (size_t i = 0; i < p->nbonus; i++)
		if (strcmp(p->bonus[i].term, term) == 0) {
			p->bonus[i].scale += scale;
			return;
		}
	p->bonus = kb_xrealloc(p->bonus, (p->nbonus + 1) * sizeof *p->bonus);
	p->bonus[p->nbonus++] = (kb_bonus){ kb_xstrdup(term), scale };
}

/* The word's translations that the index holds, as alternatives: an English query meets the Danish
 * document on the same subject where synonyms.txt is silent. */
static void add_translations(struct ctx *c, kb_eq *q, const char *word, const char *typed)
{
	char **tr = NULL;
	size_t ntr = kb_translations(c->vocab, word, &tr);
	for (size_t i = 0; i < ntr; i++) {
		kb_tokens t = { 0 };
		kb_analyze(c->an, tr[i], strlen(tr[i]), 0, &t);
		char **words = kb_xcalloc(t.n ? t.n : 1, sizeof *words);
		bool known = t.n > 0;
		for (size_t k = 0; k < t.n; k++) {
			words[k] = kb_xstrdup(kb_tokens_word(&t, k));
			known &= kb_vocab_knows(c->vocab, words[k]);
		}
		if (known) {
			kb_eq *alt = t.n == 1 ? plain_word(c, words[0]) : phrase_query(c, words, t.n);
			kb_eq_add(q, kb_eq_scale(alt, W_TRANS / (double)t.n));
			kb_buf why = { 0 };
			kb_buf_printf(&why, "%s → %s (translation)", typed, tr[i]);
			add_why_words(c, words, t.n, why.s, word);
			kb_buf_free(&why);
		}
		kb_strings_free(words, t.n);
		kb_tokens_clear(&t);
	}
	kb_strings_free(tr, ntr);
}

/* A correction's synonyms are asked for too, weighed well below it: "genterepi" meets the pages on
 * gene therapy that "genterapi" meets. The group's term also lets Xapian's weight bounds prune: a
 * correction alone is one long posting list, read to its end for a page of ten. */
static void correction_synonyms(struct ctx *c, kb_eq *q, const kb_wforms *f)
{
	kb_eq *alts = kb_eq_new(KB_EQ_OR);
	const kb_syngroup *seen[4];
	size_t nseen = 0;
	for (size_t i = 0; i < f->nfixes && nseen < 4; i++) {
		const kb_syngroup *g = NULL;
		size_t term = 0, k;
		if (kb_synonym_match(c->vocab, &f->fixes[i], 1, NULL, &g, &term) != 1)
			continue;
		for (k = 0; k < nseen && seen[k] != g; k++)
			;
		if (k < nseen)
			continue; /* two spellings of one group's term: its synonyms once */
		seen[nseen++] = g;
		add_synonyms(c, alts, f->fixes[i], f->fixes[i], 1, g, term);
	}
	if (alts->nkids)
		kb_eq_add(q, kb_eq_scale(alts, W_FIX_SYN));
	else
		kb_eq_free(alts);
}

/* One query word: its graded forms, its parts when it is a compound, and its translations. */
static kb_eq *word_query(struct ctx *c, const char *word, const char *typed)
{
	kb_wforms f;
	kb_expand_word(c->vocab, word, typed, &f);
	kb_eq *q = kb_eq_new(KB_EQ_OR);
	/* every section holding the word as typed holds its stem too: with stems, the exact grade only
	 * adds weight to what they find, as a bonus */
	bool stemmed = false;
	for (size_t i = 0; i < f.n; i++)
		stemmed |= f.v[i].grade == KB_GRADE_STEM;
	for (int g = 0; g < KB_GRADE_N; g++) {
		bool bonus = g == KB_GRADE_EXACT && stemmed;
		kb_eq *syn = kb_eq_new(KB_EQ_SYNONYM);
		for (size_t i = 0; i < f.n; i++) {
			if ((int)f.v[i].grade != g)
				continue;
			if (bonus)
				add_bonus(c->plan, f.v[i].term, c->scale * level_weight[g]);
			else
				kb_eq_add(syn, kb_eq_term(f.v[i].term));
		}
		if (syn->nkids)
			kb_eq_add(q, kb_eq_scale(syn, level_weight[g]));
		else
			kb_eq_free(syn);
	}
	for (size_t i = 0; i < f.n; i++) {
		kb_termset_add(&c->plan->marks, f.v[i].term);
		if (f.v[i].why)
			add_why(c, f.v[i].term, f.v[i].why, typed, word);
		else if (f.v[i].term[0] == KB_PFX_PART[0])
			add_why(c, f.v[i].term, NULL, typed, word);
	}
	if (f.nparts >= 2) {
		kb_eq *all = kb_eq_new(KB_EQ_AND);
		for (size_t i = 0; i < f.nparts; i++)
			kb_eq_add(all, plain_word(c, f.parts[i]));
		kb_eq_add(q, kb_eq_scale(all, W_PARTS));
	}
	if (f.found < KB_PLENTY)
		add_translations(c, q, word, typed);
	if (f.nfixes) {
		correction_synonyms(c, q, &f);
		add_typo(c, NULL, typed, f.fixes[0]);
	}
	kb_wforms_clear(&f);
	return q;
}

struct phrase_forms {
	kb_eq *ph[3]; /* the words as typed (all of them), Danish stems, English stems (phrases) */
	kb_termset *ts;
};

static void add_phrase_form(void *ctx, const char *term, kb_form form)
{
	struct phrase_forms *p = ctx;
	if (form == KB_FORM_PART)
		return;
	int k = form == KB_FORM_EXACT ? 0 : strncmp(term, KB_PFX_STEM_DA, 2) == 0 ? 1 : 2;
	kb_eq_add(p->ph[k], kb_eq_term(term));
	kb_termset_add(p->ts, term);
}

/* Only stems are indexed with positions (schema.h), so a phrase is asked for as the stems of each
 * language in a row (each document has its language's), and the words as typed add their weight
 * where the document holds them all. A phrase with a word that has no stem (rare: "'s") can only
 * be asked for as its words, in any order. */
static kb_eq *phrase_query(struct ctx *c, char *const *words, size_t n)
{
	struct phrase_forms p = { { kb_eq_new(KB_EQ_AND), kb_eq_new(KB_EQ_PHRASE), kb_eq_new(KB_EQ_PHRASE) },
	                          &c->plan->marks };
	for (size_t i = 0; i < n; i++)
		kb_analyzer_query_terms(c->an, words[i], add_phrase_form, &p);
	kb_eq *stems = kb_eq_new(KB_EQ_OR);
	for (int k = 1; k < 3; k++) {
		if (p.ph[k]->nkids == n)
			kb_eq_add(stems, kb_eq_scale(p.ph[k], level_weight[KB_GRADE_STEM]));
		else
			kb_eq_free(p.ph[k]);
	}
	kb_eq *exact = kb_eq_scale(p.ph[0], level_weight[KB_GRADE_EXACT]);
	if (!stems->nkids) {
		kb_eq_free(stems);
		return exact;
	}
	kb_eq *q = kb_eq_new(KB_EQ_AND_MAYBE);
	kb_eq_add(q, stems);
	kb_eq_add(q, exact);
	return q;
}

/* ---- clauses ---- */

/* A positive clause with its words, before it becomes a query. */
typedef struct {
	const kb_qnode *node;
	char **words;    /* owned; folded */
	size_t n;
} unit;

static void unit_words(struct ctx *c, const kb_qnode *nd, unit *u)
{
	kb_tokens t = { 0 };
	u->node = nd;
	u->words = NULL;
	u->n = 0;
	if (nd->kind == KB_QN_OR)
		return;
	kb_analyze(c->an, nd->text, strlen(nd->text), 0, &t);
	u->words = kb_xcalloc(t.n ? t.n : 1, sizeof *u->words);
	for (size_t i = 0; i < t.n; i++)
		u->words[u->n++] = kb_xstrdup(kb_tokens_word(&t, i));
	kb_tokens_clear(&t);
}

static void unit_clear(unit *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->words[i]);
	free(u->words);
}

struct folding_why {
	struct ctx *c;
	const char *why, *typed;
};

static void add_folding_why(void *p, const char *term, kb_form form)
{
	struct folding_why *f = p;
	if (form != KB_FORM_PART)
		add_why(f->c, term, f->why, f->typed, f->typed);
}

/* May a plain a or o of a word of this query be read as å or ø (kb_read_as)? Not in an English query
 * ("formal requirements": formal is no formål). Worked out only when a word needs it: most queries
 * hold no word the index does not know. */
static bool may_guess(void *p)
{
	struct ctx *c = p;
	for (size_t i = 0; i < c->pq->nclauses && c->english < 0; i++) {
		if (c->pq->clauses[i]->negated)
			continue;
		unit u;
		unit_words(c, c->pq->clauses[i], &u);
		for (size_t w = 0; w < u.n && c->english < 0; w++)
			if (kb_english_only(c->vocab, u.words[w]))
				c->english = 1;
		unit_clear(&u);
	}
	if (c->english < 0)
		c->english = 0;
	return !c->english;
}

/* A word of a clause that kb_read_as reads with æ, ø or å (a plain a or o not in an English query) is
 * searched for as that spelling: it was typed on a keyboard without the letters, and finds and ranks
 * what the word typed with them would (its synonyms too), or excludes it after "-". With explain,
 * hits are told how it was read. */
static void read_as_respelt(struct ctx *c, unit *u, bool explain)
{
	if (u->node->kind == KB_QN_OR)
		return;
	for (size_t i = 0; i < u->n; i++) {
		bool prefix = u->node->kind == KB_QN_PREFIX && i + 1 == u->n;
		char *r = prefix ? kb_prefix_read_as(c->vocab, u->words[i])
		                 : kb_read_as(c->vocab, u->words[i], may_guess, c);
		if (!r)
			continue;
		if (prefix) { /* its words are too many to explain one by one; the marks show them */
			free(u->words[i]);
			u->words[i] = r;
			continue;
		}
		const char *typed = u->n == 1 ? u->node->text : u->words[i];
		kb_buf why = { 0 };
		if (explain) {
			kb_buf_printf(&why, "%s → %s (folding)", typed, r);
			struct folding_why f = { c, why.s, u->words[i] };
			kb_analyzer_query_terms(c->an, r, add_folding_why, &f);
		}
		kb_buf_free(&why);
		free(u->words[i]);
		u->words[i] = r;
	}
}

static void clause_queries(struct ctx *c, unit *units, size_t n, bool drop_stop, kb_eq *out);

/* The words of the index starting with prefix, as one word: a prefix of KB_START_CHARS characters
 * is the one start term that stands for all of them (analyzer.h); a longer one is expanded here
 * from the vocabulary in memory, once, rather than by Xapian from the index's term list, for each
 * pass of the search. */
static kb_eq *prefix_query(struct ctx *c, const char *prefix)
{
	size_t len = strlen(prefix);
	if (len && kb_start_len(prefix) == len) {
		char t[sizeof KB_PFX_START + 4 * KB_START_CHARS];
		snprintf(t, sizeof t, "%s%s", KB_PFX_START, prefix);
		return kb_eq_term(t);
	}
	const char **words = NULL;
	size_t n = kb_prefix_words(c->vocab, prefix, KB_WILDCARD_TERMS, &words);
	kb_eq *q = n ? kb_eq_new(KB_EQ_SYNONYM) : kb_eq_wildcard(prefix);
	for (size_t i = 0; i < n; i++)
		kb_eq_add(q, kb_eq_term(words[i]));
	free(words);
	return q;
}

static kb_eq *unit_query(struct ctx *c, const unit *u, bool drop_stop)
{
	const kb_qnode *nd = u->node;
	if (nd->kind == KB_QN_OR) {
		/* each alternative is planned as the query of it alone would be (its synonyms too), so
		 * "a OR b" finds what "a" and "b" find */
		kb_eq *q = kb_eq_new(KB_EQ_OR);
		for (size_t i = 0; i < nd->nkids; i++) {
			unit alt;
			unit_words(c, nd->kids[i], &alt);
			read_as_respelt(c, &alt, true);
			clause_queries(c, &alt, 1, false, q);
			unit_clear(&alt);
		}
		if (q->nkids == 0) {
			kb_eq_free(q);
			return NULL;
		}
		return q;
	}
	if (u->n == 0)
		return NULL;
	if (nd->kind == KB_QN_PREFIX) {
		/* "gen*": the last word is the prefix; words before it ("CAR-T*") must also be there */
		kb_eq *q = kb_eq_new(KB_EQ_AND);
		for (size_t i = 0; i + 1 < u->n; i++)
			kb_eq_add(q, plain_word(c, u->words[i]));
		kb_eq_add(q, prefix_query(c, u->words[u->n - 1]));
		kb_termset_add_prefix(&c->plan->marks, u->words[u->n - 1]);
		return q;
	}
	if (u->n == 1) {
		if (drop_stop && nd->kind == KB_QN_WORDS && kb_is_stopword(u->words[0]))
			return NULL;
		return word_query(c, u->words[0], nd->kind == KB_QN_WORDS ? nd->text : u->words[0]);
	}
	return phrase_query(c, u->words, u->n);
}

/* Adds to the OR `into` the other terms of synonym group g than the one matched (typed as text,
 * the first of its words typed_word): each by its index term (see synmatch.h), together weighted
 * as k words typed (less for a term met through a respelling: respelt_weight); their words are
 * marked in snippets and explain the hits. */
static void add_synonyms(struct ctx *c, kb_eq *into, const char *text, const char *typed_word, double k,
                         const kb_syngroup *g, size_t matched)
{
	kb_eq *alts = kb_eq_new(KB_EQ_SYNONYM);
	for (size_t t = 0; t < g->n; t++) {
		if (t == matched)
			continue;
		const kb_synterm *st = &g->terms[t];
		char term[KB_SYNTERM_MAX];
		kb_synmatch_term(g->id, t, term);
		kb_eq_add(alts, kb_eq_term(term));
		for (size_t w = 0; w < st->nwords; w++)
			mark_word(c, st->words[w]);
		kb_buf why = { 0 };
		kb_buf_printf(&why, "%s → %s (synonym)", text, st->text);
		add_why_words(c, st->words, st->nwords, why.s, typed_word);
		kb_buf_free(&why);
	}
	if (alts->nkids)
		kb_eq_add(into, kb_eq_scale(alts, W_GROUP * k));
	else
		kb_eq_free(alts);
}

/* What "-word" excludes: the word as typed and its stems, or the phrase, never a correction,
 * translation or other spelling (a document without the word must not be excluded); only a word the
 * index knows solely with æ, ø or å is read so (read_as_respelt), as it would find nothing. */
static kb_eq *negated_query(struct ctx *c, const kb_qnode *nd)
{
	if (nd->kind == KB_QN_OR) {
		kb_eq *q = kb_eq_new(KB_EQ_OR);
		for (size_t i = 0; i < nd->nkids; i++)
			kb_eq_add(q, negated_query(c, nd->kids[i]));
		return q;
	}
	unit u;
	unit_words(c, nd, &u);
	read_as_respelt(c, &u, false);
	kb_eq *q = NULL;
	if (u.n == 1 && nd->kind == KB_QN_PREFIX)
		q = prefix_query(c, u.words[0]);
	else if (u.n == 1)
		q = exact_and_stems(c, u.words[0]);
	else if (u.n > 1)
		q = phrase_query(c, u.words, u.n);
	unit_clear(&u);
	return q;
}

/* A phrase (or a word such as "CAR-T") that is a term of a synonym group is asked for by that
 * term's index term (synmatch.h), which stands where its words do, in a row: the same documents
 * as the phrase's, without reading a position. */
static kb_eq *term_as_typed(struct ctx *c, const unit *u, const kb_syngroup *g, size_t matched)
{
	char term[KB_SYNTERM_MAX];
	kb_synmatch_term(g->id, matched, term);
	for (size_t w = 0; w < u->n; w++)
		mark_word(c, u->words[w]);
	return kb_eq_scale(kb_eq_term(term), W_PHRASE_TERM * (double)u->n);
}

/* The query for units[i, i + k) that together are a term of a synonym group (respelt: read with
 * æ, ø or å, see kb_synonym_match): what was typed, or, less, any other term of the group. */
static kb_eq *synonym_query(struct ctx *c, unit *units, size_t k, bool respelt, const kb_syngroup *g,
                            size_t matched)
{
	kb_eq *typed = kb_eq_new(KB_EQ_AND);
	kb_buf text = { 0 };
	for (size_t i = 0; i < k; i++) {
		if (k == 1 && units[0].n > 1)
			kb_eq_add(typed, term_as_typed(c, &units[0], g, matched));
		else
			kb_eq_add(typed, unit_query(c, &units[i], false));
		if (i)
			kb_buf_addc(&text, ' ');
		kb_buf_adds(&text, units[i].node->text);
	}
	if (k > 1) {
		/* the same words in a row, as the term: see kb_plan.then */
		char term[KB_SYNTERM_MAX];
		kb_synmatch_term(g->id, matched, term);
		c->rows = kb_xrealloc(c->rows, (c->nrows + 1) * sizeof *c->rows);
		c->rows[c->nrows++] = (struct in_a_row){ typed, kb_eq_scale(kb_eq_term(term),
		                                         W_PHRASE_TERM * (double)k * respelt_weight(respelt)) };
	}
	kb_eq *q = kb_eq_new(KB_EQ_OR);
	kb_eq_add(q, typed);
	add_synonyms(c, q, text.s, units[0].n ? units[0].words[0] : NULL, (double)k * respelt_weight(respelt), g,
	             matched);
	kb_buf_free(&text);
	return q;
}

/* Two words typed apart that the index knows written together ("celle terapi" → celleterapi,
 * "fremstillings tilladelse"): the compound, its synonyms, or the two words. NULL when the index
 * does not know the compound. */
static kb_eq *joined_query(struct ctx *c, const unit *a, const unit *b)
{
	if (a->node->kind != KB_QN_WORDS || b->node->kind != KB_QN_WORDS || a->n != 1 || b->n != 1 ||
	    kb_is_stopword(a->words[0]) || kb_is_stopword(b->words[0]))
		return NULL;
	/* as written together, else with a linking s or e (hospital undtagelse: hospitalsundtagelse) */
	static const char *const linkers[] = { "", "s", "e" };
	kb_buf j = { 0 };
	bool known = false;
	for (size_t i = 0; !known && i < sizeof linkers / sizeof *linkers; i++) {
		kb_buf_cut(&j, 0);
		kb_buf_printf(&j, "%s%s%s", a->words[0], linkers[i], b->words[0]);
		known = kb_vocab_knows(c->vocab, j.s);
	}
	if (!known) {
		kb_buf_free(&j);
		return NULL;
	}
	kb_eq *q = kb_eq_new(KB_EQ_OR);
	kb_buf text = { 0 };
	kb_buf_printf(&text, "%s %s", a->node->text, b->node->text);
	/* the compound counts as both words found, as the two words together do */
	c->scale = 2.0;
	kb_eq_add(q, kb_eq_scale(word_query(c, j.s, j.s), c->scale));
	c->scale = 1.0;
	kb_eq *apart = kb_eq_new(KB_EQ_AND);
	kb_eq_add(apart, unit_query(c, a, false));
	kb_eq_add(apart, unit_query(c, b, false));
	kb_eq_add(q, apart);
	const kb_syngroup *g = NULL;
	size_t term = 0;
	char *one[1] = { j.s };
	bool respelt = false;
	if (kb_synonym_match(c->vocab, one, 1, &respelt, &g, &term) == 1)
		add_synonyms(c, q, text.s, j.s, 2 * respelt_weight(respelt), g, term);
	kb_buf_free(&text);
	kb_buf_free(&j);
	return q;
}

/* Stop words are dropped only when something else is left to search for. */
static bool only_stopwords(const unit *units, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (units[i].node->kind != KB_QN_WORDS)
			return false;
		for (size_t w = 0; w < units[i].n; w++)
			if (units[i].n > 1 || !kb_is_stopword(units[i].words[w]))
				return false;
	}
	return true;
}

/* The queries of the clauses units[0..n), one each into out (or one for several that together are a
 * synonym term or a compound typed apart), with synonym groups recognised across neighbours. */
static void clause_queries(struct ctx *c, unit *units, size_t n, bool drop_stop, kb_eq *out)
{
	for (size_t i = 0; i < n;) {
		const kb_syngroup *g = NULL;
		size_t term = 0, k = 0;
		bool respelt = false;
		if (units[i].node->kind == KB_QN_PHRASE || units[i].n > 1) {
			/* a phrase, or "CAR-T": a synonym only when the whole of it is one */
			if (units[i].n &&
			    kb_synonym_match(c->vocab, units[i].words, units[i].n, &respelt, &g, &term) == units[i].n)
				k = 1;
		} else if (units[i].node->kind == KB_QN_WORDS && units[i].n == 1) {
			/* single words: a term may span several ("avancerede terapier") */
			size_t run = 0;
			while (i + run < n && units[i + run].node->kind == KB_QN_WORDS && units[i + run].n == 1)
				run++;
			char **words = kb_xcalloc(run, sizeof *words);
			for (size_t r = 0; r < run; r++)
				words[r] = units[i + r].words[0];
			k = kb_synonym_match(c->vocab, words, run, &respelt, &g, &term);
			free(words);
		}
		kb_eq *joined = NULL;
		/* a compound written apart is read before a synonym of its first word alone
		 * (hospital undtagelse: hospitalsundtagelse, not hospital's synonyms and undtagelse) */
		if (k <= 1 && i + 1 < n && (joined = joined_query(c, &units[i], &units[i + 1]))) {
			kb_eq_add(out, joined);
			i += 2;
		} else if (k) {
			kb_eq_add(out, synonym_query(c, units + i, k, respelt, g, term));
			i += k;
		} else {
			kb_eq_add(out, unit_query(c, &units[i], drop_stop));
			i++;
		}
	}
}

/* The positive clauses' queries. */
static void positive_queries(struct ctx *c, const kb_query *pq, kb_eq *out)
{
	unit *units = kb_xcalloc(pq->nclauses + 1, sizeof *units);
	size_t n = 0;
	for (size_t i = 0; i < pq->nclauses; i++)
		if (!pq->clauses[i]->negated)
			unit_words(c, pq->clauses[i], &units[n++]);
	for (size_t i = 0; i < n; i++)
		read_as_respelt(c, &units[i], true);
	clause_queries(c, units, n, !only_stopwords(units, n), out);
	for (size_t i = 0; i < n; i++)
		unit_clear(&units[i]);
	free(units);
}

static kb_eq *filter_query(kb_analyzer *an, const kb_query *pq)
{
	static const char *const pfx[KB_FILTER_N] = { "XT", "XL", "XG", "XS" };
	kb_eq *all = kb_eq_new(KB_EQ_AND);
	for (int f = 0; f < KB_FILTER_N; f++) {
		if (!pq->nfilters[f])
			continue;
		kb_eq *any = kb_eq_new(KB_EQ_OR);
		for (size_t i = 0; i < pq->nfilters[f]; i++) {
			/* tags and sources are stored folded; type and lang are exact codes */
			char *v = (f == KB_FILTER_TAG || f == KB_FILTER_SOURCE)
			          ? kb_analyzer_fold(an, pq->filters[f][i]) : kb_xstrdup(pq->filters[f][i]);
			kb_buf term = { 0 };
			kb_buf_adds(&term, pfx[f]);
			kb_buf_adds(&term, v);
			kb_eq_add(any, kb_eq_term(term.s));
			kb_buf_free(&term);
			free(v);
		}
		kb_eq_add(all, any);
	}
	if (all->nkids == 0) {
		kb_eq_free(all);
		return NULL;
	}
	return all;
}

static void add_unit(void *ctx, const char *term, unsigned pos)
{
	(void)pos;
	kb_eq_add(ctx, kb_eq_scale(kb_eq_term(term), W_UNIT));
}

/* Is at..at+n in s a whole piece of the query, not part of a longer word? */
static bool whole(const char *s, const char *at, size_t n)
{
	bool before = at == s || at[-1] == ' ' || at[-1] == '\t' || at[-1] == '"' || at[-1] == '-';
	char after = at[n];
	return before && (after == '\0' || after == ' ' || after == '\t' || after == '"' || after == '*');
}

/* The query with each misspelt word replaced by its correction, for "did you mean". */
static char *suggest(const struct ctx *c, const char *q)
{
	if (!c->ntypos)
		return NULL;
	kb_buf out = { 0 };
	kb_buf_adds(&out, q);
	bool changed = false;
	for (size_t i = 0; i < c->ntypos; i++) {
		const char *typed = c->typos[2 * i], *fix = c->typos[2 * i + 1];
		size_t tl = strlen(typed);
		char *at = out.s;
		/* a filter value is kept in lower case (type:Guidence is held as type:guidence) */
		while ((at = strcasestr(at, typed)) && !whole(out.s, at, tl))
			at++;
		if (!at || !tl)
			continue;
		changed = true;
		kb_buf next = { 0 };
		kb_buf_add(&next, out.s, (size_t)(at - out.s));
		kb_buf_adds(&next, fix);
		kb_buf_adds(&next, at + tl);
		kb_buf_free(&out);
		out = next;
	}
	if (!changed) /* not found as typed (type:"guidence"): no better query to offer */
		kb_buf_free(&out);
	return changed ? kb_buf_detach(&out) : NULL;
}

/* A copy of q with each synonym term typed apart asked for in a row instead (kb_plan.then). */
static kb_eq *copy_in_a_row(const struct ctx *c, const kb_eq *q)
{
	for (size_t i = 0; i < c->nrows; i++)
		if (c->rows[i].apart == q)
			return kb_eq_copy(c->rows[i].row);
	kb_eq *out = kb_eq_new(q->op);
	out->term = q->term ? kb_xstrdup(q->term) : NULL;
	out->scale = q->scale;
	for (size_t i = 0; i < q->nkids; i++)
		kb_eq_add(out, copy_in_a_row(c, q->kids[i]));
	return out;
}

/* op(top, kid) when both are there; else top as it is (kid is freed). Takes both. */
static kb_eq *wrap(kb_eqop op, kb_eq *top, kb_eq *kid)
{
	if (!top || !kid) {
		kb_eq_free(kid);
		return top;
	}
	kb_eq *q = kb_eq_new(op);
	kb_eq_add(q, top);
	kb_eq_add(q, kid);
	return q;
}

void kb_plan_make(kb_analyzer *an, kb_vocab *vocab, const kb_query *pq, const char *q, kb_plan *plan)
{
	memset(plan, 0, sizeof *plan);
	struct ctx c = { .an = an, .vocab = vocab, .plan = plan, .scale = 1.0, .pq = pq, .english = -1 };
	kb_eq *pos = kb_eq_new(KB_EQ_OR), *neg = kb_eq_new(KB_EQ_OR);
	positive_queries(&c, pq, pos);
	size_t nclauses = pos->nkids;
	/* what is excluded is never in a hit, so its terms are not kept for marking */
	kb_termset kept = plan->marks;
	for (size_t i = 0; i < pq->nclauses; i++)
		if (pq->clauses[i]->negated) {
			plan->marks = (kb_termset){ 0 };
			kb_eq_add(neg, negated_query(&c, pq->clauses[i]));
			kb_termset_clear(&plan->marks);
		}
	plan->marks = kept;
	kb_eq *top = NULL, *first = NULL;
	if (nclauses > 1) {
		/* the sections holding every clause, in whatever form, rank before the others */
		first = kb_eq_new(KB_EQ_AND);
		for (size_t i = 0; i < nclauses; i++)
			kb_eq_add(first, kb_eq_copy(pos->kids[i]));
	}
	if (nclauses)
		top = pos;
	else
		kb_eq_free(pos);
	/* legal references in the query ("1394/2007", "art. 28") are asked for as units too */
	if (top) {
		kb_eq *units = kb_eq_new(KB_EQ_OR);
		kb_tokens t = { 0 };
		kb_analyze(an, q, strlen(q), 0, &t);
		kb_legal_units(q, &t, add_unit, units);
		kb_tokens_clear(&t);
		for (size_t i = 0; i < units->nkids; i++)
			kb_eq_add(top, kb_eq_copy(units->kids[i]));
		if (units->nkids)
			first = wrap(KB_EQ_AND_MAYBE, first, units);
		else
			kb_eq_free(units);
	}
	/* the query as if each such term were quoted. A section holding only another clause matches
	 * that query too. Restricted to the sections holding a term (a filter on the terms, their
	 * clauses AND_MAYBE the others, or a match decider), it made Xapian read most postings of the
	 * terms: the long question of the benchmark at 10k took 2.0-2.5 ms, against 1.8 as it is */
	kb_eq *then = top && c.nrows ? copy_in_a_row(&c, top) : NULL;
	for (size_t i = 0; i < c.nrows; i++)
		kb_eq_free(c.rows[i].row);
	free(c.rows);
	kb_eq *filters = filter_query(an, pq);
	if (!top && (neg->nkids || filters))
		top = kb_eq_new(KB_EQ_ALL);
	if (!neg->nkids) {
		kb_eq_free(neg);
		neg = NULL;
	}
	plan->first = wrap(KB_EQ_FILTER, first, filters ? kb_eq_copy(filters) : NULL);
	plan->then = wrap(KB_EQ_FILTER, then, filters ? kb_eq_copy(filters) : NULL);
	plan->query = wrap(KB_EQ_FILTER, top, filters);
	plan->negated = neg;
	/* a type: or lang: value no document can have, typed in the query (the API's are checked
	 * before), is suggested as the value it is most likely a misspelling of */
	for (int f = KB_FILTER_TYPE; f <= KB_FILTER_LANG; f++)
		for (size_t i = 0; i < pq->nfilters[f]; i++) {
			const char *near = kb_filter_value_ok((kb_filter)f, pq->filters[f][i])
			                   ? NULL : kb_filter_value_near((kb_filter)f, pq->filters[f][i]);
			if (near)
				add_typo(&c, kb_filter_name((kb_filter)f), pq->filters[f][i], near);
		}
	plan->suggestion = suggest(&c, q);
	for (size_t i = 0; i < c.ntypos * 2; i++)
		free(c.typos[i]);
	free(c.typos);
}

void kb_plan_clear(kb_plan *p)
{
	kb_eq_free(p->query);
	kb_eq_free(p->first);
	kb_eq_free(p->then);
	kb_eq_free(p->negated);
	kb_termset_clear(&p->marks);
	for (size_t i = 0; i < p->nwhys; i++) {
		free(p->whys[i].term);
		free(p->whys[i].why);
		free(p->whys[i].typed);
		for (size_t k = 0; k < p->whys[i].nas_typed; k++)
			free(p->whys[i].as_typed[k]);
		for (size_t k = 0; k < p->whys[i].nalso; k++)
			free(p->whys[i].also[k]);
	}
	free(p->whys);
	for (size_t i = 0; i < p->nbonus; i++)
		free(p->bonus[i].term);
	free(p->bonus);
	free(p->suggestion);
	memset(p, 0, sizeof *p);
}
