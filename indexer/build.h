/* build — writes a checked corpus into one index file, safely.
 *
 * The new index is built as a Xapian database in a temporary folder beside the target, compacted into
 * a single temporary file, synced, and renamed over the target: a reader sees the old index or the
 * new one, never a half-built one, and a crash at any point leaves the old one as it was. Documents
 * whose file is unchanged since the previous index are copied from it, not analysed again. */
#ifndef KB_BUILD_H
#define KB_BUILD_H
#include <stdbool.h>
#include <stddef.h>
#include "corpus.h"
#include "status.h"

/* The Danish word list compounds are split on (Debian's wdanish); $ATMP_WORDLIST overrides it. */
#define KB_WORDLIST "/usr/share/dict/danish"

typedef struct {
	size_t added, changed, removed, unchanged; /* documents, compared with the previous index */
	size_t skipped;                            /* invalid documents left out */
	size_t sections;                           /* searchable sections written */
	bool no_wordlist;                          /* the Danish word list was not found */
} kb_build_stats;

/* Builds the index at db_path from the documents of c that have no problems. With full, nothing is
 * copied from the previous index. A file at db_path that is neither empty nor an index is left alone,
 * and an error. */
kb_status kb_build(const kb_corpus *c, const char *db_path, bool full, kb_build_stats *stats,
                   char **errmsg);

#endif
