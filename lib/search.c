#include "search.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "engine.h"
#include "expand.h"
#include "plan.h"
#include "json.h"
#include "schema.h"
#include "snippet.h"
#include "util.h"

#define SNIPPET_WORDS 30

/* the facets of a search, in the order of kb_eresult.facets */
static const unsigned facet_slots[] = { KB_SLOT_TYPE, KB_SLOT_LANG };

struct kb_searcher {
	kb_db *db;
	kb_analyzer *an;
	kb_words *words;
	kb_docvals *vals;
	kb_vocab *vocab;
	size_t ndocs;
};

static bool count_key(void *ctx, const char *key)
{
	(void)key;
	++*(size_t *)ctx;
	return true;
}

kb_status kb_searcher_open_like(const char *path, const kb_searcher *like, kb_searcher **out, char **errmsg)
{
	kb_searcher *s = kb_xcalloc(1, sizeof *s);
	char *version = NULL, *uuid = NULL;
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
	if (rc == KB_OK)
		rc = kb_db_uuid(s->db, &uuid, errmsg);
	/* the vocabulary and values of the same version of the index are the same: read them once for
	 * all threads */
	if (rc == KB_OK && like && like->words && strcmp(kb_words_source(like->words), uuid) == 0) {
		s->words = kb_words_ref(like->words);
		s->vals = kb_docvals_ref(like->vals);
	} else if (rc == KB_OK) {
		rc = kb_words_load(s->db, &s->words, errmsg);
		if (rc == KB_OK)
			rc = kb_docvals_load(s->db, KB_SLOT_KEY, facet_slots, 2, &s->vals, errmsg);
	}
	if (rc == KB_OK)
		rc = kb_vocab_new(s->db, s->an, s->words, &s->vocab, errmsg);
	free(version);
	free(uuid);
	if (rc != KB_OK) {
		kb_searcher_close(s);
		s = NULL;
	}
	*out = s;
	return rc;
}

kb_status kb_searcher_open(const char *path, kb_searcher **out, char **errmsg)
{
	return kb_searcher_open_like(path, NULL, out, errmsg);
}

void kb_searcher_close(kb_searcher *s)
{
	if (!s)
		return;
	kb_vocab_free(s->vocab);
	kb_words_unref(s->words);
	kb_docvals_unref(s->vals);
	kb_db_close(s->db);
	kb_analyzer_free(s->an);
	free(s);
}

const char *kb_searcher_version(const kb_searcher *s)
{
	return kb_words_source(s->words);
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
			else if (!kb_filter_value_ok((kb_filter)f, p->filters[f][i])) {
				/* the value is named as given, up to a whole character past 40 bytes */
				const char *v = p->filters[f][i];
				size_t n = 0, len = strlen(v), c;
				while (n < 40 && n < len && (c = kb_utf8_char(v + n, len - n)))
					n += c;
				kb_buf want = { 0 }, hint = { 0 };
				kb_filter_values((kb_filter)f, &want);
				kb_filter_hint((kb_filter)f, v, &hint);
				kb_status rc = kb_fail(KB_ERR_INVALID, errmsg, "parameter '%s' must be one of %s (not '%.*s%s'%s)",
				                       kb_filter_name((kb_filter)f), want.s, (int)n, v, n < len ? "…" : "",
				                       hint.s ? hint.s : "");
				kb_buf_free(&want);
				kb_buf_free(&hint);
				return rc;
			}
	return KB_OK;
}

/* ---- from engine hits to the response ---- */

static bool holds(const kb_ehit *h, const char *term)
{
	for (size_t i = 0; i < h->nterms; i++)
		if (strcmp(h->terms[i], term) == 0)
			return true;
	return false;
}

/* How the query met this hit where it was not as typed, for people: appended to why, one line each,
 * without repeats. */
