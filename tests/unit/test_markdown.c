/* What a reader and a searcher get from a document's Markdown body: its sections, anchors, links
 * and HTML. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uclean.h>

#include "harness.h"
#include "markdown.h"

static kb_body B;
static kb_problems P;

/* Parses body afresh into B and P as document doc_id whose body starts on file line 10. */
static size_t parse_as(const char *doc_id, const char *body, size_t len)
{
	kb_body_clear(&B);
	kb_problems_clear(&P);
	return kb_body_parse(body, len, 10, doc_id, &B, &P);
}

static size_t parse(const char *body)
{
	return parse_as("guidance/hospital-exemption", body, strlen(body));
}

static const char *problem_at(unsigned line)
{
	for (size_t i = 0; i < P.n; i++)
		if (P.v[i].line == line)
			return P.v[i].msg;
	for (size_t i = 0; i < P.n; i++)
		fprintf(stderr, "  (problem at line %u: %s)\n", P.v[i].line, P.v[i].msg);
	return "(none)";
}

static bool contains(const char *hay, const char *needle)
{
	if (hay && strstr(hay, needle))
		return true;
	fprintf(stderr, "  (\"%s\" not in: %s)\n", needle, hay ? hay : "(null)");
	return false;
}

static void check_slug(const char *heading, const char *want)
{
	char *s = kb_slug(heading);
	CHECK_STR(s, want);
	free(s);
}

static void test_slugs(void)
{
	check_slug("Hvordan søger man om hospitalsundtagelse?", "hvordan-soeger-man-om-hospitalsundtagelse");
	check_slug("GMP & GDP (del 2)", "gmp-gdp-del-2");
	check_slug("Krav til fremstilling", "krav-til-fremstilling");
	check_slug("ÆBLER, ØL OG ÅER", "aebler-oel-og-aaer");
	check_slug("Blåbær på Ærø", "blaabaer-paa-aeroe");
	check_slug("Bla\xCC\x8A" "bær", "blaabaer"); /* å written as a + combining ring */
	check_slug("Café Müller – naïve façade", "cafe-muller-naive-facade");
	check_slug("ATMP'er", "atmp-er");
	check_slug("  --Hvad er ATMP?--  ", "hvad-er-atmp");
	check_slug("CAR-T", "car-t");
	check_slug("2025: Status", "2025-status");
	check_slug("Ελληνικά", "ελληνικα");
	check_slug("?!", "section");
	check_slug("", "section");
	check_slug("\xff\xfe bad UTF-8", "bad-utf-8");
}

static void test_sections_split_at_headings_1_to_3(void)
{
	const char *body =
		"Intro text before any heading.\n"          /* line 10 */
		"\n"
		"# Hospitalsundtagelsen\n"                  /* 12 */
		"Top level.\n"
		"## Krav til fremstilling\n"                /* 14 */
		"\n"
		"Første afsnit\nfortsætter her.\n"
		"\n"
		"- punkt et\n"
		"- punkt *to* med `kode`\n"
		"\n"
		"#### Detaljer\n"                           /* 22: stays in the section */
		"\n"
		"Se [vejledningen](https://example.org/) for mere.\n"
		"\n"
		"```\n"
		"kode blok\n"
		"```\n"
		"### Hvordan søger man om hospitalsundtagelse?\n" /* 29 */
		"Svar.\n";
	CHECK(parse(body) == 0);
	CHECK(B.nsections == 4);
	if (B.nsections != 4)
		return;
	const kb_section *s = B.sections;
	CHECK(s[0].anchor == NULL && s[0].title == NULL && s[0].level == 0 && s[0].line == 10);
	CHECK_STR(s[0].text, "Intro text before any heading.");

	CHECK_STR(s[1].anchor, "hospitalsundtagelsen");
	CHECK_STR(s[1].title, "Hospitalsundtagelsen");
	CHECK(s[1].level == 1 && s[1].line == 12);
	CHECK_STR(s[1].text, "Top level.");

	CHECK_STR(s[2].anchor, "krav-til-fremstilling");
	CHECK(s[2].level == 2 && s[2].line == 14);
	CHECK_STR(s[2].text, "Første afsnit fortsætter her.\npunkt et\npunkt to med kode\nDetaljer\n"
	                     "Se vejledningen for mere.\nkode blok");

	CHECK_STR(s[3].anchor, "hvordan-soeger-man-om-hospitalsundtagelse");
	CHECK_STR(s[3].title, "Hvordan søger man om hospitalsundtagelse?");
	CHECK(s[3].level == 3 && s[3].line == 29);
	CHECK_STR(s[3].text, "Svar.");
}

static void test_no_intro_without_text(void)
{
	CHECK(parse("\n\n## Spørgsmål\n\nSvar\n") == 0);
	CHECK(B.nsections == 1);
	CHECK(B.nsections && B.sections[0].line == 12 && B.sections[0].level == 2);
	CHECK(parse("---\n\n## A\n") == 0); /* a thematic break has no words */
	CHECK(B.nsections == 1 && B.sections[0].anchor);
}

