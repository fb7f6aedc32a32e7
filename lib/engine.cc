// The seam between atmp-kb's C and Xapian. Every entry point catches everything, so no exception
// reaches C; the code here only translates, it decides nothing about language or ranking.
#include "engine.h"

#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <cmath>
#include <map>
#include <new>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

struct kb_writer { Xapian::WritableDatabase db; };
struct kb_wdoc {
	Xapian::Document doc;
	const char *start_pfx = nullptr;               // see kb_wdoc_starts()
	size_t (*start_len)(const char *) = nullptr;
};
// A second handle on the same file (twin) lets one ranking run on two threads, each over half the
// sections: opened at the first search that asks for it, and never if the file it finds is no
// longer the one db opened (the index was swapped in between).
struct kb_db {
	Xapian::Database db;
	std::string path;
	Xapian::Database twin;
	enum { TWIN_UNTRIED, TWIN_OPEN, TWIN_NONE } twin_state = TWIN_UNTRIED;
	explicit kb_db(const char *file) : db(file, Xapian::DB_OPEN), path(file) {}
};

static kb_status report(kb_status st, char **errmsg, const std::string &what)
{
	if (errmsg)
		*errmsg = strdup(what.c_str());
	return st;
}

// One catch list for every entry point.
#define KB_CATCH(errmsg, context) \
	catch (const Xapian::DatabaseOpeningError &e) { \
		return report(KB_ERR_DATABASE, errmsg, std::string(context) + ": " + e.get_description()); \
	} catch (const Xapian::DatabaseError &e) { \
		return report(KB_ERR_DATABASE, errmsg, std::string(context) + ": " + e.get_description()); \
	} catch (const Xapian::Error &e) { \
		return report(KB_ERR_INTERNAL, errmsg, std::string(context) + ": " + e.get_description()); \
	} catch (const std::bad_alloc &) { \
		return report(KB_ERR_NOMEM, errmsg, std::string(context) + ": out of memory"); \
	} catch (...) { \
		return report(KB_ERR_INTERNAL, errmsg, std::string(context) + ": unexpected error"); \
	}

/* ---- query trees ---- */

kb_eq *kb_eq_new(kb_eqop op)
{
	kb_eq *q = static_cast<kb_eq *>(calloc(1, sizeof *q));
	if (!q)
		abort();
	q->op = op;
	q->scale = 1.0;
	return q;
}

kb_eq *kb_eq_term(const char *term)
{
	kb_eq *q = kb_eq_new(KB_EQ_TERM);
	q->term = strdup(term);
	return q;
}

kb_eq *kb_eq_wildcard(const char *prefix)
{
	kb_eq *q = kb_eq_new(KB_EQ_WILDCARD);
	q->term = strdup(prefix);
	return q;
}

kb_eq *kb_eq_scale(kb_eq *kid, double scale)
{
	kb_eq *q = kb_eq_new(KB_EQ_SCALE);
	q->scale = scale;
	kb_eq_add(q, kid);
	return q;
}

void kb_eq_add(kb_eq *parent, kb_eq *kid)
{
	if (!kid)
		return;
	kb_eq **k = static_cast<kb_eq **>(realloc(parent->kids, (parent->nkids + 1) * sizeof *k));
	if (!k)
		abort();
	parent->kids = k;
	parent->kids[parent->nkids++] = kid;
}

kb_eq *kb_eq_copy(const kb_eq *q)
{
	kb_eq *c = kb_eq_new(q->op);
	c->scale = q->scale;
	if (q->term)
		c->term = strdup(q->term);
	for (size_t i = 0; i < q->nkids; i++)
		kb_eq_add(c, kb_eq_copy(q->kids[i]));
	return c;
}

void kb_eq_free(kb_eq *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->nkids; i++)
		kb_eq_free(q->kids[i]);
	free(q->kids);
	free(q->term);
	free(q);
}

static const Xapian::doccount KB_CHECK_AT_LEAST = 500;

static Xapian::Query build(const kb_eq *q)
{
	std::vector<Xapian::Query> kids;
	for (size_t i = 0; i < q->nkids; i++)
		kids.push_back(build(q->kids[i]));
	switch (q->op) {
	case KB_EQ_TERM:
		return Xapian::Query(q->term);
	case KB_EQ_WILDCARD:
		return Xapian::Query(Xapian::Query::OP_WILDCARD, q->term, KB_WILDCARD_TERMS,
		                     Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
	case KB_EQ_ALL:
		// a query of its own, not a copy of Query::MatchAll: that one object's reference count
		// would be changed by every thread at once
		return Xapian::Query(std::string());
	case KB_EQ_AND:
		return Xapian::Query(Xapian::Query::OP_AND, kids.begin(), kids.end());
	case KB_EQ_OR:
		return Xapian::Query(Xapian::Query::OP_OR, kids.begin(), kids.end());
	case KB_EQ_SYNONYM:
		return Xapian::Query(Xapian::Query::OP_SYNONYM, kids.begin(), kids.end());
	case KB_EQ_PHRASE:
		return Xapian::Query(Xapian::Query::OP_PHRASE, kids.begin(), kids.end());
	case KB_EQ_AND_MAYBE:
		if (kids.size() == 1)
			return kids[0];
		return Xapian::Query(Xapian::Query::OP_AND_MAYBE, kids[0],
		                     Xapian::Query(Xapian::Query::OP_OR, kids.begin() + 1, kids.end()));
	case KB_EQ_AND_NOT:
	case KB_EQ_FILTER:
		if (kids.empty())
			return Xapian::Query();
		{
			Xapian::Query rest(q->op == KB_EQ_AND_NOT ? Xapian::Query::OP_OR : Xapian::Query::OP_AND,
			                   kids.begin() + 1, kids.end());
			if (kids.size() == 1)
				return kids[0];
			return Xapian::Query(q->op == KB_EQ_AND_NOT ? Xapian::Query::OP_AND_NOT
			                                            : Xapian::Query::OP_FILTER,
			                     kids[0], rest);
		}
	case KB_EQ_SCALE:
		return kids.empty() ? Xapian::Query()
		                    : Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, kids[0], q->scale);
	}
	return Xapian::Query();
}

