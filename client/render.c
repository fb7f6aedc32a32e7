#include "render.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "term.h"
#include "util.h"

char *kb_render_clean(const char *s)
{
	kb_buf b = { 0 };
	if (s)
		kb_term_clean(&b, s, strlen(s), false);
	return kb_buf_detach(&b);
}

char *kb_render_snippet(const char *s, bool color)
{
	kb_buf b = { 0 };
	while (*s) {
		size_t n = strcspn(s, "<&");
		kb_term_clean(&b, s, n, false);
		s += n;
		const char *next;
		if (strncmp(s, "<mark>", 6) == 0) {
			kb_buf_adds(&b, kb_sgr(color, KB_SGR_MARK));
			s += 6;
		} else if (strncmp(s, "</mark>", 7) == 0) {
			kb_buf_adds(&b, kb_sgr(color, KB_SGR_RESET));
			s += 7;
		} else if (*s == '&' && (next = kb_term_entity(s, &b))) {
			s = next;
		} else if (*s) {
			kb_buf_addc(&b, *s++);
		}
	}
	return kb_buf_detach(&b);
}

/* Empties b, keeping it a valid (allocated, NUL-terminated) string. */
static void reset(kb_buf *b)
{
	b->len = 0;
	kb_buf_adds(b, "");
}

/* The cleaned string member k of o; "" when absent. Caller frees. */
static char *field(const json_t *o, const char *k)
{
	return kb_render_clean(kb_json_str(o, k));
}

static void hit(FILE *out, const json_t *h, size_t num, int numw, const kb_render_opts *o)
{
	bool c = o->color;
	char first[64], indent[64];
	snprintf(first, sizeof first, "%*zu. ", numw, num);
	snprintf(indent, sizeof indent, "%*s", numw + 2, "");

	kb_buf line = { 0 };
	reset(&line);
	char *title = field(h, "title");
	if (!*title) { /* a hit always has a line to number */
		free(title);
		const char *id = kb_json_str(h, "id");
		title = kb_render_clean(id && *id ? id : "(untitled)");
	}
	kb_buf_printf(&line, "%s%s%s", kb_sgr(c, KB_SGR_BOLD), title, kb_sgr(c, KB_SGR_RESET));
	kb_buf num_prefix = { 0 };
	reset(&num_prefix);
	kb_buf_printf(&num_prefix, "%s%s%s", kb_sgr(c, KB_SGR_BOLD), first, kb_sgr(c, KB_SGR_RESET));
	kb_term_wrap(out, line.s, o->width, num_prefix.s, indent);
	free(title);
	kb_buf_free(&num_prefix);

	if (kb_json_str(h, "section_title")) {
		char *st = field(h, "section_title");
		char pre[80], rest[80];
		snprintf(pre, sizeof pre, "%s§ ", indent);
		snprintf(rest, sizeof rest, "%s  ", indent);
		kb_term_wrap(out, st, o->width, pre, rest);
		free(st);
	}

	/* id#section · type · lang · date · source: on one line when it fits, else the id on its own */
	reset(&line);
	const char *keys[] = { "type", "lang", "updated", "source" };
	char *id = field(h, "id"), *sec = field(h, "section");
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		char *v = field(h, keys[i]);
		if (*v)
			kb_buf_printf(&line, "%s%s", line.len ? " · " : "", v);
		free(v);
	}
	size_t idw = kb_term_width(id, strlen(id)) + (*sec ? 1 + kb_term_width(sec, strlen(sec)) : 0);
	bool one = !line.len || strlen(indent) + idw + 3 + kb_term_width(line.s, line.len) <= o->width;
	if (!*id && !line.len) {
		/* nothing to say */
	} else if (one) {
		fprintf(out, "%s%s%s%s%s", indent, kb_sgr(c, KB_SGR_DIM), id, *sec ? "#" : "", sec);
		fprintf(out, "%s%s%s\n", *id && line.len ? " · " : "", line.s, kb_sgr(c, KB_SGR_RESET));
	} else {
		fprintf(out, "%s%s%s%s%s%s\n", indent, kb_sgr(c, KB_SGR_DIM), id, *sec ? "#" : "", sec,
		        kb_sgr(c, KB_SGR_RESET));
		kb_buf meta = { 0 };
		reset(&meta);
		kb_buf_printf(&meta, "%s%s%s", kb_sgr(c, KB_SGR_DIM), line.s, kb_sgr(c, KB_SGR_RESET));
		kb_term_wrap(out, meta.s, o->width, indent, indent);
		kb_buf_free(&meta);
	}
	free(id);
	free(sec);

	if (kb_json_str(h, "url")) {
		char *url = field(h, "url");
		fprintf(out, "%s%s%s%s\n", indent, kb_sgr(c, KB_SGR_LINK), url, kb_sgr(c, KB_SGR_RESET));
		free(url);
	}

	char *snip = kb_render_snippet(kb_json_str(h, "snippet") ? kb_json_str(h, "snippet") : "", c);
	kb_term_wrap(out, snip, o->width, indent, indent);
	free(snip);

	const json_t *why = json_object_get(h, "why");
	if (json_array_size(why) > 0) {
		reset(&line);
		kb_buf_printf(&line, "%smatched:", kb_sgr(c, KB_SGR_DIM));
		size_t i;
		const json_t *w;
		bool any = false;
		json_array_foreach(why, i, w) {
			if (!json_is_string(w))
				continue;
			char *t = kb_render_clean(json_string_value(w));
			kb_buf_printf(&line, "%s %s", any ? ";" : "", t);
			any = true;
			free(t);
		}
		kb_buf_adds(&line, kb_sgr(c, KB_SGR_RESET));
		if (any)
			kb_term_wrap(out, line.s, o->width, indent, indent);
	}
	fputc('\n', out);
	kb_buf_free(&line);
}

