/* pager — shows a long text through $PAGER, as git does: only when standard output is a terminal;
 * $PAGER unset means less, and empty or "cat" means no pager; less gets LESS=FRX unless LESS is set
 * (quit when it fits one screen, pass colour through, leave the text on screen).
 *
 * Depends on nothing but libc. Not thread-safe (it ignores SIGPIPE while the pager runs). */
#ifndef KB_PAGER_H
#define KB_PAGER_H
#include <stddef.h>

/* Shows n bytes of text (borrowed) through the pager, or on stdout when there is no pager or it
 * cannot be started (then with a warning on stderr). Returns 0, or -1 when stdout failed. */
int kb_pager_show(const char *text, size_t n);

#endif
