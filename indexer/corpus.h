/* corpus — reads a corpus folder: every *.md file parsed (front matter, body) and checked, alone and
 * against the others (duplicate ids, links to documents that do not exist), and synonyms.txt.
 *
 * It never prints: problems stay with their file, for the program to report. */
#ifndef KB_CORPUS_H
#define KB_CORPUS_H
#include <stdint.h>
#include "frontmatter.h"
#include "markdown.h"
#include "problems.h"
#include "status.h"

typedef struct {
	char *path;        /* owned; below the corpus root ("guidance/gmp.md") */
	char *id;          /* owned; front matter id, or the path without .md */
	char *text;        /* owned; the file's bytes, NUL-terminated */
	size_t len;
	uint64_t hash;     /* of the file's bytes: unchanged files are copied, not analysed again */
	kb_meta meta;      /* points into text */
	kb_body body;
	kb_problems probs; /* everything wrong with this file */
} kb_cdoc;

typedef struct {
	char **groups;     /* owned; each a line of synonyms.txt, terms separated by '\n' */
	size_t ngroups;
	kb_problems probs; /* problems in synonyms.txt */
} kb_synonyms;

typedef struct {
	char *root;        /* owned */
	kb_cdoc *docs;     /* owned; sorted by path */
	size_t ndocs;
	kb_synonyms syn;
} kb_corpus;

/* Reads and checks every document under dir. Fails only when dir cannot be read; problems with
 * files are in each document's probs. *c is the caller's to clear with kb_corpus_clear(). */
kb_status kb_corpus_load(const char *dir, kb_corpus *c, char **errmsg);
void kb_corpus_clear(kb_corpus *c);

/* The number of problems in all files. */
size_t kb_corpus_nproblems(const kb_corpus *c);

/* FNV-1a, 64 bits: enough to notice that a file changed. */
uint64_t kb_hash64(const void *data, size_t n);

#endif
