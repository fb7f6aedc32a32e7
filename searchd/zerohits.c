#include "zerohits.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "status.h"
#include "util.h"

static FILE *out;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

bool kb_zerohits_open(const char *path, char **errmsg)
{
	out = fopen(path, "a");
	if (!out) {
		kb_fail(KB_ERR_IO, errmsg, "--zero-hits-log '%s': %s", path, strerror(errno));
		return false;
	}
	return true;
}

void kb_zerohits_close(void)
{
	if (out)
		fclose(out);
	out = NULL;
}

/* The text as one field: tabs, newlines and other control characters become spaces, so a query can
 * never start a line of its own or shift the columns. */
static void field(kb_buf *b, const char *s)
{
	for (; *s; s++)
		kb_buf_addc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

void kb_zerohits_log(const char *query, const char *filters)
{
	if (!out)
		return;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	kb_buf line = { 0 };
	kb_buf_adds(&line, when);
	kb_buf_addc(&line, '\t');
	field(&line, query);
	kb_buf_addc(&line, '\t');
	field(&line, filters);
	kb_buf_addc(&line, '\n');
	pthread_mutex_lock(&lock);
	fwrite(line.s, 1, line.len, out);
	fflush(out);
	pthread_mutex_unlock(&lock);
	kb_buf_free(&line);
}
