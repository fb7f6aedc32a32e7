#include "json.h"

#include <stdio.h>
#include <string.h>

char *kb_json_dumps(const json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
}

const char *kb_json_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

bool kb_jw_str(kb_buf *b, const char *s, size_t n)
{
	size_t start = b->len;
	kb_grow((void **)&b->s, &b->cap, start + n + 3, 1); /* most strings need no escapes */
	kb_buf_addc(b, '"');
	/* the bytes written as they are: printable ASCII but for " and \\ */
	static const unsigned char as_is[256] = {
		[0x20] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x22 is " */
		[0x30] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
		[0x40] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
		[0x50] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, /* 0x5C is \\ */
		[0x60] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
		[0x70] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	};
	size_t run = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (as_is[c]) {
			i++;
			continue;
		}
		if (c >= 0x80) { /* checked as jansson checks it: a string that is not UTF-8 is none */
			size_t k = kb_utf8_char(s + i, n - i);
			if (!k) {
				kb_buf_cut(b, start);
				return false;
			}
			i += k;
			continue;
		}
		kb_buf_add(b, s + run, i - run);
		run = ++i;
		switch (c) {
		case '"': kb_buf_adds(b, "\\\""); break;
		case '\\': kb_buf_adds(b, "\\\\"); break;
		case '\b': kb_buf_adds(b, "\\b"); break;
		case '\f': kb_buf_adds(b, "\\f"); break;
		case '\n': kb_buf_adds(b, "\\n"); break;
		case '\r': kb_buf_adds(b, "\\r"); break;
		case '\t': kb_buf_adds(b, "\\t"); break;
		default: kb_buf_printf(b, "\\u%04X", (unsigned)c); break;
		}
	}
	kb_buf_add(b, s + run, n - run);
	kb_buf_addc(b, '"');
	return true;
}

/* As jansson writes a real at 6 digits: %.6g, ".0" when that looks like an integer, and no '+' or
 * leading zeros in an exponent. */
void kb_jw_real(kb_buf *b, double v)
{
	char num[64];
	int n = snprintf(num, sizeof num - 3, "%.6g", v);
	if (n < 0 || (size_t)n >= sizeof num - 3)
		n = snprintf(num, sizeof num, "0.0");
	for (char *p = num; *p; p++) /* a locale's decimal comma */
		if (*p == ',')
			*p = '.';
	if (!strchr(num, '.') && !strchr(num, 'e')) {
		memcpy(num + n, ".0", 3);
		n += 2;
	}
	char *e = strchr(num, 'e');
	if (e) {
		char *from = e + 1, *to = e + 1;
		if (*from == '+')
			from++;
		else if (*from == '-')
			from = ++to;
		while (*from == '0' && from[1])
			from++;
		memmove(to, from, strlen(from) + 1);
	}
	kb_buf_adds(b, num);
}

void kb_jw_int(kb_buf *b, long long v)
{
	kb_buf_printf(b, "%lld", v);
}
