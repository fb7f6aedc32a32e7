/* problems — a list of things wrong with one corpus file, each tied to a line.
 *
 * The corpus checks collect every problem rather than stopping at the first, so a curator sees them
 * all at once. Messages are for people: lower-case, no full stop ("unknown key 'tilte'"). */
#ifndef KB_PROBLEMS_H
#define KB_PROBLEMS_H
#include <stddef.h>

typedef struct {
	unsigned line; /* 1-based line in the file; 0 when the problem is the file as a whole */
	char *msg;     /* owned */
} kb_problem;

typedef struct {
	kb_problem *v; /* owned array */
	size_t n, cap;
} kb_problems;

/* Appends a printf-style message at line. Out of memory is ignored (the list stays as it was). */
void kb_problems_add(kb_problems *p, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Frees the messages and the array and leaves *p empty; accepts an empty list. */
void kb_problems_clear(kb_problems *p);

#endif
