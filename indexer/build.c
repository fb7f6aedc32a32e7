#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzer.h"
#include "engine.h"
#include "dictionary.h"
#include "json.h"
#include "lexicon.h"
#include "schema.h"
#include "snippet.h"
#include "synmatch.h"
#include "util.h"

struct post_ctx {
	kb_wdoc *doc;
	unsigned wdf;
	kb_buf terms;       /* the field's terms, NUL-terminated, for the synonym groups */
	unsigned *pos;
	size_t *off;
	size_t n, cap;
};

static void add_posting(void *ctx, const char *term, unsigned pos)
{
	struct post_ctx *p = ctx;
	/* positions only where a phrase asks for them: the stems (schema.h) */
	if (strncmp(term, KB_PFX_STEM_DA, 2) == 0 || strncmp(term, KB_PFX_STEM_EN, 2) == 0)
		kb_wdoc_posting(p->doc, term, pos, p->wdf);
	else
		kb_wdoc_term(p->doc, term, p->wdf);
	size_t cap = p->cap;
	kb_grow((void **)&p->pos, &p->cap, p->n + 1, sizeof *p->pos);
	if (cap != p->cap)
		p->off = kb_xrealloc(p->off, p->cap * sizeof *p->off);
	p->pos[p->n] = pos;
	p->off[p->n++] = p->terms.len;
	kb_buf_add(&p->terms, term, strlen(term) + 1);
}

static void add_group(void *ctx, const char *term)
{
	struct post_ctx *p = ctx;
	kb_wdoc_term(p->doc, term, p->wdf);
}

/* Indexes one field of a section: every word's terms at its position, counted wdf times, and the
 * synonym group of each group term it holds (see synmatch.h). Its words are left in *words when
 * that is not NULL. */
static void index_field(kb_analyzer *an, const kb_synmatch *sm, kb_wdoc *doc, const char *text,
                        kb_lang lang, unsigned base, unsigned wdf, kb_tokens *words)
{
	if (!text)
		return;
	struct post_ctx p = { .doc = doc, .wdf = wdf };
	kb_tokens t = { 0 };
	kb_analyze(an, text, strlen(text), base, &t);
	kb_analyzer_index_tokens(an, text, &t, lang, add_posting, &p);
	if (words)
		*words = t;
	else
		kb_tokens_clear(&t);
	kb_posting *v = kb_xcalloc(p.n + 1, sizeof *v);
	for (size_t i = 0; i < p.n; i++)
		v[i] = (kb_posting){ p.terms.s + p.off[i], p.pos[i] };
	kb_synmatch_find(sm, v, p.n, add_group, &p);
	free(v);
	free(p.pos);
	free(p.off);
	kb_buf_free(&p.terms);
}

