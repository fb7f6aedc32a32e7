/* lexicon — a set of known words (folded UTF-8), for splitting compounds and repairing words that
 * PDF extraction damaged. Open addressing over one string arena; built once, then read-only, so
 * threads may share it.
 *
 * Depends only on util. */
#ifndef KB_LEXICON_H
#define KB_LEXICON_H
#include <stdbool.h>
#include <stddef.h>
#include "status.h"

typedef struct kb_lexicon kb_lexicon;

kb_lexicon *kb_lexicon_new(void);   /* caller frees with kb_lexicon_free() */
void kb_lexicon_free(kb_lexicon *lx);

/* Adds a word (copied; n bytes); adding it again does nothing. */
void kb_lexicon_add(kb_lexicon *lx, const char *word, size_t n);
bool kb_lexicon_has(const kb_lexicon *lx, const char *word, size_t n);
size_t kb_lexicon_size(const kb_lexicon *lx);

/* Adds every line of a word list file (one word a line, UTF-8), with A-Z and ÆØÅ lower-cased as
 * the analyzer folds them. KB_ERR_IO when the file cannot be read. */
kb_status kb_lexicon_load(kb_lexicon *lx, const char *path, char **errmsg);

#endif
