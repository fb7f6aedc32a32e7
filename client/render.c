#include "render.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"

#define BOLD   "\033[1m"
#define DIM    "\033[2m"
#define YELLOW "\033[1;33m"
#define BLUE   "\033[34m"
#define RESET  "\033[0m"

static const struct { const char *ent, *ch; } entities[] = {
	{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" }, { "&#39;", "'" },
	{ "&nbsp;", " " },
};

/* Appends HTML text: tags dropped (except marks, headings and blocks, which callers handle),
 * entities decoded. */
static const char *entity(const char *s, const char **ch)
{
	for (size_t i = 0; i < sizeof entities / sizeof *entities; i++)
		if (strncmp(s, entities[i].ent, strlen(entities[i].ent)) == 0) {
			*ch = entities[i].ch;
			return s + strlen(entities[i].ent);
		}
	return NULL;
}

char *kb_render_snippet(const char *s, bool color)
{
	kb_buf b = { 0 };
	while (*s) {
		const char *ch, *next;
		if (strncmp(s, "<mark>", 6) == 0) {
			if (color)
				kb_buf_adds(&b, YELLOW);
			s += 6;
		} else if (strncmp(s, "</mark>", 7) == 0) {
			if (color)
				kb_buf_adds(&b, RESET);
			s += 7;
		} else if (*s == '&' && (next = entity(s, &ch))) {
			kb_buf_adds(&b, ch);
			s = next;
		} else {
			kb_buf_addc(&b, *s++);
		}
	}
	return kb_buf_detach(&b);
}

/* Display width of UTF-8 text without escape sequences (one column a character is close enough
 * for the Latin text of this corpus). */
static size_t columns(const char *s, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\033') {
			while (i < n && s[i] != 'm')
				i++;
			continue;
		}
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			w++;
	}
	return w;
}

/* Prints text wrapped at word boundaries to width, each line starting with indent. */
static void wrap(FILE *out, const char *text, unsigned width, const char *indent)
{
	size_t ind = strlen(indent), col = 0;
	const char *s = text;
	bool first = true;
	while (*s) {
		while (*s == ' ' || *s == '\n')
			s++;
		if (!*s)
			break;
		const char *e = s;
		while (*e && *e != ' ' && *e != '\n')
			e++;
		size_t w = columns(s, (size_t)(e - s));
		if (first || col + 1 + w > width) {
			if (!first)
				fputc('\n', out);
			fputs(indent, out);
			col = ind;
		} else {
			fputc(' ', out);
			col++;
		}
		fwrite(s, 1, (size_t)(e - s), out);
		col += w;
		first = false;
		s = e;
	}
	if (!first)
		fputc('\n', out);
}

static const char *str(const json_t *o, const char *k)
{
	const char *s = kb_json_str(o, k);
	return s ? s : "";
}

void kb_render_results(FILE *out, const json_t *res, const kb_render_opts *o)
{
	const json_t *hits = json_object_get(res, "hits");
	const char *sugg = kb_json_str(res, "suggestion");
	size_t total = (size_t)json_integer_value(json_object_get(res, "total"));
	if (sugg)
		fprintf(out, "Did you mean: %s%s%s\n\n", o->color ? BOLD : "", sugg, o->color ? RESET : "");
	size_t i;
	json_t *h;
	json_array_foreach(hits, i, h) {
		const char *sec = kb_json_str(h, "section");
		fprintf(out, "%s%zu. %s%s\n", o->color ? BOLD : "", o->offset + i + 1, str(h, "title"),
		        o->color ? RESET : "");
		if (kb_json_str(h, "section_title"))
			fprintf(out, "   § %s\n", str(h, "section_title"));
		fprintf(out, "   %s%s%s%s · %s · %s · %s%s\n", o->color ? DIM : "", str(h, "id"), sec ? "#" : "",
		        sec ? sec : "", str(h, "type"), str(h, "lang"), str(h, "updated"), o->color ? RESET : "");
		if (kb_json_str(h, "url"))
			fprintf(out, "   %s%s%s\n", o->color ? BLUE : "", str(h, "url"), o->color ? RESET : "");
		char *snip = kb_render_snippet(str(h, "snippet"), o->color);
		wrap(out, snip, o->width, "   ");
		free(snip);
		fputc('\n', out);
	}
	size_t shown = json_array_size(hits);
	fprintf(out, "%zu matching document%s", total, total == 1 ? "" : "s");
	if (shown)
		fprintf(out, " (showing %zu–%zu)", o->offset + 1, o->offset + shown);
	fputc('\n', out);
	const json_t *facets = json_object_get(res, "facets");
	const char *key;
	json_t *counts;
	kb_buf line = { 0 };
	json_object_foreach((json_t *)facets, key, counts) {
		const char *v;
		json_t *n;
		json_object_foreach(counts, v, n)
			kb_buf_printf(&line, "%s%s:%s %lld", line.len ? "  " : "", key, v, (long long)json_integer_value(n));
	}
	if (line.len)
		fprintf(out, "%s\n", line.s);
	kb_buf_free(&line);
}

/* A rough HTML-to-text for the document body: block ends become newlines, headings stand out,
 * link targets follow their text. */
static char *html_text(const char *html, bool color)
{
	kb_buf b = { 0 };
	const char *s = html;
	while (*s) {
		const char *ch, *next;
		if (*s == '<') {
			const char *e = strchr(s, '>');
			if (!e)
				break;
			size_t n = (size_t)(e - s + 1);
			if (!strncmp(s, "<h", 2) && s[2] >= '1' && s[2] <= '6')
				kb_buf_adds(&b, color ? "\n" BOLD : "\n");
			else if (!strncmp(s, "</h", 3))
				kb_buf_adds(&b, color ? RESET "\n" : "\n");
			else if (!strncmp(s, "<li", 3))
				kb_buf_adds(&b, "  • ");
			else if (!strncmp(s, "</p>", 4) || !strncmp(s, "</li>", 5) || !strncmp(s, "<br", 3) ||
			         !strncmp(s, "</pre>", 6) || !strncmp(s, "</blockquote>", 13))
				kb_buf_addc(&b, '\n');
			s += n;
		} else if (*s == '&' && (next = entity(s, &ch))) {
			kb_buf_adds(&b, ch);
			s = next;
		} else {
			kb_buf_addc(&b, *s++);
		}
	}
	return kb_buf_detach(&b);
}

void kb_render_doc(FILE *out, const json_t *doc, const kb_render_opts *o)
{
	fprintf(out, "%s%s%s\n", o->color ? BOLD : "", str(doc, "title"), o->color ? RESET : "");
	fprintf(out, "%s · %s · %s · %s\n", str(doc, "id"), str(doc, "type"), str(doc, "lang"), str(doc, "updated"));
	if (kb_json_str(doc, "source"))
		fprintf(out, "Source: %s\n", str(doc, "source"));
	if (kb_json_str(doc, "url"))
		fprintf(out, "%s\n", str(doc, "url"));
	char *text = html_text(str(doc, "html"), o->color);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		fputc('\n', out);
		wrap(out, line, o->width, "");
	}
	free(text);
}
