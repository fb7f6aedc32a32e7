/* atmp-index: builds or checks the search index from a corpus folder (INTERFACE.md §2.1). */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "corpus.h"

static const char usage[] =
	"usage: atmp-index --corpus DIR --db FILE [--skip-invalid] [--full]\n"
	"       atmp-index --corpus DIR --check\n"
	"\n"
	"Builds the search index FILE from the Markdown documents under DIR, or with --check only\n"
	"validates them and writes nothing. Every problem is printed as FILE:LINE: what is wrong.\n"
	"\n"
	"  --corpus DIR      the corpus folder (every *.md below it is a document)\n"
	"  --db FILE         the index file to build or update (replaced whole, atomically)\n"
	"  --check           validate only; exit 1 when anything is wrong\n"
	"  --skip-invalid    index the valid documents even when others have problems\n"
	"  --full            analyse every document again instead of reusing unchanged ones\n"
	"  -q, --quiet       print problems only, no summary\n"
	"  -h, --help        this help\n"
	"  -V, --version     the version\n"
	"\n"
	"Exit status: 0 success, 1 problems in the corpus or a failed build, 2 bad usage.\n"
	"Example: atmp-index --corpus corpus --db kb.db\n";

static void print_problems(const kb_corpus *c)
{
	for (size_t i = 0; i < c->ndocs; i++) {
		const kb_cdoc *d = &c->docs[i];
		for (size_t j = 0; j < d->probs.n; j++) {
			if (d->probs.v[j].line)
				fprintf(stderr, "%s/%s:%u: %s\n", c->root, d->path, d->probs.v[j].line, d->probs.v[j].msg);
			else
				fprintf(stderr, "%s/%s: %s\n", c->root, d->path, d->probs.v[j].msg);
		}
	}
	for (size_t j = 0; j < c->syn.probs.n; j++)
		fprintf(stderr, "%s/synonyms.txt:%u: %s\n", c->root, c->syn.probs.v[j].line, c->syn.probs.v[j].msg);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "corpus", required_argument, NULL, 'c' }, { "db", required_argument, NULL, 'd' },
		{ "check", no_argument, NULL, 'k' },        { "skip-invalid", no_argument, NULL, 's' },
		{ "full", no_argument, NULL, 'f' },         { "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },         { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *corpus = NULL, *db = NULL;
	bool check = false, skip = false, full = false, quiet = false;
	int ch;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "qhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': corpus = optarg; break;
		case 'd': db = optarg; break;
		case 'k': check = true; break;
		case 's': skip = true; break;
		case 'f': full = true; break;
		case 'q': quiet = true; break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': printf("atmp-index %s\n", KB_VERSION); return 0;
		default:
			fprintf(stderr, "atmp-index: unknown or incomplete option '%s'\n%s", argv[optind - 1], usage);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "atmp-index: unexpected argument '%s'\n%s", argv[optind], usage);
		return 2;
	}
	if (!corpus || (!check && !db)) {
		fprintf(stderr, "atmp-index: %s is required\n%s", !corpus ? "--corpus" : "--db (or --check)", usage);
		return 2;
	}

	kb_corpus c;
	char *err = NULL;
	if (kb_corpus_load(corpus, &c, &err) != KB_OK) {
		fprintf(stderr, "atmp-index: %s\n", err);
		free(err);
		kb_corpus_clear(&c);
		return 1;
	}
	size_t nprob = kb_corpus_nproblems(&c);
	print_problems(&c);
	int status = 0;
	if (check) {
		if (!quiet)
			printf("%zu documents checked, %zu problem%s\n", c.ndocs, nprob, nprob == 1 ? "" : "s");
		status = nprob ? 1 : 0;
	} else if (nprob && !skip) {
		fprintf(stderr, "atmp-index: %zu problem%s in the corpus: the index %s was left as it was "
		        "(fix them, or use --skip-invalid)\n", nprob, nprob == 1 ? "" : "s", db);
		status = 1;
	} else {
		kb_build_stats st;
		if (kb_build(&c, db, full, &st, &err) != KB_OK) {
			fprintf(stderr, "atmp-index: %s (%s was left as it was)\n", err, db);
			free(err);
			status = 1;
		} else if (!quiet) {
			printf("%s: %zu documents (%zu added, %zu changed, %zu removed, %zu unchanged), "
			       "%zu sections%s\n", db, st.added + st.changed + st.unchanged, st.added, st.changed,
			       st.removed, st.unchanged, st.sections, "");
			if (st.no_wordlist)
				printf("note: no Danish word list at %s (Debian package wdanish): compounds are not "
				       "split\n", KB_WORDLIST);
			if (st.skipped)
				printf("%zu invalid document%s skipped\n", st.skipped, st.skipped == 1 ? "" : "s");
		}
		/* with --skip-invalid a build is a success, but the problems were real */
		if (status == 0 && nprob && skip)
			status = 0;
	}
	kb_corpus_clear(&c);
	return status;
}
