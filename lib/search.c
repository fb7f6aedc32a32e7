#include "search.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "engine.h"
#include "json.h"
#include "schema.h"
#include "snippet.h"
#include "util.h"

/* Weights of the forms of a query word, applied as nested synonyms: a document containing the word
 * as typed also matches every looser level, so it collects all the weights and ranks first. */
#define W_EXACT 1.0
#define W_STEM  1.0
/* A document holding every clause gets its clauses' weight once more: all words beat most words. */
#define W_ALL   1.0
#define SNIPPET_WORDS 30

struct kb_searcher {
	kb_db *db;
	kb_analyzer *an;
	size_t ndocs;
};

static bool count_key(void *ctx, const char *key)
{
	(void)key;
	++*(size_t *)ctx;
	return true;
}

kb_status kb_searcher_open(const char *path, kb_searcher **out, char **errmsg)
{
	kb_searcher *s = kb_xcalloc(1, sizeof *s);
	char *version = NULL;
	kb_status rc = kb_db_open(path, &s->db, errmsg);
	if (rc == KB_OK)
		rc = kb_db_meta(s->db, KB_META_VERSION, &version, errmsg);
	if (rc == KB_OK && (!version || strcmp(version, KB_SCHEMA_VERSION) != 0))
		rc = kb_fail(KB_ERR_DATABASE, errmsg, "%s: not an atmp-kb index (or of another version): "
		             "rebuild it with atmp-index", path);
	if (rc == KB_OK)
		rc = kb_db_meta_keys(s->db, KB_META_DOC, count_key, &s->ndocs, errmsg);
	if (rc == KB_OK)
		rc = kb_analyzer_new(&s->an, errmsg);
	free(version);
	if (rc != KB_OK) {
		kb_searcher_close(s);
		s = NULL;
	}
	*out = s;
	return rc;
}

void kb_searcher_close(kb_searcher *s)
{
	if (!s)
		return;
	kb_db_close(s->db);
	kb_analyzer_free(s->an);
	free(s);
}

size_t kb_searcher_ndocs(kb_searcher *s)
{
	return s->ndocs;
}

kb_status kb_search_check(const kb_search_params *p, char **errmsg)
{
	size_t n = p->q ? strlen(p->q) : 0;
	if (n > KB_MAX_QUERY_BYTES)
		return kb_fail(KB_ERR_INVALID, errmsg, "parameter 'q' is too long (%zu bytes; at most %d)",
		               n, KB_MAX_QUERY_BYTES);
	if (p->q && !kb_utf8_valid(p->q, n))
		return kb_fail(KB_ERR_INVALID, errmsg, "parameter 'q' is not valid UTF-8");
	if (p->limit < 1 || p->limit > KB_MAX_LIMIT)
		return kb_fail(KB_ERR_INVALID, errmsg, "parameter 'limit' must be 1-%d", KB_MAX_LIMIT);
	for (int f = 0; f < KB_FILTER_N; f++)
		for (size_t i = 0; i < p->nfilters[f]; i++)
			if (!kb_utf8_valid(p->filters[f][i], strlen(p->filters[f][i])))
				return kb_fail(KB_ERR_INVALID, errmsg, "parameter '%s' is not valid UTF-8",
				               kb_filter_name((kb_filter)f));
	return KB_OK;
}

/* ---- from the query tree to an engine query ---- */

struct forms {
	kb_eq *exact, *all;
	kb_termset *ts;
};

static void add_form(void *ctx, const char *term, kb_form form)
{
	struct forms *f = ctx;
	if (form == KB_FORM_EXACT)
		kb_eq_add(f->exact, kb_eq_term(term));
	kb_eq_add(f->all, kb_eq_term(term));
	kb_termset_add(f->ts, term);
}