/* ---- writing ---- */

kb_status kb_writer_open(const char *dir, kb_writer **out, char **errmsg)
{
	*out = nullptr;
	try {
		*out = new kb_writer{ Xapian::WritableDatabase(dir, Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS) };
		return KB_OK;
	}
	KB_CATCH(errmsg, dir)
}

kb_status kb_writer_open_copy(const char *src, const char *dir, kb_writer **out, char **errmsg)
{
	*out = nullptr;
	try {
		Xapian::Database(src).compact(dir);
		*out = new kb_writer{ Xapian::WritableDatabase(dir, Xapian::DB_OPEN) };
		return KB_OK;
	}
	KB_CATCH(errmsg, dir)
}

kb_status kb_writer_close(kb_writer *w, char **errmsg)
{
	if (!w)
		return KB_OK;
	kb_status st = KB_OK;
	try {
		w->db.commit();
		w->db.close();
	} catch (const Xapian::Error &e) {
		st = report(KB_ERR_DATABASE, errmsg, "commit: " + e.get_description());
	} catch (...) {
		st = report(KB_ERR_INTERNAL, errmsg, "commit: unexpected error");
	}
	delete w;
	return st;
}

kb_wdoc *kb_wdoc_new(void)
{
	try {
		return new kb_wdoc;
	} catch (...) {
		abort();
	}
}

void kb_wdoc_free(kb_wdoc *d)
{
	delete d;
}

// The adders below catch too: a term over Xapian's length limit must not take the indexer down.
void kb_wdoc_posting(kb_wdoc *d, const char *term, unsigned pos, unsigned wdf)
{
	try { d->doc.add_posting(term, pos, wdf); } catch (...) {}
}

void kb_wdoc_term(kb_wdoc *d, const char *term, unsigned wdf)
{
	try { d->doc.add_term(term, wdf); } catch (...) {}
}

void kb_wdoc_starts(kb_wdoc *d, const char *pfx, size_t (*start_len)(const char *term))
{
	d->start_pfx = pfx;
	d->start_len = start_len;
}

void kb_wdoc_value(kb_wdoc *d, unsigned slot, const char *value)
{
	try { d->doc.add_value(slot, value); } catch (...) {}
}

/* ---- weighting ----
 * BM25 weighs a term's wdf against the section's length. Asking Xapian to do that at search time
 * costs a look-up of the length for every matching section (a third of a search over long posting
 * lists), so the length is weighed in here instead: a term's wdf is stored as
 * KB_WDF_SCALE * wdf / norm, norm = (1 - b) + b * length / KB_REF_LENGTH with b = 0.5, and
 * searches use BM25 with b = 0 and k1 times KB_WDF_SCALE. That weight is BM25's with b = 0.5 times
 * KB_WEIGHT_UNIT, up to rounding (fine enough at 128 steps that a word more in a short section
 * still tells), and scores are divided by it again. The length is measured against a fixed
 * reference, not the index's average, so a section's weights do not depend on the others and an
 * incremental build leaves the unchanged ones as they are. */
static const double KB_BM25_K1 = 1.6;
static const double KB_WDF_SCALE = 128;
static const double KB_REF_LENGTH = 450; // a section's length in wdf, about the bundled corpus's mean
static const double KB_WEIGHT_UNIT = (KB_WDF_SCALE * KB_BM25_K1 + 1) / (KB_BM25_K1 + 1);

// Weighs every wdf of d's document by its length as above; positions, boolean terms (wdf 0) and
// values stay. A wdf only grows (norm stays under KB_WDF_SCALE for any section shorter than 250
// times the reference), so it is raised in place; a longer one is built anew, as Xapian cannot
// lower a wdf without its positions. The start terms (kb_wdoc_starts) are added here, from the
// same pass over the terms: those sharing a start are next to each other in byte order.
static void weigh_by_length(kb_wdoc *d)
{
	Xapian::Document &doc = d->doc;
	double len = 0;
	std::vector<std::pair<std::string, Xapian::termcount>> terms, starts; // with a wdf: booleans stay
	for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
		Xapian::termcount wdf = t.get_wdf();
		if (!wdf)
			continue;
		terms.emplace_back(*t, wdf);
		len += wdf;
		size_t n = d->start_len ? d->start_len(terms.back().first.c_str()) : 0;
		if (!n)
			continue;
		const std::string &term = terms.back().first;
		if (!starts.empty() && starts.back().first.compare(0, std::string::npos, term, 0, n) == 0)
			starts.back().second += wdf;
		else
			starts.emplace_back(term.substr(0, n), wdf);
	}
	double scale = KB_WDF_SCALE / (0.5 + 0.5 * len / KB_REF_LENGTH);
	auto weighed = [scale](Xapian::termcount wdf) {
		return wdf ? std::max<Xapian::termcount>(1, static_cast<Xapian::termcount>(std::lround(scale * wdf))) : 0;
	};
	if (scale >= 1) {
		for (const auto &t : terms)
			doc.add_term(t.first, weighed(t.second) - t.second);
	} else {
		Xapian::Document out;
		for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
			for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p)
				out.add_posting(*t, *p, 0);
			out.add_term(*t, weighed(t.get_wdf()));
		}
		for (auto v = doc.values_begin(); v != doc.values_end(); ++v)
			out.add_value(v.get_valueno(), *v);
		doc = out;
	}
	for (const auto &s : starts)
		doc.add_term(d->start_pfx + s.first, weighed(s.second));
}

