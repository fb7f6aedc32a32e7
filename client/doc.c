#include "doc.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "render.h"
#include "term.h"
#include "util.h"

#define MAX_DEPTH 8    /* list levels laid out; deeper ones share the last */
#define BODY_WIDTH 100 /* a readable measure, however wide the terminal */

struct level {
	bool ordered;
	long next;        /* ordered: the number of the next item */
	size_t items;     /* items begun so far */
	size_t indent;    /* columns this level indents its items' text */
	char marker[24];  /* the marker still to print on the current item's first line, or "" */
};

/* The state of one walk over a body's HTML: per call, on the stack of kb_doc_render(). */
struct walk {
	FILE *out;
	bool color;
	unsigned width;
	kb_buf para;      /* inline text of the block being read (may hold SGR) */
	kb_buf pre;       /* the text of a <pre> being read */
	bool in_p, in_pre;
	int heading;      /* N inside <hN>, else 0 */
	int quote;        /* block-quote depth */
	struct level lists[MAX_DEPTH];
	int depth;        /* open lists */
	bool printed;     /* a block was printed: the next gets a blank line before it */
	int bold, italic; /* open inline styles */
	char *href;       /* owned; the target of the open link */
	size_t link_at;   /* where the open link's text starts in para */
	char **notes;     /* owned; footnote targets, note n at [n - 1] */
	size_t nnotes, capnotes;
};

static void reset(kb_buf *b)
{
	b->len = 0;
	kb_buf_adds(b, "");
}

static struct level *top(struct walk *w)
{
	return w->depth ? &w->lists[(w->depth > MAX_DEPTH ? MAX_DEPTH : w->depth) - 1] : NULL;
}

/* The prefix of a line: "> " per block quote, then each list level's indent — or, on the first line
 * of an item (first is true), its marker, which is then used up. Caller frees. */
static char *prefix(struct walk *w, bool first)
{
	kb_buf b = { 0 };
	reset(&b);
	for (int i = 0; i < w->quote; i++)
		kb_buf_adds(&b, "> ");
	int n = w->depth > MAX_DEPTH ? MAX_DEPTH : w->depth;
	for (int i = 0; i < n; i++) {
		struct level *lv = &w->lists[i];
		size_t used = 0;
		if (first && lv->marker[0]) {
			kb_buf_adds(&b, lv->marker);
			used = kb_term_width(lv->marker, strlen(lv->marker));
			lv->marker[0] = '\0';
		}
		for (; used < lv->indent; used++)
			kb_buf_addc(&b, ' ');
	}
	return kb_buf_detach(&b);
}

static bool blank(const kb_buf *b)
{
	for (size_t i = 0; i < b->len; i++)
		if (b->s[i] != ' ' && b->s[i] != '\n')
			return false;
	return true;
}

/* Prints the text read so far as one wrapped block, after a blank line when gap is true. */
static void emit(struct walk *w, bool gap)
{
	if (!w->para.len || blank(&w->para)) {
		reset(&w->para);
		return;
	}
	if (w->printed && gap)
		fputc('\n', w->out);
	char *rest = prefix(w, false), *first = prefix(w, true);
	kb_term_wrap(w->out, w->para.s, w->width, first, rest);
	free(rest);
	free(first);
	w->printed = true;
	reset(&w->para);
}

/* Text met outside a paragraph: the text of a tight list item, or stray whitespace. A tight list's
 * first item is set off from what came before it; its other items, and nested lists, are not. */
static void emit_loose_text(struct walk *w)
{
	struct level *lv = top(w);
	emit(w, w->in_p || !lv || (w->depth == 1 && lv->items <= 1));
}

static void emit_heading(struct walk *w)
{
	if (blank(&w->para)) {
		reset(&w->para);
		return;
	}
	if (w->printed)
		fputc('\n', w->out);
	char *rest = prefix(w, false), *first = prefix(w, true);
	kb_buf text = { 0 };
	kb_buf_printf(&text, "%s%s%s", kb_sgr(w->color, KB_SGR_HEADING), w->para.s, kb_sgr(w->color, KB_SGR_RESET));
	kb_term_wrap(w->out, text.s, w->width, first, rest);
	if (w->heading <= 2) {
		size_t pw = kb_term_width(rest, strlen(rest));
		size_t tw = kb_term_width(w->para.s, w->para.len);
		size_t room = w->width > pw ? w->width - pw : 1;
		fputs(rest, w->out);
		for (size_t i = 0; i < (tw < room ? tw : room); i++)
			fputc(w->heading == 1 ? '=' : '-', w->out);
		fputc('\n', w->out);
	}
	kb_buf_free(&text);
	free(rest);
	free(first);
	w->printed = true;
	reset(&w->para);
}

