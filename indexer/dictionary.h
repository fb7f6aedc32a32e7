/* dictionary — reads FreeDict's Danish-English and English-Danish dictionaries (Debian's
 * dict-freedict-dan-eng and -eng-dan, in dictd format) into translation pairs, so an English
 * query can find a Danish document and the other way round where synonyms.txt is silent.
 *
 * It never prints; a missing dictionary is no translations, not an error. */
#ifndef KB_DICTIONARY_H
#define KB_DICTIONARY_H
#include <stddef.h>
#include "analyzer.h"
#include "engine.h"

#define KB_DICT_DAN_ENG "/usr/share/dictd/freedict-dan-eng.dict.dz"
#define KB_DICT_ENG_DAN "/usr/share/dictd/freedict-eng-dan.dict.dz"
#define KB_META_TRANSLATION "tr:" /* + folded word, or + a stem term: its translations, one a line */

/* Writes the translations of both dictionaries into the index's metadata, each under the folded
 * headword and under its stem term, and returns how many headwords were read (0: none found). */
size_t kb_dictionary_write(kb_writer *w, kb_analyzer *an, char **errmsg);

#endif
