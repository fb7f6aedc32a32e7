/* What a curator sees when a corpus file's front matter is right, or wrong. */
#include <stdlib.h>
#include <string.h>

#include "frontmatter.h"
#include "harness.h"

static kb_meta M;
static kb_problems P;

/* Parses text afresh into M and P; returns the number of problems. */
static size_t parse_n(const char *text, size_t len)
{
	kb_meta_clear(&M);
	kb_problems_clear(&P);
	return kb_meta_parse(text, len, &M, &P);
}

static size_t parse(const char *text)
{
	return parse_n(text, strlen(text));
}

/* The message of the only problem, or of the one on line; "(none)" when there is no such problem. */
static const char *problem_at(unsigned line)
{
	for (size_t i = 0; i < P.n; i++)
		if (P.v[i].line == line)
			return P.v[i].msg;
	for (size_t i = 0; i < P.n; i++)
		fprintf(stderr, "  (problem at line %u: %s)\n", P.v[i].line, P.v[i].msg);
	return "(none)";
}

#define VALID "---\ntitle: T\ntype: faq\nlang: da\nupdated: 2025-03-07\n"

static void test_valid_file_gives_every_field(void)
{
	const char *text =
		"---\n"
		"title: Hospitalsundtagelsen for ATMP'er\n"
		"type: guidance\n"
		"lang: da\n"
		"source: Lægemiddelstyrelsen\n"
		"url: https://laegemiddelstyrelsen.dk/da/godkendelse/\n"
		"tags: [hospitalsundtagelse, GMP, fremstillingstilladelse]\n"
		"updated: 2025-03-07\n"
		"summary: One or two sentences shown in result lists.\n"
		"id: guidance/hospital-exemption\n"
		"---\n"
		"\n"
		"Body text.\n";
	CHECK(parse(text) == 0);
	CHECK(P.n == 0);
	CHECK_STR(M.title, "Hospitalsundtagelsen for ATMP'er");
	CHECK_STR(M.type, "guidance");
	CHECK_STR(M.lang, "da");
	CHECK_STR(M.updated, "2025-03-07");
	CHECK_STR(M.source, "Lægemiddelstyrelsen");
	CHECK_STR(M.url, "https://laegemiddelstyrelsen.dk/da/godkendelse/");
	CHECK_STR(M.summary, "One or two sentences shown in result lists.");
	CHECK_STR(M.id, "guidance/hospital-exemption");
	CHECK(M.ntags == 3);
	if (M.ntags == 3) {
		CHECK_STR(M.tags[0], "hospitalsundtagelse");
		CHECK_STR(M.tags[1], "GMP");
		CHECK_STR(M.tags[2], "fremstillingstilladelse");
	}
	CHECK(M.body_line == 12);
	CHECK(M.body == strstr(text, "---\n\nBody") + 4 && M.body_len == strlen("\nBody text.\n"));
}

static void test_optional_keys_may_be_left_out(void)
{
	CHECK(parse(VALID "---\nBody\n") == 0);
	CHECK(M.source == NULL && M.url == NULL && M.summary == NULL && M.id == NULL);
	CHECK(M.tags == NULL && M.ntags == 0);
	CHECK(M.body_line == 7);
	CHECK(M.body_len == 5 && memcmp(M.body, "Body\n", 5) == 0);
}

static void test_tags_in_flow_and_block_style(void)
{
	CHECK(parse(VALID "tags: [CAR-T, \"GMP, del 2\"]\n---\n") == 0);
	CHECK(M.ntags == 2);
	if (M.ntags == 2) {
		CHECK_STR(M.tags[0], "CAR-T");
		CHECK_STR(M.tags[1], "GMP, del 2");
	}
	CHECK(parse(VALID "tags:\n  - genterapi\n  - kliniske forsøg\n---\n") == 0);
	CHECK(M.ntags == 2);
	if (M.ntags == 2) {
		CHECK_STR(M.tags[0], "genterapi");
		CHECK_STR(M.tags[1], "kliniske forsøg");
	}
	CHECK(parse(VALID "tags: [ATMP]\n---\n") == 0);
	CHECK(M.ntags == 1 && strcmp(M.tags[0], "ATMP") == 0);
	CHECK(parse(VALID "tags:\n- ATMP\n---\n") == 0);
	CHECK(M.ntags == 1 && strcmp(M.tags[0], "ATMP") == 0);
	CHECK(parse(VALID "tags: []\n---\n") == 0);
	CHECK(M.ntags == 0);
	CHECK(parse(VALID "tags:\n---\n") == 0);
	CHECK(M.ntags == 0);
}

