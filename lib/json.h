/* json — the one way atmp-kb turns a JSON value into text (jansson), so the daemon and the terminal
 * client's --db mode print byte-for-byte the same thing. */
#ifndef KB_JSON_H
#define KB_JSON_H
#include <jansson.h>

/* Compact JSON with UTF-8 kept as is and reals to 6 significant digits; caller frees with free(). */
char *kb_json_dumps(const json_t *v);

/* The string member key of obj, or NULL; borrowed from obj. */
const char *kb_json_str(const json_t *obj, const char *key);

#endif