kb_status kb_writer_add(kb_writer *w, kb_wdoc *d, char **errmsg)
{
	try {
		weigh_by_length(d);
		w->db.add_document(d->doc);
		return KB_OK;
	}
	KB_CATCH(errmsg, "add document")
}

kb_status kb_writer_set_meta(kb_writer *w, const char *key, const char *value, char **errmsg)
{
	try {
		w->db.set_metadata(key, value);
		return KB_OK;
	}
	KB_CATCH(errmsg, std::string("metadata ") + key)
}

kb_status kb_writer_delete(kb_writer *w, const char *term, char **errmsg)
{
	try {
		w->db.delete_document(term);
		return KB_OK;
	}
	KB_CATCH(errmsg, "delete")
}

// Blocks of 16 KiB, not Xapian's 8: every posting list a search opens is a walk down the B-tree and
// a block read for each level, and each cursor reads its blocks again. With larger blocks the tree
// is lower and a search reads a third fewer blocks (68 → 45 a query of the bench mix at 1k, p50
// −4% there, no change at 10k and 100k; 32 and 64 KiB were slower again, each read copying more).
static const unsigned KB_BLOCK_SIZE = 16384;

kb_status kb_compact_single(const char *dir, const char *dst, char **errmsg)
{
	try {
		Xapian::Database db(dir);
		db.compact(dst, Xapian::DBCOMPACT_SINGLE_FILE, KB_BLOCK_SIZE);
		return KB_OK;
	}
	KB_CATCH(errmsg, dst)
}

/* ---- reading ---- */

kb_status kb_db_open(const char *path, kb_db **out, char **errmsg)
{
	*out = nullptr;
	try {
		*out = new kb_db(path);
		return KB_OK;
	}
	KB_CATCH(errmsg, path)
}

void kb_db_close(kb_db *db)
{
	delete db;
}

kb_status kb_db_uuid(kb_db *db, char **out, char **errmsg)
{
	*out = nullptr;
	try {
		*out = strdup(db->db.get_uuid().c_str());
		if (!*out)
			throw std::bad_alloc();
		return KB_OK;
	}
	KB_CATCH(errmsg, "uuid")
}

kb_status kb_db_terms(kb_db *db, const char *prefix, bool (*cb)(void *, const char *, size_t), void *ctx,
                      char **errmsg)
{
	try {
		for (auto it = db->db.allterms_begin(prefix); it != db->db.allterms_end(prefix); ++it)
			if (!cb(ctx, (*it).c_str(), it.get_termfreq()))
				break;
		return KB_OK;
	}
	KB_CATCH(errmsg, "terms")
}

kb_status kb_db_meta(kb_db *db, const char *key, char **value, char **errmsg)
{
	*value = nullptr;
	try {
		std::string v = db->db.get_metadata(key);
		if (!v.empty())
			*value = strdup(v.c_str());
		return KB_OK;
	}
	KB_CATCH(errmsg, std::string("metadata ") + key)
}

kb_status kb_db_meta_keys(kb_db *db, const char *prefix, bool (*cb)(void *, const char *), void *ctx,
                          char **errmsg)
{
	try {
		for (auto it = db->db.metadata_keys_begin(prefix); it != db->db.metadata_keys_end(prefix); ++it)
			if (!cb(ctx, (*it).c_str()))
				break;
		return KB_OK;
	}
	KB_CATCH(errmsg, "metadata keys")
}

/* ---- document values in memory ---- */

// Per docid, a number for its collapse key and for each facet slot's value: what the facet spy
// reads for every match, as array lookups instead of a value stream read and a string each.
struct kb_docvals {
	std::atomic<size_t> refs{ 1 };
	std::vector<uint32_t> key;                  // docid -> key number + 1 (0: none)
	uint32_t key_of(Xapian::docid did) const { return did < key.size() ? key[did] : 0; }
	std::vector<std::vector<uint32_t>> val;     // per facet slot: docid -> value number + 1
	std::vector<std::vector<std::string>> names; // per facet slot: value number -> value
	size_t nkeys = 0;
};

// Reads one slot's values as numbers, one per distinct value.
static void number_slot(Xapian::Database &db, unsigned slot, std::vector<uint32_t> &out,
                        std::vector<std::string> *names, size_t *count)
{
	std::unordered_map<std::string, uint32_t> seen;
	out.assign(db.get_lastdocid() + 1, 0);
	for (auto it = db.valuestream_begin(slot); it != db.valuestream_end(slot); ++it) {
		auto ins = seen.emplace(*it, static_cast<uint32_t>(seen.size() + 1));
		if (ins.second && names)
			names->push_back(*it);
		out[it.get_docid()] = ins.first->second;
	}
	if (count)
		*count = seen.size();
}

kb_status kb_docvals_load(kb_db *db, unsigned key_slot, const unsigned *slots, size_t n, kb_docvals **out,
                          char **errmsg)
{
	*out = nullptr;
	kb_docvals *v = nullptr;
	try {
		v = new kb_docvals;
		number_slot(db->db, key_slot, v->key, nullptr, &v->nkeys);
		v->val.resize(n);
		v->names.resize(n);
		for (size_t i = 0; i < n; i++)
			number_slot(db->db, slots[i], v->val[i], &v->names[i], nullptr);
		*out = v;
		return KB_OK;
	} catch (...) {
		delete v;
		try {
			throw;
		}
		KB_CATCH(errmsg, "document values")
	}
}