static void why_list(kb_searcher *s, const kb_plan *plan, const kb_ehit *h, const char *text,
                     const char *spans, size_t nspans, kb_lang lang, char ***why, size_t *nwhy)
{
	for (size_t i = 0; i < plan->nwhys; i++) {
		const kb_why *w = &plan->whys[i];
		bool as_typed = false, all = holds(h, w->term);
		for (size_t k = 0; k < w->nas_typed; k++)
			as_typed |= holds(h, w->as_typed[k]);
		for (size_t k = 0; k < w->nalso; k++)
			all &= holds(h, w->also[k]);
		if (!all || as_typed)
			continue;
		char *line = w->why ? kb_xstrdup(w->why) : NULL;
		if (!line) {
			/* a compound part: name the compound as this document writes it */
			char *word = kb_word_with_term(s->an, text, spans, nspans, lang, w->term);
			if (word && w->typed) {
				kb_buf b = { 0 };
				kb_buf_printf(&b, "%s → %s (compound part)", w->typed, word);
				line = kb_buf_detach(&b);
			}
			free(word);
		}
		bool dup = !line || !kb_utf8_valid(line, strlen(line));
		for (size_t k = 0; !dup && k < *nwhy; k++)
			dup = strcmp((*why)[k], line) == 0;
		if (dup) {
			free(line);
			continue;
		}
		*why = kb_xrealloc(*why, (*nwhy + 1) * sizeof **why);
		(*why)[(*nwhy)++] = line;
	}
}

/* Writes "key": into b. */
static void member(kb_buf *b, bool *first, const char *key)
{
	/* the keys are this file's own names, which need no escapes */
	kb_buf_adds(b, *first ? "\"" : ",\"");
	kb_buf_adds(b, key);
	kb_buf_adds(b, "\":");
	*first = false;
}

/* The hit's fields from a section's data (schema.h) as members into b, its language into *lang and
 * where its words are into *spans, *nspans; returns where its text begins, or NULL when the data is
 * not as the indexer writes it. */
static const char *read_fields(const char *p, kb_buf *b, bool *first, kb_lang *lang, const char **spans,
                               size_t *nspans)
{
	static const char *const keys[KB_HIT_NFIELDS] = { KB_HIT_FIELDS };
	for (size_t i = 0; i < KB_HIT_NFIELDS; i++) {
		member(b, first, keys[i]);
		if (*p == '-') {
			kb_buf_adds(b, "null");
			p++;
			continue;
		}
		char *end;
		unsigned long n = strtoul(p, &end, 10);
		if (end == p || *end != ':' || strnlen(end + 1, n) < n || !kb_jw_str(b, end + 1, n))
			return NULL;
		if (strcmp(keys[i], "lang") == 0 && n == 2) {
			char code[3] = { end[1], end[2], '\0' };
			kb_lang_parse(code, lang);
		}
		p = end + 1 + n;
	}
	char *end;
	unsigned long n = strtoul(p, &end, 10);
	if (end == p || *end != ':' || strnlen(end + 1, n) < n)
		return NULL;
	*spans = end + 1;
	*nspans = n;
	p = end + 1 + n;
	return *p == '\n' ? p + 1 : NULL;
}

/* Appends the hit's JSON object to b; false (b as it was) when its data is not as the indexer
 * writes it. */
static bool write_hit(kb_searcher *s, const kb_ehit *h, const kb_plan *plan, kb_buf *b)
{
	size_t at = b->len;
	bool first = true;
	const char *spans = NULL;
	size_t nspans = 0;
	kb_lang lang = KB_LANG_DA;
	kb_buf_addc(b, '{');
	const char *text = read_fields(h->data, b, &first, &lang, &spans, &nspans);
	if (!text) {
		kb_buf_cut(b, at);
		return false;
	}
	char *snip = kb_snippet(s->an, text, spans, nspans, lang, &plan->marks, SNIPPET_WORDS);
	size_t before = b->len;
	member(b, &first, "snippet");
	if (!kb_jw_str(b, snip, strlen(snip))) /* as jansson leaves out a member that is no string */
		kb_buf_cut(b, before);
	free(snip);
	member(b, &first, "score");
	kb_jw_real(b, round(h->score * 1000.0) / 1000.0);
	char **why = NULL;
	size_t nwhy = 0;
	why_list(s, plan, h, text, spans, nspans, lang, &why, &nwhy);
	if (nwhy) {
		member(b, &first, "why");
		kb_buf_addc(b, '[');
		for (size_t i = 0; i < nwhy; i++) {
			if (i)
				kb_buf_addc(b, ',');
			kb_jw_str(b, why[i], strlen(why[i]));
		}
		kb_buf_addc(b, ']');
	}
	kb_strings_free(why, nwhy);
	kb_buf_addc(b, '}');
	return true;
}