static void emit_pre(struct walk *w)
{
	if (w->printed)
		fputc('\n', w->out);
	char *rest = prefix(w, false), *first = prefix(w, true);
	const char *s = w->pre.s ? w->pre.s : "";
	size_t n = strlen(s);
	while (n && s[n - 1] == '\n')
		n--;
	bool firstline = true;
	while (n) {
		size_t k = 0;
		while (k < n && s[k] != '\n')
			k++;
		fprintf(w->out, "%s    %.*s\n", firstline ? first : rest, (int)k, s);
		firstline = false;
		s += k < n ? k + 1 : k;
		n -= k < n ? k + 1 : k;
	}
	free(rest);
	free(first);
	w->printed = true;
	reset(&w->pre);
}

/* Adds text (n bytes, entities already decoded) to the block being read: cleaned, and outside <pre>
 * with runs of white space made one space. */
static void add_text(struct walk *w, const char *s, size_t n)
{
	kb_buf t = { 0 };
	kb_term_clean(&t, s, n, true);
	if (w->in_pre) {
		kb_buf_add(&w->pre, t.s ? t.s : "", t.len);
	} else {
		for (size_t i = 0; i < t.len; i++) {
			char c = t.s[i];
			if (c == '\n' || c == '\t' || c == '\r' || c == ' ') {
				if (w->para.len && w->para.s[w->para.len - 1] != ' ')
					kb_buf_addc(&w->para, ' ');
			} else {
				kb_buf_addc(&w->para, c);
			}
		}
	}
	kb_buf_free(&t);
}

/* The value of attribute name in a tag's attribute text [a, end), entities decoded; NULL when it has
 * none. Caller frees. cmark quotes every attribute value with '"'. */
static char *attr(const char *a, const char *end, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = a; p + n + 3 <= end; p++) {
		if (p[-1] != ' ' || strncmp(p, name, n) != 0 || p[n] != '=' || p[n + 1] != '"')
			continue;
		const char *v = p + n + 2, *q = v;
		while (q < end && *q != '"')
			q++;
		kb_buf raw = { 0 }, out = { 0 };
		for (const char *s = v; s < q;) {
			const char *next = *s == '&' ? kb_term_entity(s, &raw) : NULL;
			if (next) {
				s = next;
			} else {
				kb_buf_addc(&raw, *s++);
			}
		}
		kb_term_clean(&out, raw.s ? raw.s : "", raw.len, false);
		kb_buf_free(&raw);
		return kb_buf_detach(&out);
	}
	return NULL;
}

static void restyle(struct walk *w)
{
	if (!w->color)
		return;
	kb_buf_adds(&w->para, KB_SGR_RESET);
	if (w->bold > 0)
		kb_buf_adds(&w->para, KB_SGR_BOLD);
	if (w->italic > 0)
		kb_buf_adds(&w->para, KB_SGR_ITALIC);
}

/* The footnote number of target, adding it when new. */
static size_t note(struct walk *w, const char *target)
{
	for (size_t i = 0; i < w->nnotes; i++)
		if (strcmp(w->notes[i], target) == 0)
			return i + 1;
	kb_grow((void **)&w->notes, &w->capnotes, w->nnotes + 1, sizeof *w->notes);
	w->notes[w->nnotes++] = kb_xstrdup(target);
	return w->nnotes;
}

static void add_note_ref(struct walk *w, const char *target)
{
	kb_buf_printf(&w->para, "%s[%zu]", kb_sgr(w->color, KB_SGR_DIM), note(w, target));
	if (w->color)
		restyle(w);
}

/* Closes a link: its text stays, and its target becomes a footnote unless the text already says it. */
static void end_link(struct walk *w)
{
	if (!w->href)
		return;
	kb_buf text = { 0 };
	for (size_t i = w->link_at; i < w->para.len; i++) { /* the text without SGR */
		if (w->para.s[i] == '\033') {
			while (i < w->para.len && w->para.s[i] != 'm')
				i++;
			continue;
		}
		kb_buf_addc(&text, w->para.s[i]);
	}
	const char *t = text.s ? text.s : "";
	bool says_it = strcmp(t, w->href) == 0 ||
	               (strncmp(w->href, "mailto:", 7) == 0 && strcmp(t, w->href + 7) == 0);
	if (*w->href && !says_it)
		add_note_ref(w, w->href);
	kb_buf_free(&text);
	free(w->href);
	w->href = NULL;
}

