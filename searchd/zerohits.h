/* zerohits — the searches that found nothing, appended to a file the secretariat reads to learn what
 * to write next: one line each, "TIME<TAB>QUERY<TAB>FILTERS". Thread-safe. */
#ifndef KB_ZEROHITS_H
#define KB_ZEROHITS_H
#include <stdbool.h>

/* Opens (appends to) path; false with *errmsg (caller frees) when it cannot. */
bool kb_zerohits_open(const char *path, char **errmsg);
void kb_zerohits_close(void);

/* Records a search; filters is a short text such as "type=faq lang=da" ("" for none). Does nothing
 * when no file is open. */
void kb_zerohits_log(const char *query, const char *filters);

#endif