static void test_tags_as_a_single_value_is_an_error(void)
{
	const char *bad[] = { "tags: justastring\n", "tags: a, b\n", "tags: 'a'\n", "tags: \"\"\n", "tags: ~\n",
	                      "tags: |\n  a\n" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char text[200];
		snprintf(text, sizeof text, VALID "%s---\n", bad[i]);
		CHECK(parse(text) == 1);
		CHECK_STR(problem_at(6), "'tags' must be a list such as [a, b], not a single value");
		CHECK(M.ntags == 0);
	}
}

static void test_bad_tags(void)
{
	CHECK(parse(VALID "tags: [a, [b, c]]\n---\n") == 1);
	CHECK_STR(problem_at(6), "a tag must be text, not a list");
	CHECK(parse(VALID "tags:\n  - a\n  - ''\n---\n") == 1);
	CHECK_STR(problem_at(8), "empty tag in 'tags'");
	CHECK(parse(VALID "tags: {a: b}\n---\n") == 1);
	CHECK_STR(problem_at(6), "'tags' must be a list such as [a, b], not a mapping");
	CHECK(parse(VALID "tags: [a, {b: c}]\n---\n") == 1);
	CHECK_STR(problem_at(6), "a tag must be text, not a mapping");
	CHECK(parse(VALID "tags:\n  - a\n  - b: c\n  - [d]\n---\n") == 2);
	CHECK_STR(problem_at(8), "a tag must be text, not a mapping");
	CHECK_STR(problem_at(9), "a tag must be text, not a list");
}

static void test_quoted_values_are_fine(void)
{
	CHECK(parse("---\ntitle: \"Spanien: akademisk CAR-T\"\ntype: 'faq'\nlang: \"en\"\n"
	            "updated: \"2025-03-07\"\n---\n") == 0);
	CHECK_STR(M.title, "Spanien: akademisk CAR-T");
	CHECK_STR(M.type, "faq");
	CHECK_STR(M.updated, "2025-03-07");
}

static void test_unknown_key_is_reported_at_its_line(void)
{
	CHECK(parse("---\ntype: faq\nlang: da\ntilte: Hospitalsundtagelsen\nupdated: 2025-03-07\n---\n") == 2);
	CHECK_STR(problem_at(4), "unknown key 'tilte' (did you mean 'title'?)");
	CHECK_STR(problem_at(6), "missing required key 'title'");

	CHECK(parse(VALID "colour: blue\n---\n") == 1);
	CHECK_STR(problem_at(6), "unknown key 'colour'");
	CHECK(parse(VALID "Summary: x\n---\n") == 1);
	CHECK_STR(problem_at(6), "unknown key 'Summary' (did you mean 'summary'?)");
	CHECK(parse(VALID "tag: [a]\n---\n") == 1);
	CHECK_STR(problem_at(6), "unknown key 'tag' (did you mean 'tags'?)");
	CHECK(parse(VALID "date: 2025-01-01\n---\n") == 1);
	CHECK_STR(problem_at(6), "unknown key 'date'");
}

static void test_missing_required_keys_are_named(void)
{
	CHECK(parse("---\ntitle: T\ntype: faq\nupdated: 2025-03-07\n---\nbody\n") == 1);
	CHECK_STR(problem_at(5), "missing required key 'lang'");

	CHECK(parse("---\n---\nbody\n") == 4);
	CHECK(P.n == 4 && P.v[0].line == 2 && P.v[3].line == 2);
	CHECK_STR(P.v[0].msg, "missing required key 'title'");
	CHECK_STR(P.v[1].msg, "missing required key 'type'");
	CHECK_STR(P.v[2].msg, "missing required key 'lang'");
	CHECK_STR(P.v[3].msg, "missing required key 'updated'");
}