kb_docvals *kb_docvals_ref(kb_docvals *v)
{
	v->refs.fetch_add(1);
	return v;
}

void kb_docvals_unref(kb_docvals *v)
{
	if (v && v->refs.fetch_sub(1) == 1)
		delete v;
}

// Counts, for each facet slot, the distinct collapse keys per value: a document with five matching
// sections is one document in the counts, as it is one hit in the list.
class FacetSpy : public Xapian::MatchSpy {
	const kb_docvals &v;
	std::vector<bool> seen;
	size_t ndistinct = 0;
public:
	std::vector<std::vector<size_t>> counts; // per facet slot, per value number
	size_t calls = 0;
	size_t distinct() const { return ndistinct; }
	explicit FacetSpy(const kb_docvals &vals) : v(vals), seen(vals.nkeys + 1), counts(vals.val.size())
	{
		for (size_t i = 0; i < counts.size(); i++)
			counts[i].assign(v.names[i].size() + 1, 0);
	}
	void operator()(const Xapian::Document &doc, double) override { add(doc.get_docid()); }
	// Counts section did (its document, once per key).
	void add(Xapian::docid did) {
		calls++;
		uint32_t k = v.key_of(did);
		if (k) {
			if (seen[k])
				return;
			seen[k] = true;
		}
		ndistinct++;
		for (size_t i = 0; i < counts.size(); i++)
			if (did < v.val[i].size())
				counts[i][v.val[i][did]]++;
	}
};

// The sections a query matches, in docid order and without weights: what counting them needs.
// Xapian's matcher does that too, but spends most of a count of a few hundred sections on what only
// a ranking needs (a weight, a candidate item and a heap step for each section); stepping through
// the lists here costs a fraction. Built from the plan's tree as build() builds the Query, with the
// same matches; not for phrases and wildcards, which Xapian counts.
class Sections {
public:
	static const Xapian::docid NONE = static_cast<Xapian::docid>(-1);
	virtual ~Sections() = default;
	// The first matching section from docid did on (did ascends from call to call), or NONE.
	virtual Xapian::docid from(Xapian::docid did) = 0;
	// At most how many sections match (from the lists' lengths; looked up when asked), and whether
	// exactly that many do.
	virtual double most() const = 0;
	virtual bool exact() const { return false; }
	// The sections of q in db, or null when q holds a phrase or a wildcard.
	static std::unique_ptr<Sections> of(const Xapian::Database &db, const kb_eq *q);
};

namespace {
class NoSections : public Sections {
	Xapian::docid from(Xapian::docid) override { return NONE; }
	double most() const override { return 0; }
};

class ListSections : public Sections {
	const Xapian::Database &db;
	std::string term;
	Xapian::PostingIterator it, end;
	Xapian::docid cur = 0;
public:
	ListSections(const Xapian::Database &d, const std::string &t)
	        : db(d), term(t), it(d.postlist_begin(t)), end(d.postlist_end(t)) {}
	double most() const override { return term.empty() ? db.get_doccount() : db.get_termfreq(term); }
	bool exact() const override { return true; }
	Xapian::docid from(Xapian::docid did) override
	{
		if (cur >= did)
			return cur;
		if (it != end)
			it.skip_to(did);
		return cur = it == end ? NONE : *it;
	}
};

typedef std::vector<std::unique_ptr<Sections>> section_kids;

class Union : public Sections {
	section_kids kids;
public:
	explicit Union(section_kids k) : kids(std::move(k)) {}
	// Takes the members of a union among k as its own: one union of many lists, not nested ones.
	static std::unique_ptr<Sections> of(section_kids k)
	{
		section_kids flat;
		for (auto &kid : k) {
			if (Union *u = dynamic_cast<Union *>(kid.get()))
				for (auto &member : u->kids)
					flat.push_back(std::move(member));
			else
				flat.push_back(std::move(kid));
		}
		return std::unique_ptr<Sections>(new Union(std::move(flat)));
	}
	Xapian::docid from(Xapian::docid did) override
	{
		Xapian::docid first = NONE;
		for (auto &k : kids)
			first = std::min(first, k->from(did));
		return first;
	}
	double most() const override
	{
		double n = 0;
		for (auto &k : kids)
			n += k->most();
		return n;
	}
};

class Intersection : public Sections {
	section_kids kids;
public:
	explicit Intersection(section_kids k) : kids(std::move(k)) {}
	Xapian::docid from(Xapian::docid did) override
	{
		for (size_t i = 0; i < kids.size() && did != NONE;) {
			Xapian::docid at = kids[i]->from(did);
			if (at == did)
				i++;
			else {
				did = at; // every kid again from there
				i = 0;
			}
		}
		return did;
	}
	double most() const override
	{
		double n = kids.empty() ? 0 : kids[0]->most();
		for (auto &k : kids)
			n = std::min(n, k->most());
		return n;
	}
};

class Difference : public Sections {
	std::unique_ptr<Sections> kept, gone;
public:
	Difference(std::unique_ptr<Sections> a, std::unique_ptr<Sections> b) : kept(std::move(a)), gone(std::move(b)) {}
	Xapian::docid from(Xapian::docid did) override
	{
		for (;;) {
			did = kept->from(did);
			if (did == NONE || gone->from(did) != did)
				return did;
			did++;
		}
	}
	double most() const override { return kept->most(); }
};
} // namespace