/* One word: the exact form, and every form, as nested synonyms (see W_EXACT). */
static kb_eq *word_query(kb_analyzer *an, const char *word, kb_termset *ts)
{
	struct forms f = { kb_eq_new(KB_EQ_SYNONYM), kb_eq_new(KB_EQ_SYNONYM), ts };
	kb_analyzer_query_terms(an, word, add_form, &f);
	kb_eq *q = kb_eq_new(KB_EQ_OR);
	kb_eq_add(q, kb_eq_scale(f.exact, W_EXACT));
	kb_eq_add(q, kb_eq_scale(f.all, W_STEM));
	return q;
}

struct phrase_forms {
	kb_eq *ph[3]; /* exact words, Danish stems, English stems */
	kb_termset *ts;
};

static void add_phrase_form(void *ctx, const char *term, kb_form form)
{
	struct phrase_forms *p = ctx;
	int k = form == KB_FORM_EXACT ? 0 : strncmp(term, KB_PFX_STEM_DA, 2) == 0 ? 1 : 2;
	kb_eq_add(p->ph[k], kb_eq_term(term));
	kb_termset_add(p->ts, term);
}

/* Xapian's phrases take only terms, so a phrase is asked for three times: as typed, and as the
 * stems of each language (all of a document's terms sit at the same positions). */
static kb_eq *phrase_query(kb_analyzer *an, const kb_tokens *t, kb_termset *ts)
{
	struct phrase_forms p = { { kb_eq_new(KB_EQ_PHRASE), kb_eq_new(KB_EQ_PHRASE), kb_eq_new(KB_EQ_PHRASE) }, ts };
	for (size_t i = 0; i < t->n; i++)
		kb_analyzer_query_terms(an, kb_tokens_word(t, i), add_phrase_form, &p);
	kb_eq *q = kb_eq_new(KB_EQ_OR);
	kb_eq_add(q, kb_eq_scale(p.ph[0], W_EXACT));
	for (int k = 0; k < 3; k++) {
		if (k && p.ph[k]->nkids != t->n) {
			kb_eq_free(p.ph[k]); /* a word without a stem (too long): no stemmed phrase */
			continue;
		}
		if (k)
			kb_eq_add(q, kb_eq_scale(p.ph[k], W_STEM));
	}
	return q;
}

/* The engine query for one clause; NULL when it has no words (punctuation, a stop word). */
static kb_eq *clause_query(kb_analyzer *an, const kb_qnode *nd, bool drop_stop, kb_termset *ts)
{
	if (nd->kind == KB_QN_OR) {
		kb_eq *q = kb_eq_new(KB_EQ_OR);
		for (size_t i = 0; i < nd->nkids; i++)
			kb_eq_add(q, clause_query(an, nd->kids[i], false, ts));
		if (q->nkids == 0) {
			kb_eq_free(q);
			return NULL;
		}
		return q;
	}
	kb_tokens t = { 0 };
	kb_eq *q = NULL;
	kb_analyze(an, nd->text, strlen(nd->text), 0, &t);
	if (t.n == 0) {
		/* nothing */
	} else if (nd->kind == KB_QN_PREFIX) {
		/* "gen*": the last word is the prefix; words before it ("CAR-T*") must also be there */
		q = kb_eq_new(KB_EQ_AND);
		for (size_t i = 0; i + 1 < t.n; i++)
			kb_eq_add(q, word_query(an, kb_tokens_word(&t, i), ts));
		kb_eq_add(q, kb_eq_wildcard(kb_tokens_word(&t, t.n - 1)));
		kb_termset_add_prefix(ts, kb_tokens_word(&t, t.n - 1));
	} else if (t.n == 1) {
		const char *w = kb_tokens_word(&t, 0);
		if (!(drop_stop && nd->kind == KB_QN_WORDS && kb_is_stopword(w)))
			q = word_query(an, w, ts);
	} else {
		/* several words in one clause: a phrase, or a piece of text like "CAR-T" */
		q = phrase_query(an, &t, ts);
	}
	kb_tokens_clear(&t);
	return q;
}

