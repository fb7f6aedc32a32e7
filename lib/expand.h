/* expand — what a query word may mean in this index: its forms, graded from the word as typed to a
 * spelling correction, and the synonym groups of synonyms.txt. The query side's knowledge of the
 * index's vocabulary lives here; search.c turns the forms into an engine query.
 *
 * A kb_vocab belongs to one searcher (one thread). Depends on analyzer, compound, engine, synmatch
 * (the groups' terms as the indexer numbers them), words. */
#ifndef KB_EXPAND_H
#define KB_EXPAND_H
#include <stdbool.h>
#include <stddef.h>
#include "analyzer.h"
#include "engine.h"
#include "words.h"

/* How far a form is from what was typed; a document matching a closer form ranks higher. */
typedef enum {
	KB_GRADE_EXACT,    /* the word as typed */
	KB_GRADE_STEM,     /* the same stem */
	KB_GRADE_NEAR,     /* another spelling of the letters (æ/ae, å/a), or a compound part */
	KB_GRADE_SPELLING, /* a correction of a word the index does not know */
	KB_GRADE_N
} kb_grade;

typedef struct {
	char *term;        /* owned; an index term */
	kb_grade grade;
	char *why;         /* owned; for people, when the form is not as typed: "medicinradet →
	                      medicinrådet (folding)"; NULL otherwise */
} kb_wform;

/* A word that this many sections hold as typed or stemmed is not also looked for by its compound
 * parts, as a part of compounds, or by its translations: each is another posting list to read, for hits that would rank below
 * this many better ones. (The curated corpus has fewer sections; a large one reaches it.) */
#define KB_PLENTY 500

typedef struct {
	kb_wform *v;       /* owned */
	size_t n;
	size_t found;      /* how many sections hold the word as typed or stemmed (its most frequent
	                      such form) */
	char **parts;      /* owned; the word's parts when it is a compound of words the index knows
	                      (and found is below KB_PLENTY) */
	size_t nparts;
	char **fixes;      /* owned; the spelling corrections when the index does not know the word, the
	                      best first (the one suggested), all at the same distance */
	size_t nfixes;
} kb_wforms;

typedef struct {
	char *text;        /* owned; as written in synonyms.txt */
	char **words;      /* owned; its folded words */
	char **stems;      /* owned; each word's Danish and English stem terms, "ZD…\nZE…" */
	size_t nwords;
} kb_synterm;

typedef struct {
	kb_synterm *terms; /* owned */
	size_t n;
	size_t id;         /* its place in synonyms.txt, which names its terms' index terms (synmatch.h) */
} kb_syngroup;

typedef struct kb_vocab kb_vocab;

/* Reads the synonym groups from the index. db, an and words (the index's vocabulary) are borrowed
 * and must outlive the vocab. */
kb_status kb_vocab_new(kb_db *db, kb_analyzer *an, const kb_words *words, kb_vocab **out, char **errmsg);
void kb_vocab_free(kb_vocab *v);

/* The forms of a folded query word; typed is the word as the user wrote it (for acronyms, which are
 * never corrected). Clear *out with kb_wforms_clear(). */
void kb_expand_word(kb_vocab *v, const char *word, const char *typed, kb_wforms *out);
void kb_wforms_clear(kb_wforms *f);

/* The dictionary's translations of a folded word (into the other language), each a folded word or
 * short phrase; *out (caller frees with kb_strings_free()) lists them, and the count is returned. */
size_t kb_translations(kb_vocab *v, const char *word, char ***out);
void kb_strings_free(char **v, size_t n);

/* The index's words that start with the folded prefix, its max most frequent (and of those as
 * frequent, the first in byte order), most frequent first. *out (the caller frees the array, not
 * the words, which are the vocabulary's) lists them, and the count is returned. */
size_t kb_prefix_words(kb_vocab *v, const char *prefix, size_t max, const char ***out);

/* Does the index hold the folded word, or a word with its stem? */
bool kb_vocab_knows(kb_vocab *v, const char *word);

/* The other spellings of æ, ø and å that kb_expand_word reads a folded word typed without them as
 * (ae for æ, and so on; a plain a or o for å or ø only when the index does not know the word), and
 * that the index holds. *out (caller frees with kb_strings_free()) lists them, and the count is
 * returned; 0 for a word with æ, ø or å. */
size_t kb_respellings(kb_vocab *v, const char *word, char ***out);

/* The spelling a word is read as when neither the index nor the dictionaries hold it as typed, but the
 * index holds, as a word, one of its spellings with æ, ø or å: from ae, oe, aa; or, where those give
 * none, for a word of KB_GUESS_MIN_BYTES or more and when may_guess(ctx) says so (asked only
 * then), from a plain a or o. Of several, the most frequent. Then it was typed on a keyboard without
 * those letters, and is searched for as if typed with them. Returns it (caller frees), or NULL. */
#define KB_GUESS_MIN_BYTES 5
char *kb_read_as(kb_vocab *v, const char *word, bool (*may_guess)(void *ctx), void *ctx);

/* Does the index hold the folded word (or its stem) only in English documents? A query with such
 * a word is English, and a plain a or o in its other words is not guessed to be å or ø. */
bool kb_english_only(kb_vocab *v, const char *word);

/* The same for a prefix ("laegemid", "forso") that no word of the index starts with: the respelling
 * that the most frequent word starts with ("lægemid", "forsø"), or NULL. */
char *kb_prefix_read_as(kb_vocab *v, const char *prefix);

/* The longest synonym term matching the words at the start of words[0..n); returns how many words
 * it covers (0: none) and sets *group and *term to it. Each word matches as written or, when
 * respelt is given (for words typed, not the index's own), as one of its kb_respellings(); then
 * *respelt says whether the term found needed a respelling. */
size_t kb_synonym_match(kb_vocab *v, char *const *words, size_t n, bool *respelt, const kb_syngroup **group,
                        size_t *term);

#endif