static void test_bad_date(void)
{
	CHECK(parse("---\ntitle: T\ntype: faq\nlang: da\nupdated: 2025-13-01\n---\n") == 1);
	CHECK_STR(problem_at(5), "bad date '2025-13-01' for 'updated' (want YYYY-MM-DD)");
	CHECK(M.updated == NULL);
	CHECK(parse("---\ntitle: T\ntype: faq\nlang: da\nupdated: 2025-02-30\n---\n") == 1);
	CHECK_STR(problem_at(5), "bad date '2025-02-30' for 'updated' (want YYYY-MM-DD)");
	CHECK(parse("---\ntitle: T\ntype: faq\nlang: da\nupdated: 2025-3-7\n---\n") == 1);
	CHECK_STR(problem_at(5), "bad date '2025-3-7' for 'updated' (want YYYY-MM-DD)");
	CHECK(parse("---\ntitle: T\ntype: faq\nlang: da\nupdated: 7. marts 2025\n---\n") == 1);
	CHECK_STR(problem_at(5), "bad date '7. marts 2025' for 'updated' (want YYYY-MM-DD)");
	CHECK(parse("---\ntitle: T\ntype: faq\nlang: da\nupdated: 2025-02-29\n---\n") == 1);
	CHECK(parse("---\ntitle: T\ntype: faq\nlang: da\nupdated: 2024-02-29\n---\n") == 0);
	CHECK(parse("---\ntitle: T\ntype: faq\nlang: da\nupdated: 1900-02-29\n---\n") == 1);
	CHECK(parse("---\ntitle: T\ntype: faq\nlang: da\nupdated: 2000-02-29\n---\n") == 0);
	CHECK(parse("---\ntitle: T\ntype: faq\nlang: da\nupdated: 2025-12-31\n---\n") == 0);
}

static void test_bad_type_and_lang(void)
{
	CHECK(parse("---\ntitle: T\ntype: guide\nlang: da\nupdated: 2025-03-07\n---\n") == 1);
	CHECK_STR(problem_at(3), "unknown type 'guide' (want one of guidance, best-practice, faq, news, "
	                         "minutes, analysis)");
	CHECK(M.type == NULL);
	CHECK(parse("---\ntitle: T\ntype: FAQ\nlang: da\nupdated: 2025-03-07\n---\n") == 1);
	CHECK(parse("---\ntitle: T\ntype: faq\nlang: dk\nupdated: 2025-03-07\n---\n") == 1);
	CHECK_STR(problem_at(4), "unknown lang 'dk' (want da or en)");
	for (const char **t = (const char *[]){ "guidance", "best-practice", "faq", "news", "minutes",
	                                       "analysis", NULL }; *t; t++) {
		char text[200];
		snprintf(text, sizeof text, "---\ntitle: T\ntype: %s\nlang: en\nupdated: 2025-03-07\n---\n", *t);
		CHECK(parse(text) == 0);
	}
}

static void test_bad_url(void)
{
	const char *bad[] = { "laegemiddelstyrelsen.dk/x", "ftp://example.org/x", "https://", "https:///x",
	                      "https://exa mple.dk", "javascript:alert(1)", "http://:80/" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char text[200], want[200];
		snprintf(text, sizeof text, VALID "url: %s\n---\n", bad[i]);
		snprintf(want, sizeof want, "bad url '%s' (want an absolute http:// or https:// URL)", bad[i]);
		CHECK(parse(text) == 1);
		CHECK_STR(problem_at(6), want);
		CHECK(M.url == NULL);
	}
	CHECK(parse(VALID "url: http://localhost:8080/a?b=c#d\n---\n") == 0);
	CHECK(parse(VALID "url: HTTPS://[::1]/x\n---\n") == 0);
	CHECK(parse(VALID "url: https://www.ema.europa.eu\n---\n") == 0);
}

static void test_bad_id(void)
{
	CHECK(parse(VALID "id: faq/clinical-trials_2\n---\n") == 0);
	CHECK_STR(M.id, "faq/clinical-trials_2");
	const char *bad[] = { "/faq/x", "faq/x/", "faq//x", "../x", "FAQ/x", "faq/x.md", "faq x" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char text[200], want[200];
		snprintf(text, sizeof text, VALID "id: '%s'\n---\n", bad[i]);
		snprintf(want, sizeof want, "bad id '%s' (want segments of a-z, 0-9, '-' and '_' joined by '/')",
		         bad[i]);
		CHECK(parse(text) == 1);
		CHECK_STR(problem_at(6), want);
		CHECK(M.id == NULL);
	}
}

static void test_duplicate_key(void)
{
	CHECK(parse(VALID "summary: a\ntitle: Another\n---\n") == 1);
	CHECK_STR(problem_at(7), "duplicate key 'title' (also at line 2)");
	CHECK_STR(M.title, "T");
}

