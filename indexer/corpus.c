#include "corpus.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

/* A curated document is a few kilobytes; anything this big is a mistake (a pasted PDF, a binary),
 * and is reported rather than read. */
#define MAX_FILE_BYTES (4u << 20)

uint64_t kb_hash64(const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static char *join(const char *a, const char *b)
{
	kb_buf s = { 0 };
	if (*a) {
		kb_buf_adds(&s, a);
		kb_buf_addc(&s, '/');
	}
	kb_buf_adds(&s, b);
	return kb_buf_detach(&s);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects the paths of *.md files below root/rel, relative to root. Hidden files are skipped. */
static kb_status walk(const char *root, const char *rel, char ***paths, size_t *n, size_t *cap,
                      char **errmsg)
{
	char *dirpath = join(root, rel);
	DIR *d = opendir(dirpath);
	if (!d) {
		kb_status rc = kb_fail(KB_ERR_IO, errmsg, "%s: %s", dirpath, strerror(errno));
		free(dirpath);
		return rc;
	}
	kb_status rc = KB_OK;
	struct dirent *e;
	while (rc == KB_OK && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *relpath = join(rel, e->d_name);
		char *full = join(root, relpath);
		struct stat st;
		if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
			rc = walk(root, relpath, paths, n, cap, errmsg);
		} else if (strlen(e->d_name) > 3 && strcmp(e->d_name + strlen(e->d_name) - 3, ".md") == 0 &&
		           !(rel[0] == '\0' && strcmp(e->d_name, "README.md") == 0)) {
			kb_grow((void **)paths, cap, *n + 1, sizeof **paths);
			(*paths)[(*n)++] = relpath;
			relpath = NULL;
		}
		free(relpath);
		free(full);
	}
	closedir(d);
	free(dirpath);
	return rc;
}

static bool read_file(const char *path, char **text, size_t *len, kb_problems *probs)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		kb_problems_add(probs, 0, "cannot read: %s", strerror(errno));
		return false;
	}
	kb_buf b = { 0 };
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + got > MAX_FILE_BYTES) {
			kb_problems_add(probs, 0, "file too large (over %u bytes)", MAX_FILE_BYTES);
			fclose(f);
			kb_buf_free(&b);
			return false;
		}
		kb_buf_add(&b, chunk, got);
	}
	fclose(f);
	*len = b.len;
	*text = kb_buf_detach(&b);
	return true;
}

/* The offset of the first byte of s (n bytes) that is not well-formed UTF-8 or is a NUL byte; n when
 * there is none. */
static size_t utf8_bad_at(const char *s, size_t n)
{
	size_t i = 0, k;
	while (i < n && s[i] != '\0' && (k = kb_utf8_char(s + i, n - i)))
		i += k;
	return i;
}

/* Notes that d is not UTF-8 text, at the line of its first bad byte; false when it is text. */
static bool not_utf8(kb_cdoc *d)
{
	size_t bad = utf8_bad_at(d->text, d->len);
	if (bad == d->len)
		return false;
	unsigned line = 1;
	for (const char *p = d->text; (p = memchr(p, '\n', (size_t)(d->text + bad - p))); p++)
		line++;
	unsigned char b = (unsigned char)d->text[bad];
	if (b)
		kb_problems_add(&d->probs, line, "not a UTF-8 text file (byte 0x%02X is not UTF-8)", b);
	else
		kb_problems_add(&d->probs, line, "not a UTF-8 text file (a NUL byte)");
	return true;
}

static void load_doc(const char *root, kb_cdoc *d)
{
	char *full = join(root, d->path);
	d->id = kb_xstrndup(d->path, strlen(d->path) - 3);
	if (read_file(full, &d->text, &d->len, &d->probs)) {
		d->hash = kb_hash64(d->text, d->len);
		if (!not_utf8(d)) {
			size_t before = d->probs.n;
			kb_meta_parse(d->text, d->len, &d->meta, &d->probs);
			/* links are relative to the file, so they resolve against its path, whatever its id */
			if (d->meta.body && (d->meta.body_len > 0 || d->probs.n == before))
				kb_body_parse(d->meta.body, d->meta.body_len, d->meta.body_line, d->id, &d->body,
				              &d->probs);
			if (d->meta.id) {
				free(d->id);
				d->id = kb_xstrdup(d->meta.id);
			}
		}
	}
	free(full);
}

static int cmp_problem(const void *a, const void *b)
{
	const kb_problem *x = a, *y = b;
	return (x->line > y->line) - (x->line < y->line);
}

/* The documents in order of a key, then of their place in the corpus: lookups for the checks
 * below in O(log n), where comparing every pair took minutes at a hundred thousand documents. */
