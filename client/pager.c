#include "pager.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int to_stdout(const char *text, size_t n)
{
	return fwrite(text, 1, n, stdout) == n && fflush(stdout) == 0 ? 0 : -1;
}

int kb_pager_show(const char *text, size_t n)
{
	const char *pager = getenv("PAGER");
	if (!pager)
		pager = "less";
	if (!isatty(STDOUT_FILENO) || !*pager || strcmp(pager, "cat") == 0)
		return to_stdout(text, n);
	setenv("LESS", "FRX", 0);
	fflush(stdout);
	/* a reader who quits early closes the pipe: stop writing instead of dying of SIGPIPE */
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	FILE *f = popen(pager, "w");
	int st = -1;
	if (f) {
		fwrite(text, 1, n, f);
		st = pclose(f);
	}
	signal(SIGPIPE, old);
	/* the shell's 127: the pager is not there; the text must not be lost */
	if (!f || st == -1 || (WIFEXITED(st) && WEXITSTATUS(st) == 127)) {
		fprintf(stderr, "atmp-search: cannot run the pager '%s'; set PAGER (or PAGER=cat)\n", pager);
		return to_stdout(text, n);
	}
	return 0;
}
