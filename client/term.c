#include "term.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

kb_term kb_term_detect(int fd, kb_color_mode mode)
{
	kb_term t = { .tty = isatty(fd) == 1, .color = false, .width = 80 };
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM"), *cols = getenv("COLUMNS");
	if (mode == KB_COLOR_ALWAYS)
		t.color = true;
	else if (mode == KB_COLOR_AUTO)
		t.color = t.tty && (!nc || !*nc) && !(term && strcmp(term, "dumb") == 0);
	struct winsize ws;
	if (t.tty && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		t.width = ws.ws_col;
	} else if (cols && *cols) {
		char *end;
		long v = strtol(cols, &end, 10);
		if (!*end && v > 0 && v < 10000)
			t.width = (unsigned)v;
	}
	if (t.width < 20)
		t.width = 20;
	return t;
}

const char *kb_sgr(bool color, const char *sgr)
{
	return color ? sgr : "";
}

static int char_width(UChar32 c)
{
	int ct = u_charType(c);
	if (ct == U_NON_SPACING_MARK || ct == U_ENCLOSING_MARK || ct == U_FORMAT_CHAR || ct == U_CONTROL_CHAR)
		return 0;
	int ea = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
	return ea == U_EA_WIDE || ea == U_EA_FULLWIDTH ? 2 : 1;
}

size_t kb_term_width(const char *s, size_t n)
{
	size_t w = 0;
	int32_t i = 0, len = (int32_t)n;
	while (i < len) {
		if (s[i] == '\033') { /* CSI ... final byte */
			i++;
			if (i < len && s[i] == '[')
				i++;
			while (i < len && !((unsigned char)s[i] >= 0x40 && (unsigned char)s[i] <= 0x7e))
				i++;
			i++;
			continue;
		}
		UChar32 c;
		U8_NEXT(s, i, len, c);
		w += c < 0 ? 1 : (size_t)char_width(c);
	}
	return w;
}

void kb_term_wrap(FILE *out, const char *text, unsigned width, const char *first, const char *rest)
{
	size_t wfirst = kb_term_width(first, strlen(first)), wrest = kb_term_width(rest, strlen(rest));
	bool started = false, any_line = false, has_word = false;
	size_t col = 0;
	const char *s = text;
	while (*s) {
		if (*s == '\n') {
			if (started)
				fputc('\n', out);
			started = has_word = false;
			s++;
			continue;
		}
		if (*s == ' ') {
			s++;
			continue;
		}
		const char *e = s;
		while (*e && *e != ' ' && *e != '\n')
			e++;
		size_t w = kb_term_width(s, (size_t)(e - s));
		if (!started) {
			fputs(any_line ? rest : first, out);
			col = any_line ? wrest : wfirst;
			started = any_line = true;
		} else if (has_word && col + 1 + w > width) {
			fputc('\n', out);
			fputs(rest, out);
			col = wrest;
			has_word = false;
		}
		if (has_word) {
			fputc(' ', out);
			col++;
		}
		fwrite(s, 1, (size_t)(e - s), out);
		col += w;
		has_word = true;
		s = e;
	}
	if (started)
		fputc('\n', out);
}

static void add_char(kb_buf *b, UChar32 c)
{
	char u[4];
	int32_t n = 0;
	U8_APPEND_UNSAFE(u, n, c);
	kb_buf_add(b, u, (size_t)n);
}

void kb_term_clean(kb_buf *b, const char *s, size_t n, bool keep_newlines)
{
	int32_t i = 0, len = (int32_t)n;
	while (i < len) {
		int32_t start = i;
		UChar32 c;
		U8_NEXT(s, i, len, c);
		if (c < 0)
			add_char(b, 0xFFFD);
		else if (c == '\n' && keep_newlines)
			kb_buf_addc(b, '\n');
		else if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
			kb_buf_addc(b, ' ');
		else
			kb_buf_add(b, s + start, (size_t)(i - start));
	}
}

const char *kb_term_entity(const char *s, kb_buf *b)
{
	static const struct { const char *name, *text; } named[] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
		{ "&apos;", "'" }, { "&nbsp;", " " },
	};
	if (*s != '&')
		return NULL;
	for (size_t i = 0; i < sizeof named / sizeof *named; i++) {
		size_t n = strlen(named[i].name);
		if (strncmp(s, named[i].name, n) == 0) {
			kb_buf_adds(b, named[i].text);
			return s + n;
		}
	}
	if (s[1] != '#')
		return NULL;
	bool hex = s[2] == 'x' || s[2] == 'X';
	const char *p = s + (hex ? 3 : 2);
	if (!(hex ? isxdigit((unsigned char)*p) : isdigit((unsigned char)*p)))
		return NULL;
	char *end;
	long v = strtol(p, &end, hex ? 16 : 10);
	if (end == p || *end != ';' || end - p > 8)
		return NULL;
	if (v < 0x20 || (v >= 0x7f && v <= 0x9f) || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
		v = 0xFFFD;
	add_char(b, (UChar32)v);
	return end + 1;
}
