/* render — the terminal client's plain-text views of a search response and of a document.
 * Colour only when asked (the caller decides: a terminal, and NO_COLOR unset). */
#ifndef KB_RENDER_H
#define KB_RENDER_H
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

typedef struct {
	bool color;     /* ANSI colour and bold */
	unsigned width; /* wrap text to this many columns */
	size_t offset;  /* the number of the first hit is offset + 1 */
} kb_render_opts;

/* A numbered list of hits (title, id#section, type/lang/date, URL, snippet), facets, a suggestion. */
void kb_render_results(FILE *out, const json_t *res, const kb_render_opts *o);

/* A document: title, metadata, URL, and its body as text. */
void kb_render_doc(FILE *out, const json_t *doc, const kb_render_opts *o);

/* Text from HTML-escaped text with <mark> (a snippet): marks become bold colour, or nothing. */
char *kb_render_snippet(const char *snippet, bool color);

#endif
