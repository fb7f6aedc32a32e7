// peer — the yardstick atmp-kb is measured against: Xapian's own TermGenerator and QueryParser with
// Stem("danish") over the same corpus. Not product code; bench/ only.
//
//   peer index CORPUS_DIR DB_FILE
//       Every *.md below CORPUS_DIR becomes, like in atmp-index, one Xapian document per section
//       (the head: title, tags, summary and the text before the first heading; then one per `#`
//       heading), indexed with TermGenerator + Stem("danish") with positions, the title counted 6
//       times, the heading 4, tags 3, summary 2, body 1; boolean filter terms for type, lang, tag and
//       source; the document id as a value; as data the id, section, title and the section's text.
//       It is committed, then compacted into the single file DB_FILE, as atmp-index does.
//       Prints "index_s compact_s docs sections bytes" on stdout.
//   peer query DB_FILE QUERIES [--rounds N] [--max-seconds M] [--samples FILE] [--threads T --seconds S]
//       QueryParser (Stem("danish"), STEM_SOME, its default OR, wildcards, phrases, type:/lang:/
//       tag:/source: filters; no collapsing, facets, snippets or synonyms) over each query of
//       QUERIES (CATEGORY<TAB>QUERY a line), the top 10 fetched with their data. Latency mode
//       (default) runs every query N times after one warm-up round (fewer rounds, at least one,
//       once M seconds have passed) and prints one line per category and one for "all":
//       "CATEGORY n p50_us p99_us mean_us", and with --samples appends every timing to FILE as
//       "CATEGORY<TAB>us" (as qbench does). Throughput mode runs T threads (one database handle
//       each) through the mix for S seconds and prints "qps Q".
#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using clk = std::chrono::steady_clock;