static void test_heading_title_is_plain_text(void)
{
	CHECK(parse("## GMP *og* `GDP` [del 2](x.md)\n\ntext\n") == 0);
	CHECK(B.nsections == 1);
	if (B.nsections == 1) {
		CHECK_STR(B.sections[0].title, "GMP og GDP del 2");
		CHECK_STR(B.sections[0].anchor, "gmp-og-gdp-del-2");
		CHECK_STR(B.sections[0].text, "text");
	}
	CHECK(parse("Setext\nheading\n======\n\ntext\n") == 0);
	CHECK(B.nsections == 1 && strcmp(B.sections[0].title, "Setext heading") == 0);
	CHECK(parse("##\n\ntext\n") == 0);
	CHECK(B.nsections == 1 && strcmp(B.sections[0].anchor, "section") == 0);
}

static void test_duplicate_anchor(void)
{
	CHECK(parse("## Krav\n\na\n\n## Andet\n\nb\n\n## KRAV!\n\nc\n") == 1);
	CHECK_STR(problem_at(18), "duplicate anchor '#krav' (also at line 10)");
	CHECK(B.nsections == 3);
	CHECK(parse("## A\n## B\n## A\n## A\n") == 2);
	CHECK(P.n == 2 && P.v[0].line == 12 && P.v[1].line == 13);
	CHECK_STR(P.n ? P.v[1].msg : NULL, "duplicate anchor '#a' (also at line 10)");
	CHECK(parse("## Krav\n\n#### Krav\n\n#### Krav\n") == 0); /* deeper headings have no anchor */
}

static void test_empty_body(void)
{
	CHECK(parse("") == 1);
	CHECK_STR(problem_at(10), "empty body");
	CHECK(B.nsections == 0);
	CHECK(B.html != NULL);
	CHECK(parse("\n  \n\t\n") == 1);
	CHECK_STR(problem_at(10), "empty body");
	CHECK(parse("***\n") == 1);
	CHECK(parse_as("x", NULL, 0) == 1);
	CHECK(parse("x") == 0);
}

static void test_links_to_documents_are_resolved(void)
{
	const char *body =
		"See [the FAQ](../faq/y.md#q), [a sibling](./gmp.md), [deeper](sub/dir/../a.md)\n"
		"and [outside](../../outside.md), [web](https://example.org/x.md), [abs](/doc/x.md),\n"
		"[same page](#krav), [mail](mailto:a@b.dk), [query](y.md?x=1), [pdf](y.pdf),\n"
		"[encoded](../faq/h%C3%B8j.md).\n";
	CHECK(parse(body) == 0);
	CHECK(B.nlinks == 5);
	if (B.nlinks != 5)
		return;
	CHECK_STR(B.links[0].target, "faq/y");
	CHECK_STR(B.links[0].anchor, "q");
	CHECK(B.links[0].line == 10);
	CHECK_STR(B.links[1].target, "guidance/gmp");
	CHECK(B.links[1].anchor == NULL);
	CHECK_STR(B.links[2].target, "guidance/sub/a");
	CHECK_STR(B.links[3].target, "../outside");
	CHECK(B.links[3].line == 11);
	CHECK_STR(B.links[4].target, "faq/høj");
	CHECK(B.links[4].line == 13);

	CHECK(contains(B.html, "<a href=\"/doc/faq/y#q\">the FAQ</a>"));
	CHECK(contains(B.html, "<a href=\"/doc/guidance/gmp\">a sibling</a>"));
	CHECK(contains(B.html, "<a href=\"/doc/guidance/sub/a\">deeper</a>"));
	CHECK(contains(B.html, "<a href=\"../../outside.md\">outside</a>")); /* left for the caller to report */
	CHECK(contains(B.html, "<a href=\"https://example.org/x.md\">web</a>"));
	CHECK(contains(B.html, "<a href=\"/doc/x.md\">abs</a>"));
	CHECK(contains(B.html, "<a href=\"#krav\">same page</a>"));
	CHECK(contains(B.html, "<a href=\"/doc/faq/h%C3%B8j\">encoded</a>"));

	CHECK(parse_as("top", "[a](b.md) [c](../c.md)", 22) == 0);
	CHECK(B.nlinks == 2 && strcmp(B.links[0].target, "b") == 0 && strcmp(B.links[1].target, "../c") == 0);
}

static void test_raw_html_is_shown_as_text(void)
{
	const char *body =
		"Hello <script>alert(1)</script> <b onmouseover=\"x()\">bold</b>\n"
		"\n"
		"<div class=\"x\">\n"
		"<iframe src=\"https://evil.example\"></iframe>\n"
		"</div>\n"
		"\n"
		"<!-- a note -->\n"
		"\n"
		"[click](javascript:alert(2)) ![img](data:text/html;base64,AAAA)\n";
	CHECK(parse(body) == 0);
	CHECK(!strstr(B.html, "<script"));
	CHECK(!strstr(B.html, "<b "));
	CHECK(!strstr(B.html, "<div"));
	CHECK(!strstr(B.html, "<iframe"));
	CHECK(!strstr(B.html, "<!--"));
	CHECK(!strstr(B.html, "javascript:"));
	CHECK(!strstr(B.html, "data:text/html"));
	CHECK(contains(B.html, "Hello &lt;script&gt;alert(1)&lt;/script&gt; &lt;b onmouseover=&quot;x()&quot;&gt;"));
	CHECK(contains(B.html, "<p>&lt;div class=&quot;x&quot;&gt;"));
	CHECK(contains(B.html, "&lt;!-- a note --&gt;"));
	CHECK(B.nsections == 1);
	if (B.nsections)
		CHECK(contains(B.sections[0].text, "<div class=\"x\">"));
}

