#include "query.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

static const char *const filter_names[KB_FILTER_N] = { "type", "lang", "tag", "source" };

const char *kb_filter_name(kb_filter f)
{
	return f < KB_FILTER_N ? filter_names[f] : "";
}

static const char *const type_values[] = { "guidance", "best-practice", "faq", "news", "minutes", "analysis", NULL };
static const char *const lang_values[] = { "da", "en", NULL };

static const char *const *values_of(kb_filter f)
{
	return f == KB_FILTER_TYPE ? type_values : f == KB_FILTER_LANG ? lang_values : NULL;
}

bool kb_filter_value_ok(kb_filter f, const char *value)
{
	const char *const *v = values_of(f);
	if (!v)
		return true;
	for (; *v; v++)
		if (strcmp(*v, value) == 0)
			return true;
	return false;
}

/* What people write for a language instead of its code: a code one letter off is another
 * language's (de, es), not a misspelling, so these are listed rather than guessed. */
static const char *const lang_names[][2] = {
	{ "dk", "da" }, { "dan", "da" }, { "dansk", "da" }, { "danish", "da" },
	{ "eng", "en" }, { "engelsk", "en" }, { "english", "en" }, { "uk", "en" }, { "gb", "en" },
};

const char *kb_filter_value_near(kb_filter f, const char *value)
{
	for (size_t i = 0; f == KB_FILTER_LANG && i < sizeof lang_names / sizeof *lang_names; i++)
		if (strcasecmp(value, lang_names[i][0]) == 0)
			return lang_names[i][1];
	/* a code of two letters only in another case (DA) */
	const char *best = NULL;
	size_t best_d = strlen(value) <= 2 ? 1 : 3;
	for (const char *const *v = values_of(f); v && *v; v++) {
		size_t d = kb_ascii_distance(value, strlen(value), *v, strlen(*v));
		if (d < best_d) {
			best = *v;
			best_d = d;
		}
	}
	return best;
}

void kb_filter_hint(kb_filter f, const char *value, kb_buf *out)
{
	const char *near = kb_filter_value_near(f, value);
	if (near)
		kb_buf_printf(out, "; did you mean '%s'?", near);
}

