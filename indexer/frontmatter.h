/* frontmatter — splits a corpus file into its YAML front matter and its Markdown body, and validates
 * the front matter against INTERFACE.md §1.1 with libyaml.
 *
 * It knows nothing of the index or of Markdown; it never prints. */
#ifndef KB_FRONTMATTER_H
#define KB_FRONTMATTER_H
#include <stddef.h>
#include "problems.h"

typedef struct {
	char *title, *type, *lang, *updated; /* required; owned; NULL when absent or invalid */
	char *source, *url, *summary, *id;   /* optional; owned; NULL when absent */
	char **tags;                         /* owned array of owned strings; NULL when none */
	size_t ntags;
	const char *body;                    /* borrowed: points into the text given to kb_meta_parse */
	size_t body_len;
	unsigned body_line;                  /* 1-based line of the file on which the body starts */
	unsigned id_line;                    /* line of the 'id' key when id is set; else 0 */
} kb_meta;

/* Parses the whole file text (len bytes; need not be NUL-terminated). Fills *meta, which the caller
 * clears with kb_meta_clear() whatever the outcome, and appends every problem found to *probs, each
 * with the line it is on: no front matter, YAML syntax errors, a value of the wrong shape, unknown or
 * duplicate keys, missing required keys, a bad date, type, lang or url. Returns the number of problems
 * added (0: the front matter is valid). */
size_t kb_meta_parse(const char *text, size_t len, kb_meta *meta, kb_problems *probs);

/* Frees what kb_meta_parse allocated and zeroes *meta. */
void kb_meta_clear(kb_meta *meta);

#endif
