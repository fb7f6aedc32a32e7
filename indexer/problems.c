#include "problems.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void kb_problems_add(kb_problems *p, unsigned line, const char *fmt, ...)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 8;
		kb_problem *v = realloc(p->v, cap * sizeof *v);
		if (!v)
			return;
		p->v = v;
		p->cap = cap;
	}
	char *msg;
	va_list ap;
	va_start(ap, fmt);
	int rc = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return;
	p->v[p->n].line = line;
	p->v[p->n].msg = msg;
	p->n++;
}

void kb_problems_clear(kb_problems *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].msg);
	free(p->v);
	p->v = NULL;
	p->n = p->cap = 0;
}
