#include "markdown.h"
#include "util.h"

#include <cmark.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

/* ---- a growing string ---- */

struct buf {
	char *p;
	size_t n, cap;
	bool oom; /* set once an append failed; later appends are dropped */
};

static void buf_put(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->n + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

static void buf_rtrim(struct buf *b)
{
	while (b->n && strchr(" \t\r\n", b->p[b->n - 1]))
		b->p[--b->n] = '\0';
}

/* You now own the string; the buffer is empty again. NULL when out of memory. */
static char *buf_detach(struct buf *b)
{
	char *s = b->oom ? NULL : b->p ? b->p : strdup("");
	if (b->oom)
		free(b->p);
	*b = (struct buf){ 0 };
	return s;
}

static bool has_text(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n", s[i]))
			return true;
	return false;
}

/* ---- slugs ---- */

/* s normalised into a new buffer (caller frees), or NULL. */
static UChar *normalized(const UNormalizer2 *nz, const UChar *s, int32_t n, int32_t *outn)
{
	UErrorCode err = U_ZERO_ERROR;
	int32_t need = unorm2_normalize(nz, s, n, NULL, 0, &err);
	if (err != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(err))
		return NULL;
	UChar *out = malloc(((size_t)need + 1) * sizeof *out);
	err = U_ZERO_ERROR;
	if (out)
		*outn = unorm2_normalize(nz, s, n, out, need + 1, &err);
	if (out && U_FAILURE(err)) {
		free(out);
		out = NULL;
	}
	return out;
}

/* Danish letters are spelt out before accents go, or å would become a plain a. */
static UChar *spell_danish(const UChar *s, int32_t n, int32_t *outn)
{
	UChar *out = malloc(((size_t)n * 2 + 1) * sizeof *out);
	int32_t j = 0;
	for (int32_t i = 0; out && i < n; i++) {
		const char *as = NULL;
		switch (s[i]) {
		case 0xC6: case 0xE6: as = "ae"; break; /* Æ æ */
		case 0xD8: case 0xF8: as = "oe"; break; /* Ø ø */
		case 0xC5: case 0xE5: as = "aa"; break; /* Å å */
		}
		if (as) {
			out[j++] = (UChar)as[0];
			out[j++] = (UChar)as[1];
		} else
			out[j++] = s[i];
	}
	*outn = j;
	return out;
}

/* Keeps letters and digits, case-folded; drops accents; makes every other run one '-'. */
static UChar *slug_chars(const UChar *s, int32_t n, int32_t *outn)
{
	UChar *out = malloc(((size_t)n * 3 + 1) * sizeof *out);
	int32_t i = 0, j = 0, cap = n * 3 + 1;
	bool dash = false;
	while (out && i < n) {
		UChar32 ch;
		U16_NEXT(s, i, n, ch);
		int8_t cat = u_charType(ch);
		if (cat == U_NON_SPACING_MARK || cat == U_ENCLOSING_MARK)
			continue; /* the accents NFD split off */
		if (!u_isalnum(ch) && cat != U_COMBINING_SPACING_MARK) {
			dash = j > 0;
			continue;
		}
		UBool bad = false;
		if (dash)
			out[j++] = '-';
		dash = false;
		U16_APPEND(out, j, cap, u_foldCase(ch, U_FOLD_CASE_DEFAULT), bad);
		(void)bad; /* cap allows three units a character */
	}
	*outn = j;
	return out;
}

static char *to_utf8(const UChar *s, int32_t n)
{
	UErrorCode err = U_ZERO_ERROR;
	int32_t need;
	u_strToUTF8(NULL, 0, &need, s, n, &err);
	if (err != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(err))
		return NULL;
	char *out = malloc((size_t)need + 1);
	err = U_ZERO_ERROR;
	if (out)
		u_strToUTF8(out, need + 1, NULL, s, n, &err);
	if (out && U_FAILURE(err)) {
		free(out);
		out = NULL;
	}
	return out;
}

char *kb_slug(const char *heading)
{
	UErrorCode err = U_ZERO_ERROR;
	const UNormalizer2 *nfc = unorm2_getNFCInstance(&err);
	const UNormalizer2 *nfd = unorm2_getNFDInstance(&err);
	int32_t n = 0, n1 = 0, n2 = 0, n3 = 0, n4 = 0, n5 = 0;
	UChar *u = NULL, *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;
	char *slug = NULL;

	if (!heading)
		heading = "";
	if (U_SUCCESS(err))
		u_strFromUTF8WithSub(NULL, 0, &n, heading, -1, 0xFFFD, NULL, &err);
	if (err == U_BUFFER_OVERFLOW_ERROR)
		err = U_ZERO_ERROR;
	if (U_SUCCESS(err) && (u = malloc(((size_t)n + 1) * sizeof *u)))
		u_strFromUTF8WithSub(u, n + 1, NULL, heading, -1, 0xFFFD, NULL, &err);
	/* NFC first so a decomposed å is still one character when it is spelt out */
	if (u && U_SUCCESS(err) && (a = normalized(nfc, u, n, &n1)) && (b = spell_danish(a, n1, &n2)) &&
	    (c = normalized(nfd, b, n2, &n3)) && (d = slug_chars(c, n3, &n4)) && (e = normalized(nfc, d, n4, &n5)))
		slug = to_utf8(e, n5);
	if (slug && !*slug) {
		free(slug);
		slug = strdup("section");
	}
	free(u), free(a), free(b), free(c), free(d), free(e);
	return slug;
}

/* ---- per-call state ---- */

struct md {
	kb_body *out;
	kb_problems *probs;
	size_t nprob;          /* counted even when the list cannot grow */
	unsigned base;         /* body_line - 1: cmark counts lines from the body's first */
	const char *doc_id;
	size_t cap_sections, cap_links;
	cmark_node **heads;    /* parallel to out->sections: the heading node, NULL for the intro */
	kb_section cur;        /* the section being read; its text is in text */
	cmark_node *cur_head;
	struct buf text;
	cmark_node *in_head;   /* the section heading being walked: its words are the title, not text */
	bool any_text;
	bool oom;
};

static void problem(struct md *m, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(struct md *m, unsigned line, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	va_start(ap, fmt);
	int rc = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (rc >= 0) {
		kb_problems_add(m->probs, line, "%s", msg);
		free(msg);
	}
	m->nprob++;
}

/* Messages are one line each, so a quoted anchor is kept short. */
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

/* The file line of a node; inline nodes cmark made itself have none, so their block's is used. */
static unsigned line_of(const struct md *m, cmark_node *n)
{
	while (n && cmark_node_get_start_line(n) <= 0)
		n = cmark_node_parent(n);
	return m->base + (n ? (unsigned)cmark_node_get_start_line(n) : 1);
}

/* ---- raw HTML ---- */

/* Turns one raw HTML node into text, so it is shown escaped and searchable like any other words. */
static bool unraw_node(cmark_node *n)
{
	cmark_node *text = cmark_node_new(CMARK_NODE_TEXT), *repl = text;
	const char *lit = cmark_node_get_literal(n);
	bool ok = text != NULL;

	if (ok && cmark_node_get_type(n) == CMARK_NODE_HTML_BLOCK) {
		size_t len = lit ? strlen(lit) : 0;
		while (len && (lit[len - 1] == '\n' || lit[len - 1] == '\r'))
			len--;
		char *trim = lit ? strndup(lit, len) : NULL;
		repl = cmark_node_new(CMARK_NODE_PARAGRAPH);
		ok = repl && cmark_node_set_literal(text, trim ? trim : "") && cmark_node_append_child(repl, text);
		free(trim);
	} else if (ok)
		ok = cmark_node_set_literal(text, lit ? lit : "");
	if (ok)
		ok = cmark_node_replace(n, repl);
	if (!ok) {
		if (repl != text && !cmark_node_parent(text))
			cmark_node_free(text);
		cmark_node_free(repl);
		return false;
	}
	cmark_node_free(n);
	return true;
}

/* Nodes are gathered first and replaced after the walk, because cmark_iter must not see its tree
 * change under it. */
static bool unraw(cmark_node *doc)
{
	cmark_node **v = NULL;
	size_t n = 0, cap = 0;
	bool ok = true;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;

	while (ok && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(node);
		if (ev != CMARK_EVENT_ENTER || (t != CMARK_NODE_HTML_BLOCK && t != CMARK_NODE_HTML_INLINE))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			cmark_node **w = realloc(v, cap * sizeof *w);
			if (!w) {
				ok = false;
				break;
			}
			v = w;
		}
		v[n++] = node;
	}
	cmark_iter_free(it);
	for (size_t i = 0; ok && i < n; i++)
		ok = unraw_node(v[i]);
	free(v);
	return ok;
}

/* ---- links to corpus documents ---- */

static bool is_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static bool has_scheme(const char *u)
{
	if (!is_alpha(*u))
		return false;
	for (u++; is_alpha(*u) || (*u >= '0' && *u <= '9') || *u == '+' || *u == '-' || *u == '.'; u++)
		;
	return *u == ':';
}

static int hexval(char ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
	     : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* Decodes %XX (not %00, which would cut the string) so a link matches the file's own name. */
static void put_decoded(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi = i + 2 < n ? hexval(s[i + 1]) : -1, lo = i + 2 < n ? hexval(s[i + 2]) : -1;
		if (s[i] == '%' && hi >= 0 && lo >= 0 && (hi || lo)) {
			char ch = (char)(hi * 16 + lo);
			buf_put(b, &ch, 1);
			i += 2;
		} else
			buf_put(b, s + i, 1);
	}
}

/* Adds one path segment to b, applying "." and ".."; a ".." with nothing left to remove stays,
 * so a link out of the corpus is visible to the caller. */
static void put_segment(struct buf *b, const char *seg, size_t n)
{
	if (n == 0 || (n == 1 && seg[0] == '.'))
		return;
	if (n == 2 && seg[0] == '.' && seg[1] == '.' && b->n) {
		char *slash = memrchr(b->p, '/', b->n);
		const char *last = slash ? slash + 1 : b->p;
		if (strcmp(last, "..") != 0) {
			b->n = slash ? (size_t)(slash - b->p) : 0;
			b->p[b->n] = '\0';
			return;
		}
	}
	if (b->n)
		buf_put(b, "/", 1);
	buf_put(b, seg, n);
}

/* Resolves url, found in document doc_id, to a document id. Returns 1 with *target (and *anchor,
 * or NULL) set, which the caller frees; 0 when url is not a link to a corpus document; -1 when out
 * of memory. */
static int resolve(const char *doc_id, const char *url, char **target, char **anchor)
{
	*target = *anchor = NULL;
	if (!url || !*url || *url == '/' || *url == '#' || has_scheme(url))
		return 0;
	size_t plen = strcspn(url, "#");
	if (memchr(url, '?', plen) || plen < 4 || memcmp(url + plen - 3, ".md", 3) != 0)
		return 0;

	struct buf path = { 0 }, out = { 0 };
	const char *slash = doc_id ? strrchr(doc_id, '/') : NULL;
	if (slash)
		buf_put(&path, doc_id, (size_t)(slash - doc_id + 1));
	put_decoded(&path, url, plen - 3);
	const char *p = path.p ? path.p : "", *end = p + path.n, *name = path.p ? strrchr(p, '/') : NULL;
	name = name ? name + 1 : p;
	if (!has_text(name, (size_t)(end - name)) || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		free(path.p);
		return path.oom ? -1 : 0; /* ".md" or "x/..md" name no file a curator would write */
	}
	for (const char *seg = p; seg < end;) {
		size_t n = strcspn(seg, "/");
		put_segment(&out, seg, n);
		seg += n + (seg[n] == '/');
	}
	bool oom = path.oom || out.oom;
	free(path.p);
	*target = buf_detach(&out);
	/* %XX may decode to bytes no file name has: then it names no corpus document */
	if (*target && !kb_utf8_valid(*target, strlen(*target))) {
		free(*target);
		*target = NULL;
		return 0;
	}
	if (url[plen] == '#' && url[plen + 1])
		*anchor = strdup(url + plen + 1);
	if (oom || !*target || (url[plen] == '#' && url[plen + 1] && !*anchor)) {
		free(*target), free(*anchor);
		*target = *anchor = NULL;
		return -1;
	}
	return 1;
}

/* "/doc/ID#anchor", the id percent-encoded where it is not plain. Caller frees; NULL: out of memory. */
static char *doc_href(const char *target, const char *anchor)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b = { 0 };
	buf_puts(&b, "/doc/");
	for (const unsigned char *s = (const unsigned char *)target; *s; s++) {
		if (strchr("/_.~-", *s) || (*s >= '0' && *s <= '9') || is_alpha((char)*s))
			buf_put(&b, (const char *)s, 1);
		else {
			char esc[3] = { '%', hex[*s >> 4], hex[*s & 15] };
			buf_put(&b, esc, 3);
		}
	}
	if (anchor) {
		buf_puts(&b, "#");
		buf_puts(&b, anchor);
	}
	return buf_detach(&b);
}

