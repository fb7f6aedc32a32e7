/* json — the one way atmp-kb turns a JSON value into text (jansson), so the daemon and the terminal
 * client's --db mode print byte-for-byte the same thing; and, for the search answer, which is
 * written straight into a buffer rather than built as jansson objects first (a hash table per hit,
 * some 400 allocations a search), the same text jansson would write for the same values. */
#ifndef KB_JSON_H
#define KB_JSON_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "util.h"

/* Compact JSON with UTF-8 kept as is and reals to 6 significant digits; caller frees with free(). */
char *kb_json_dumps(const json_t *v);

/* The string member key of obj, or NULL; borrowed from obj. */
const char *kb_json_str(const json_t *obj, const char *key);

/* Appends to b the JSON text kb_json_dumps gives a string of n bytes of UTF-8 (quoted; ", \ and
 * control characters escaped), a real, an integer. kb_jw_str returns false, appending nothing, for
 * bytes that are not UTF-8, which jansson would not take as a string either. */
bool kb_jw_str(kb_buf *b, const char *s, size_t n);
void kb_jw_real(kb_buf *b, double v);
void kb_jw_int(kb_buf *b, long long v);

#endif