typedef struct {
	const kb_corpus *c;
	size_t *v;
	bool by_path;
} order;

static const char *key_of(const order *o, size_t i)
{
	return o->by_path ? o->c->docs[i].path : o->c->docs[i].id;
}

static int cmp_order(const void *a, const void *b, void *o)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int r = strcmp(key_of(o, x), key_of(o, y));
	return r ? r : (x > y) - (x < y);
}

static void order_init(order *o, const kb_corpus *c, bool by_path)
{
	*o = (order){ c, kb_xcalloc(c->ndocs ? c->ndocs : 1, sizeof *o->v), by_path };
	for (size_t i = 0; i < c->ndocs; i++)
		o->v[i] = i;
	qsort_r(o->v, c->ndocs, sizeof *o->v, cmp_order, o);
}

/* The first document (in corpus order) whose key is key, or SIZE_MAX. */
static size_t order_find(const order *o, const char *key)
{
	size_t lo = 0, hi = o->c->ndocs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(key_of(o, o->v[mid]), key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < o->c->ndocs && strcmp(key_of(o, o->v[lo]), key) == 0 ? o->v[lo] : SIZE_MAX;
}

/* Does d hold its id by its path: no 'id' key, or one that says the path without ".md"? */
static bool owns_id(const kb_cdoc *d)
{
	size_t n = strlen(d->path) - 3;
	return strlen(d->id) == n && strncmp(d->id, d->path, n) == 0;
}

/* Settles n > 1 documents (indexes into c->docs, in corpus order) that have one id. The one that
 * holds it by its path keeps it; every other one claimed it with its 'id' key and is invalid, at
 * that key's line, and marked in lost. Without an owner every claimer is invalid, so that none of
 * them takes the id by the accident of sorting first. */
static void duplicate_ids(kb_corpus *c, const size_t *v, size_t n, bool *lost)
{
	size_t owner = SIZE_MAX;
	for (size_t i = 0; i < n; i++)
		if (owns_id(&c->docs[v[i]]))
			owner = v[i];
	for (size_t i = 0; i < n; i++) {
		kb_cdoc *d = &c->docs[v[i]];
		if (v[i] == owner)
			continue;
		lost[v[i]] = true;
		if (owner != SIZE_MAX) {
			kb_problems_add(&d->probs, d->meta.id_line, "duplicate id '%s' (the id of %s, by its path)",
			                d->id, c->docs[owner].path);
			continue;
		}
		const kb_cdoc *first = &c->docs[v[i == 0]]; /* the first of the others */
		if (n == 2)
			kb_problems_add(&d->probs, d->meta.id_line, "duplicate id '%s' (also %s)", d->id, first->path);
		else
			kb_problems_add(&d->probs, d->meta.id_line, "duplicate id '%s' (also %s and %zu other file%s)",
			                d->id, first->path, n - 2, n == 3 ? "" : "s");
	}
}

/* Checks that need every document: unique ids, and links that lead somewhere. */
static void cross_check(kb_corpus *c)
{
	order ids, paths;
	order_init(&ids, c, false);
	order_init(&paths, c, true);
	bool *lost = kb_xcalloc(c->ndocs ? c->ndocs : 1, sizeof *lost);
	for (size_t a = 0, b; a < c->ndocs; a = b) {
		for (b = a + 1; b < c->ndocs && strcmp(c->docs[ids.v[a]].id, c->docs[ids.v[b]].id) == 0; b++)
			;
		if (b - a > 1)
			duplicate_ids(c, ids.v + a, b - a, lost);
	}
	for (size_t i = 0; i < c->ndocs; i++) {
		kb_cdoc *d = &c->docs[i];
		for (size_t k = 0; k < d->body.nlinks; k++) {
			const kb_doclink *l = &d->body.links[k];
			/* the target is a document's id, or its path without ".md": the first in the corpus */
			kb_buf path = { 0 };
			kb_buf_printf(&path, "%s.md", l->target);
			size_t by_id = order_find(&ids, l->target), by_path = order_find(&paths, path.s);
			kb_buf_free(&path);
			size_t at = by_id < by_path ? by_id : by_path, other = at == by_id ? by_path : by_id;
			if (at != SIZE_MAX && lost[at] && other != SIZE_MAX && !lost[other])
				at = other; /* the id's owner, not a file that claimed its id */
			if (at == SIZE_MAX) {
				kb_problems_add(&d->probs, l->line, "link to a document that does not exist: '%s.md'",
				                l->target);
				continue;
			}
			const kb_cdoc *t = &c->docs[at];
			if (!l->anchor)
				continue;
			bool found = false;
			for (size_t s = 0; s < t->body.nsections && !found; s++)
				found = t->body.sections[s].anchor && strcmp(t->body.sections[s].anchor, l->anchor) == 0;
			if (!found && t->body.nsections > 0)
				kb_problems_add(&d->probs, l->line, "link to a section that does not exist: '%s.md#%s'",
				                l->target, l->anchor);
		}
	}
	for (size_t i = 0; i < c->ndocs; i++)
		if (c->docs[i].probs.n > 1)
			qsort(c->docs[i].probs.v, c->docs[i].probs.n, sizeof *c->docs[i].probs.v, cmp_problem);
	free(lost);
	free(ids.v);
	free(paths.v);
}

static void load_synonyms(const char *root, kb_synonyms *syn)
{
	char *path = join(root, "synonyms.txt");
	char *text = NULL;
	size_t len = 0;
	struct stat st;
	if (stat(path, &st) != 0) {
		free(path);
		return;
	}
	if (read_file(path, &text, &len, &syn->probs)) {
		unsigned line = 0;
		for (char *s = text, *nl; s && *s; s = nl ? nl + 1 : NULL) {
			nl = strchr(s, '\n');
			if (nl)
				*nl = '\0';
			line++;
			char *hash = strchr(s, '#');
			if (hash)
				*hash = '\0';
			/* checked whole, before the commas are cut into terms */
			bool bad_utf8 = !kb_utf8_valid(s, strlen(s));
			kb_buf group = { 0 };
			size_t nterms = 0;
			bool empty_term = false;
			for (char *t = s, *comma; t; t = comma ? comma + 1 : NULL) {
				comma = strchr(t, ',');
				if (comma)
					*comma = '\0';
				while (*t == ' ' || *t == '\t' || *t == '\r')
					t++;
				size_t tl = strlen(t);
				while (tl && (t[tl - 1] == ' ' || t[tl - 1] == '\t' || t[tl - 1] == '\r'))
					t[--tl] = '\0';
				if (!tl) {
					empty_term = comma != NULL || nterms > 0;
					continue;
				}
				if (nterms++)
					kb_buf_addc(&group, '\n');
				kb_buf_adds(&group, t);
			}
			if (nterms == 0 && !empty_term) {
				kb_buf_free(&group);
				continue;
			}
			if (bad_utf8)
				kb_problems_add(&syn->probs, line, "not valid UTF-8");
			else if (empty_term)
				kb_problems_add(&syn->probs, line, "empty term in a synonym group (a stray comma?)");
			else if (nterms < 2)
				kb_problems_add(&syn->probs, line, "a synonym group needs at least two terms, separated by commas");
			if (nterms >= 2 && !empty_term && !bad_utf8) {
				syn->groups = kb_xrealloc(syn->groups, (syn->ngroups + 1) * sizeof *syn->groups);
				syn->groups[syn->ngroups++] = kb_buf_detach(&group);
			}
			kb_buf_free(&group);
		}
	}
	free(text);
	free(path);
}

kb_status kb_corpus_load(const char *dir, kb_corpus *c, char **errmsg)
{
	char **paths = NULL;
	size_t n = 0, cap = 0;
	memset(c, 0, sizeof *c);
	c->root = kb_xstrdup(dir);
	kb_status rc = walk(dir, "", &paths, &n, &cap, errmsg);
	if (rc != KB_OK) {
		for (size_t i = 0; i < n; i++)
			free(paths[i]);
		free(paths);
		return rc;
	}
	qsort(paths, n, sizeof *paths, cmp_str);
	c->docs = kb_xcalloc(n ? n : 1, sizeof *c->docs);
	c->ndocs = n;
	for (size_t i = 0; i < n; i++) {
		c->docs[i].path = paths[i];
		load_doc(dir, &c->docs[i]);
	}
	free(paths);
	cross_check(c);
	load_synonyms(dir, &c->syn);
	return KB_OK;
}

void kb_corpus_clear(kb_corpus *c)
{
	for (size_t i = 0; i < c->ndocs; i++) {
		kb_cdoc *d = &c->docs[i];
		free(d->path);
		free(d->id);
		free(d->text);
		kb_meta_clear(&d->meta);
		kb_body_clear(&d->body);
		kb_problems_clear(&d->probs);
	}
	free(c->docs);
	for (size_t i = 0; i < c->syn.ngroups; i++)
		free(c->syn.groups[i]);
	free(c->syn.groups);
	kb_problems_clear(&c->syn.probs);
	free(c->root);
	memset(c, 0, sizeof *c);
}

size_t kb_corpus_nproblems(const kb_corpus *c)
{
	size_t n = c->syn.probs.n;
	for (size_t i = 0; i < c->ndocs; i++)
		n += c->docs[i].probs.n;
	return n;
}
