/* served — the index the daemon answers from, and how a rebuilt one takes its place.
 *
 * Each request thread gets its own kb_searcher (Xapian handles are not thread-safe). A generation
 * counter moves on when the index file is replaced (noticed by a watcher thread) or on SIGHUP; a
 * thread whose searcher is of an older generation opens the new file before its next query, and a
 * request already running finishes on the old one. A new file that cannot be opened is reported and
 * the old searcher keeps answering. */
#ifndef KB_SERVED_H
#define KB_SERVED_H
#include <stdbool.h>
#include "search.h"

/* Opens the index once to check it, and starts the watcher. false (with *errmsg, caller frees)
 * when the file is not a usable index. */
bool kb_served_start(const char *db_path, char **errmsg);
void kb_served_stop(void);

/* Asks every thread to reopen the index (SIGHUP); safe to call from a signal handler. */
void kb_served_reload(void);

/* This thread's searcher, reopened when a newer index is there; NULL when none could be opened.
 * Borrowed: valid until this thread's next call. */
kb_searcher *kb_served_get(void);

/* The generation counter now: it moves on when the index file is replaced or on SIGHUP. A searcher
 * that kb_served_get() returns after this was read is of this generation or a later one, so an
 * answer stamped with it is never taken for one from a newer index (the answer cache, cache.h). */
unsigned kb_served_generation(void);

/* Seconds since the served index file was last replaced, and its document count. */
double kb_served_age(void);
size_t kb_served_ndocs(void);

#endif