static void write_facets(kb_buf *b, const kb_facet_count *v, size_t n)
{
	kb_buf_addc(b, '{');
	for (size_t i = 0; i < n; i++) {
		if (i)
			kb_buf_addc(b, ',');
		kb_jw_str(b, v[i].value, strlen(v[i].value));
		kb_buf_addc(b, ':');
		kb_jw_int(b, (long long)v[i].count);
	}
	kb_buf_addc(b, '}');
}

/* A document holding a negated word is left out whole, not only its sections that hold it. */
#define MAX_EXCLUDED 10000

static kb_status exclude_documents(kb_searcher *s, kb_plan *plan, char **errmsg)
{
	char **ids = NULL;
	size_t n = 0;
	kb_status rc = kb_db_values(s->db, plan->negated, KB_SLOT_ID, MAX_EXCLUDED, &ids, &n, errmsg);
	if (rc == KB_OK && n) {
		kb_eq *gone = kb_eq_new(KB_EQ_OR);
		for (size_t i = 0; i < n; i++) {
			kb_buf term = { 0 };
			kb_buf_printf(&term, "%s%s", KB_BOOL_ID, ids[i]);
			kb_eq_add(gone, kb_eq_term(term.s));
			kb_buf_free(&term);
		}
		kb_eq **tiers[] = { &plan->first, &plan->then };
		for (size_t t = 0; t < sizeof tiers / sizeof *tiers; t++)
			if (*tiers[t]) {
				kb_eq *f = kb_eq_new(KB_EQ_AND_NOT);
				kb_eq_add(f, *tiers[t]);
				kb_eq_add(f, kb_eq_copy(gone));
				*tiers[t] = f;
			}
		kb_eq *q = kb_eq_new(KB_EQ_AND_NOT);
		kb_eq_add(q, plan->query);
		kb_eq_add(q, gone);
		plan->query = q;
	}
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return rc;
}

/* Each term is looked for once in the hits, however many explanations name it. */
static void add_probe(const char **probes, size_t *n, const char *term)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(probes[i], term) == 0)
			return;
	probes[(*n)++] = term;
}

kb_status kb_search_answer(kb_searcher *s, const kb_search_params *p, char **body, size_t *total,
                           char **errmsg)
{
	double t0 = kb_now_ms();
	*body = NULL;
	kb_status rc = kb_search_check(p, errmsg);
	if (rc != KB_OK)
		return rc;
	const char *qs = p->q ? p->q : "";
	kb_query *pq = kb_query_parse(qs, strlen(qs));
	for (int f = 0; f < KB_FILTER_N; f++)
		for (size_t i = 0; i < p->nfilters[f]; i++)
			kb_query_add_filter(pq, (kb_filter)f, p->filters[f][i]);
	kb_plan plan;
	kb_plan_make(s->an, s->vocab, pq, qs, &plan);
	kb_eresult *r = NULL;
	if (plan.query && plan.negated)
		rc = exclude_documents(s, &plan, errmsg);
	if (rc == KB_OK && plan.query) {
		const char **probes = kb_xcalloc(plan.nwhys * 7 + 1, sizeof *probes);
		size_t nprobes = 0;
		/* a hit is explained only by a term it holds: the others are looked for where one is */
		for (size_t i = 0; i < plan.nwhys; i++)
			add_probe(probes, &nprobes, plan.whys[i].term);
		size_t explaining = nprobes;
		for (size_t i = 0; i < plan.nwhys; i++) {
			for (size_t k = 0; k < plan.whys[i].nas_typed; k++)
				add_probe(probes, &nprobes, plan.whys[i].as_typed[k]);
			for (size_t k = 0; k < plan.whys[i].nalso; k++)
				add_probe(probes, &nprobes, plan.whys[i].also[k]);
		}
		kb_run_opts o = { .offset = p->offset, .limit = p->limit, .collapse_slot = KB_SLOT_KEY,
		                  .data_slot = KB_SLOT_DATA,
		                  .vals = s->vals, .probes = probes,
		                  .nprobes = nprobes, .nlater = nprobes - explaining, .first = plan.first, .then = plan.then, .bonus = plan.bonus,
		                  .nbonus = plan.nbonus };
		rc = kb_db_run(s->db, plan.query, &o, &r, errmsg);
		free(probes);
	}
	if (rc == KB_OK) {
		/* the hits first: took_ms, before them in the answer, is the time up to its writing */
		kb_buf hits = { 0 };
		kb_buf_addc(&hits, '[');
		size_t written = 0;
		for (size_t i = 0; r && i < r->nhits; i++) {
			size_t at = hits.len;
			if (written)
				kb_buf_addc(&hits, ',');
			if (write_hit(s, &r->hits[i], &plan, &hits))
				written++;
			else
				kb_buf_cut(&hits, at);
		}
		kb_buf_addc(&hits, ']');
		kb_buf out = { 0 };
		bool first = true;
		kb_buf_addc(&out, '{');
		member(&out, &first, "query");
		kb_jw_str(&out, qs, strlen(qs));
		member(&out, &first, "total");
		kb_jw_int(&out, r ? (long long)r->total : 0);
		member(&out, &first, "took_ms");
		kb_jw_real(&out, round((kb_now_ms() - t0) * 1000.0) / 1000.0);
		member(&out, &first, "hits");
		kb_buf_add(&out, hits.s, hits.len);
		kb_buf_free(&hits);
		size_t before = out.len;
		member(&out, &first, "suggestion");
		if (!plan.suggestion)
			kb_buf_adds(&out, "null");
		else if (!kb_jw_str(&out, plan.suggestion, strlen(plan.suggestion)))
			kb_buf_cut(&out, before); /* as jansson leaves out a member that is no string */
		member(&out, &first, "facets");
		kb_buf_adds(&out, "{\"type\":");
		write_facets(&out, r ? r->facets[0] : NULL, r ? r->nfacetvals[0] : 0);
		kb_buf_adds(&out, ",\"lang\":");
		write_facets(&out, r ? r->facets[1] : NULL, r ? r->nfacetvals[1] : 0);
		kb_buf_adds(&out, "}}");
		*body = kb_buf_detach(&out);
		if (total)
			*total = r ? r->total : 0;
	}
	kb_eresult_free(r);
	kb_plan_clear(&plan);
	kb_query_free(pq);
	return rc;
}

