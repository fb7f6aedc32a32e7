/* qbench — atmp-kb's search in process: the library the daemon runs, without HTTP.
 *
 *   qbench DB_FILE QUERIES [--rounds N] [--max-seconds M] [--each 1] [--samples FILE]
 *          [--threads T --seconds S]
 *
 * QUERIES has CATEGORY<TAB>QUERY a line ('#' comments). Every query goes through kb_search_check()
 * and kb_search_answer() with limit 10, as GET /api/search?q=... does, and its JSON text is freed.
 * Latency mode (default) runs the mix once to warm up, then N times (fewer rounds, at least one,
 * once M seconds have passed), timing each call, and prints a line per category and one for "all":
 * "CATEGORY n p50_us p99_us mean_us". Throughput mode runs T threads, one kb_searcher each (as the
 * daemon keeps one per thread), through the mix for S seconds and prints "qps Q". With --each 1 the
 * latency mode also prints "each p50_us QUERY" a query, to find which ones a change helps or hurts;
 * with --samples FILE it appends every timing to FILE as "CATEGORY<TAB>us", so that runs taking
 * turns with the peer's can be summed up together (bench/latency.py).
 * Not product code: bench/ only. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "search.h"
#include "util.h"

typedef struct {
	char *cat, *q;
} query;

static query *qs;
static size_t nq;
static const char *db_path;
static atomic_bool stop;
static atomic_ulong done;

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void load_queries(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		exit(1);
	}
	char line[2048];
	size_t cap = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = 0;
		char *tab = strchr(line, '\t');
		if (!line[0] || line[0] == '#' || !tab)
			continue;
		*tab = 0;
		if (nq == cap) {
			cap = cap ? 2 * cap : 64;
			qs = realloc(qs, cap * sizeof *qs);
		}
		qs[nq].cat = strdup(line);
		qs[nq].q = strdup(tab + 1);
		nq++;
	}
	fclose(f);
	if (!nq) {
		fprintf(stderr, "qbench: no queries in %s\n", path);
		exit(1);
	}
}

static void run(kb_searcher *s, const char *q)
{
	kb_search_params p = { .q = q, .limit = 10 };
	char *err = NULL, *out = NULL;
	if (kb_search_check(&p, &err) == KB_OK && kb_search_answer(s, &p, &out, NULL, &err) == KB_OK) {
		free(out);
		return;
	}
	fprintf(stderr, "qbench: '%s': %s\n", q, err ? err : "failed");
	free(err);
}

static kb_searcher *open_searcher(void)
{
	kb_searcher *s = NULL;
	char *err = NULL;
	if (kb_searcher_open(db_path, &s, &err) != KB_OK) {
		fprintf(stderr, "qbench: %s: %s\n", db_path, err ? err : "cannot open");
		exit(1);
	}
	return s;
}

static void *worker(void *arg)
{
	size_t i = (size_t)arg * 7;
	kb_searcher *s = open_searcher();
	unsigned long n = 0;
	for (; !atomic_load_explicit(&stop, memory_order_relaxed); i++, n++)
		run(s, qs[i % nq].q);
	atomic_fetch_add(&done, n);
	kb_searcher_close(s);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

static void report(const char *cat, double *v, size_t n)
{
	if (!n)
		return;
	qsort(v, n, sizeof *v, cmp_double);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	printf("%s %zu %.1f %.1f %.1f\n", cat, n, pct(v, n, 0.5), pct(v, n, 0.99), sum / (double)n);
}

int main(int argc, char **argv)
{
	kb_malloc_settle(); /* as atmp-searchd does */
	if (argc < 3) {
		fprintf(stderr, "usage: qbench DB_FILE QUERIES [--rounds N] [--max-seconds M] [--each 1] [--samples FILE] "
		                "[--threads T --seconds S]\n");
		return 2;
	}
	db_path = argv[1];
	load_queries(argv[2]);
	unsigned rounds = 5, threads = 0, each = 0;
	double seconds = 5, max_seconds = 1e9;
	const char *samples = NULL;
	for (int i = 3; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--rounds"))
			rounds = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--threads"))
			threads = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--seconds"))
			seconds = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--each"))
			each = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--max-seconds"))
			max_seconds = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--samples"))
			samples = argv[i + 1];
	}
	if (threads) {
		pthread_t *t = calloc(threads, sizeof *t);
		double t0 = now_us();
		for (unsigned i = 0; i < threads; i++)
			pthread_create(&t[i], NULL, worker, (void *)(size_t)i);
		usleep((useconds_t)(seconds * 1e6));
		atomic_store(&stop, true);
		for (unsigned i = 0; i < threads; i++)
			pthread_join(t[i], NULL);
		printf("qps %.1f\n", (double)atomic_load(&done) / ((now_us() - t0) / 1e6));
		free(t);
		return 0;
	}
	kb_searcher *s = open_searcher();
	for (size_t i = 0; i < nq; i++) /* warm-up: caches, as a daemon that has run a while */
		run(s, qs[i].q);
	size_t n = (size_t)rounds * nq, k = 0;
	double *all = malloc(n * sizeof *all), *cat = malloc(n * sizeof *cat);
	char **cats = malloc(n * sizeof *cats);
	double start = now_us();
	for (unsigned r = 0; r < rounds && (r == 0 || now_us() - start < max_seconds * 1e6); r++)
		for (size_t i = 0; i < nq; i++, k++) {
			double t0 = now_us();
			run(s, qs[i].q);
			all[k] = now_us() - t0;
			cats[k] = qs[i].cat;
		}
	n = k;
	if (samples) {
		FILE *f = fopen(samples, "a");
		if (!f) {
			perror(samples);
			return 1;
		}
		for (size_t j = 0; j < n; j++)
			fprintf(f, "%s\t%.1f\n", cats[j], all[j]);
		fclose(f);
	}
	/* per category, in the order they first appear in the file */
	for (size_t i = 0; i < nq; i++) {
		bool first = true;
		for (size_t j = 0; j < i; j++)
			first &= strcmp(qs[j].cat, qs[i].cat) != 0;
		if (!first)
			continue;
		size_t m = 0;
		for (size_t j = 0; j < n; j++)
			if (strcmp(cats[j], qs[i].cat) == 0)
				cat[m++] = all[j];
		report(qs[i].cat, cat, m);
	}
	for (size_t i = 0; each && i < nq; i++) {
		size_t m = 0;
		for (size_t j = i; j < n; j += nq) /* round r holds query i at r * nq + i */
			cat[m++] = all[j];
		qsort(cat, m, sizeof *cat, cmp_double);
		printf("each %.1f %s\n", pct(cat, m, 0.5), qs[i].q);
	}
	report("all", all, n);
	kb_searcher_close(s);
	free(all);
	free(cat);
	free(cats);
	return 0;
}