static bool only_stopwords(kb_analyzer *an, const kb_query *pq)
{
	for (size_t i = 0; i < pq->nclauses; i++) {
		const kb_qnode *nd = pq->clauses[i];
		if (nd->negated)
			continue;
		if (nd->kind != KB_QN_WORDS)
			return false;
		kb_tokens t = { 0 };
		kb_analyze(an, nd->text, strlen(nd->text), 0, &t);
		bool stop = t.n == 1 && kb_is_stopword(kb_tokens_word(&t, 0));
		bool empty = t.n == 0;
		kb_tokens_clear(&t);
		if (!stop && !empty)
			return false;
	}
	return true;
}

static kb_eq *filter_query(kb_analyzer *an, const kb_query *pq)
{
	static const char *const pfx[KB_FILTER_N] = { KB_BOOL_TYPE, KB_BOOL_LANG, KB_BOOL_TAG, KB_BOOL_SOURCE };
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

/* The whole engine query, or NULL when the query asks for nothing at all. */
static kb_eq *build_query(kb_analyzer *an, const kb_query *pq, kb_termset *ts)
{
	bool drop_stop = !only_stopwords(an, pq);
	kb_eq *pos = kb_eq_new(KB_EQ_OR), *all = kb_eq_new(KB_EQ_AND), *neg = kb_eq_new(KB_EQ_OR);
	kb_termset ignored = { 0 };
	for (size_t i = 0; i < pq->nclauses; i++) {
		const kb_qnode *nd = pq->clauses[i];
		if (nd->negated) {
			kb_eq_add(neg, clause_query(an, nd, false, &ignored));
			continue;
		}
		kb_eq *q = clause_query(an, nd, drop_stop, ts);
		if (!q)
			continue;
		kb_eq_add(pos, q);
	}
	kb_termset_clear(&ignored);
	kb_eq *filters = filter_query(an, pq);
	kb_eq *top;
	if (pos->nkids == 0) {
		kb_eq_free(pos);
		kb_eq_free(all);
		if (neg->nkids == 0 && !filters) {
			kb_eq_free(neg);
			return NULL;
		}
		top = kb_eq_new(KB_EQ_ALL);
	} else if (pos->nkids == 1) {
		kb_eq_free(all);
		top = pos;
	} else {
		/* the AND repeats the clauses: a deep copy is avoided by building them twice */
		for (size_t i = 0; i < pq->nclauses; i++) {
			if (pq->clauses[i]->negated)
				continue;
			kb_termset again = { 0 };
			kb_eq_add(all, clause_query(an, pq->clauses[i], drop_stop, &again));
			kb_termset_clear(&again);
		}
		top = kb_eq_new(KB_EQ_OR);
		kb_eq_add(top, kb_eq_scale(all, W_ALL));
		kb_eq_add(top, pos);
	}
	if (neg->nkids) {
		kb_eq *an_ = kb_eq_new(KB_EQ_AND_NOT);
		kb_eq_add(an_, top);
		kb_eq_add(an_, neg);
		top = an_;
	} else {
		kb_eq_free(neg);
	}
	if (filters) {
		kb_eq *f = kb_eq_new(KB_EQ_FILTER);
		kb_eq_add(f, top);
		kb_eq_add(f, filters);
		top = f;
	}
	return top;
}

/* ---- from engine hits to the response ---- */

static json_t *make_hit(kb_searcher *s, const kb_ehit *h, const kb_termset *ts)
{
	json_t *data = json_loads(h->data, 0, NULL);
	if (!data)
		return NULL;
	json_t *hit = json_object();
	static const char *const keys[] = { "id", "section", "title", "section_title", "type", "lang",
	                                    "source", "url", "updated" };
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		json_t *v = json_object_get(data, keys[i]);
		json_object_set(hit, keys[i], v ? v : json_null());
	}
	kb_lang lang = KB_LANG_DA;
	kb_lang_parse(kb_json_str(data, "lang"), &lang);
	const char *text = kb_json_str(data, "text");
	char *snip = kb_snippet(s->an, text ? text : "", lang, ts, SNIPPET_WORDS);
	json_object_set_new(hit, "snippet", json_string(snip));
	json_object_set_new(hit, "score", json_real(round(h->score * 1000.0) / 1000.0));
	free(snip);
	json_decref(data);
	return hit;
}