kb_status kb_search_run(kb_searcher *s, const kb_search_params *p, json_t **out, char **errmsg)
{
	char *body = NULL;
	*out = NULL;
	kb_status rc = kb_search_answer(s, p, &body, NULL, errmsg);
	if (rc == KB_OK) {
		*out = json_loads(body, 0, NULL);
		if (!*out)
			rc = kb_fail(KB_ERR_INTERNAL, errmsg, "the search answer is not JSON");
	}
	free(body);
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

/* ---- completions ---- */

kb_status kb_search_suggest(kb_searcher *s, const char *q, size_t limit, json_t **out, char **errmsg)
{
	*out = NULL;
	size_t n = q ? strlen(q) : 0;
	if (n > KB_MAX_QUERY_BYTES)
		return kb_fail(KB_ERR_INVALID, errmsg, "parameter 'q' is too long (%zu bytes; at most %d)", n,
		               KB_MAX_QUERY_BYTES);
	if (q && !kb_utf8_valid(q, n))
		return kb_fail(KB_ERR_INVALID, errmsg, "parameter 'q' is not valid UTF-8");
	json_t *list = json_array();
	kb_tokens t = { 0 };
	if (n)
		kb_analyze(s->an, q, n, 0, &t);
	/* complete the last word only while it is being typed: it ends the query */
	if (t.n && t.v[t.n - 1].end == n) {
		/* the words a search for "prefix*" would ask for, the most frequent first */
		const char **words = NULL;
		const char *last = kb_tokens_word(&t, t.n - 1);
		/* typed without æ, ø or å: the words a search would read it as ("laegemid": lægemidler) */
		char *read = kb_prefix_read_as(s->vocab, last);
		size_t nwords = kb_prefix_words(s->vocab, read ? read : last, limit, &words);
		free(read);
		for (size_t i = 0; i < nwords; i++) {
			kb_buf full = { 0 };
			kb_buf_add(&full, q, t.v[t.n - 1].start);
			kb_buf_adds(&full, words[i]);
			json_array_append_new(list, json_string(full.s));
			kb_buf_free(&full);
		}
		free(words);
	}
	kb_tokens_clear(&t);
	*out = json_pack("{s:s, s:o}", "query", q ? q : "", "suggestions", list);
	return KB_OK;
}