std::unique_ptr<Sections> Sections::of(const Xapian::Database &db, const kb_eq *q)
{
	if (q->op == KB_EQ_PHRASE || q->op == KB_EQ_WILDCARD)
		return nullptr;
	section_kids kids;
	for (size_t i = 0; i < q->nkids; i++) {
		kids.push_back(of(db, q->kids[i]));
		if (!kids.back())
			return nullptr;
	}
	// a group of one is its one member (Xapian's Query simplifies so too)
	if (kids.size() == 1 && q->op != KB_EQ_TERM && q->op != KB_EQ_ALL)
		return std::move(kids[0]);
	switch (q->op) {
	case KB_EQ_TERM:
		return std::unique_ptr<Sections>(new ListSections(db, q->term));
	case KB_EQ_ALL:
		return std::unique_ptr<Sections>(new ListSections(db, std::string()));
	case KB_EQ_OR:
	case KB_EQ_SYNONYM:
		return Union::of(std::move(kids));
	case KB_EQ_AND:
	case KB_EQ_FILTER:
		if (kids.empty())
			break;
		return std::unique_ptr<Sections>(new Intersection(std::move(kids)));
	case KB_EQ_AND_MAYBE:
	case KB_EQ_SCALE:
		if (kids.empty())
			break;
		return std::move(kids[0]);
	case KB_EQ_AND_NOT:
		if (kids.empty())
			break;
		{
			std::unique_ptr<Sections> kept = std::move(kids[0]);
			kids.erase(kids.begin());
			return std::unique_ptr<Sections>(new Difference(std::move(kept), Union::of(std::move(kids))));
		}
	case KB_EQ_PHRASE:
	case KB_EQ_WILDCARD:
		break;
	}
	return std::unique_ptr<Sections>(new NoSections);
}

// What follows docid last, up to top, in the sections of m: KB_STRATA equal parts of that range
// are sampled, each from its start. Its first KB_PROBE documents, and where the next one starts,
// give that part's density of documents (or its count, when it holds no more). Sampled by part
// because documents are indexed folder by folder: a query for FAQs matches a stretch of docids, not
// a steady share of them. Counted by document, not section: a document's sections come in a row,
// so its matching sections bunch together and would overstate how many there are.
static const Xapian::docid KB_STRATA = 8;
static const size_t KB_PROBE = 8;

struct after_window {
	double documents = 0;                            // estimated from the parts' densities
	size_t sampled_documents = 0, sampled_sections = 0; // what the samples held
};

static after_window sample_after(Sections &m, const kb_docvals &v, Xapian::docid last, Xapian::docid top)
{
	after_window w;
	uint64_t span = top > last ? top - last : 0; // in 64 bits: span * s must not wrap
	for (Xapian::docid s = 0; span && s < KB_STRATA; s++) {
		Xapian::docid a = static_cast<Xapian::docid>(last + 1 + span * s / KB_STRATA),
		              b = static_cast<Xapian::docid>(last + span * (s + 1) / KB_STRATA);
		if (a > b)
			continue; // fewer docids than parts: this one is empty
		uint32_t prev = v.key_of(a - 1); // a document across a boundary counts where it starts
		size_t found = 0;
		Xapian::docid did = a, next = 0; // next: where the document after the first KB_PROBE starts
		while ((did = m.from(did)) != Sections::NONE && did <= b) {
			uint32_t k = v.key_of(did);
			if (!k || k != prev) {
				if (found == KB_PROBE) {
					next = did;
					break;
				}
				found++;
				prev = k;
			}
			w.sampled_sections++; // a document's rest from before a counts too, as its start did before
			did++;
		}
		w.sampled_documents += found;
		w.documents += next ? static_cast<double>(found) * static_cast<double>(b - a + 1) / static_cast<double>(next - a)
		                    : static_cast<double>(found);
	}
	return w;
}

// The hits of the earlier rankings of a page: documents by their collapse key, and sections
// without one (or all, when nothing is collapsed) by their docid.
class seen_hits {
	const kb_docvals &v;
	bool by_key;
	std::vector<uint32_t> keys, dids; // sorted
	uint32_t key_of(Xapian::docid did) const { return by_key ? v.key_of(did) : 0; }
public:
	seen_hits(const kb_docvals &vals, bool collapsing) : v(vals), by_key(collapsing) {}
	void add(Xapian::docid did)
	{
		uint32_t k = key_of(did), x = k ? k : did;
		std::vector<uint32_t> &to = k ? keys : dids;
		to.insert(std::upper_bound(to.begin(), to.end(), x), x);
	}
	bool has(Xapian::docid did) const
	{
		uint32_t k = key_of(did), x = k ? k : did;
		const std::vector<uint32_t> &in = k ? keys : dids;
		return std::binary_search(in.begin(), in.end(), x);
	}
};

// Turns away the sections already hit, and the other sections of documents already hit.
class NotSeen : public Xapian::MatchDecider {
	const seen_hits &seen;
public:
	explicit NotSeen(const seen_hits &s) : seen(s) {}
	bool operator()(const Xapian::Document &doc) const override { return !seen.has(doc.get_docid()); }
};

static void fill_facets(kb_eresult *r, const FacetSpy &spy, const kb_docvals &v)
{
	r->nfacets = spy.counts.size();
	r->facets = static_cast<kb_facet_count **>(calloc(r->nfacets ? r->nfacets : 1, sizeof *r->facets));
	r->nfacetvals = static_cast<size_t *>(calloc(r->nfacets ? r->nfacets : 1, sizeof *r->nfacetvals));
	for (size_t i = 0; i < r->nfacets; i++) {
		std::vector<std::pair<std::string, size_t>> c;
		for (size_t k = 1; k < spy.counts[i].size(); k++)
			if (spy.counts[i][k])
				c.emplace_back(v.names[i][k - 1], spy.counts[i][k]);
		std::sort(c.begin(), c.end(), [](const auto &a, const auto &b) {
			return a.second != b.second ? a.second > b.second : a.first < b.first;
		});
		r->facets[i] = static_cast<kb_facet_count *>(calloc(c.size() ? c.size() : 1, sizeof **r->facets));
		r->nfacetvals[i] = c.size();
		for (size_t j = 0; j < c.size(); j++)
			r->facets[i][j] = kb_facet_count{ strdup(c[j].first.c_str()), c[j].second };
	}
}

