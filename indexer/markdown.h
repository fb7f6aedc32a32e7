/* markdown — turns a document's CommonMark body into searchable sections and rendered HTML (cmark).
 *
 * A section starts at each heading (levels 1–3) and runs to the next one; the text before the first
 * heading is the intro section (anchor NULL). It never prints; problems go to a kb_problems list. */
#ifndef KB_MARKDOWN_H
#define KB_MARKDOWN_H
#include <stddef.h>
#include "problems.h"

typedef struct {
	char *anchor;   /* owned; the heading's slug ("krav-til-fremstilling"); NULL for the intro */
	char *title;    /* owned; the heading as plain text; NULL for the intro */
	int level;      /* heading level 1–3; 0 for the intro */
	char *text;     /* owned; the section's body as plain text, blocks separated by "\n" */
	unsigned line;  /* 1-based line in the file where the section starts */
} kb_section;

typedef struct {
	char *target;   /* owned; the linked document's id ("guidance/gmp-for-atmp") */
	char *anchor;   /* owned; the anchor after '#', or NULL */
	unsigned line;  /* 1-based line of the link in the file */
} kb_doclink;

typedef struct {
	kb_section *sections; /* owned array, in document order; the intro first when it has text */
	size_t nsections;
	kb_doclink *links;    /* owned array: links to other corpus documents (relative *.md links) */
	size_t nlinks;
	char *html;           /* owned; the body as HTML: raw HTML in the source is shown as text, headings
	                         carry id="anchor", links to corpus documents point at /doc/ID#anchor */
} kb_body;

/* Makes the slug of a heading: case-folded, letters and digits kept (æ→ae, ø→oe, å→aa, other
 * accents dropped), every run of other characters one '-', no '-' at either end. Caller frees. */
char *kb_slug(const char *heading);

/* Parses body (len bytes) of the document whose id is doc_id; body_line is the file line on which
 * body starts, so problems and sections carry file lines. Fills *out (caller clears it with
 * kb_body_clear() whatever the outcome) and appends problems to *probs: an empty body, two headings
 * with the same anchor. Returns the number of problems added. */
size_t kb_body_parse(const char *body, size_t len, unsigned body_line, const char *doc_id,
                     kb_body *out, kb_problems *probs);

/* Frees what kb_body_parse allocated and zeroes *b. */
void kb_body_clear(kb_body *b);

#endif
