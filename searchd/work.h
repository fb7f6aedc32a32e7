/* work — a fixed pool of search threads fed from one queue. libmicrohttpd's threads each keep the
 * connections they accepted, and a burst of new connections can land on one of them; handing each
 * search to this pool (and suspending its connection meanwhile) spreads the searches over the
 * cores whichever thread holds the connection.
 *
 * Each job runs once, on one of the pool's threads; a thread keeps its own searcher (served.h).
 * Depends only on util and pthreads. */
#ifndef KB_WORK_H
#define KB_WORK_H
#include <stdbool.h>

/* Starts n threads (n >= 1), each of which first calls init (when not NULL), and returns once they
 * all have. false when none could be started. */
bool kb_work_start(unsigned n, void (*init)(void));

/* Queues fn(arg) to run on a pool thread; false when the pool is not running (stopped, or never
 * started), and then the caller runs it itself. */
bool kb_work_submit(void (*fn)(void *arg), void *arg);

/* Runs every job already queued, then stops the threads and waits for them. */
void kb_work_stop(void);

#endif