static json_t *facet_object(const kb_facet_count *v, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++)
		json_object_set_new(o, v[i].value, json_integer((json_int_t)v[i].count));
	return o;
}

kb_status kb_search_run(kb_searcher *s, const kb_search_params *p, json_t **out, char **errmsg)
{
	double t0 = kb_now_ms();
	*out = NULL;
	kb_status rc = kb_search_check(p, errmsg);
	if (rc != KB_OK)
		return rc;
	const char *qs = p->q ? p->q : "";
	kb_query *pq = kb_query_parse(qs, strlen(qs));
	for (int f = 0; f < KB_FILTER_N; f++)
		for (size_t i = 0; i < p->nfilters[f]; i++)
			kb_query_add_filter(pq, (kb_filter)f, p->filters[f][i]);
	kb_termset ts = { 0 };
	kb_eq *q = build_query(s->an, pq, &ts);
	kb_eresult *r = NULL;
	static const unsigned facet_slots[] = { KB_SLOT_TYPE, KB_SLOT_LANG };
	if (q) {
		kb_run_opts o = { .offset = p->offset, .limit = p->limit, .collapse_slot = KB_SLOT_ID,
		                  .facet_slots = facet_slots, .nfacets = 2 };
		rc = kb_db_run(s->db, q, &o, &r, errmsg);
	}
	json_t *res = NULL;
	if (rc == KB_OK) {
		res = json_object();
		json_object_set_new(res, "query", json_string(qs));
		json_object_set_new(res, "total", json_integer(r ? (json_int_t)r->total : 0));
		json_object_set_new(res, "took_ms", json_real(0));
		json_t *hits = json_array();
		for (size_t i = 0; r && i < r->nhits; i++) {
			json_t *h = make_hit(s, &r->hits[i], &ts);
			if (h)
				json_array_append_new(hits, h);
		}
		json_object_set_new(res, "hits", hits);
		json_object_set_new(res, "suggestion", json_null());
		json_t *facets = json_object();
		json_object_set_new(facets, "type", r ? facet_object(r->facets[0], r->nfacetvals[0]) : json_object());
		json_object_set_new(facets, "lang", r ? facet_object(r->facets[1], r->nfacetvals[1]) : json_object());
		json_object_set_new(res, "facets", facets);
		json_object_set_new(res, "took_ms", json_real(round((kb_now_ms() - t0) * 1000.0) / 1000.0));
	}
	kb_eresult_free(r);
	kb_eq_free(q);
	kb_termset_clear(&ts);
	kb_query_free(pq);
	*out = res;
	return rc;
}

kb_status kb_search_doc(kb_searcher *s, const char *id, json_t **out, char **errmsg)
{
	*out = NULL;
	if (!id || !*id || strlen(id) > 200 || !kb_utf8_valid(id, strlen(id)))
		return kb_fail(KB_ERR_NOT_FOUND, errmsg, "no document '%s'", id ? id : "");
	kb_buf key = { 0 };
	char *text = NULL;
	kb_buf_adds(&key, KB_META_DOC);
	kb_buf_adds(&key, id);
	kb_status rc = kb_db_meta(s->db, key.s, &text, errmsg);
	kb_buf_free(&key);
	if (rc == KB_OK && !text)
		rc = kb_fail(KB_ERR_NOT_FOUND, errmsg, "no document '%s'", id);
	if (rc == KB_OK) {
		*out = json_loads(text, 0, NULL);
		if (!*out)
			rc = kb_fail(KB_ERR_DATABASE, errmsg, "document '%s' is damaged in the index", id);
	}
	free(text);
	return rc;
}