static void bool_term(kb_wdoc *doc, const char *prefix, const char *value)
{
	kb_buf t = { 0 };
	kb_buf_adds(&t, prefix);
	kb_buf_adds(&t, value);
	kb_wdoc_term(doc, t.s, 0);
	kb_buf_free(&t);
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* The section record's data (schema.h): what a hit shows, where the text's words are (from words,
 * its analysis), then a newline and the text snippets are cut from, as it is. */
static char *section_data(const kb_cdoc *d, const kb_section *s, const char *text, const kb_tokens *words)
{
	const kb_meta *m = &d->meta;
	const char *v[KB_HIT_NFIELDS] = { d->id, s ? s->anchor : NULL, m->title, s ? s->title : NULL, m->type,
	                                  m->lang, m->source, m->url, m->updated };
	kb_buf data = { 0 };
	for (size_t i = 0; i < KB_HIT_NFIELDS; i++)
		if (v[i])
			kb_buf_printf(&data, "%zu:%s", strlen(v[i]), v[i]);
		else
			kb_buf_addc(&data, '-');
	kb_buf spans = { 0 };
	kb_snippet_spans(words, &spans);
	kb_buf_printf(&data, "%zu:", spans.len);
	kb_buf_add(&data, spans.s ? spans.s : "", spans.len);
	kb_buf_free(&spans);
	kb_buf_addc(&data, '\n');
	kb_buf_adds(&data, text ? text : "");
	return kb_buf_detach(&data);
}

/* The document's collapse key (schema.h): 60 bits of a 64-bit FNV-1a hash of its id, as ten
 * printable characters: that two of a million documents share one has a chance of about 1 in 2 million. */
static void doc_key(const char *id, char out[11])
{
	static const char digits[] = "0123456789:;ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	uint64_t h = 14695981039346656037ull;
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	for (int i = 0; i < 10; i++)
		out[i] = digits[(h >> (54 - 6 * i)) & 63];
	out[10] = '\0';
}

/* The start of a word term for its start term (analyzer.h); none for prefixed terms (upper-case). */
static size_t word_start(const char *term)
{
	return term[0] >= 'A' && term[0] <= 'Z' ? 0 : kb_start_len(term);
}

/* Writes one section record; s is NULL for the document's head (title, summary and intro text). */
static kb_status add_section(kb_writer *w, kb_analyzer *an, const kb_synmatch *sm, const kb_cdoc *d,
                             const kb_section *s, char **errmsg)
{
	const kb_meta *m = &d->meta;
	kb_lang lang = KB_LANG_DA;
	kb_lang_parse(m->lang, &lang);
	kb_wdoc *doc = kb_wdoc_new();
	kb_wdoc_starts(doc, KB_PFX_START, word_start);
	kb_buf tags = { 0 };
	for (size_t i = 0; i < m->ntags; i++) {
		kb_buf_adds(&tags, m->tags[i]);
		kb_buf_adds(&tags, " . ");
	}
	kb_tokens words = { 0 }; /* of the text a hit shows */
	index_field(an, sm, doc, m->title, lang, KB_POS_TITLE, KB_WDF_TITLE, NULL);
	index_field(an, sm, doc, tags.s, lang, KB_POS_TAGS, KB_WDF_TAGS, NULL);
	/* the head shows its intro text, or else the summary */
	const kb_section *intro = d->body.nsections && !d->body.sections[0].anchor ? &d->body.sections[0] : NULL;
	const char *text = s ? s->text : intro ? intro->text : m->summary;
	if (s)
		index_field(an, sm, doc, s->title, lang, KB_POS_SECTION, KB_WDF_SECTION, NULL);
	else
		index_field(an, sm, doc, m->summary, lang, KB_POS_SUMMARY, KB_WDF_SUMMARY, intro ? NULL : &words);
	if (s || intro)
		index_field(an, sm, doc, text, lang, KB_POS_BODY, KB_WDF_BODY, &words);
	kb_buf_free(&tags);

	bool_term(doc, KB_BOOL_ID, d->id);
	bool_term(doc, KB_BOOL_TYPE, m->type);
	bool_term(doc, KB_BOOL_LANG, m->lang);
	for (size_t i = 0; i < m->ntags; i++) {
		char *f = kb_analyzer_fold(an, m->tags[i]);
		bool_term(doc, KB_BOOL_TAG, f);
		free(f);
	}
	if (m->source) {
		char *f = kb_analyzer_fold(an, m->source);
		bool_term(doc, KB_BOOL_SOURCE, f);
		free(f);
	}
	kb_wdoc_value(doc, KB_SLOT_ID, d->id);
	char key[11];
	doc_key(d->id, key);
	kb_wdoc_value(doc, KB_SLOT_KEY, key);
	kb_wdoc_value(doc, KB_SLOT_TYPE, m->type);
	kb_wdoc_value(doc, KB_SLOT_LANG, m->lang);
	kb_wdoc_value(doc, KB_SLOT_UPDATED, m->updated);
	char *data = section_data(d, s, text, &words);
	kb_tokens_clear(&words);
	kb_wdoc_value(doc, KB_SLOT_DATA, data);
	free(data);
	kb_status rc = kb_writer_add(w, doc, errmsg);
	kb_wdoc_free(doc);
	return rc;
}

/* The whole document, for /api/doc/ID and the document view. */
static char *doc_json(const kb_cdoc *d)
{
	const kb_meta *m = &d->meta;
	json_t *o = json_object(), *tags = json_array(), *secs = json_array();
	for (size_t i = 0; i < m->ntags; i++)
		json_array_append_new(tags, json_string(m->tags[i]));
	for (size_t i = 0; i < d->body.nsections; i++) {
		const kb_section *s = &d->body.sections[i];
		if (!s->anchor)
			continue;
		json_array_append_new(secs, json_pack("{s:s, s:s, s:i}", "anchor", s->anchor, "title", s->title,
		                                      "level", s->level));
	}
	json_object_set_new(o, "id", json_string(d->id));
	json_object_set_new(o, "title", json_string(m->title));
	json_object_set_new(o, "type", json_string(m->type));
	json_object_set_new(o, "lang", json_string(m->lang));
	json_object_set_new(o, "source", str_or_null(m->source));
	json_object_set_new(o, "url", str_or_null(m->url));
	json_object_set_new(o, "tags", tags);
	json_object_set_new(o, "updated", json_string(m->updated));
	json_object_set_new(o, "summary", str_or_null(m->summary));
	json_object_set_new(o, "path", json_string(d->path));
	json_object_set_new(o, "sections", secs);
	json_object_set_new(o, "html", json_string(d->body.html ? d->body.html : ""));
	char *js = kb_json_dumps(o);
	json_decref(o);
	return js;
}

static kb_status add_doc(kb_writer *w, kb_analyzer *an, const kb_synmatch *sm, const kb_cdoc *d,
                         size_t *nsec, char **errmsg)
{
	kb_status rc = add_section(w, an, sm, d, NULL, errmsg);
	for (size_t i = 0; rc == KB_OK && i < d->body.nsections; i++)
		if (d->body.sections[i].anchor) {
			rc = add_section(w, an, sm, d, &d->body.sections[i], errmsg);
			++*nsec;
		}
	return rc;
}

static char *meta_key(const char *id)
{
	kb_buf k = { 0 };
	kb_buf_adds(&k, KB_META_DOC);
	kb_buf_adds(&k, id);
	return kb_buf_detach(&k);
}

static char *state_key(const char *id)
{
	kb_buf k = { 0 };
	kb_buf_adds(&k, KB_META_STATE);
	kb_buf_adds(&k, id);
	return kb_buf_detach(&k);
}

/* Is the document's file byte-for-byte the one the previous index holds? Then *nsec is how many
 * sections it has there. *existed: whether the previous index holds the document at all. */
static bool unchanged(kb_db *old, const kb_cdoc *d, bool *existed, size_t *nsec)
{
	char *key = state_key(d->id), *text = NULL;
	kb_db_meta(old, key, &text, NULL);
	free(key);
	*existed = text != NULL;
	if (!text) { /* no state: an index from before it was kept, or not this document */
		key = meta_key(d->id);
		kb_db_meta(old, key, &text, NULL);
		*existed = text != NULL;
		free(key);
		free(text);
		return false;
	}
	char hash[17];
	snprintf(hash, sizeof hash, "%016" PRIx64, d->hash);
	char *sp = strchr(text, ' '), *end = NULL;
	unsigned long long n = sp ? strtoull(sp + 1, &end, 10) : 0;
	bool same = sp && (size_t)(sp - text) == 16 && strncmp(text, hash, 16) == 0 && end && *end == ' ' &&
	            strcmp(end + 1, d->path) == 0;
	*nsec = (size_t)n;
	free(text);
	return same;
}

static kb_status delete_doc(kb_writer *w, const char *id, char **errmsg);

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct removed_ctx {
	const char **ids;  /* the corpus's valid documents' ids, sorted */
	size_t nids;
	kb_writer *w;
	size_t removed;
	kb_status rc;
	char **errmsg;
};

/* A document of the previous index that is no longer a valid document of the corpus is deleted. */
static bool remove_gone(void *ctx, const char *key)
{
	struct removed_ctx *r = ctx;
	const char *id = key + strlen(KB_META_DOC);
	if (bsearch(&id, r->ids, r->nids, sizeof *r->ids, cmp_str))
		return true;
	r->rc = delete_doc(r->w, id, r->errmsg);
	char *state = state_key(id);
	if (r->rc == KB_OK)
		r->rc = kb_writer_set_meta(r->w, key, "", r->errmsg); /* an empty value deletes the key */
	if (r->rc == KB_OK)
		r->rc = kb_writer_set_meta(r->w, state, "", r->errmsg);
	free(state);
	r->removed++;
	return r->rc == KB_OK;
}

/* The previous index, when its documents can be copied: built by this schema, with this lexicon
 * (a different word list would split compounds differently, and a copy must equal a rebuild). */
static kb_db *open_previous(const char *db_path, const char *lexicon_id)
{
	kb_db *old = NULL;
	char *version = NULL, *lex = NULL;
	if (access(db_path, F_OK) != 0 || kb_db_open(db_path, &old, NULL) != KB_OK)
		return NULL;
	kb_db_meta(old, KB_META_VERSION, &version, NULL);
	kb_db_meta(old, KB_META_LEXICON, &lex, NULL);
	bool ok = version && strcmp(version, KB_SCHEMA_VERSION) == 0 && lex && strcmp(lex, lexicon_id) == 0;
	free(version);
	free(lex);
	if (!ok) {
		kb_db_close(old);
		return NULL;
	}
	return old;
}

static bool lexicon_knows(void *ctx, const char *s, size_t n)
{
	return kb_lexicon_has(ctx, s, n);
}

static const char *wordlist_path(void)
{
	const char *path = getenv("ATMP_WORDLIST");
	return path && *path ? path : KB_WORDLIST;
}

/* What identifies the word list, the dictionaries and the synonym groups, so an index built with
 * others is not reused ("none" for a missing word list): the groups' terms are in every document. */
static char *lexicon_id(const kb_corpus *c)
{
	static const char *const dicts[] = { KB_DICT_DAN_ENG, KB_DICT_ENG_DAN };
	struct stat st;
	kb_buf id = { 0 };
	const char *path = wordlist_path();
	if (stat(path, &st) == 0 && access(path, R_OK) == 0)
		kb_buf_printf(&id, "%s:%lld:%lld", path, (long long)st.st_size, (long long)st.st_mtime);
	else
		kb_buf_adds(&id, "none");
	for (size_t i = 0; i < 2; i++)
		if (stat(dicts[i], &st) == 0)
			kb_buf_printf(&id, " %s:%lld:%lld", dicts[i], (long long)st.st_size, (long long)st.st_mtime);
	uint64_t h = 14695981039346656037ull;
	for (size_t g = 0; g < c->syn.ngroups; g++)
		for (const unsigned char *p = (const unsigned char *)c->syn.groups[g]; ; p++) {
			h = (h ^ *p) * 1099511628211ull; /* the NUL too: it separates the groups */
			if (!*p)
				break;
		}
	kb_buf_printf(&id, " synonyms:%016" PRIx64, h);
	return kb_buf_detach(&id);
}

static kb_status delete_doc(kb_writer *w, const char *id, char **errmsg)
{
	kb_buf term = { 0 };
	kb_buf_printf(&term, "%s%s", KB_BOOL_ID, id);
	kb_status rc = kb_writer_delete(w, term.s, errmsg);
	kb_buf_free(&term);
	return rc;
}

/* Writes the documents of c into w, which holds a copy of old (or is empty when old is NULL):
 * unchanged documents stay as they are, changed ones are replaced, new ones added. */
static kb_status write_all(kb_writer *w, const kb_corpus *c, kb_db *old, kb_build_stats *st, char **errmsg)
{
	kb_analyzer *an = NULL;
	kb_lexicon *lx = NULL; /* read when the first document needs analysing: often none does */
	kb_status rc = kb_analyzer_new(&an, errmsg);
	kb_synmatch *sm = rc == KB_OK ? kb_synmatch_new(an, c->syn.groups, c->syn.ngroups) : NULL;
	for (size_t i = 0; rc == KB_OK && i < c->ndocs; i++) {
		const kb_cdoc *d = &c->docs[i];
		if (d->probs.n) {
			st->skipped++;
			continue;
		}
		bool existed = false;
		size_t nsec = 0;
		if (old && unchanged(old, d, &existed, &nsec)) {
			st->sections += nsec;
			st->unchanged++;
			continue;
		}
		if (!lx) {
			lx = kb_lexicon_new();
			if (kb_lexicon_load(lx, wordlist_path(), NULL) == KB_OK && kb_lexicon_size(lx))
				kb_analyzer_set_lexicon(an, lexicon_knows, lx);
		}
		char *key = meta_key(d->id), *js = doc_json(d), *skey = state_key(d->id);
		size_t before = st->sections;
		if (existed)
			rc = delete_doc(w, d->id, errmsg);
		if (rc == KB_OK)
			rc = add_doc(w, an, sm, d, &st->sections, errmsg);
		if (rc == KB_OK)
			rc = kb_writer_set_meta(w, key, js, errmsg);
		if (rc == KB_OK) {
			kb_buf state = { 0 };
			kb_buf_printf(&state, "%016" PRIx64 " %zu %s", d->hash, st->sections - before, d->path);
			rc = kb_writer_set_meta(w, skey, state.s, errmsg);
			kb_buf_free(&state);
		}
		free(js);
		free(key);
		free(skey);
		if (existed)
			st->changed++;
		else
			st->added++;
	}
	kb_synmatch_free(sm);
	kb_analyzer_free(an);
	kb_lexicon_free(lx);
	if (rc == KB_OK && old) {
		struct removed_ctx r = { kb_xcalloc(c->ndocs + 1, sizeof *r.ids), 0, w, 0, KB_OK, errmsg };
		for (size_t i = 0; i < c->ndocs; i++)
			if (c->docs[i].probs.n == 0)
				r.ids[r.nids++] = c->docs[i].id;
		qsort(r.ids, r.nids, sizeof *r.ids, cmp_str);
		rc = kb_db_meta_keys(old, KB_META_DOC, remove_gone, &r, errmsg);
		if (rc == KB_OK)
			rc = r.rc;
		st->removed = r.removed;
		free(r.ids);
	}
	return rc;
}

/* The index's own metadata; the dictionary only into a fresh index (a copied one has it, and the
 * lexicon id changes with the dictionary files, which forces a fresh build). */
static kb_status write_meta(kb_writer *w, const kb_corpus *c, const char *lexicon_id, bool fresh, char **errmsg)
{
	char when[32];
	time_t now = time(NULL);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	json_t *groups = json_array();
	for (size_t i = 0; i < c->syn.ngroups; i++)
		json_array_append_new(groups, json_string(c->syn.groups[i]));
	char *syn = kb_json_dumps(groups);
	json_decref(groups);
	kb_status rc = kb_writer_set_meta(w, KB_META_VERSION, KB_SCHEMA_VERSION, errmsg);
	if (rc == KB_OK)
		rc = kb_writer_set_meta(w, KB_META_BUILT, when, errmsg);
	if (rc == KB_OK)
		rc = kb_writer_set_meta(w, "synonyms", syn, errmsg);
	if (rc == KB_OK)
		rc = kb_writer_set_meta(w, KB_META_LEXICON, lexicon_id, errmsg);
	if (rc == KB_OK && fresh) {
		kb_analyzer *an = NULL;
		rc = kb_analyzer_new(&an, errmsg);
		if (rc == KB_OK)
			kb_dictionary_write(w, an, errmsg);
		kb_analyzer_free(an);
	}
	free(syn);
	return rc;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	remove(path);
	return 0;
}

/* Makes the new file durable before it replaces the old one, and the rename durable after. */
static kb_status sync_and_rename(const char *tmp, const char *dst, char **errmsg)
{
	int fd = open(tmp, O_RDONLY);
	if (fd < 0 || fsync(fd) != 0) {
		if (fd >= 0)
			close(fd);
		return kb_fail(KB_ERR_IO, errmsg, "%s: %s", tmp, strerror(errno));
	}
	close(fd);
	if (rename(tmp, dst) != 0)
		return kb_fail(KB_ERR_IO, errmsg, "cannot rename %s to %s: %s", tmp, dst, strerror(errno));
	char *copy = kb_xstrdup(dst);
	int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(copy);
	return KB_OK;
}

/* What a killed build left beside the index: FILE.build-PID-XXXXXX folders and FILE.tmp.PID files
 * whose process is gone. A running build's own files are left alone. */
static void remove_stale(const char *db_path)
{
	char *copy = kb_xstrdup(db_path);
	char *copy2 = kb_xstrdup(db_path);
	const char *dir = dirname(copy), *base = basename(copy2);
	size_t bl = strlen(base);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		const char *rest = e->d_name + bl;
		if (strncmp(e->d_name, base, bl) != 0)
			continue;
		const char *pid_at = !strncmp(rest, ".build-", 7) ? rest + 7 : !strncmp(rest, ".tmp.", 5) ? rest + 5 : NULL;
		if (!pid_at)
			continue;
		long pid = strtol(pid_at, NULL, 10);
		if (pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno == ESRCH)) {
			kb_buf path = { 0 };
			kb_buf_printf(&path, "%s/%s", dir, e->d_name);
			nftw(path.s, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
			kb_buf_free(&path);
		}
	}
	if (d)
		closedir(d);
	free(copy);
	free(copy2);
}