static void test_title_and_summary_are_one_nonempty_line(void)
{
	CHECK(parse("---\ntitle: |\n  line one\n  line two\ntype: faq\nlang: da\nupdated: 2025-03-07\n---\n") == 1);
	CHECK_STR(problem_at(2), "'title' must be one line");
	CHECK(M.title == NULL);
	CHECK(parse("---\ntitle: ''\ntype: faq\nlang: da\nupdated: 2025-03-07\n---\n") == 1);
	CHECK_STR(problem_at(2), "empty value for 'title'");
	CHECK(parse(VALID "summary:\n---\n") == 1);
	CHECK_STR(problem_at(6), "empty value for 'summary'");
	CHECK(parse(VALID "summary: \"a\\nb\"\n---\n") == 1);
	CHECK_STR(problem_at(6), "'summary' must be one line");
	/* a plain scalar folded over two lines is one line of text */
	CHECK(parse("---\ntitle: a long\n  title\ntype: faq\nlang: da\nupdated: 2025-03-07\n---\n") == 0);
	CHECK_STR(M.title, "a long title");
}

static void test_values_of_the_wrong_shape(void)
{
	CHECK(parse("---\ntitle: [a, b]\ntype: faq\nlang: da\nupdated: 2025-03-07\n---\n") == 1);
	CHECK_STR(problem_at(2), "'title' must be a single value, not a list");
	CHECK(parse(VALID "source: {name: x}\n---\n") == 1);
	CHECK_STR(problem_at(6), "'source' must be a single value, not a mapping");
	CHECK(parse(VALID "[a]: b\n---\n") == 1);
	CHECK_STR(problem_at(6), "a key must be a plain name such as 'title'");
	CHECK(parse("---\n- title\n- type\n---\n") == 1);
	CHECK_STR(problem_at(2), "front matter is not a YAML mapping (want 'key: value' lines)");
	CHECK(parse("---\njust some words\n---\n") == 1);
	CHECK_STR(problem_at(2), "front matter is not a YAML mapping (want 'key: value' lines)");
}

static void test_no_front_matter(void)
{
	const char *text = "# Hospitalsundtagelsen\n\nText.\n";
	CHECK(parse(text) == 1);
	CHECK_STR(problem_at(1), "no front matter (the file must start with a line '---')");
	CHECK(M.body == text && M.body_len == strlen(text) && M.body_line == 1);
	CHECK(parse("") == 1);
	CHECK_STR(problem_at(1), "no front matter (the file must start with a line '---')");
	CHECK(parse("\n---\ntitle: T\n---\n") == 1);
	CHECK(parse("--- \ntitle: T\n---\n") == 1);
	CHECK(parse("----\ntitle: T\n---\n") == 1);
	CHECK(parse("---\ntitle: T\ntype: faq\n") == 1);
	CHECK_STR(problem_at(1), "front matter not closed (no line '---' after the first)");
	CHECK(M.body_len == 0);
	CHECK(parse("---") == 1);
	CHECK_STR(problem_at(1), "front matter not closed (no line '---' after the first)");
}

static void test_yaml_syntax_error_is_reported_at_its_line(void)
{
	CHECK(parse("---\ntitle: T\ntype: faq: x\nlang: da\nupdated: 2025-03-07\n---\n") == 1);
	CHECK_STR(problem_at(3), "bad YAML: mapping values are not allowed in this context");
	CHECK(parse("---\ntitle: T\ntags: [a, b\nlang: da\n---\n") == 1);
	CHECK_STR(problem_at(4), "bad YAML: did not find expected ',' or ']' (while parsing a flow sequence "
	                         "at line 3)");
	CHECK(parse("---\ntitle: T\n\ttype: faq\n---\n") == 1);
	CHECK(P.n == 1 && P.v[0].line == 3 && strncmp(P.v[0].msg, "bad YAML: ", 10) == 0);
	CHECK(parse("---\ntitle: \"T\n---\nbody\n") == 1);
	CHECK(P.n == 1 && P.v[0].line == 3 && strncmp(P.v[0].msg, "bad YAML: ", 10) == 0);
	CHECK(M.body_line == 4 && M.body_len == 5);
	CHECK(parse("---\ntitle: *nothing\n---\n") == 1);
	CHECK_STR(problem_at(2), "bad YAML: found undefined alias");
	CHECK(parse(VALID "...\nsummary: x\n---\n") == 1);
	CHECK(P.n == 1 && strncmp(P.v[0].msg, "bad YAML: ", 10) == 0);
	CHECK(parse(VALID "summary: \"\\0\"\n---\n") == 1);
	CHECK_STR(problem_at(6), "'summary' contains a NUL character");
}

