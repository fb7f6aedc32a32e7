#include "frontmatter.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "query.h"
#include "util.h"

/* A front matter is a few hundred bytes. The cap bounds libyaml, whose time grows with the square of
 * the nesting depth ("{a: {a: ..." 40,000 deep takes it seconds, 800,000 deep half an hour). */
#define MAX_FRONT_MATTER 16384

enum { K_TITLE, K_TYPE, K_LANG, K_UPDATED, K_SOURCE, K_URL, K_TAGS, K_SUMMARY, K_ID, NKEYS };

static const char *const key_names[NKEYS] = {
	"title", "type", "lang", "updated", "source", "url", "tags", "summary", "id",
};
static const bool key_required[NKEYS] = {
	[K_TITLE] = true, [K_TYPE] = true, [K_LANG] = true, [K_UPDATED] = true,
};

struct fm {
	kb_meta *meta;
	kb_problems *probs;
	size_t nprob;         /* counted even when the list cannot grow, so the caller never sees 0 by mistake */
	unsigned yaml_line;   /* file line of the block's first line: libyaml counts from 0 there */
	unsigned close_line;  /* file line of the closing '---', where a missing key belongs */
	unsigned seen[NKEYS]; /* line of each key given; 0: not given */
};

static void problem(struct fm *c, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(struct fm *c, unsigned line, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	va_start(ap, fmt);
	int rc = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (rc >= 0) {
		kb_problems_add(c->probs, line, "%s", msg);
		free(msg);
	}
	c->nprob++;
}

/* Messages are one line each, so a quoted value stops at a control character and is kept short. */
#define QUOTE_MAX 60
static int quote_len(const char *s)
{
	int n = 0;
	while (n < QUOTE_MAX && (unsigned char)s[n] >= 0x20)
		n++;
	if (n == QUOTE_MAX)
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--; /* never cut a UTF-8 sequence in half */
	return n;
}
#define Q(s) quote_len(s), (s), ((s)[quote_len(s)] ? "..." : "")

static unsigned line_of(const struct fm *c, const yaml_node_t *n)
{
	return c->yaml_line + (unsigned)n->start_mark.line;
}

/* ---- the fences ---- */

/* Length of the line at p without its '\n'; *next is where the following line starts. */
static size_t line_at(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	*next = nl ? nl + 1 : end;
	return (size_t)((nl ? nl : end) - p);
}

static bool is_fence(const char *p, size_t n)
{
	if (n && p[n - 1] == '\r')
		n--;
	return n == 3 && memcmp(p, "---", 3) == 0;
}

/* Finds the YAML block between the fences and the body after it; false, with the problem noted,
 * when there is no complete block. */
static bool split(struct fm *c, const char *text, size_t len, const char **yaml, size_t *ylen)
{
	const char *p = text, *end = text + len, *next;
	kb_meta *m = c->meta;

	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	m->body = p;
	m->body_len = (size_t)(end - p);
	m->body_line = 1;
	if (!is_fence(p, line_at(p, end, &next))) {
		problem(c, 1, "no front matter (the file must start with a line '---')");
		return false;
	}
	*yaml = next;
	c->yaml_line = 2;
	unsigned line = 2;
	for (p = next; p < end; p = next, line++) {
		if (is_fence(p, line_at(p, end, &next))) {
			*ylen = (size_t)(p - *yaml);
			c->close_line = line;
			m->body = next;
			m->body_len = (size_t)(end - next);
			m->body_line = line + 1;
			return true;
		}
	}
	problem(c, 1, "front matter not closed (no line '---' after the first)");
	m->body = end;
	m->body_len = 0;
	m->body_line = line;
	return false;
}

/* ---- values ---- */

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* A scalar's text without surrounding white space (a block scalar ends in '\n'). Caller frees;
 * NULL when out of memory. */
static char *trimmed(const yaml_node_t *n)
{
	const char *s = (const char *)n->data.scalar.value;
	size_t len = n->data.scalar.length;
	while (len && is_space(*s))
		s++, len--;
	while (len && is_space(s[len - 1]))
		len--;
	return strndup(s, len);
}

/* The value of a key that takes one string, or NULL after noting why there is none. Caller frees. */
static char *scalar_value(struct fm *c, const yaml_node_t *val, const char *name, unsigned line)
{
	if (val && val->type == YAML_SEQUENCE_NODE) {
		problem(c, line, "'%s' must be a single value, not a list", name);
		return NULL;
	}
	if (val && val->type == YAML_MAPPING_NODE) {
		problem(c, line, "'%s' must be a single value, not a mapping", name);
		return NULL;
	}
	if (val && memchr(val->data.scalar.value, '\0', val->data.scalar.length)) {
		problem(c, line, "'%s' contains a NUL character", name);
		return NULL;
	}
	char *s = val ? trimmed(val) : strdup("");
	if (!s)
		problem(c, line, "out of memory");
	else if (!*s) {
		problem(c, line, "empty value for '%s'", name);
		free(s);
		s = NULL;
	}
	return s;
}

static bool valid_date(const char *s)
{
	static const char shape[] = "dddd-dd-dd";
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (strlen(s) != 10)
		return false;
	for (int i = 0; i < 10; i++)
		if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != '-')
			return false;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (m < 1 || m > 12 || d < 1)
		return false;
	bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
	return d <= mdays[m - 1] + (m == 2 && leap);
}