static void test_headings_carry_their_anchor_as_id(void)
{
	CHECK(parse("Intro\n\n# Én\n\n## GMP & GDP <i>(del 2)</i>\n\n#### Dybere\n\ntext\n") == 0);
	CHECK(contains(B.html, "<h1 id=\"en\">Én</h1>\n"));
	CHECK(contains(B.html, "<h2 id=\"gmp-gdp-i-del-2-i\">GMP &amp; GDP &lt;i&gt;(del 2)&lt;/i&gt;</h2>\n"));
	CHECK(contains(B.html, "<h4>Dybere</h4>\n"));
	CHECK(contains(B.html, "<p>Intro</p>\n<h1"));
	CHECK(parse("> ## Citeret\n>\n> tekst\n") == 0);
	CHECK(contains(B.html, "<blockquote>\n<h2 id=\"citeret\">Citeret</h2>\n<p>tekst</p>\n</blockquote>"));
	CHECK(B.nsections == 1 && strcmp(B.sections[0].text, "tekst") == 0);
	CHECK(parse("## [Se FAQ](../faq/a.md#b)\n\nx\n") == 0);
	CHECK(contains(B.html, "<h2 id=\"se-faq\"><a href=\"/doc/faq/a#b\">Se FAQ</a></h2>"));
	CHECK(B.nlinks == 1);
}

#define BIG (5u << 20)

/* head, then a repeated n times, then tail. Caller frees. */
static char *build(const char *head, const char *a, size_t n, const char *tail)
{
	size_t lh = strlen(head), la = strlen(a), lt = strlen(tail);
	char *s = malloc(lh + la * n + lt + 1), *p = s;
	if (!s)
		return NULL;
	memcpy(p, head, lh), p += lh;
	for (size_t i = 0; i < n; i++)
		memcpy(p, a, la), p += la;
	memcpy(p, tail, lt + 1);
	return s;
}

static void test_hostile_input_does_not_crash(void)
{
	char junk[8192];
	unsigned seed = 777;
	for (int round = 0; round < 50; round++) {
		for (size_t i = 0; i < sizeof junk; i++)
			junk[i] = (char)((seed = seed * 1103515245 + 12345) >> 16);
		parse_as("a/b", junk, sizeof junk);
		CHECK(B.html != NULL);
	}

	char *s = build("", ">", 10000, " deep\n");
	CHECK(s && parse(s) == 0);
	CHECK(B.nsections == 1 && strcmp(B.sections[0].text, "deep") == 0);
	free(s);
	s = build("", "- ", 10000, "item\n");
	CHECK(s && parse(s) == 0);
	CHECK(B.nsections == 1 && strcmp(B.sections[0].text, "item") == 0);
	free(s);
	s = build("", "[", 10000, "x](y.md)\n");
	CHECK(s && parse(s) == 0);
	free(s);

	s = build("", "a", BIG, "\n");
	CHECK(s && parse(s) == 0);
	CHECK(B.nsections == 1 && strlen(B.sections[0].text) == BIG);
	free(s);
	s = build("# ", "a", BIG, "\nz\n");
	CHECK(s && parse(s) == 0);
	CHECK(B.nsections == 1 && strlen(B.sections[0].anchor) == BIG);
	free(s);
	s = build("", "*_[`<", BIG / 5, "");
	CHECK(s && parse(s) == 0);
	CHECK(B.html != NULL);
	free(s);

	s = build("", "# a\n\n", 100000, "");
	CHECK(s && parse(s) == 100000 - 1);
	CHECK_STR(P.n ? P.v[P.n - 1].msg : NULL, "duplicate anchor '#a' (also at line 10)");
	free(s);

	CHECK(parse_as("x", "a\0b\n# c\0d\n", 10) == 0);
	CHECK(B.nsections == 2 && strcmp(B.sections[1].anchor, "c-d") == 0);
}

int main(void)
{
	test_slugs();
	test_sections_split_at_headings_1_to_3();
	test_no_intro_without_text();
	test_heading_title_is_plain_text();
	test_duplicate_anchor();
	test_empty_body();
	test_links_to_documents_are_resolved();
	test_raw_html_is_shown_as_text();
	test_headings_carry_their_anchor_as_id();
	test_hostile_input_does_not_crash();
	kb_body_clear(&B);
	kb_problems_clear(&P);
	u_cleanup(); /* ICU keeps its normalisers for the process; freed here so valgrind sees no leak */
	TEST_END();
}