kb_status kb_db_values(kb_db *db, const kb_eq *q, unsigned slot, size_t max, char ***out, size_t *n,
                       char **errmsg)
{
	*out = nullptr;
	*n = 0;
	try {
		Xapian::Enquire enq(db->db);
		enq.set_query(build(q));
		enq.set_collapse_key(slot);
		enq.set_weighting_scheme(Xapian::BoolWeight());
		Xapian::MSet ms = enq.get_mset(0, max);
		*out = static_cast<char **>(calloc(ms.size() ? ms.size() : 1, sizeof(char *)));
		for (auto it = ms.begin(); it != ms.end(); ++it)
			(*out)[(*n)++] = strdup(it.get_document().get_value(slot).c_str());
		return KB_OK;
	}
	KB_CATCH(errmsg, "search")
}

struct page_hit {
	Xapian::docid did;
	double weight;
	Xapian::Document doc;
	std::string key; // the collapse key's value
};

// Hits by docid: (docid, index into the hits), sorted.
typedef std::vector<std::pair<Xapian::docid, size_t>> hit_order;

// Calls f(index, posting) for each hit of order whose document holds term. The term's posting list
// is opened once and skipped forward through the hits: a few blocks read for the few hits of a
// page, where each hit's term list, or a list opened per hit, would read many.
template <class F>
static void each_holding(const Xapian::Database &db, const char *term, const hit_order &order, F f)
{
	Xapian::PostingIterator pl = db.postlist_begin(term), end = db.postlist_end(term);
	for (const auto &h : order) {
		if (pl == end)
			return;
		pl.skip_to(h.first);
		if (pl != end && *pl == h.first)
			f(h.second, pl);
	}
}

// Adds to the first KB_BONUS_WINDOW hits the weight of the bonus terms they hold, BM25 as the
// ranking weighs (the wdf already weighed by length), and orders them again (by weight, else as
// they were).
static void add_bonus(const Xapian::Database &db, const kb_bonus *bonus, size_t nbonus,
                      std::vector<page_hit> &hits)
{
	size_t n = std::min<size_t>(hits.size(), KB_BONUS_WINDOW);
	if (!nbonus || n < 1)
		return;
	hit_order order;
	for (size_t i = 0; i < n; i++)
		order.emplace_back(hits[i].did, i);
	std::sort(order.begin(), order.end());
	double ndocs = db.get_doccount(), k1 = KB_WDF_SCALE * KB_BM25_K1;
	for (size_t b = 0; b < nbonus; b++) {
		double tf = db.get_termfreq(bonus[b].term), rare = (ndocs - tf + 0.5) / (tf + 0.5);
		if (rare <= 1)
			continue; // a term in most documents says nothing of any
		double idf = bonus[b].scale * std::log(rare);
		each_holding(db, bonus[b].term, order, [&](size_t i, const Xapian::PostingIterator &pl) {
			double wdf = pl.get_wdf();
			hits[i].weight += idf * wdf * (k1 + 1) / (k1 + wdf);
		});
	}
	std::stable_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(n),
	                 [](const page_hit &a, const page_hit &b) { return a.weight > b.weight; });
}

// Matches every section in [lo, hi] and weighs nothing: restricts a ranking to a range of docids.
class DocRange : public Xapian::PostingSource {
	Xapian::docid lo, hi, cur = 0;
	Xapian::doccount all = 0;
public:
	DocRange(Xapian::docid first, Xapian::docid last) : lo(first), hi(last) {}
	// As many as the index holds: the query's own lists then lead the AND and this one only
	// checks their docids, where leading it would step through every docid of the range.
	Xapian::doccount get_termfreq_min() const override { return 0; }
	Xapian::doccount get_termfreq_est() const override { return all; }
	Xapian::doccount get_termfreq_max() const override { return all; }
	void init(const Xapian::Database &db) override
	{
		cur = 0;
		all = db.get_doccount();
	}
	void next(double) override { cur = cur ? cur + 1 : lo; }
	void skip_to(Xapian::docid did, double) override
	{
		if (did > cur)
			cur = std::max(did, lo);
	}
	bool at_end() const override { return cur > hi; }
	Xapian::docid get_docid() const override { return cur; }
};

// What a ranking needs besides its query: the run's options and the collapse keys to pass over.
struct rank_job {
	const kb_run_opts *o;
	size_t n;                           // hits wanted
	const seen_hits *skip;              // or null
	bool split_done;                    // set when the ranking ran on two threads
};

// The n best hits of query among the sections of d (those in [lo, hi] when ranged), one per
// collapse key, best first.
static std::vector<page_hit> rank(const Xapian::Database &d, const Xapian::Query &query, const rank_job &j,
                                  bool ranged = false, Xapian::docid lo = 0, Xapian::docid hi = 0)
{
	DocRange range(lo, hi);
	Xapian::Enquire e(d);
	e.set_query(ranged ? Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(&range)) : query);
	// k1 above Xapian's default 1 lets a word's frequency count for more before it saturates,
	// which is how field weights (a title word counts several times) reach the ranking; b = 0
	// because the wdf is weighed by length already (kb_writer_add)
	e.set_weighting_scheme(Xapian::BM25Weight(KB_WDF_SCALE * KB_BM25_K1, 0, 1, 0, 0.5));
	if (j.o->collapse_slot >= 0) {
		e.set_collapse_key(j.o->collapse_slot);
		e.set_sort_by_relevance_then_value(j.o->collapse_slot, false);
	}
	std::unique_ptr<NotSeen> others;
	if (j.skip)
		others.reset(new NotSeen(*j.skip));
	Xapian::MSet ms = e.get_mset(0, static_cast<Xapian::doccount>(j.n), 0, nullptr, others.get());
	std::vector<page_hit> hits;
	for (auto it = ms.begin(); it != ms.end(); ++it)
		hits.push_back(page_hit{ *it, it.get_weight(), it.get_document(),
		                         j.o->collapse_slot >= 0 ? it.get_collapse_key() : std::string() });
	return hits;
}

