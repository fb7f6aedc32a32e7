// baseline — the yardstick for tests/relevance: Xapian's own TermGenerator and QueryParser with
// Stem("danish") over the same corpus, one Xapian document per corpus file. Not product code.
//
//   baseline index CORPUS_DIR DB_DIR     index every *.md below CORPUS_DIR into a new database
//   baseline search DB_DIR [LIMIT]       read one query a line on stdin; for each, print one line:
//                                        the ids of the top LIMIT (default 10) documents, tab-separated
//
// A document's id is its path below CORPUS_DIR without ".md" (or the front matter's "id:" if set).
// The front matter is stripped; its title is indexed (weight 2) and then the body.
//
// Build: g++ -std=c++17 -O2 baseline.cc -o baseline $(xapian-config --cxxflags --libs)
#include <xapian.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

static std::string trim(const std::string &s) {
	size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
	return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

static std::string unquote(std::string v) {
	v = trim(v);
	if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
		v = v.substr(1, v.size() - 2);
	return v;
}

struct Doc { std::string id, title, body; };

// Splits a corpus file into title (and optional id) from the front matter, and the body after it.
static Doc read_doc(const fs::path &file, const std::string &id) {
	std::ifstream in(file);
	std::stringstream ss;
	ss << in.rdbuf();
	std::string text = ss.str(), line;
	Doc d{id, "", ""};
	std::istringstream lines(text);
	if (!std::getline(lines, line) || trim(line) != "---") { d.body = text; return d; }
	while (std::getline(lines, line)) {
		if (trim(line) == "---") break;
		if (line.rfind("title:", 0) == 0) d.title = unquote(line.substr(6));
		else if (line.rfind("id:", 0) == 0) d.id = unquote(line.substr(3));
	}
	std::string rest((std::istreambuf_iterator<char>(lines)), std::istreambuf_iterator<char>());
	d.body = rest;
	return d;
}

static int do_index(const std::string &corpus, const std::string &dbdir) {
	std::vector<fs::path> files;
	for (auto &e : fs::recursive_directory_iterator(corpus))
		if (e.is_regular_file() && e.path().extension() == ".md") files.push_back(e.path());
	std::sort(files.begin(), files.end());

	Xapian::WritableDatabase db(dbdir, Xapian::DB_CREATE_OR_OVERWRITE);
	Xapian::TermGenerator tg;
	tg.set_stemmer(Xapian::Stem("danish"));
	for (auto &f : files) {
		std::string id = fs::relative(f, corpus).replace_extension("").generic_string();
		Doc d = read_doc(f, id);
		Xapian::Document doc;
		tg.set_document(doc);
		tg.index_text(d.title, 2);
		tg.increase_termpos(100);
		tg.index_text(d.body);
		doc.set_data(d.id);
		doc.add_boolean_term("Q" + d.id);
		db.replace_document("Q" + d.id, doc);
	}
	db.commit();
	std::cerr << "baseline: indexed " << files.size() << " documents into " << dbdir << "\n";
	return 0;
}

static int do_search(const std::string &dbdir, unsigned limit) {
	Xapian::Database db(dbdir);
	Xapian::QueryParser qp;
	qp.set_stemmer(Xapian::Stem("danish"));
	qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
	qp.set_database(db);
	const unsigned flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD;
	Xapian::Enquire enq(db);
	std::string q;
	while (std::getline(std::cin, q)) {
		Xapian::Query query;
		try {
			query = qp.parse_query(q, flags);
		} catch (const Xapian::QueryParserError &) {
			query = qp.parse_query(q, 0); // what a user's stray syntax degrades to
		}
		enq.set_query(query);
		Xapian::MSet ms = enq.get_mset(0, limit);
		std::string out;
		for (auto it = ms.begin(); it != ms.end(); ++it) {
			if (!out.empty()) out += '\t';
			out += it.get_document().get_data();
		}
		std::cout << out << '\n' << std::flush;
	}
	return 0;
}

int main(int argc, char **argv) {
	try {
		std::string cmd = argc > 1 ? argv[1] : "";
		if (cmd == "index" && argc == 4) return do_index(argv[2], argv[3]);
		if (cmd == "search" && (argc == 3 || argc == 4))
			return do_search(argv[2], argc == 4 ? (unsigned)std::stoul(argv[3]) : 10u);
		std::cerr << "usage: baseline index CORPUS_DIR DB_DIR | baseline search DB_DIR [LIMIT] < queries\n";
		return 2;
	} catch (const Xapian::Error &e) {
		std::cerr << "baseline: " << e.get_description() << "\n";
		return 1;
	} catch (const std::exception &e) {
		std::cerr << "baseline: " << e.what() << "\n";
		return 1;
	}
}