static void on_tag(struct walk *w, const char *name, size_t n, bool closing, const char *a, const char *end)
{
#define IS(t) (n == strlen(t) && strncmp(name, t, n) == 0)
	if (IS("p")) {
		if (!closing) {
			emit_loose_text(w);
			w->in_p = true;
		} else {
			emit(w, true);
			w->in_p = false;
		}
	} else if (n == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6') {
		if (!closing) {
			emit_loose_text(w);
			w->heading = name[1] - '0';
		} else {
			emit_heading(w);
			w->heading = 0;
		}
	} else if (IS("ul") || IS("ol")) {
		emit_loose_text(w);
		if (!closing) {
			w->depth++;
			struct level *lv = top(w);
			if (w->depth <= MAX_DEPTH) {
				char *start = attr(a, end, "start");
				*lv = (struct level){ .ordered = IS("ol"), .next = start ? atol(start) : 1 };
				free(start);
			}
		} else if (w->depth > 0) {
			w->depth--;
		}
	} else if (IS("li")) {
		emit_loose_text(w);
		struct level *lv = top(w);
		if (!closing && lv) {
			lv->items++;
			if (lv->ordered)
				snprintf(lv->marker, sizeof lv->marker, "%ld.", lv->next++);
			else
				snprintf(lv->marker, sizeof lv->marker, "%s", "•");
			lv->indent = kb_term_width(lv->marker, strlen(lv->marker)) + 1;
		}
	} else if (IS("blockquote")) {
		emit_loose_text(w);
		w->quote += closing ? (w->quote > 0 ? -1 : 0) : 1;
	} else if (IS("pre")) {
		if (!closing) {
			emit_loose_text(w);
			w->in_pre = true;
			reset(&w->pre);
		} else {
			w->in_pre = false;
			emit_pre(w);
		}
	} else if (IS("hr") && !closing) {
		emit_loose_text(w);
		char *p = prefix(w, false);
		fprintf(w->out, "%s%s* * *\n", w->printed ? "\n" : "", p);
		free(p);
		w->printed = true;
	} else if (IS("br") && !closing) {
		kb_buf_addc(&w->para, '\n');
	} else if (IS("strong") || IS("b")) {
		w->bold += closing ? -1 : 1;
		if (!closing && w->color)
			kb_buf_adds(&w->para, KB_SGR_BOLD);
		else
			restyle(w);
	} else if (IS("em") || IS("i")) {
		w->italic += closing ? -1 : 1;
		if (!closing && w->color)
			kb_buf_adds(&w->para, KB_SGR_ITALIC);
		else
			restyle(w);
	} else if (IS("a")) {
		if (!closing) {
			end_link(w);
			w->href = attr(a, end, "href");
			w->link_at = w->para.len;
		} else {
			end_link(w);
		}
	} else if (IS("img") && !closing) {
		char *alt = attr(a, end, "alt"), *src = attr(a, end, "src");
		kb_buf_printf(&w->para, "[image%s%s]", alt && *alt ? ": " : "", alt ? alt : "");
		if (src && *src)
			add_note_ref(w, src);
		free(alt);
		free(src);
	}
#undef IS
}

/* Walks cmark's HTML: tags drive the layout, text fills the blocks, comments are skipped. */
static void walk_html(struct walk *w, const char *s)
{
	while (*s) {
		if (strncmp(s, "<!--", 4) == 0) {
			const char *e = strstr(s + 4, "-->");
			s = e ? e + 3 : s + strlen(s);
		} else if (*s == '<') {
			const char *e = strpbrk(s + 1, "<>"), *p = s + 1;
			bool closing = *p == '/';
			if (closing)
				p++;
			size_t n = 0;
			while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= '0' && p[n] <= '9'))
				n++;
			if (!e || *e == '<' || !n) { /* not a tag: a literal '<' */
				add_text(w, s, 1);
				s++;
				continue;
			}
			on_tag(w, p, n, closing, p + n, e);
			s = e + 1;
		} else if (*s == '&') {
			kb_buf ch = { 0 };
			const char *next = kb_term_entity(s, &ch);
			add_text(w, next ? ch.s : "&", next ? ch.len : 1);
			s = next ? next : s + 1;
			kb_buf_free(&ch);
		} else {
			size_t n = strcspn(s, "<&");
			add_text(w, s, n);
			s += n;
		}
	}
	end_link(w);
	if (w->in_pre)
		emit_pre(w);
	emit_loose_text(w);
}