/* Whether db_path may be replaced: nothing is there, an empty file (made to hold the index), or an
 * index. Anything else is not ours to replace: a mistyped --db would lose it. */
static kb_status replaceable(const char *db_path, char **errmsg)
{
	struct stat sb;
	if (stat(db_path, &sb) != 0)
		return KB_OK; /* nothing there; a path that cannot be written fails where it is written */
	if (S_ISDIR(sb.st_mode))
		return kb_fail(KB_ERR_IO, errmsg, "%s is a folder, not an index file", db_path);
	if (S_ISREG(sb.st_mode) && sb.st_size == 0)
		return KB_OK;
	kb_db *db = NULL;
	if (S_ISREG(sb.st_mode) && kb_db_open(db_path, &db, NULL) == KB_OK) {
		kb_db_close(db);
		return KB_OK;
	}
	return kb_fail(KB_ERR_IO, errmsg, "%s is not an index, so it is not replaced (remove it, or choose "
	               "another --db)", db_path);
}

kb_status kb_build(const kb_corpus *c, const char *db_path, bool full, kb_build_stats *st,
                   char **errmsg)
{
	memset(st, 0, sizeof *st);
	kb_status ok = replaceable(db_path, errmsg);
	if (ok != KB_OK)
		return ok;
	kb_buf dir = { 0 }, sub = { 0 }, tmp = { 0 };
	remove_stale(db_path);
	kb_buf_printf(&dir, "%s.build-%ld-XXXXXX", db_path, (long)getpid());
	if (!mkdtemp(dir.s)) {
		kb_status rc = kb_fail(KB_ERR_IO, errmsg, "cannot create a folder beside %s: %s", db_path,
		                       strerror(errno));
		kb_buf_free(&dir);
		return rc;
	}
	kb_buf_printf(&sub, "%s/db", dir.s);
	kb_buf_printf(&tmp, "%s.tmp.%ld", db_path, (long)getpid());
	char *lex_id = lexicon_id(c);
	st->no_wordlist = strncmp(lex_id, "none", 4) == 0;
	kb_db *old = full ? NULL : open_previous(db_path, lex_id);
	kb_writer *w = NULL;
	kb_status rc = old ? kb_writer_open_copy(db_path, sub.s, &w, errmsg) : kb_writer_open(sub.s, &w, errmsg);
	if (rc == KB_OK)
		rc = write_all(w, c, old, st, errmsg);
	if (rc == KB_OK)
		rc = write_meta(w, c, lex_id, old == NULL, errmsg);
	free(lex_id);
	kb_status crc = kb_writer_close(w, rc == KB_OK ? errmsg : NULL);
	if (rc == KB_OK)
		rc = crc;
	kb_db_close(old);
	if (rc == KB_OK)
		rc = kb_compact_single(sub.s, tmp.s, errmsg);
	if (rc == KB_OK)
		rc = sync_and_rename(tmp.s, db_path, errmsg);
	if (rc != KB_OK)
		unlink(tmp.s);
	nftw(dir.s, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	kb_buf_free(&dir);
	kb_buf_free(&sub);
	kb_buf_free(&tmp);
	return rc;
}