// Above this many matching sections, by the count pass's estimate, a ranking is split in two
// halves by docid, each ranked on its own thread: reading long posting lists to the end is most of
// such a search, and a half reads half of each. 0: never split.
static std::atomic<size_t> split_threshold{ SIZE_MAX }; // SIZE_MAX: not yet read from the environment

void kb_engine_split_at(size_t sections)
{
	split_threshold.store(sections);
}

static size_t split_at()
{
	size_t at = split_threshold.load();
	if (at == SIZE_MAX) {
		const char *env = getenv("ATMP_SPLIT_AT");
		at = env ? strtoul(env, nullptr, 10) : std::thread::hardware_concurrency() >= 2 ? KB_SPLIT_AT : 0;
		split_threshold.store(at);
	}
	return at;
}

static bool twin_ready(kb_db *db)
{
	if (db->twin_state == kb_db::TWIN_UNTRIED) {
		db->twin_state = kb_db::TWIN_NONE;
		try {
			Xapian::Database twin(db->path, Xapian::DB_OPEN);
			if (twin.get_uuid() == db->db.get_uuid()) {
				db->twin = twin;
				db->twin_state = kb_db::TWIN_OPEN;
			}
		} catch (const Xapian::Error &) {
			// then this handle ranks on one thread
		}
	}
	return db->twin_state == kb_db::TWIN_OPEN;
}

// Whether ranking q on two threads pays. Not when it is one list, a term's, a SYNONYM's (a long
// prefix) or every section's (filters alone): each of its postings is a candidate, and checking
// every candidate against the docid range costs about what ranking half the candidates saves. An AND (a first pass, a phrase) or an
// OR of clauses does more work per candidate, and its halves each cost little more than half.
static bool worth_splitting(const kb_eq *q)
{
	while (q->nkids == 1 || ((q->op == KB_EQ_SCALE || q->op == KB_EQ_FILTER) && q->nkids))
		q = q->kids[0];
	return q->op != KB_EQ_TERM && q->op != KB_EQ_SYNONYM && q->op != KB_EQ_WILDCARD && q->op != KB_EQ_ALL;
}

// rank() of what (built: its Query, for this thread) over every section; when split, the upper
// half of the docids on a second thread with the twin handle and a Query built there (a Query's
// reference counts are not for two threads), and the two lists merged. Each half's best n per collapse key hold the whole's best
// n: a key ranks in the whole as its best section does in its half, behind no more keys than there.
static std::vector<page_hit> rank_all(kb_db *db, const kb_eq *what, const Xapian::Query &built, rank_job &j,
                                      bool split)
{
	Xapian::docid last = db->db.get_lastdocid(), mid = last / 2;
	if (!split || !worth_splitting(what) || last < 2)
		return rank(db->db, built, j);
	std::vector<page_hit> upper;
	std::exception_ptr failed;
	std::thread helper;
	try {
		helper = std::thread([&] {
			try {
				upper = rank(db->twin, build(what), j, true, mid + 1, last);
			} catch (...) {
				failed = std::current_exception();
			}
		});
	} catch (const std::system_error &) {
		return rank(db->db, built, j); // no thread to be had: one does it all
	}
	j.split_done = true;
	std::vector<page_hit> hits;
	try {
		hits = rank(db->db, built, j, true, 1, mid);
	} catch (...) {
		helper.join();
		throw;
	}
	helper.join();
	if (failed)
		std::rethrow_exception(failed);
	hits.insert(hits.end(), upper.begin(), upper.end());
	// Xapian's order: weight, then the key's value, then docid
	std::sort(hits.begin(), hits.end(), [](const page_hit &a, const page_hit &b) {
		if (a.weight != b.weight)
			return a.weight > b.weight;
		return a.key != b.key ? a.key < b.key : a.did < b.did;
	});
	std::unordered_set<std::string> keys;
	std::vector<page_hit> merged;
	for (auto &h : hits)
		if (merged.size() < j.n && (h.key.empty() || keys.insert(h.key).second))
			merged.push_back(std::move(h));
	return merged;
}