static void doc_link(struct md *m, cmark_node *link)
{
	char *target, *anchor, *href = NULL;
	int rc = resolve(m->doc_id, cmark_node_get_url(link), &target, &anchor);
	if (rc < 0)
		m->oom = true;
	if (rc <= 0)
		return;
	if (m->out->nlinks == m->cap_links) {
		size_t cap = m->cap_links ? 2 * m->cap_links : 8;
		kb_doclink *v = realloc(m->out->links, cap * sizeof *v);
		if (!v) {
			free(target), free(anchor);
			m->oom = true;
			return;
		}
		m->out->links = v;
		m->cap_links = cap;
	}
	m->out->links[m->out->nlinks++] = (kb_doclink){ target, anchor, line_of(m, link) };
	if (strncmp(target, "../", 3) == 0)
		return; /* out of the corpus: the caller reports it; the link is left as written */
	if (!(href = doc_href(target, anchor)) || !cmark_node_set_url(link, href))
		m->oom = true;
	free(href);
}

/* ---- sections ---- */

/* The heading's words as plain text. Caller frees; NULL: out of memory. */
static char *inline_text(cmark_node *node)
{
	struct buf b = { 0 };
	cmark_iter *it = cmark_iter_new(node);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_HTML_INLINE:
			buf_puts(&b, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_puts(&b, " ");
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	buf_rtrim(&b);
	char *s = buf_detach(&b);
	if (s && strchr(" \t", *s))
		memmove(s, s + strspn(s, " \t"), strlen(s + strspn(s, " \t")) + 1);
	return s;
}

/* Files the section being read; the intro only when it has text. */
static void finish_section(struct md *m)
{
	buf_rtrim(&m->text);
	char *text = buf_detach(&m->text);
	if (!text || (m->cur.level == 0 && !has_text(text, strlen(text)))) {
		m->oom = m->oom || !text;
		free(text), free(m->cur.anchor), free(m->cur.title);
		return;
	}
	if (m->out->nsections == m->cap_sections) {
		size_t cap = m->cap_sections ? 2 * m->cap_sections : 8;
		kb_section *v = realloc(m->out->sections, cap * sizeof *v);
		cmark_node **h = v ? realloc(m->heads, cap * sizeof *h) : NULL;
		if (v)
			m->out->sections = v;
		if (!h) {
			free(text), free(m->cur.anchor), free(m->cur.title);
			m->oom = true;
			return;
		}
		m->heads = h;
		m->cap_sections = cap;
	}
	m->cur.text = text;
	m->heads[m->out->nsections] = m->cur_head;
	m->out->sections[m->out->nsections++] = m->cur;
}

static void start_section(struct md *m, cmark_node *head)
{
	finish_section(m);
	m->cur = (kb_section){ .level = cmark_node_get_heading_level(head), .line = line_of(m, head) };
	m->cur_head = head;
	m->cur.title = inline_text(head);
	m->cur.anchor = m->cur.title ? kb_slug(m->cur.title) : NULL;
	if (!m->cur.title || !m->cur.anchor)
		m->oom = true;
	else if (has_text(m->cur.title, strlen(m->cur.title)))
		m->any_text = true;
	m->in_head = head;
}

static void put_text(struct md *m, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	while (n && s[n - 1] == '\n')
		n--; /* a code block's literal ends in one */
	if (!m->in_head && n) {
		buf_put(&m->text, s, n);
		m->any_text = m->any_text || has_text(s, n);
	}
}

/* Blocks go on lines of their own. */
static void new_block(struct md *m)
{
	if (m->text.n && m->text.p[m->text.n - 1] != '\n')
		buf_put(&m->text, "\n", 1);
}

static void walk(struct md *m, cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_EXIT) {
			if (n == m->in_head)
				m->in_head = NULL;
			continue;
		}
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_HEADING:
			if (cmark_node_get_heading_level(n) <= 3) {
				start_section(m, n);
				break;
			}
			new_block(m); /* a deeper heading is text of its section */
			break;
		case CMARK_NODE_PARAGRAPH:
			new_block(m);
			break;
		case CMARK_NODE_CODE_BLOCK:
		case CMARK_NODE_HTML_BLOCK:
			new_block(m);
			put_text(m, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_HTML_INLINE:
			put_text(m, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			put_text(m, " ");
			break;
		case CMARK_NODE_LINK:
			doc_link(m, n);
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	finish_section(m);
}

/* ---- problems and headings ---- */

struct ref {
	const char *anchor;
	size_t i;
};

static int by_anchor(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;
	int c = strcmp(x->anchor, y->anchor);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* Sorting, rather than comparing every pair, keeps a file of a million headings fast. */
static void check_anchors(struct md *m)
{
	size_t n = 0, ns = m->out->nsections;
	struct ref *v = malloc((ns ? ns : 1) * sizeof *v);
	unsigned *first = calloc(ns ? ns : 1, sizeof *first); /* line of the anchor's first use, if not this */
	if (!v || !first) {
		free(v), free(first);
		m->oom = true;
		return;
	}
	for (size_t i = 0; i < ns; i++)
		if (m->out->sections[i].anchor)
			v[n++] = (struct ref){ m->out->sections[i].anchor, i };
	qsort(v, n, sizeof *v, by_anchor);
	for (size_t j = 1, head = 0; j < n; j++) {
		if (strcmp(v[j].anchor, v[head].anchor) != 0)
			head = j;
		else
			first[v[j].i] = m->out->sections[v[head].i].line;
	}
	for (size_t i = 0; i < ns; i++)
		if (first[i]) {
			const kb_section *s = &m->out->sections[i];
			problem(m, s->line, "duplicate anchor '#%.*s%s' (also at line %u)", Q(s->anchor), first[i]);
		}
	free(v), free(first);
}

/* cmark's renderer cannot add an attribute, so the heading is rendered alone and replaced by a
 * custom block holding that HTML with the id put in; the rest of the page renders as usual. */
static bool set_heading_id(cmark_node *head, const char *anchor)
{
	char *html = cmark_render_html(head, CMARK_OPT_DEFAULT), *tagged = NULL;
	bool ok = html && html[0] == '<' && html[1] == 'h' && html[2] >= '1' && html[2] <= '6' && html[3] == '>';
	if (ok) {
		size_t len = strlen(html);
		while (len && html[len - 1] == '\n')
			html[--len] = '\0'; /* the custom block adds its own line break */
		ok = asprintf(&tagged, "<h%c id=\"%s\">%s", html[2], anchor, html + 4) >= 0;
	}
	cmark_node *block = ok ? cmark_node_new(CMARK_NODE_CUSTOM_BLOCK) : NULL;
	ok = block && cmark_node_set_on_enter(block, tagged) && cmark_node_set_on_exit(block, "") &&
	     cmark_node_replace(head, block); /* the setters copy the strings */
	free(html);
	free(tagged);
	cmark_node_free(ok ? head : block);
	return ok;
}

size_t kb_body_parse(const char *body, size_t len, unsigned body_line, const char *doc_id,
                     kb_body *out, kb_problems *probs)
{
	struct md m = { .out = out, .probs = probs, .base = body_line ? body_line - 1 : 0, .doc_id = doc_id };

	memset(out, 0, sizeof *out);
	cmark_node *doc = cmark_parse_document(body ? body : "", body ? len : 0, CMARK_OPT_VALIDATE_UTF8);
	if (!doc) {
		problem(&m, body_line, "out of memory reading the body");
		return m.nprob;
	}
	cmark_node *first = cmark_node_first_child(doc);
	m.cur.line = first ? line_of(&m, first) : body_line;
	if (!unraw(doc))
		m.oom = true;
	walk(&m, doc);
	if (!m.any_text)
		problem(&m, body_line, "empty body");
	check_anchors(&m);
	for (size_t i = 0; i < out->nsections; i++)
		if (m.heads[i] && out->sections[i].anchor && !set_heading_id(m.heads[i], out->sections[i].anchor))
			m.oom = true;
	if (!(out->html = cmark_render_html(doc, CMARK_OPT_DEFAULT)))
		m.oom = true;
	if (m.oom)
		problem(&m, body_line, "out of memory reading the body");
	cmark_node_free(doc);
	free(m.heads);
	return m.nprob;
}

void kb_body_clear(kb_body *b)
{
	for (size_t i = 0; i < b->nsections; i++) {
		free(b->sections[i].anchor);
		free(b->sections[i].title);
		free(b->sections[i].text);
	}
	free(b->sections);
	for (size_t i = 0; i < b->nlinks; i++) {
		free(b->links[i].target);
		free(b->links[i].anchor);
	}
	free(b->links);
	free(b->html);
	memset(b, 0, sizeof *b);
}
