#include "util.h"

#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void *oom(void)
{
	abort();
}

void kb_malloc_settle(void)
{
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
}

void *kb_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	return p ? p : oom();
}

void *kb_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	return p ? p : oom();
}

void *kb_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	return q ? q : oom();
}

char *kb_xstrdup(const char *s)
{
	return s ? kb_xstrndup(s, strlen(s)) : NULL;
}

char *kb_xstrndup(const char *s, size_t n)
{
	char *d = kb_xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

void kb_grow(void **v, size_t *cap, size_t need, size_t sz)
{
	if (need <= *cap)
		return;
	size_t c = *cap ? *cap : 8;
	while (c < need)
		c *= 2;
	*v = kb_xrealloc(*v, c * sz);
	*cap = c;
}

void kb_buf_add(kb_buf *b, const char *s, size_t n)
{
	kb_grow((void **)&b->s, &b->cap, b->len + n + 1, 1);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void kb_buf_adds(kb_buf *b, const char *s)
{
	kb_buf_add(b, s, strlen(s));
}

void kb_buf_addc(kb_buf *b, char c)
{
	kb_buf_add(b, &c, 1);
}

void kb_buf_printf(kb_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	kb_grow((void **)&b->s, &b->cap, b->len + (size_t)n + 1, 1);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void kb_buf_add_html(kb_buf *b, const char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *esc = NULL;
		switch (s[i]) {
		case '&': esc = "&amp;"; break;
		case '<': esc = "&lt;"; break;
		case '>': esc = "&gt;"; break;
		case '"': esc = "&quot;"; break;
		case '\'': esc = "&#39;"; break;
		default: continue;
		}
		kb_buf_add(b, s + run, i - run);
		kb_buf_adds(b, esc);
		run = i + 1;
	}
	kb_buf_add(b, s + run, n - run);
}

char *kb_buf_detach(kb_buf *b)
{
	char *s = b->s ? b->s : kb_xstrdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void kb_buf_free(kb_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

void kb_buf_cut(kb_buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->s[len] = '\0';
	}
}

size_t kb_utf8_char(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	if (n == 0)
		return 0;
	unsigned c = *p;
	size_t k;
	unsigned min;
	if (c < 0x80)
		return 1;
	if ((c & 0xE0) == 0xC0) { k = 1; min = 0x80; c &= 0x1F; }
	else if ((c & 0xF0) == 0xE0) { k = 2; min = 0x800; c &= 0x0F; }
	else if ((c & 0xF8) == 0xF0) { k = 3; min = 0x10000; c &= 0x07; }
	else return 0;
	if (n <= k)
		return 0;
	for (size_t i = 1; i <= k; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3F);
	}
	/* overlong forms, surrogates and values past U+10FFFF are not UTF-8 */
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	return k + 1;
}

bool kb_utf8_valid(const char *s, size_t n)
{
	for (size_t i = 0, k; i < n; i += k)
		if (s[i] == '\0' || !(k = kb_utf8_char(s + i, n - i)))
			return false;
	return true;
}

size_t kb_utf8_decode(const char *s, uint32_t *out, size_t max)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p && n < max) {
		uint32_t c = *p++;
		int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
		c &= extra == 3 ? 0x07 : extra == 2 ? 0x0F : extra == 1 ? 0x1F : 0x7F;
		while (extra-- > 0 && (*p & 0xC0) == 0x80)
			c = (c << 6) | (*p++ & 0x3F);
		out[n++] = c;
	}
	return n;
}

size_t kb_ascii_distance(const char *a, size_t la, const char *b, size_t lb)
{
	if (la > KB_ASCII_DISTANCE_MAX || lb > KB_ASCII_DISTANCE_MAX)
		return SIZE_MAX;
	size_t d[KB_ASCII_DISTANCE_MAX + 1][KB_ASCII_DISTANCE_MAX + 1];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			char x = kb_ascii_lower(a[i - 1]), y = kb_ascii_lower(b[j - 1]);
			size_t best = d[i - 1][j - 1] + (x != y);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && x == kb_ascii_lower(b[j - 2]) && kb_ascii_lower(a[i - 2]) == y &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

double kb_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
