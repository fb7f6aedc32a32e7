/* analyzer — text into words, and words into the terms the index holds.
 *
 * The one place where language is understood: the indexer and every query go through it, so a term
 * in the index and a term asked for can only meet when both came from here. Xapian never analyses
 * text. Built on ICU (normalisation, case folding, word break) and Snowball (stems); knows nothing
 * of the index, the corpus or HTTP.
 *
 * A kb_analyzer holds ICU and Snowball state and is not thread-safe: each thread keeps its own. */
#ifndef KB_ANALYZER_H
#define KB_ANALYZER_H
#include <stdbool.h>
#include <stddef.h>
#include "compound.h"
#include "status.h"
#include "util.h"

typedef enum { KB_LANG_DA = 0, KB_LANG_EN = 1 } kb_lang;

/* "da" or "en" to a kb_lang; false for anything else. */
bool kb_lang_parse(const char *s, kb_lang *out);

/* Term prefixes: each kind of term has its own, so a query can weight them apart. Exact words carry
 * none (they are lower-case; Xapian's convention keeps prefixes upper-case). */
#define KB_PFX_STEM_DA "ZD"   /* Danish Snowball stem */
#define KB_PFX_STEM_EN "ZE"   /* English Snowball stem */
#define KB_PFX_PART    "C"    /* Danish stem of a part of a Danish compound */
#define KB_PFX_UNIT    "L"    /* a legal reference as one unit: "L1394/2007", "Lart28" */
#define KB_PFX_START   "P"    /* the first KB_START_CHARS characters of a word: every word that
                                 starts so, as one term ("Pgen" for genterapi, gene, generel) */
#define KB_START_CHARS 3

/* The byte length of word's first KB_START_CHARS characters (UTF-8), or 0 when it has fewer: the
 * start term of word is KB_PFX_START and those bytes. A search for "gen*" asks for that one term,
 * whose single posting list holds what the SYNONYM of every word starting with "gen" would read
 * from scores of lists, with their wdfs summed as a SYNONYM sums them. Other prefixes are expanded
 * to their KB_WILDCARD_TERMS most frequent words: a longer one matches fewer and rarer words, and
 * a start term of one or two characters would hold nearly every section. */
size_t kb_start_len(const char *word);

typedef enum {
	KB_FORM_EXACT, /* the folded word as written */
	KB_FORM_STEM,  /* its stem, in the document's language (a query asks for both languages') */
	KB_FORM_PART   /* a compound part: the indexed word contains the queried one */
} kb_form;

typedef struct {
	size_t word;       /* offset of the folded word (NUL-terminated) in kb_tokens.buf */
	size_t start, end; /* byte range of the word in the analysed text */
	unsigned pos;      /* its position, for phrases */
} kb_token;

typedef struct {
	kb_token *v;       /* owned array */
	size_t n, cap;
	kb_buf buf;        /* the folded words, one after another */
} kb_tokens;

/* The folded word of token i; borrowed, valid until the tokens change. */
static inline const char *kb_tokens_word(const kb_tokens *t, size_t i)
{
	return t->buf.s + t->v[i].word;
}
/* Frees the tokens' memory and leaves *t empty. */
void kb_tokens_clear(kb_tokens *t);
/* Leaves *t empty, keeping its memory for the next words. */
static inline void kb_tokens_reset(kb_tokens *t)
{
	t->n = 0;
	t->buf.len = 0;
}

typedef struct kb_analyzer kb_analyzer;

/* Creates an analyzer in *out (NULL on failure); free with kb_analyzer_free(). */
kb_status kb_analyzer_new(kb_analyzer **out, char **errmsg);
void kb_analyzer_free(kb_analyzer *a);

/* Splits text (len bytes of UTF-8; ill-formed bytes count as U+FFFD) into words with ICU's word
 * break, NFKC-normalises and case-folds each, and appends them to *toks with positions first_pos,
 * first_pos + 1, ... Punctuation and spaces are not words. Returns the position after the last word. */
unsigned kb_analyze(kb_analyzer *a, const char *text, size_t len, unsigned first_pos, kb_tokens *toks);

/* Appends the word text[start, end) to *toks at position pos, folded as kb_analyze folds a word
 * its word break found there: to rebuild kb_analyze's tokens from word boundaries kept from an
 * earlier analysis of the same text, without breaking the text again. False (nothing appended) when
 * the range is not a word kb_analyze could have made (too long, or not UTF-8 where it is cut). */
bool kb_tokens_add(kb_analyzer *a, const char *text, size_t start, size_t end, unsigned pos, kb_tokens *toks);

/* The folded words of text joined by single spaces ("Danske  Regioner" → "danske regioner"): how
 * tag and source values are stored and asked for, so a filter ignores case and spacing. Caller frees. */
char *kb_analyzer_fold(kb_analyzer *a, const char *text);

/* Gives the analyzer a lexicon of known words, used to split Danish compounds and to repair words
 * that PDF extraction broke. known is borrowed and must stay valid while the analyzer is used; NULL
 * turns both off. */
void kb_analyzer_set_lexicon(kb_analyzer *a, kb_known_fn known, void *ctx);

/* Called once for each term of a word; term is borrowed for the call. */
typedef void (*kb_term_cb)(void *ctx, const char *term, kb_form form);

/* The terms a folded word of a document in lang is indexed under: the word, its stem, and for a
 * Danish compound (with a lexicon set) the stems of its parts. */
void kb_analyzer_index_terms(kb_analyzer *a, const char *word, kb_lang lang, kb_term_cb cb, void *ctx);

/* The terms a folded query word is looked up under: the word, its Danish and English stems, and
 * its Danish stem as a compound part. */
void kb_analyzer_query_terms(kb_analyzer *a, const char *word, kb_term_cb cb, void *ctx);

/* Called for each term of a text with its position. */
typedef void (*kb_posting_cb)(void *ctx, const char *term, unsigned pos);

/* Indexes a whole text: every word's terms (kb_analyzer_index_terms) at its position, legal
 * references as units, and, with a lexicon, words that PDF extraction broke ("pa  tværs",
 * "rammevilka r") repaired as well as the damage allows. Returns the position after the last word. */
unsigned kb_analyzer_index_text(kb_analyzer *a, const char *text, size_t len, kb_lang lang,
                                unsigned first_pos, kb_posting_cb cb, void *ctx);

/* The same for a text already split by kb_analyze into t (positions as t has them), for a caller
 * that keeps the words too. */
void kb_analyzer_index_tokens(kb_analyzer *a, const char *text, const kb_tokens *t, kb_lang lang,
                              kb_posting_cb cb, void *ctx);

/* Calls cb with the unit term ("L1394/2007", "L2001/18", "Lart28") of each legal reference in text,
 * given its words t (from kb_analyze of the same text). */
void kb_legal_units(const char *text, const kb_tokens *t, kb_posting_cb cb, void *ctx);

/* True for a Danish or English stop word (folded), which a query drops outside phrases. */
bool kb_is_stopword(const char *word);

#endif
