/* term — text for a terminal: whether to colour, how wide, display width, word wrapping, HTML
 * entities, and keeping control characters from the data away from the terminal.
 *
 * A low-level module of the client: it knows nothing of searches or documents and depends on lib/util
 * (kb_buf) and ICU's character properties only. It never prints except where a FILE is given. */
#ifndef KB_TERM_H
#define KB_TERM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util.h"

/* ANSI SGR sequences; print them only through kb_sgr(), so plain output stays plain. */
#define KB_SGR_BOLD      "\033[1m"
#define KB_SGR_DIM       "\033[2m"
#define KB_SGR_ITALIC    "\033[3m"
#define KB_SGR_UNDERLINE "\033[4m"
#define KB_SGR_MARK      "\033[1;33m" /* a matched word: bold yellow */
#define KB_SGR_LINK      "\033[34m"   /* a URL: blue */
#define KB_SGR_HEADING   "\033[1;36m" /* a document heading: bold cyan */
#define KB_SGR_RESET     "\033[0m"

typedef enum { KB_COLOR_AUTO, KB_COLOR_ALWAYS, KB_COLOR_NEVER } kb_color_mode;

typedef struct {
	bool tty;       /* the stream is a terminal */
	bool color;     /* write SGR sequences */
	unsigned width; /* columns to wrap to */
} kb_term;

/* What the stream fd is: colour under KB_COLOR_AUTO only on a terminal with NO_COLOR unset or empty
 * and TERM not "dumb"; width from the terminal, else $COLUMNS, else 80 (never below 20). */
kb_term kb_term_detect(int fd, kb_color_mode mode);

/* sgr when colour is on, else "" (static strings; nothing to free). */
const char *kb_sgr(bool color, const char *sgr);

/* Display columns of n bytes of UTF-8 text: SGR sequences take none, East Asian wide characters two,
 * combining marks none. */
size_t kb_term_width(const char *s, size_t n);

/* Prints text wrapped at spaces to width columns: the first line starts with first, the others with
 * rest (both may hold SGR sequences). A '\n' in text is a forced break. A word wider than a line is
 * printed whole on a line of its own (URLs stay copyable). Nothing is printed for blank text. */
void kb_term_wrap(FILE *out, const char *text, unsigned width, const char *first, const char *rest);

/* Appends n bytes of text to b with what a terminal must not get from data replaced: control
 * characters (ESC, C0 but for '\n' when keep_newlines, DEL, C1) become a space, invalid UTF-8
 * becomes U+FFFD. */
void kb_term_clean(kb_buf *b, const char *s, size_t n, bool keep_newlines);

/* If s starts with an HTML character reference (&amp; &lt; &gt; &quot; &#39; &nbsp; &#NN; &#xNN;),
 * appends the character it stands for to b and returns the byte after it; else returns NULL. */
const char *kb_term_entity(const char *s, kb_buf *b);

#endif
