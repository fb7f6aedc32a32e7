/* schema — how a corpus document is laid out in the index; shared by the indexer, which writes it,
 * and search, which reads it. Constants only.
 *
 * Each section of a document is one Xapian document: its words' terms (analyzer.h), the stems with
 * positions, for phrases (each field from its own base position, so a phrase never spans two
 * fields; the other terms need none, and positions are half of what indexing costs), boolean filter
 * terms, values, and in value slot KB_SLOT_DATA the fields a hit shows (KB_HIT_FIELDS, in that order, each "-" for none or its length in bytes,
 * ':' and the bytes: read without a parser, which costs less per hit than JSON did), where the
 * words of the text are (its length, ':' and kb_snippet_spans's bytes), a newline, and the section's
 * text for snippets. The whole document (metadata, rendered HTML) lives in the
 * index's metadata under KB_META_DOC + id. */
#ifndef KB_SCHEMA_H
#define KB_SCHEMA_H

/* value slots */
#define KB_SLOT_ID      0 /* document id */
#define KB_SLOT_TYPE    1
#define KB_SLOT_LANG    2
#define KB_SLOT_UPDATED 3
#define KB_SLOT_DATA    5 /* the section's data (above). A value, not Xapian's document data: that is
                             stored compressed, and inflating it cost more per hit than the rest of
                             reading the hit; values are stored as they are (index +8%) */
#define KB_SLOT_KEY     4 /* ten characters, a hash of the document id: results collapse on it,
                             and it breaks ties in score. Short enough for a string to hold
                             without allocating, which is much of what collapsing costs, and the
                             same however the index was built. */

/* Besides its words' terms (analyzer.h), a section holds "S<g>:<t>" where it holds term t of
 * synonym group g, with no positions (synmatch.h). */

/* boolean terms (no weight) */
#define KB_BOOL_ID     "XD" /* + document id */
#define KB_BOOL_TYPE   "XT" /* + type */
#define KB_BOOL_LANG   "XL" /* + lang */
#define KB_BOOL_TAG    "XG" /* + folded tag */
#define KB_BOOL_SOURCE "XS" /* + folded source */

/* Field weights, as within-document frequency per occurrence: a word in the title counts as much as
 * several in the body, so title > section title > tags > body. */
#define KB_WDF_TITLE   6
#define KB_WDF_SECTION 4
#define KB_WDF_TAGS    3
#define KB_WDF_SUMMARY 2
#define KB_WDF_BODY    1

/* first positions of each field */
#define KB_POS_TITLE   0
#define KB_POS_TAGS    200
#define KB_POS_SECTION 400
#define KB_POS_SUMMARY 600
#define KB_POS_BODY    1000

/* the fields of a section's data, in order */
#define KB_HIT_FIELDS "id", "section", "title", "section_title", "type", "lang", "source", "url", "updated"
#define KB_HIT_NFIELDS 9

/* metadata keys */
#define KB_META_DOC     "doc:"     /* + id: the document as JSON */
#define KB_META_STATE   "state:"   /* + id: "HASH SECTIONS PATH", what an incremental build compares
                                      (the file's hash, its searchable sections, its path) */
#define KB_META_BUILT   "built"    /* when the index was built (ISO 8601) */
#define KB_META_VERSION "version"  /* schema version: an index of another version is rebuilt */
#define KB_META_LEXICON "lexicon"  /* the word list the index was analysed with */
#define KB_SCHEMA_VERSION "11"

#endif