static void test_crlf_and_bom_are_tolerated(void)
{
	const char *text = "\xEF\xBB\xBF---\r\ntitle: T\r\ntype: news\r\nlang: en\r\nupdated: 2025-03-07\r\n"
	                   "tilte: x\r\n---\r\nBody\r\n";
	CHECK(parse(text) == 1);
	CHECK_STR(problem_at(6), "unknown key 'tilte' (did you mean 'title'?)");
	CHECK_STR(M.title, "T");
	CHECK_STR(M.updated, "2025-03-07");
	CHECK(M.body_line == 8);
	CHECK(M.body_len == 6 && memcmp(M.body, "Body\r\n", 6) == 0);
}

static void test_text_need_not_end_in_nul(void)
{
	const char *text = VALID "---\nbody" "XXXXXXXXXX";
	CHECK(parse_n(text, strlen(text) - 10) == 0);
	CHECK(M.body_len == 4);
}

#define BIG (5u << 20)

/* head, then a repeated n1 times, b repeated n2 times, then tail. Caller frees; *len is its length. */
static char *build(const char *head, const char *a, size_t n1, const char *b, size_t n2, const char *tail,
                   size_t *len)
{
	size_t lh = strlen(head), la = strlen(a), lb = strlen(b), lt = strlen(tail);
	char *s = malloc(lh + la * n1 + lb * n2 + lt + 1), *p = s;
	if (!s)
		return NULL;
	memcpy(p, head, lh), p += lh;
	for (size_t i = 0; i < n1; i++)
		memcpy(p, a, la), p += la;
	for (size_t i = 0; i < n2; i++)
		memcpy(p, b, lb), p += lb;
	memcpy(p, tail, lt + 1), p += lt;
	*len = (size_t)(p - s);
	return s;
}

static void test_hostile_input_does_not_crash(void)
{
	char junk[4096];
	unsigned seed = 12345;
	for (int round = 0; round < 50; round++) {
		for (size_t i = 0; i < sizeof junk; i++)
			junk[i] = (char)((seed = seed * 1103515245 + 12345) >> 16);
		memcpy(junk, "---\n", 4);
		parse_n(junk, sizeof junk);
		CHECK(P.n > 0);
	}
	CHECK(parse_n("---\ntitle: a\0b\n---\n", 19) == 1);
	CHECK(P.n == 1 && P.v[0].line == 2 && strncmp(P.v[0].msg, "bad YAML: ", 10) == 0);
	CHECK(parse("---\ntitle: \xff\xfe\n---\n") == 1);
	CHECK(P.n == 1 && P.v[0].line == 2);
	CHECK(parse(VALID "tags: &x [a, *x]\n---\n") == 1); /* an alias may point back at its list */
	CHECK_STR(problem_at(6), "a tag must be text, not a list");

	size_t n;
	char *deep = build(VALID "tags: ", "[", 10000, "]", 10000, "\n---\n", &n);
	CHECK(deep && parse_n(deep, n) == 1);
	free(deep);

	/* a front matter of megabytes is refused before libyaml sees it, whose time grows too fast */
	char *line = build(VALID "summary: ", "x", BIG, "", 0, "\n---\n", &n);
	CHECK(line && parse_n(line, n) == 1);
	CHECK(P.n == 1 && strncmp(P.v[0].msg, "front matter too long", 21) == 0);
	free(line);
	/* a long value that fits is quoted short in its message */
	line = build(VALID "url: ", "x", 10000, "", 0, "\n---\n", &n);
	CHECK(line && parse_n(line, n) == 1);
	CHECK(P.n == 1 && strlen(P.v[0].msg) < 200);
	free(line);
}

int main(void)
{
	test_valid_file_gives_every_field();
	test_optional_keys_may_be_left_out();
	test_tags_in_flow_and_block_style();
	test_tags_as_a_single_value_is_an_error();
	test_bad_tags();
	test_quoted_values_are_fine();
	test_unknown_key_is_reported_at_its_line();
	test_missing_required_keys_are_named();
	test_bad_date();
	test_bad_type_and_lang();
	test_bad_url();
	test_bad_id();
	test_duplicate_key();
	test_title_and_summary_are_one_nonempty_line();
	test_values_of_the_wrong_shape();
	test_no_front_matter();
	test_yaml_syntax_error_is_reported_at_its_line();
	test_crlf_and_bom_are_tolerated();
	test_text_need_not_end_in_nul();
	test_hostile_input_does_not_crash();
	kb_meta_clear(&M);
	kb_problems_clear(&P);
	TEST_END();
}