static std::string trim(const std::string &s)
{
	size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
	return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

static std::string unquote(std::string v)
{
	v = trim(v);
	if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
		v = v.substr(1, v.size() - 2);
	return v;
}


static std::string json_str(const std::string &s)
{
	std::string o = "\"";
	for (unsigned char c : s) {
		if (c == '"' || c == '\\') { o += '\\'; o += char(c); }
		else if (c == '\n') o += "\\n";
		else if (c < 0x20) { char t[8]; snprintf(t, sizeof t, "\\u%04x", c); o += t; }
		else o += char(c);
	}
	return o + "\"";
}

struct Section { std::string heading, text; };
struct Doc {
	std::string id, title, type, lang, source, summary;
	std::vector<std::string> tags;
	std::vector<Section> sections; // [0] is the head (no heading)
};

static Doc read_doc(const fs::path &file, const std::string &id)
{
	std::ifstream in(file);
	std::string line;
	Doc d;
	d.id = id;
	d.sections.push_back({});
	bool fm = false, first = true;
	while (std::getline(in, line)) {
		if (first) {
			first = false;
			if (trim(line) == "---") { fm = true; continue; }
		}
		if (fm) {
			if (trim(line) == "---") { fm = false; continue; }
			size_t c = line.find(':');
			if (c == std::string::npos) continue;
			std::string k = line.substr(0, c), v = unquote(line.substr(c + 1));
			if (k == "title") d.title = v;
			else if (k == "id") d.id = v;
			else if (k == "type") d.type = v;
			else if (k == "lang") d.lang = v;
			else if (k == "source") d.source = v;
			else if (k == "summary") d.summary = v;
			else if (k == "tags") {
				std::string t = v;
				t.erase(std::remove(t.begin(), t.end(), '['), t.end());
				t.erase(std::remove(t.begin(), t.end(), ']'), t.end());
				std::stringstream ss(t);
				std::string one;
				while (std::getline(ss, one, ','))
					if (!trim(one).empty()) d.tags.push_back(trim(one));
			}
			continue;
		}
		if (line.size() > 1 && line[0] == '#') {
			size_t h = line.find_first_not_of('#');
			d.sections.push_back({ trim(line.substr(h)), "" });
			continue;
		}
		d.sections.back().text += line;
		d.sections.back().text += '\n';
	}
	return d;
}

static int do_index(const std::string &corpus, const std::string &dbfile)
{
	auto t0 = clk::now();
	std::vector<fs::path> files;
	for (auto &e : fs::recursive_directory_iterator(corpus))
		if (e.is_regular_file() && e.path().extension() == ".md") files.push_back(e.path());
	std::sort(files.begin(), files.end());

	std::string tmpdir = dbfile + ".peer-build";
	fs::remove_all(tmpdir);
	size_t nsec = 0, bytes = 0;
	{
		Xapian::WritableDatabase db(tmpdir, Xapian::DB_CREATE_OR_OVERWRITE);
		Xapian::TermGenerator tg;
		tg.set_stemmer(Xapian::Stem("danish"));
		for (auto &f : files) {
			bytes += fs::file_size(f);
			std::string id = fs::relative(f, corpus).replace_extension("").generic_string();
			Doc d = read_doc(f, id);
			std::string tags;
			for (auto &t : d.tags) tags += t + " . ";
			for (size_t i = 0; i < d.sections.size(); i++) {
				const Section &s = d.sections[i];
				if (i > 0 && s.heading.empty()) continue;
				Xapian::Document doc;
				tg.set_document(doc);
				tg.index_text(d.title, 6);
				tg.increase_termpos(100);
				tg.index_text(tags, 3);
				tg.increase_termpos(100);
				if (i == 0) tg.index_text(d.summary, 2);
				else tg.index_text(s.heading, 4);
				tg.increase_termpos(100);
				tg.index_text(s.text);
				doc.add_boolean_term("XD" + d.id);
				doc.add_boolean_term("XT" + d.type);
				doc.add_boolean_term("XL" + d.lang);
				for (auto &t : d.tags) doc.add_boolean_term("XG" + t);
				if (!d.source.empty()) doc.add_boolean_term("XS" + d.source);
				doc.add_value(0, d.id);
				doc.add_value(1, d.type);
				doc.add_value(2, d.lang);
				doc.set_data("{\"id\":" + json_str(d.id) + ",\"section\":" + json_str(s.heading) +
				             ",\"title\":" + json_str(d.title) + ",\"text\":" + json_str(s.text) + "}");
				db.add_document(doc);
				nsec++;
			}
		}
		db.commit();
	}
	auto t1 = clk::now();
	{
		Xapian::Database src(tmpdir);
		std::string tmp = dbfile + ".peer-tmp";
		src.compact(tmp, Xapian::DBCOMPACT_SINGLE_FILE);
		fs::rename(tmp, dbfile);
	}
	fs::remove_all(tmpdir);
	auto t2 = clk::now();
	std::chrono::duration<double> a = t1 - t0, b = t2 - t1;
	printf("%.3f %.3f %zu %zu %zu\n", a.count(), b.count(), files.size(), nsec, bytes);
	return 0;
}

struct Query { std::string cat, text; };

static std::vector<Query> read_queries(const std::string &path)
{
	std::ifstream in(path);
	if (!in) throw std::runtime_error("cannot read " + path);
	std::vector<Query> v;
	std::string line;
	while (std::getline(in, line)) {
		if (line.empty() || line[0] == '#') continue;
		size_t tab = line.find('\t');
		if (tab == std::string::npos) continue;
		v.push_back({ line.substr(0, tab), line.substr(tab + 1) });
	}
	return v;
}

struct Searcher {
	Xapian::Database db;
	Xapian::QueryParser qp;
	Xapian::Enquire enq;
	explicit Searcher(const std::string &path) : db(path), enq(db)
	{
		qp.set_stemmer(Xapian::Stem("danish"));
		qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
		qp.set_database(db);
		qp.add_boolean_prefix("type", "XT");
		qp.add_boolean_prefix("lang", "XL");
		qp.add_boolean_prefix("tag", "XG");
		qp.add_boolean_prefix("source", "XS");
	}
	size_t run(const std::string &q)
	{
		const unsigned flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD;
		Xapian::Query query;
		try {
			query = qp.parse_query(q, flags);
		} catch (const Xapian::QueryParserError &) {
			query = qp.parse_query(q, 0);
		}
		enq.set_query(query);
		Xapian::MSet ms = enq.get_mset(0, 10);
		size_t got = 0;
		for (auto it = ms.begin(); it != ms.end(); ++it)
			got += it.get_document().get_data().size();
		return got;
	}
};

static double pct(std::vector<double> v, double p)
{
	if (v.empty()) return 0;
	std::sort(v.begin(), v.end());
	size_t i = size_t(p * double(v.size() - 1) + 0.5);
	return v[std::min(i, v.size() - 1)];
}

static int do_query(const std::string &dbfile, const std::string &qfile, unsigned rounds,
                    unsigned threads, double seconds, double max_seconds, const std::string &samples)
{
	std::vector<Query> qs = read_queries(qfile);
	if (threads) {
		std::atomic<bool> stop{ false };
		std::atomic<unsigned long> done{ 0 };
		std::vector<std::thread> ts;
		auto t0 = clk::now();
		for (unsigned t = 0; t < threads; t++)
			ts.emplace_back([&, t] {
				Searcher s(dbfile);
				unsigned long n = 0;
				for (size_t i = t * 7; !stop.load(std::memory_order_relaxed); i++, n++)
					s.run(qs[i % qs.size()].text);
				done += n;
			});
		std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
		stop = true;
		for (auto &t : ts) t.join();
		std::chrono::duration<double> el = clk::now() - t0;
		printf("qps %.1f\n", double(done.load()) / el.count());
		return 0;
	}
	Searcher s(dbfile);
	for (auto &q : qs) s.run(q.text); // warm-up: caches, as a daemon that has run a while
	std::map<std::string, std::vector<double>> by;
	std::ofstream log;
	if (!samples.empty()) {
		log.open(samples, std::ios::app);
		if (!log) {
			std::cerr << "peer: cannot append to " << samples << "\n";
			return 1;
		}
	}
	auto start = clk::now();
	auto elapsed = [&] { return std::chrono::duration<double>(clk::now() - start).count(); };
	for (unsigned r = 0; r < rounds && (r == 0 || elapsed() < max_seconds); r++)
		for (auto &q : qs) {
			auto t0 = clk::now();
			s.run(q.text);
			std::chrono::duration<double, std::micro> us = clk::now() - t0;
			by[q.cat].push_back(us.count());
			by["all"].push_back(us.count());
			if (log.is_open())
				log << q.cat << '\t' << us.count() << '\n';
		}
	for (auto &[cat, v] : by) {
		double sum = 0;
		for (double x : v) sum += x;
		printf("%s %zu %.1f %.1f %.1f\n", cat.c_str(), v.size(), pct(v, 0.5), pct(v, 0.99),
		       sum / double(v.size()));
	}
	return 0;
}

int main(int argc, char **argv)
{
	try {
		std::string cmd = argc > 1 ? argv[1] : "";
		if (cmd == "index" && argc == 4) return do_index(argv[2], argv[3]);
		if (cmd == "query" && argc >= 4) {
			unsigned rounds = 5, threads = 0;
			double seconds = 5, max_seconds = 1e9;
			std::string samples;
			for (int i = 4; i + 1 < argc; i += 2) {
				if (!strcmp(argv[i], "--rounds")) rounds = unsigned(std::stoul(argv[i + 1]));
				else if (!strcmp(argv[i], "--threads")) threads = unsigned(std::stoul(argv[i + 1]));
				else if (!strcmp(argv[i], "--seconds")) seconds = std::stod(argv[i + 1]);
				else if (!strcmp(argv[i], "--max-seconds")) max_seconds = std::stod(argv[i + 1]);
				else if (!strcmp(argv[i], "--samples")) samples = argv[i + 1];
			}
			return do_query(argv[2], argv[3], rounds, threads, seconds, max_seconds, samples);
		}
		std::cerr << "usage: peer index CORPUS_DIR DB_FILE\n"
		             "       peer query DB_FILE QUERIES [--rounds N] [--max-seconds M] [--samples FILE] "
		             "[--threads T --seconds S]\n";
		return 2;
	} catch (const Xapian::Error &e) {
		std::cerr << "peer: " << e.get_description() << "\n";
		return 1;
	} catch (const std::exception &e) {
		std::cerr << "peer: " << e.what() << "\n";
		return 1;
	}
}
