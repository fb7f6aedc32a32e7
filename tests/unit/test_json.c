/* The search answer is written as text by kb_jw_*: it must be the text jansson writes for the same
 * values with kb_json_dumps's settings, or the daemon's answers and the terminal client's would
 * differ from what they were. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json.h"

static char *by_jansson(json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6) | JSON_ENCODE_ANY);
	json_decref(v);
	return s;
}

static void same_string(const char *s, size_t n)
{
	kb_buf b = { 0 };
	CHECK(kb_jw_str(&b, s, n));
	char *want = by_jansson(json_stringn(s, n));
	CHECK_STR(b.s, want);
	free(want);
	kb_buf_free(&b);
}

static void test_strings(void)
{
	const char *const plain[] = {
		"", "genterapi", "Lægemiddelstyrelsen ÆØÅ æøå", "\"quoted\" and \\back\\slash", "a/b </script>",
		"<mark>x</mark> & 'y'", "tab\there\nnew\rline\fform\bback", "emoji 🧬 and 中文", "\x7f del",
		"… ellipsis – dash — and “curly” quotes",
	};
	for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
		same_string(plain[i], strlen(plain[i]));
	char ctl[40];
	for (int c = 1; c < 0x20; c++) {
		int n = snprintf(ctl, sizeof ctl, "a%cb", c);
		same_string(ctl, (size_t)n);
	}
	same_string("nul\0inside", 10);
	kb_buf b = { 0 };
	CHECK(!kb_jw_str(&b, "\xff\xfe", 2)); /* not UTF-8: jansson takes no such string either */
	CHECK(!kb_jw_str(&b, "\xc3", 1));
	CHECK(b.len == 0);
	CHECK(json_stringn("\xff\xfe", 2) == NULL);
	kb_buf_free(&b);
}

/* What kb_jw_* wrote into b against what jansson writes for v; both freed. */
static void same_as_jansson(kb_buf *b, json_t *v)
{
	char *want = by_jansson(v);
	CHECK_STR(b->s, want);
	free(want);
	kb_buf_free(b);
}

static void test_numbers(void)
{
	const double reals[] = { 0, 1, -1, 0.5, 12.72, 12.196, 0.001, 0.0001, 1e-5, 123456, 1234567, 1e6, 1e21,
		                 -3.25, 99999.95, 0.41, 1e-300, 6.02e23, 2.5e-7 };
	const long long ints[] = { 0, 1, -1, 42, 10000, 123456789012LL };
	kb_buf b = { 0 };
	for (size_t i = 0; i < sizeof reals / sizeof *reals; i++) {
		kb_jw_real(&b, reals[i]);
		same_as_jansson(&b, json_real(reals[i]));
	}
	for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
		kb_jw_int(&b, ints[i]);
		same_as_jansson(&b, json_integer(ints[i]));
	}
}

int main(void)
{
	test_strings();
	test_numbers();
	TEST_END();
}
