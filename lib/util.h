/* util — small memory and string helpers for all of atmp-kb.
 *
 * Allocation failure aborts: a search service that cannot get a few bytes cannot answer anyway, and
 * one policy keeps every caller free of half-built-object paths for malloc. Depends on nothing. */
#ifndef KB_UTIL_H
#define KB_UTIL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* For programs that search, first thing in main: fixes glibc's mmap threshold at its default
 * (128 KiB). glibc otherwise raises it, and the heap's trim threshold with it, when a large block is
 * freed (a searcher frees its vocabulary's temporary arrays as it opens), and the mix's searches at
 * 1k documents then took 15% longer or not, by the vocabulary's size. Process-wide, so not done by
 * the library itself. */
void kb_malloc_settle(void);

void *kb_xmalloc(size_t n);                 /* never NULL */
void *kb_xcalloc(size_t n, size_t size);    /* never NULL */
void *kb_xrealloc(void *p, size_t n);       /* never NULL */
char *kb_xstrdup(const char *s);            /* NULL for NULL; caller frees */
char *kb_xstrndup(const char *s, size_t n); /* caller frees */

/* Grows *v (an array of *cap elements of size sz) so it has room for need elements. */
void kb_grow(void **v, size_t *cap, size_t need, size_t sz);

/* A growable NUL-terminated byte buffer (git's strbuf in miniature). Zero-initialise to start. */
typedef struct {
	char *s;    /* owned; NULL until something is added */
	size_t len; /* bytes used, not counting the NUL */
	size_t cap;
} kb_buf;

void kb_buf_add(kb_buf *b, const char *s, size_t n);
void kb_buf_adds(kb_buf *b, const char *s);
void kb_buf_addc(kb_buf *b, char c);
void kb_buf_printf(kb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s with &, <, >, " and ' escaped for HTML. */
void kb_buf_add_html(kb_buf *b, const char *s, size_t n);
/* Hands over the string (never NULL; "" when empty): the caller now owns it; b is empty again. */
char *kb_buf_detach(kb_buf *b);
void kb_buf_free(kb_buf *b);
/* Shortens b to its first len bytes (what was written since then is taken back); a len past its
 * end changes nothing. */
void kb_buf_cut(kb_buf *b, size_t len);

/* True when s (n bytes) is well-formed UTF-8 without NUL bytes. */
bool kb_utf8_valid(const char *s, size_t n);

/* The length in bytes of the well-formed UTF-8 character s starts with (of n bytes), or 0 when
 * there is none (a NUL byte counts as the character U+0000). */
size_t kb_utf8_char(const char *s, size_t n);

/* Decodes up to max code points of the UTF-8 string s (NUL-terminated) into out; returns how many. */
size_t kb_utf8_decode(const char *s, uint32_t *out, size_t max);

/* c in lower case when it is an ASCII letter, else c: for codes and keys, never for words (the
 * analyzer folds those with ICU). */
static inline char kb_ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Edits between a[0, la) and b[0, lb), ASCII case aside, a swap of two neighbours counting as one
 * (optimal string alignment: "tilte" is one from "title"); SIZE_MAX when either is longer than
 * KB_ASCII_DISTANCE_MAX. For codes and keys, never for words (spelling works on code points). */
#define KB_ASCII_DISTANCE_MAX 32
size_t kb_ascii_distance(const char *a, size_t la, const char *b, size_t lb);

/* Monotonic clock in milliseconds, for took_ms. */
double kb_now_ms(void);

#endif
