/* render — the terminal client's view of a search response (the JSON object of GET /api/search):
 * "did you mean", a numbered list of hits, a count, the facets on one line, a tip when nothing matched.
 *
 * Reads the response only (borrowed, never changed) and writes text; colour only when the caller asks
 * for it (see kb_term_detect()). Depends on term and jansson; knows nothing of HTTP or the index. */
#ifndef KB_RENDER_H
#define KB_RENDER_H
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

typedef struct {
	bool color;     /* SGR colour and bold */
	unsigned width; /* wrap text to this many columns */
	size_t offset;  /* the number of the first hit is offset + 1 */
	bool filtered;  /* the search had --type/--lang/--tag/--source filters (for the tip) */
} kb_render_opts;

/* Prints the response res: each hit as its number, title, section title, id#section · type · lang ·
 * date · source, URL, snippet (matches highlighted) and, when the response says why it matched, a
 * "matched:" line; then the count and the facets; with no hits, a tip instead. */
void kb_render_results(FILE *out, const json_t *res, const kb_render_opts *o);

/* Terminal text from a snippet (HTML-escaped text whose only markup is <mark>): entities decoded,
 * control characters dropped, marks in colour or plain. Caller frees. */
char *kb_render_snippet(const char *snippet, bool color);

/* Terminal text from any string of the response (control characters dropped); "" for NULL. Caller
 * frees. */
char *kb_render_clean(const char *s);

#endif