/* "type: guidance 7, faq 3 · lang: da 9" — on one line, however long. */
static void facets(FILE *out, const json_t *res, bool c)
{
	const json_t *fs = json_object_get(res, "facets");
	const char *key;
	json_t *counts;
	kb_buf line = { 0 };
	json_object_foreach((json_t *)fs, key, counts) {
		if (json_object_size(counts) == 0)
			continue;
		char *k = kb_render_clean(key);
		kb_buf_printf(&line, "%s%s%s:%s", line.len ? " · " : "", kb_sgr(c, KB_SGR_DIM), k,
		              kb_sgr(c, KB_SGR_RESET));
		free(k);
		const char *v;
		json_t *n;
		bool first = true;
		json_object_foreach(counts, v, n) {
			char *t = kb_render_clean(v);
			kb_buf_printf(&line, "%s %s %lld", first ? "" : ",", t, (long long)json_integer_value(n));
			free(t);
			first = false;
		}
	}
	if (line.len)
		fprintf(out, "%s\n", line.s);
	kb_buf_free(&line);
}

void kb_render_results(FILE *out, const json_t *res, const kb_render_opts *o)
{
	bool c = o->color;
	const json_t *hits = json_object_get(res, "hits");
	size_t shown = json_array_size(hits);
	json_int_t t = json_integer_value(json_object_get(res, "total"));
	size_t total = t > 0 ? (size_t)t : 0;
	char *query = field(res, "query");

	if (kb_json_str(res, "suggestion")) {
		char *s = field(res, "suggestion");
		fprintf(out, "Did you mean: %s%s%s?\n\n", kb_sgr(c, KB_SGR_BOLD), s, kb_sgr(c, KB_SGR_RESET));
		free(s);
	}

	int numw = snprintf(NULL, 0, "%zu", o->offset + (shown ? shown : 1));
	size_t i;
	const json_t *h;
	json_array_foreach(hits, i, h)
		hit(out, h, o->offset + i + 1, numw, o);

	kb_buf msg = { 0 };
	reset(&msg);
	if (shown) {
		if (total < o->offset + shown)
			total = o->offset + shown;
		kb_buf_printf(&msg, "%zu matching document%s, showing %zu–%zu", total, total == 1 ? "" : "s",
		              o->offset + 1, o->offset + shown);
		if (o->offset + shown < total)
			kb_buf_printf(&msg, " (more: --offset %zu)", o->offset + shown);
		kb_term_wrap(out, msg.s, o->width, "", "  ");
		facets(out, res, c);
	} else if (total > 0) {
		kb_buf_printf(&msg, "No hits on this page: %zu matching document%s, and --offset %zu skips them "
		              "all.", total, total == 1 ? "" : "s", o->offset);
		kb_term_wrap(out, msg.s, o->width, "", "");
		kb_term_wrap(out, "Tip: try a smaller --offset.", o->width, "", "     ");
	} else {
		kb_buf_printf(&msg, "No hits for '%s'.", query);
		kb_term_wrap(out, msg.s, o->width, "", "");
		reset(&msg);
		if (kb_json_str(res, "suggestion")) {
			char *s = field(res, "suggestion");
			kb_buf_printf(&msg, "Tip: search for '%s' instead", s);
			free(s);
		} else {
			kb_buf_adds(&msg, "Tip: use fewer or shorter words, check the spelling, try the other "
			            "language (Danish or English), or a prefix like gen*");
		}
		kb_buf_adds(&msg, o->filtered ? "; or drop the --type/--lang/--tag/--source filters." : ".");
		kb_term_wrap(out, msg.s, o->width, "", "     ");
	}
	kb_buf_free(&msg);
	free(query);
}
