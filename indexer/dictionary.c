#include "dictionary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util.h"

typedef struct {
	char *key, *value;
	kb_lang vlang;     /* the language of value */
} pair;

typedef struct {
	pair *v;
	size_t n, cap;
} pairs;

static void add_pair(pairs *p, const char *key, const char *value, kb_lang vlang)
{
	kb_grow((void **)&p->v, &p->cap, p->n + 1, sizeof *p->v);
	p->v[p->n++] = (pair){ kb_xstrdup(key), kb_xstrdup(value), vlang };
}

/* A headword line: "word /ipa/" or "word /ipa/ <n>". */
static bool headword(const char *line, char *word, size_t cap)
{
	if (line[0] == ' ' || line[0] == '\t' || line[0] == '\n')
		return false;
	const char *slash = strstr(line, " /");
	if (!slash || !strchr(slash + 2, '/'))
		return false;
	size_t n = (size_t)(slash - line);
	if (n == 0 || n >= cap)
		return false;
	memcpy(word, line, n);
	word[n] = '\0';
	return true;
}

struct stem_ctx {
	char stem[200];
	kb_lang lang;
};

static void take_stem(void *ctx, const char *term, kb_form form)
{
	struct stem_ctx *s = ctx;
	const char *pfx = s->lang == KB_LANG_DA ? KB_PFX_STEM_DA : KB_PFX_STEM_EN;
	if (form == KB_FORM_STEM && strncmp(term, pfx, 2) == 0)
		snprintf(s->stem, sizeof s->stem, "%s", term);
}

/* Each translation on a line: numbering ("1. ") and notes in brackets dropped, split at commas;
 * only short ones (a word or a name of up to three words) are useful to a search. */
static void translations(kb_analyzer *an, const char *head, kb_lang head_lang, const char *line, pairs *out)
{
	char buf[512];
	size_t n = 0;
	int depth = 0;
	while (*line == ' ' || (*line >= '0' && *line <= '9') || *line == '.')
		line++;
	for (const char *s = line; *s && *s != '\n' && n + 1 < sizeof buf; s++) {
		if (*s == '[' || *s == '(')
			depth++;
		else if ((*s == ']' || *s == ')') && depth)
			depth--;
		else if (!depth)
			buf[n++] = *s;
	}
	buf[n] = '\0';
	char *folded_head = kb_analyzer_fold(an, head);
	struct stem_ctx st = { "", head_lang };
	if (!strchr(folded_head, ' '))
		kb_analyzer_query_terms(an, folded_head, take_stem, &st);
	char *save = NULL;
	for (char *t = strtok_r(buf, ",;", &save); t; t = strtok_r(NULL, ",;", &save)) {
		char *f = kb_analyzer_fold(an, t);
		size_t words = *f ? 1 : 0;
		for (char *p = f; *p; p++)
			words += *p == ' ';
		kb_lang other = head_lang == KB_LANG_DA ? KB_LANG_EN : KB_LANG_DA;
		if (words >= 1 && words <= 3 && strcmp(f, folded_head) != 0) {
			add_pair(out, folded_head, f, other);
			if (st.stem[0])
				add_pair(out, st.stem, f, other);
		}
		free(f);
	}
	free(folded_head);
}

static size_t read_dict(const char *path, kb_analyzer *an, kb_lang head_lang, pairs *out)
{
	gzFile f = gzopen(path, "rb");
	if (!f)
		return 0;
	char line[1024], head[256] = "";
	size_t heads = 0;
	bool in_entry = false;
	while (gzgets(f, line, sizeof line)) {
		if (headword(line, head, sizeof head)) {
			in_entry = true;
			heads++;
		} else if (in_entry && line[0] != '\n') {
			translations(an, head, head_lang, line, out);
		}
	}
	gzclose(f);
	return heads;
}

static int cmp_pair(const void *a, const void *b)
{
	const pair *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : strcmp(x->value, y->value);
}

size_t kb_dictionary_write(kb_writer *w, kb_analyzer *an, char **errmsg)
{
	pairs p = { 0 };
	size_t heads = read_dict(KB_DICT_DAN_ENG, an, KB_LANG_DA, &p);
	heads += read_dict(KB_DICT_ENG_DAN, an, KB_LANG_EN, &p);
	/* the other direction too: an English word of a Danish entry translates back to the headword */
	size_t n = p.n;
	for (size_t i = 0; i < n; i++) {
		if (p.v[i].key[0] >= 'A' && p.v[i].key[0] <= 'Z')
			continue; /* a stem key: its word is there too */
		kb_lang back = p.v[i].vlang == KB_LANG_DA ? KB_LANG_EN : KB_LANG_DA;
		char *value = kb_xstrdup(p.v[i].value), *key = kb_xstrdup(p.v[i].key);
		add_pair(&p, value, key, back);
		struct stem_ctx st = { "", p.v[i].vlang };
		if (!strchr(value, ' '))
			kb_analyzer_query_terms(an, value, take_stem, &st);
		if (st.stem[0])
			add_pair(&p, st.stem, key, back);
		free(value);
		free(key);
	}
	qsort(p.v, p.n, sizeof *p.v, cmp_pair);
	kb_status rc = KB_OK;
	for (size_t i = 0; i < p.n;) {
		kb_buf key = { 0 }, val = { 0 };
		kb_buf_printf(&key, KB_META_TRANSLATION "%s", p.v[i].key);
		size_t j = i;
		for (; j < p.n && strcmp(p.v[j].key, p.v[i].key) == 0; j++)
			if (j == i || strcmp(p.v[j].value, p.v[j - 1].value) != 0) {
				if (val.len)
					kb_buf_addc(&val, '\n');
				kb_buf_adds(&val, p.v[j].value);
			}
		/* Xapian keys are limited in length; a longer one is of no use to a query anyway */
		if (rc == KB_OK && key.len < 200)
			rc = kb_writer_set_meta(w, key.s, val.s, errmsg);
		kb_buf_free(&key);
		kb_buf_free(&val);
		i = j;
	}
	for (size_t i = 0; i < p.n; i++) {
		free(p.v[i].key);
		free(p.v[i].value);
	}
	free(p.v);
	return rc == KB_OK ? heads : 0;
}
