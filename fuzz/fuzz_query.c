/* Fuzz target: the query parser (lib/query.c) on any UTF-8 query (the daemon refuses the rest
 * first). Properties: no memory error; at most KB_QUERY_MAX_CLAUSES clauses; every node is well
 * formed (text for words, phrases and prefixes; only plain nodes inside OR) and its text valid UTF-8. */
#include <string.h>

#include "fuzz.h"
#include "query.h"
#include "util.h"

static void check_node(const kb_qnode *n, bool in_or)
{
	PROPERTY(n);
	if (n->kind == KB_QN_OR) {
		PROPERTY(!in_or && !n->text && n->nkids >= 2 && n->kids);
		for (size_t i = 0; i < n->nkids; i++)
			check_node(n->kids[i], true);
		return;
	}
	PROPERTY(n->kind == KB_QN_WORDS || n->kind == KB_QN_PHRASE || n->kind == KB_QN_PREFIX);
	PROPERTY(n->text && kb_utf8_valid(n->text, strlen(n->text)));
	PROPERTY(n->nkids == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *q = (const char *)data;
	if (!kb_utf8_valid(q, size))
		return 0;
	kb_query *pq = kb_query_parse(q, size);
	PROPERTY(pq);
	PROPERTY(pq->nclauses <= KB_QUERY_MAX_CLAUSES);
	for (size_t i = 0; i < pq->nclauses; i++)
		check_node(pq->clauses[i], false);
	for (int f = 0; f < KB_FILTER_N; f++)
		for (size_t i = 0; i < pq->nfilters[f]; i++)
			PROPERTY(pq->filters[f][i] && kb_utf8_valid(pq->filters[f][i], strlen(pq->filters[f][i])));
	kb_query_add_filter(pq, KB_FILTER_TAG, "GMP");
	kb_query_free(pq);
	return 0;
}
