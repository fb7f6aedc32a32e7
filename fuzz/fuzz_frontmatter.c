/* Fuzz target: the front-matter parser (indexer/frontmatter.c) on any bytes a corpus file may hold.
 * Properties: no memory error; a front matter without problems has every required key; the body
 * lies inside the input; every problem is one line of valid UTF-8 with a plausible line number. */
#include <string.h>

#include "frontmatter.h"
#include "fuzz.h"
#include "util.h"

static unsigned count_lines(const uint8_t *data, size_t size)
{
	unsigned n = 1;
	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kb_meta m = { 0 };
	kb_problems p = { 0 };
	size_t n = kb_meta_parse((const char *)data, size, &m, &p);
	PROPERTY(n >= p.n);
	if (n == 0)
		PROPERTY(m.title && m.type && m.lang && m.updated);
	const char *start = (const char *)data, *end = start + size;
	if (m.body)
		PROPERTY(m.body >= start && m.body + m.body_len <= end);
	unsigned lines = count_lines(data, size);
	for (size_t i = 0; i < p.n; i++) {
		PROPERTY(p.v[i].msg);
		PROPERTY(!strchr(p.v[i].msg, '\n'));
		PROPERTY(kb_utf8_valid(p.v[i].msg, strlen(p.v[i].msg)));
		PROPERTY(p.v[i].line <= lines + 1);
	}
	const char *fields[] = { m.title, m.type, m.lang, m.updated, m.source, m.url, m.summary, m.id };
	if (kb_utf8_valid((const char *)data, size))
		for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
			PROPERTY(!fields[i] || kb_utf8_valid(fields[i], strlen(fields[i])));
	for (size_t i = 0; i < m.ntags; i++)
		PROPERTY(m.tags[i]);
	kb_meta_clear(&m);
	kb_problems_clear(&p);
	return 0;
}
