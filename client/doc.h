/* doc — the terminal client's view of a document (the JSON object of GET /api/doc/ID): its title,
 * metadata, summary, and its body — the HTML cmark renders — as text for a terminal: headings stand
 * out (underlined, bold in colour), lists get bullets or numbers, block quotes and code are indented,
 * and links become numbered footnotes listed at the end (links to other documents of the knowledge
 * base as the `atmp-search show ID` that opens them).
 *
 * Reads doc only (borrowed, never changed). Depends on term, render and jansson; no HTTP, no index. */
#ifndef KB_DOC_H
#define KB_DOC_H
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

typedef struct {
	bool color;          /* SGR colour and bold */
	unsigned width;      /* wrap to this many columns (the body to at most 100) */
	const char *section; /* borrowed; the anchor of the section a search matched, or NULL */
} kb_doc_opts;

/* Prints the document doc to out. */
void kb_doc_render(FILE *out, const json_t *doc, const kb_doc_opts *o);

#endif