kb_status kb_db_run(kb_db *db, const kb_eq *q, const kb_run_opts *o, kb_eresult **out, char **errmsg)
{
	*out = nullptr;
	kb_eresult *r = static_cast<kb_eresult *>(calloc(1, sizeof *r));
	try {
		Xapian::Query query = build(q);
		// Total and facets come from a first pass without weights, over up to KB_CHECK_AT_LEAST (500)
		// sections in index order: below that it sees every match, so both are exact (always, for a
		// curated corpus of this size); above it the facets are those of the window, and the total
		// is the window's documents and an estimate of those after it (sample_after(), or for
		// a query with a phrase or a wildcard, Xapian's estimate of the sections times the
		// documents per section seen). The ranking pass then needs to look at no more sections than
		// Xapian's weight bounds require for the page.
		FacetSpy spy(*o->vals);
		bool split = false;
		{
			double estimated = 0; // sections
			std::unique_ptr<Sections> matching = Sections::of(db->db, q);
			if (matching) {
				Xapian::docid did = 1, last = 0;
				while (spy.calls < KB_CHECK_AT_LEAST && (did = matching->from(did)) != Sections::NONE) {
					spy.add(did);
					last = did++;
				}
				estimated = spy.calls; // all of them, unless the window is full
				if (spy.calls >= KB_CHECK_AT_LEAST) {
					after_window w = sample_after(*matching, *o->vals, last, db->db.get_lastdocid());
					double sections = std::max(0.0, matching->most() - static_cast<double>(spy.calls));
					// a single list knows its length: then only the documents per section are sampled;
					// else no more documents than sections, whatever the samples say
					double after = matching->exact() && w.sampled_sections
					                       ? sections * static_cast<double>(w.sampled_documents) /
					                                 static_cast<double>(w.sampled_sections)
					                       : std::min(w.documents, sections);
					estimated = (static_cast<double>(spy.distinct()) + after) * static_cast<double>(spy.calls) /
					            static_cast<double>(spy.distinct());
				}
			} else {
				Xapian::Enquire count(db->db);
				count.set_query(query);
				count.set_weighting_scheme(Xapian::BoolWeight());
				count.add_matchspy(&spy);
				estimated = count.get_mset(0, 0, KB_CHECK_AT_LEAST).get_matches_estimated();
			}
			r->total = spy.distinct();
			if (spy.calls >= KB_CHECK_AT_LEAST)
				r->total = std::max<size_t>(r->total, static_cast<size_t>(
				        estimated * static_cast<double>(spy.distinct()) / static_cast<double>(spy.calls)));
			size_t at = split_at();
			split = at && estimated >= at && twin_ready(db);
		}
		// The n best hits of a ranking, the first KB_BONUS_WINDOW of them ordered again with their
		// bonuses.
		auto best = [&](const kb_eq *what, const Xapian::Query &built, size_t n,
		                const seen_hits *skip) {
			rank_job job{ o, n, skip, false };
			std::vector<page_hit> hits = rank_all(db, what, built, job, split);
			r->split |= job.split_done;
			add_bonus(db->db, o->bonus, o->nbonus, hits);
			return hits;
		};
		// The page: from o->first's documents while they last, then o->then's, then from the rest
		// of the query's. A search for several words mostly fills its page from those holding every
		// word, and that AND is far cheaper to rank than the OR of the words; a synonym term's
		// words in a row are fewer lists than the same words anywhere in a section.
		size_t want = o->offset + o->limit;
		seen_hits seen(*o->vals, o->collapse_slot >= 0);
		std::vector<std::vector<page_hit>> tiers;
		size_t have = 0;
		for (const kb_eq *tier : { o->first, o->then, q }) {
			if (!tier || (have >= want && !tiers.empty()))
				continue;
			size_t n = tiers.empty() ? want : want - have;
			tiers.push_back(best(tier, tier == q ? query : build(tier), std::max<size_t>(n, KB_BONUS_WINDOW),
			                     tiers.empty() ? nullptr : &seen));
			for (const auto &h : tiers.back())
				seen.add(h.did);
			have += tiers.back().size();
		}
		// a document of an earlier tier stays above the later ones' in score too
		double lift = 0;
		std::vector<page_hit> page;
		for (size_t t = tiers.size(); t-- > 0;) {
			for (auto &h : tiers[t])
				h.weight += lift;
			if (!tiers[t].empty())
				lift = tiers[t][0].weight;
		}
		for (auto &t : tiers)
			page.insert(page.end(), t.begin(), t.end());
		if (page.size() > want)
			page.resize(want);
		page.erase(page.begin(), page.begin() + static_cast<std::ptrdiff_t>(std::min(o->offset, page.size())));
		r->nhits = page.size();
		r->hits = static_cast<kb_ehit *>(calloc(r->nhits ? r->nhits : 1, sizeof *r->hits));
		hit_order order; // for the probes
		for (size_t i = 0; i < page.size(); i++) {
			r->hits[i] = kb_ehit{ page[i].weight / KB_WEIGHT_UNIT, strdup(page[i].doc.get_value(o->data_slot).c_str()), nullptr, 0 };
			r->hits[i].terms = static_cast<char **>(calloc(o->nprobes ? o->nprobes : 1, sizeof(char *)));
			order.emplace_back(page[i].did, i);
		}
		std::sort(order.begin(), order.end());
		for (size_t p = 0; p < o->nprobes && !order.empty(); p++) {
			if (p == o->nprobes - o->nlater) // from here on, only where an earlier probe was found
				order.erase(std::remove_if(order.begin(), order.end(),
				                           [&](const std::pair<Xapian::docid, size_t> &h) {
					                           return r->hits[h.second].nterms == 0;
				                           }),
				            order.end());
			each_holding(db->db, o->probes[p], order, [&](size_t i, const Xapian::PostingIterator &) {
				r->hits[i].terms[r->hits[i].nterms++] = strdup(o->probes[p]);
			});
		}
		fill_facets(r, spy, *o->vals);
		*out = r;
		return KB_OK;
	} catch (...) {
		kb_eresult_free(r);
		try {
			throw;
		}
		KB_CATCH(errmsg, "search")
	}
}

void kb_eresult_free(kb_eresult *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nhits; i++) {
		free(r->hits[i].data);
		for (size_t j = 0; j < r->hits[i].nterms; j++)
			free(r->hits[i].terms[j]);
		free(r->hits[i].terms);
	}
	free(r->hits);
	for (size_t i = 0; i < r->nfacets; i++) {
		for (size_t j = 0; j < r->nfacetvals[i]; j++)
			free(r->facets[i][j].value);
		free(r->facets[i]);
	}
	free(r->facets);
	free(r->nfacetvals);
	free(r);
}
