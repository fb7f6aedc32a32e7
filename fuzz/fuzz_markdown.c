/* Fuzz target: the Markdown sectioner (indexer/markdown.c) and kb_slug, on what the corpus loader
 * lets through (UTF-8 without NUL bytes). Properties: no memory error; every string that goes into
 * the index (JSON, so UTF-8 only) is valid UTF-8; anchors are slugs (no '-' at either end, no "--",
 * no space or upper-case ASCII); sections are in file order with levels 0-3. */
#include <string.h>

#include "fuzz.h"
#include "markdown.h"
#include "util.h"

static void check_slug(const char *s)
{
	PROPERTY(s && *s);
	size_t n = strlen(s);
	PROPERTY(kb_utf8_valid(s, n));
	PROPERTY(s[0] != '-' && s[n - 1] != '-');
	PROPERTY(!strstr(s, "--"));
	for (size_t i = 0; i < n; i++)
		PROPERTY(s[i] != ' ' && !(s[i] >= 'A' && s[i] <= 'Z'));
}

static void check_text(const char *s)
{
	if (s)
		PROPERTY(kb_utf8_valid(s, strlen(s)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	if (!kb_utf8_valid(body, size))
		return 0; /* the corpus loader refuses such files before parsing */
	kb_body b = { 0 };
	kb_problems p = { 0 };
	kb_body_parse(body, size, 7, "fuzz/doc", &b, &p);
	unsigned last = 0;
	for (size_t i = 0; i < b.nsections; i++) {
		const kb_section *s = &b.sections[i];
		PROPERTY(s->level >= 0 && s->level <= 3);
		PROPERTY((s->anchor == NULL) == (s->level == 0));
		PROPERTY(s->line >= 7 && s->line >= last);
		last = s->line;
		if (s->anchor)
			check_slug(s->anchor);
		check_text(s->title);
		check_text(s->text);
	}
	for (size_t i = 0; i < b.nlinks; i++) {
		check_text(b.links[i].target);
		check_text(b.links[i].anchor);
	}
	PROPERTY(b.html || p.n);
	check_text(b.html);
	for (size_t i = 0; i < p.n; i++) {
		PROPERTY(p.v[i].msg && !strchr(p.v[i].msg, '\n'));
		check_text(p.v[i].msg);
	}
	kb_body_clear(&b);
	kb_problems_clear(&p);

	/* the first line as a heading */
	const char *nl = memchr(body, '\n', size);
	char *line = kb_xstrndup(body, nl ? (size_t)(nl - body) : size);
	char *slug = kb_slug(line);
	check_slug(slug);
	free(slug);
	free(line);
	return 0;
}