void kb_filter_values(kb_filter f, kb_buf *out)
{
	for (const char *const *v = values_of(f); v && *v; v++)
		kb_buf_printf(out, "%s%s", v == values_of(f) ? "" : ", ", *v);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static kb_qnode *node_new(kb_qkind kind, const char *s, size_t n)
{
	kb_qnode *nd = kb_xcalloc(1, sizeof *nd);
	nd->kind = kind;
	if (kind != KB_QN_OR)
		nd->text = kb_xstrndup(s, n);
	return nd;
}

static void node_free(kb_qnode *nd)
{
	if (!nd)
		return;
	for (size_t i = 0; i < nd->nkids; i++)
		node_free(nd->kids[i]);
	free(nd->kids);
	free(nd->text);
	free(nd);
}

static void push(kb_qnode ***v, size_t *n, kb_qnode *nd)
{
	*v = kb_xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = nd;
}

void kb_query_add_filter(kb_query *q, kb_filter key, const char *value)
{
	if (key >= KB_FILTER_N || !value || !*value)
		return;
	q->filters[key] = kb_xrealloc(q->filters[key], (q->nfilters[key] + 1) * sizeof(char *));
	q->filters[key][q->nfilters[key]++] = kb_xstrdup(value);
}

/* A field filter is `key:value` or `key:"some value"` with a known key; anything else with a colon
 * is just words. Returns the bytes consumed, 0 when s does not start a filter. */
static size_t parse_filter(kb_query *q, const char *s, const char *end)
{
	for (int f = 0; f < KB_FILTER_N; f++) {
		size_t kl = strlen(filter_names[f]);
		if ((size_t)(end - s) <= kl + 1 || strncmp(s, filter_names[f], kl) != 0 || s[kl] != ':')
			continue;
		const char *v = s + kl + 1, *ve;
		if (*v == '"') {
			const char *close = memchr(v + 1, '"', (size_t)(end - v - 1));
			if (!close)
				return 0;
			ve = close;
			v++;
		} else {
			for (ve = v; ve < end && !is_space(*ve); ve++)
				;
		}
		if (ve == v)
			return 0;
		char *val = kb_xstrndup(v, (size_t)(ve - v));
		if (values_of((kb_filter)f))
			for (char *c = val; *c; c++)
				*c = kb_ascii_lower(*c);
		kb_query_add_filter(q, (kb_filter)f, val);
		free(val);
		return (size_t)(ve - s) + (ve < end && *ve == '"' ? 1 : 0);
	}
	return 0;
}

/* One clause at s: a phrase, a prefix or words; NULL when there is nothing but a stray quote.
 * Sets *used to the bytes consumed. */
static kb_qnode *parse_clause(const char *s, const char *end, size_t *used)
{
	if (*s == '"') {
		const char *close = memchr(s + 1, '"', (size_t)(end - s - 1));
		if (close) {
			*used = (size_t)(close - s) + 1;
			return node_new(KB_QN_PHRASE, s + 1, (size_t)(close - s - 1));
		}
		s++; /* an unbalanced quote is punctuation */
		(*used)++;
	}
	const char *e = s;
	while (e < end && !is_space(*e) && *e != '"')
		e++;
	*used += (size_t)(e - s);
	if (e == s)
		return NULL;
	if (e - s >= 2 && e[-1] == '*' && e[-2] != '*')
		return node_new(KB_QN_PREFIX, s, (size_t)(e - s - 1));
	return node_new(KB_QN_WORDS, s, (size_t)(e - s));
}

kb_query *kb_query_parse(const char *str, size_t len)
{
	kb_query *q = kb_xcalloc(1, sizeof *q);
	const char *s = str, *end = str + len;
	bool pending_or = false;
	size_t pieces = 0; /* clauses and OR alternatives: both cost a word's expansion */
	while (s < end && pieces < KB_QUERY_MAX_CLAUSES) {
		while (s < end && is_space(*s))
			s++;
		if (s >= end)
			break;
		size_t fl = parse_filter(q, s, end);
		if (fl) {
			s += fl;
			continue;
		}
		/* OR joins the clauses on either side; anywhere else it is the word "or" */
		if (end - s >= 2 && s[0] == 'O' && s[1] == 'R' && (end - s == 2 || is_space(s[2])) &&
		    q->nclauses > 0 && !q->clauses[q->nclauses - 1]->negated) {
			const char *t = s + 2;
			while (t < end && is_space(*t))
				t++;
			if (t < end && *t != '-') {
				pending_or = true;
				s += 2;
				continue;
			}
		}
		bool neg = false;
		if (*s == '-' && s + 1 < end && !is_space(s[1]) && s[1] != '-') {
			neg = true;
			s++;
		}
		size_t used = 0;
		kb_qnode *nd = parse_clause(s, end, &used);
		s += used ? used : 1;
		if (!nd)
			continue;
		pieces++;
		nd->negated = neg;
		if (pending_or && !neg) {
			kb_qnode *prev = q->clauses[q->nclauses - 1];
			if (prev->kind != KB_QN_OR) {
				kb_qnode *or = node_new(KB_QN_OR, NULL, 0);
				push(&or->kids, &or->nkids, prev);
				q->clauses[q->nclauses - 1] = prev = or;
			}
			push(&prev->kids, &prev->nkids, nd);
		} else {
			push(&q->clauses, &q->nclauses, nd);
		}
		pending_or = false;
	}
	return q;
}

void kb_query_free(kb_query *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->nclauses; i++)
		node_free(q->clauses[i]);
	free(q->clauses);
	for (int f = 0; f < KB_FILTER_N; f++) {
		for (size_t i = 0; i < q->nfilters[f]; i++)
			free(q->filters[f][i]);
		free(q->filters[f]);
	}
	free(q);
}