/* "atmp-search show ID" for a link into the knowledge base (/doc/ID), else the target as it is. */
static void print_note(FILE *out, size_t n, const char *target, bool c)
{
	fprintf(out, "%s[%zu]%s ", kb_sgr(c, KB_SGR_DIM), n, kb_sgr(c, KB_SGR_RESET));
	if (strncmp(target, "/doc/", 5) == 0 && target[5])
		fprintf(out, "atmp-search show %s\n", target + 5);
	else
		fprintf(out, "%s%s%s\n", kb_sgr(c, KB_SGR_LINK), target, kb_sgr(c, KB_SGR_RESET));
}

static void header(FILE *out, const json_t *doc, const kb_doc_opts *o, unsigned width)
{
	bool c = o->color;
	kb_buf line = { 0 };
	char *title = kb_render_clean(kb_json_str(doc, "title"));
	kb_buf_printf(&line, "%s%s%s", kb_sgr(c, KB_SGR_BOLD), title, kb_sgr(c, KB_SGR_RESET));
	kb_term_wrap(out, line.s ? line.s : "", width, "", "");
	free(title);

	reset(&line);
	char *id = kb_render_clean(kb_json_str(doc, "id"));
	kb_buf_printf(&line, "%s%s", kb_sgr(c, KB_SGR_DIM), id);
	free(id);
	static const char *const keys[] = { "type", "lang", "updated", "source" };
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		char *v = kb_render_clean(kb_json_str(doc, keys[i]));
		if (*v)
			kb_buf_printf(&line, " · %s", v);
		free(v);
	}
	kb_buf_adds(&line, kb_sgr(c, KB_SGR_RESET));
	kb_term_wrap(out, line.s, width, "", "");

	if (kb_json_str(doc, "url")) {
		char *url = kb_render_clean(kb_json_str(doc, "url"));
		fprintf(out, "%s%s%s\n", kb_sgr(c, KB_SGR_LINK), url, kb_sgr(c, KB_SGR_RESET));
		free(url);
	}
	const json_t *tags = json_object_get(doc, "tags");
	if (json_array_size(tags)) {
		reset(&line);
		kb_buf_adds(&line, "Tags:");
		size_t i;
		const json_t *t;
		json_array_foreach(tags, i, t) {
			char *v = kb_render_clean(json_string_value(t));
			kb_buf_printf(&line, "%s %s", i ? "," : "", v);
			free(v);
		}
		kb_term_wrap(out, line.s, width, "", "      ");
	}
	if (o->section) {
		const json_t *secs = json_object_get(doc, "sections");
		size_t i;
		const json_t *sec;
		json_array_foreach(secs, i, sec) {
			const char *a = kb_json_str(sec, "anchor");
			if (a && strcmp(a, o->section) == 0) {
				char *t = kb_render_clean(kb_json_str(sec, "title"));
				reset(&line);
				kb_buf_printf(&line, "Best match: § %s", t);
				kb_term_wrap(out, line.s, width, "", "  ");
				free(t);
			}
		}
	}
	if (kb_json_str(doc, "summary")) {
		char *sum = kb_render_clean(kb_json_str(doc, "summary"));
		reset(&line);
		kb_buf_printf(&line, "%s%s%s", kb_sgr(c, KB_SGR_ITALIC), sum, kb_sgr(c, KB_SGR_RESET));
		fputc('\n', out);
		kb_term_wrap(out, line.s, width, "", "");
		free(sum);
	}
	kb_buf_free(&line);
}

void kb_doc_render(FILE *out, const json_t *doc, const kb_doc_opts *o)
{
	unsigned width = o->width < BODY_WIDTH ? o->width : BODY_WIDTH;
	header(out, doc, o, width);
	struct walk w = { .out = out, .color = o->color, .width = width, .printed = true };
	reset(&w.para);
	reset(&w.pre);
	const char *html = kb_json_str(doc, "html");
	walk_html(&w, html ? html : "");
	if (w.nnotes) {
		fprintf(out, "\n%sLinks%s\n", kb_sgr(o->color, KB_SGR_BOLD), kb_sgr(o->color, KB_SGR_RESET));
		for (size_t i = 0; i < w.nnotes; i++)
			print_note(out, i + 1, w.notes[i], o->color);
	}
	for (size_t i = 0; i < w.nnotes; i++)
		free(w.notes[i]);
	free(w.notes);
	free(w.href);
	kb_buf_free(&w.para);
	kb_buf_free(&w.pre);
}
