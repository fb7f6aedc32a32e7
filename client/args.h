/* args — the command line of atmp-search, read into a kb_args: options, the `show` subcommand and
 * the query words.
 *
 * Options are long (--name VALUE or --name=VALUE) and may come anywhere; only -h and -V are short.
 * Any other word that starts with one dash is a query word, since the query language uses it
 * (-hund: without "hund"). "--" ends the options; after it, "show" is a query word too.
 * Depends on term (kb_color_mode) and lib/ (query's filters, util, status); never prints. */
#ifndef KB_ARGS_H
#define KB_ARGS_H
#include <stdbool.h>
#include <stddef.h>

#include "query.h"
#include "status.h"
#include "term.h"

#define KB_ARGS_MAX_FILTERS 20 /* values of one filter, as the daemon accepts */

typedef enum { KB_CMD_SEARCH, KB_CMD_SHOW, KB_CMD_HELP, KB_CMD_VERSION } kb_cmd;

typedef struct {
	kb_cmd cmd;
	const char *server;      /* borrowed from argv; NULL unless --server was given */
	const char *db;          /* borrowed from argv; NULL unless --db was given */
	bool json;               /* --json */
	kb_color_mode color;     /* --color */
	size_t limit, offset;    /* --limit (default 10), --offset (default 0) */
	long timeout_ms;         /* --timeout (default 10 s) */
	const char *filters[KB_FILTER_N][KB_ARGS_MAX_FILTERS]; /* borrowed; --type, --lang, --tag, --source */
	size_t nfilters[KB_FILTER_N];
	char *query;             /* owned; the query words joined by single spaces (search only) */
	const char *target;      /* borrowed; show's ID or number */
} kb_args;

/* Reads argv into *a (the caller's; clear it with kb_args_clear() either way). KB_ERR_INVALID with a
 * message naming the offending argument when the command line is wrong (bad usage: exit 2). */
kb_status kb_args_parse(int argc, char **argv, kb_args *a, char **errmsg);

/* Frees what *a owns. */
void kb_args_clear(kb_args *a);

extern const char kb_args_synopsis[]; /* the usage lines, for an error message */
extern const char kb_args_help[];     /* the whole --help text */

#endif