static bool valid_port(const char *p, const char *end)
{
	if (p == end)
		return true;
	if (*p++ != ':' || p == end)
		return false;
	for (; p < end; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

static bool valid_url(const char *s)
{
	size_t skip = strncasecmp(s, "http://", 7) == 0 ? 7 : strncasecmp(s, "https://", 8) == 0 ? 8 : 0;
	if (!skip)
		return false;
	for (const char *q = s; *q; q++)
		if ((unsigned char)*q <= 0x20 || *q == 0x7f)
			return false;
	const char *auth = s + skip, *end = auth + strcspn(auth, "/?#");
	const char *host = auth;
	for (const char *q = auth; q < end; q++)
		if (*q == '@')
			host = q + 1;
	if (host < end && *host == '[') { /* an IPv6 literal */
		const char *rb = memchr(host, ']', (size_t)(end - host));
		return rb && rb > host + 1 && valid_port(rb + 1, end);
	}
	const char *colon = memchr(host, ':', (size_t)(end - host));
	return (colon ? colon : end) > host && valid_port(colon ? colon : end, end);
}

static bool valid_id(const char *s)
{
	size_t n = strlen(s);
	if (!n || s[0] == '/' || s[n - 1] == '/' || strstr(s, "//") || strstr(s, ".."))
		return false;
	return s[strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789/_-")] == '\0';
}

/* Checks a string value against its key's rule; false after noting the problem. */
static bool valid(struct fm *c, int k, const char *s, unsigned line)
{
	switch (k) {
	case K_TITLE:
	case K_SUMMARY:
		if (strpbrk(s, "\r\n")) {
			problem(c, line, "'%s' must be one line", key_names[k]);
			return false;
		}
		return true;
	case K_TYPE:
		if (kb_filter_value_ok(KB_FILTER_TYPE, s))
			return true;
		kb_buf want = { 0 };
		kb_filter_values(KB_FILTER_TYPE, &want);
		problem(c, line, "unknown type '%.*s%s' (want one of %s)", Q(s), want.s);
		kb_buf_free(&want);
		return false;
	case K_LANG:
		if (kb_filter_value_ok(KB_FILTER_LANG, s))
			return true;
		problem(c, line, "unknown lang '%.*s%s' (want da or en)", Q(s));
		return false;
	case K_UPDATED:
		if (valid_date(s))
			return true;
		problem(c, line, "bad date '%.*s%s' for 'updated' (want YYYY-MM-DD)", Q(s));
		return false;
	case K_URL:
		if (valid_url(s))
			return true;
		problem(c, line, "bad url '%.*s%s' (want an absolute http:// or https:// URL)", Q(s));
		return false;
	case K_ID:
		if (valid_id(s))
			return true;
		problem(c, line, "bad id '%.*s%s' (want segments of a-z, 0-9, '-' and '_' joined by '/')",
		        Q(s));
		return false;
	}
	return true;
}

static char **field(kb_meta *m, int k)
{
	switch (k) {
	case K_TITLE: return &m->title;
	case K_TYPE: return &m->type;
	case K_LANG: return &m->lang;
	case K_UPDATED: return &m->updated;
	case K_SOURCE: return &m->source;
	case K_URL: return &m->url;
	case K_SUMMARY: return &m->summary;
	default: return &m->id;
	}
}

/* ---- tags ---- */

/* Adds one tag, an item of the 'tags' list. */
static void add_tag(struct fm *c, const yaml_node_t *item, unsigned line)
{
	if (item->type != YAML_SCALAR_NODE) {
		problem(c, line, "a tag must be text, not a %s",
		        item->type == YAML_MAPPING_NODE ? "mapping" : "list");
		return;
	}
	if (memchr(item->data.scalar.value, '\0', item->data.scalar.length)) {
		problem(c, line, "a tag contains a NUL character");
		return;
	}
	char *s = trimmed(item);
	char **v = NULL;
	if (s && !*s) {
		problem(c, line, "empty tag in 'tags'");
	} else if (s && strpbrk(s, "\r\n")) {
		problem(c, line, "a tag must be one line");
	} else if (s && (v = realloc(c->meta->tags, (c->meta->ntags + 1) * sizeof *v))) {
		c->meta->tags = v;
		v[c->meta->ntags++] = s;
		return;
	} else
		problem(c, line, "out of memory");
	free(s);
}

static void take_tags(struct fm *c, yaml_document_t *doc, const yaml_node_t *val, unsigned line)
{
	if (val->type == YAML_MAPPING_NODE) {
		problem(c, line, "'tags' must be a list such as [a, b], not a mapping");
		return;
	}
	/* a bare "tags:" means none; any other single value is a list someone forgot to write as one */
	if (val->type == YAML_SCALAR_NODE) {
		if (val->data.scalar.length || val->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
			problem(c, line, "'tags' must be a list such as [a, b], not a single value");
		return;
	}
	for (yaml_node_item_t *it = val->data.sequence.items.start; it < val->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(doc, *it);
		if (item)
			add_tag(c, item, line_of(c, item));
	}
}

/* ---- keys ---- */

/* The allowed key a typo most likely meant, or NULL when none is close. */
static const char *closest_key(const char *key, size_t len)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	for (int k = 0; k < NKEYS; k++) {
		size_t n = strlen(key_names[k]), d = kb_ascii_distance(key, len, key_names[k], n);
		if (d <= (n <= 3 ? 1u : 2u) && d < best_d) {
			best = key_names[k];
			best_d = d;
		}
	}
	return best;
}

static int key_index(const char *key, size_t len)
{
	for (int k = 0; k < NKEYS; k++)
		if (strlen(key_names[k]) == len && memcmp(key_names[k], key, len) == 0)
			return k;
	return -1;
}

static void check_pair(struct fm *c, yaml_document_t *doc, const yaml_node_t *key, const yaml_node_t *val)
{
	unsigned line = line_of(c, key);
	if (key->type != YAML_SCALAR_NODE) {
		problem(c, line, "a key must be a plain name such as 'title'");
		return;
	}
	const char *name = (const char *)key->data.scalar.value;
	int k = key_index(name, key->data.scalar.length);
	if (k < 0) {
		const char *near = closest_key(name, key->data.scalar.length);
		problem(c, line, "unknown key '%.*s%s'%s%s%s", Q(name), near ? " (did you mean '" : "",
		        near ? near : "", near ? "'?)" : "");
		return;
	}
	if (c->seen[k]) {
		problem(c, line, "duplicate key '%s' (also at line %u)", key_names[k], c->seen[k]);
		return;
	}
	c->seen[k] = line;
	if (k == K_TAGS) {
		if (val)
			take_tags(c, doc, val, line);
		return;
	}
	char *s = scalar_value(c, val, key_names[k], line);
	if (s && !valid(c, k, s, line)) {
		free(s);
		s = NULL;
	}
	*field(c->meta, k) = s;
	if (k == K_ID && s)
		c->meta->id_line = line;
}

/* ---- the YAML block ---- */

static bool check_mapping(struct fm *c, yaml_document_t *doc, const yaml_node_t *root)
{
	if (root->type != YAML_MAPPING_NODE) {
		problem(c, line_of(c, root), "front matter is not a YAML mapping (want 'key: value' lines)");
		return false;
	}
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *key = yaml_document_get_node(doc, pr->key);
		if (key)
			check_pair(c, doc, key, yaml_document_get_node(doc, pr->value));
	}
	return true;
}

static void yaml_problem(struct fm *c, const yaml_parser_t *p, const char *yaml, size_t ylen)
{
	const char *what = p->problem ? p->problem : "syntax error";
	unsigned line = c->yaml_line;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		problem(c, line - 1, "out of memory reading the front matter");
		break;
	case YAML_READER_ERROR: /* libyaml gives a byte offset, not a mark, for bad bytes */
		for (size_t i = 0; i < p->problem_offset && i < ylen; i++)
			line += yaml[i] == '\n';
		problem(c, line, "bad YAML: %s", what);
		break;
	default:
		line += (unsigned)p->problem_mark.line;
		if (p->context)
			problem(c, line, "bad YAML: %s (%s at line %u)", what, p->context,
			        c->yaml_line + (unsigned)p->context_mark.line);
		else
			problem(c, line, "bad YAML: %s", what);
	}
}

/* Reads the block into c->meta; false when it could not be read as one mapping. */
static bool parse_yaml(struct fm *c, const char *yaml, size_t ylen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	bool ok = true;

	if (!yaml_parser_initialize(&parser)) {
		problem(c, c->yaml_line - 1, "out of memory reading the front matter");
		return false;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, ylen);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	for (int i = 0; ok; i++) {
		if (!yaml_parser_load(&parser, &doc)) { /* it has freed doc */
			yaml_problem(c, &parser, yaml, ylen);
			ok = false;
			break;
		}
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		if (!root) { /* the end of the stream */
			yaml_document_delete(&doc);
			break;
		}
		if (i == 0)
			ok = check_mapping(c, &doc, root);
		else {
			problem(c, line_of(c, root), "more than one YAML document in the front matter");
			ok = false;
		}
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	return ok;
}

size_t kb_meta_parse(const char *text, size_t len, kb_meta *meta, kb_problems *probs)
{
	struct fm c = { .meta = meta, .probs = probs };
	const char *yaml = NULL;
	size_t ylen = 0;

	memset(meta, 0, sizeof *meta);
	if (!text)
		text = "", len = 0;
	bool ok = split(&c, text, len, &yaml, &ylen);
	if (ok && ylen > MAX_FRONT_MATTER) {
		problem(&c, 2, "front matter too long (%zu bytes; at most %d)", ylen, MAX_FRONT_MATTER);
		ok = false;
	}
	/* libyaml counts a lone carriage return as a line break: its line numbers would drift */
	for (size_t i = 0; ok && i < ylen; i++)
		if (yaml[i] == '\r' && (i + 1 == ylen || yaml[i + 1] != '\n')) {
			unsigned line = 2;
			for (size_t j = 0; j < i; j++)
				line += yaml[j] == '\n';
			problem(&c, line, "carriage return without a line feed (an old Mac line ending?)");
			ok = false;
		}
	if (ok && parse_yaml(&c, yaml, ylen))
		for (int k = 0; k < NKEYS; k++)
			if (key_required[k] && !c.seen[k])
				problem(&c, c.close_line, "missing required key '%s'", key_names[k]);
	return c.nprob;
}

void kb_meta_clear(kb_meta *meta)
{
	free(meta->title);
	free(meta->type);
	free(meta->lang);
	free(meta->updated);
	free(meta->source);
	free(meta->url);
	free(meta->summary);
	free(meta->id);
	for (size_t i = 0; i < meta->ntags; i++)
		free(meta->tags[i]);
	free(meta->tags);
	memset(meta, 0, sizeof *meta);
}
