#include "status.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

const char *kb_status_str(kb_status st)
{
	switch (st) {
	case KB_OK: return "ok";
	case KB_ERR_NOMEM: return "out of memory";
	case KB_ERR_IO: return "input/output error";
	case KB_ERR_INVALID: return "invalid input";
	case KB_ERR_NOT_FOUND: return "not found";
	case KB_ERR_DATABASE: return "index error";
	case KB_ERR_INTERNAL: return "internal error";
	}
	return "unknown status";
}

kb_status kb_fail(kb_status st, char **errmsg, const char *fmt, ...)
{
	if (errmsg) {
		va_list ap;
		va_start(ap, fmt);
		if (vasprintf(errmsg, fmt, ap) < 0)
			*errmsg = NULL;
		va_end(ap);
	}
	return st;
}
