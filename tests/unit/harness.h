/* harness — the unit tests' whole framework: CHECK records a failure with its place and goes on;
 * each test binary ends with TEST_END(), which prints "N passed, N failed" for its checks and exits 1
 * when any failed. */
#ifndef KB_HARNESS_H
#define KB_HARNESS_H
#include <stdio.h>
#include <string.h>

static int t_pass, t_fail;

#define CHECK(cond) do { \
	if (cond) t_pass++; \
	else { t_fail++; fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (g_ && w_ && strcmp(g_, w_) == 0) t_pass++; \
	else { t_fail++; fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, \
	                         g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } \
} while (0)

#define TEST_END() do { \
	printf("%d passed, %d failed\n", t_pass, t_fail); \
	return t_fail ? 1 : 0; \
} while (0)

#endif
