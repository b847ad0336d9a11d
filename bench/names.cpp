// parcours-names: what interning the customer keys and identifiers of a
// canonical file costs, apart from everything else a tool does while it
// reads. The records are parsed first (core/record.h) and their names kept
// in flat arrays; only the loops below are timed.
//
//   parcours-names FILE                  Interner alone, names in record order
//   parcours-names --linker FILE         Linker::add over the same records
//   parcours-names --linker --stream ... each call also copies a 200-byte
//                                        record from a cold array, as the
//                                        reader's batches make it do
//   parcours-names --parts 8 [-j 2] ...  names copied into 2^8 parts by
//                                        the top bits of their hash, then
//                                        each part interned alone, on -j threads
//
// The Interner loop is warmed 16 and 32 names ahead unless --no-warm;
// Linker::add warms its own lookups; the parts are small enough not to
// need it. The names are the linker's (Linker::identifier_name,
// key_name); a phone number still to normalise is taken as it is written.
// BENCHMARKS.md, "Where the time goes now", says what it found.

#include <chrono>
#include <deque>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <simdjson.h>

#include "core/identity.h"
#include "core/intern.h"
#include "core/prefetch.h"
#include "core/record.h"

namespace {

using namespace parcours;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The records' names back to back: text, where each ends, its hash; and
// where each record's names end.
struct Names {
  std::string text;
  std::vector<size_t> ends;
  std::vector<uint64_t> hashes;
  std::vector<size_t> record_ends;
  // For --linker: each record's key and identifiers as the linker takes them.
  std::vector<std::string_view> keys;  // empty: none
  std::vector<uint64_t> key_hashes;
  std::vector<std::pair<std::string_view, std::string_view>> ids;  // views into kinds_values
  std::vector<IdName> id_names;            // as the parsing threads make them
  std::deque<std::string> id_name_text;  // what id_names view
  std::vector<size_t> id_ends;  // per record, in ids
  std::string kinds_values;
  int64_t rejected = 0;  // lines that are not acceptable records, left out

  std::string_view name(size_t i) const {
    const size_t b = i == 0 ? 0 : ends[i - 1];
    return std::string_view(text).substr(b, ends[i] - b);
  }
  size_t size() const { return ends.size(); }
};

bool load(const std::string& path, Names* n) {
  std::ifstream in(path);
  if (!in) return false;
  RecordParser parser(RecordParser::Mode::kFirstError);
  RawContact r;
  std::vector<FieldError> errors;
  std::string line, padded;
  // Offsets first: kinds_values grows while it is filled.
  struct Id {
    size_t kind, kind_size, value, value_size;
  };
  std::vector<Id> at;
  std::vector<size_t> key_at, key_size;
  std::string buf;
  while (std::getline(in, line)) {
    padded.assign(line);
    padded.append(simdjson::SIMDJSON_PADDING, ' ');
    errors.clear();
    if (!parser.parse(std::string_view(padded.data(), line.size()), &r, &errors)) {
      ++n->rejected;
      continue;
    }
    if (r.has_customer && !trim_blanks(r.customer).empty()) {
      n->text += Linker::key_name(trim_blanks(r.customer), &buf);
      n->ends.push_back(n->text.size());
      key_at.push_back(n->kinds_values.size());
      key_size.push_back(r.customer.size());
      n->kinds_values.append(r.customer);
    } else {
      key_at.push_back(0);
      key_size.push_back(0);
    }
    for (const auto& [kind, value] : r.ids) {
      Linker::identifier_name(kind, value, &buf);
      n->text += buf;
      n->ends.push_back(n->text.size());
      at.push_back({n->kinds_values.size(), kind.size(), 0, value.size()});
      n->kinds_values.append(kind);
      at.back().value = n->kinds_values.size();
      n->kinds_values.append(value);
    }
    n->record_ends.push_back(n->ends.size());
    n->id_ends.push_back(at.size());
  }
  for (size_t i = 0; i < n->size(); ++i) n->hashes.push_back(hash_bytes(n->name(i)));
  const std::string_view kv = n->kinds_values;
  for (const Id& d : at) n->ids.emplace_back(kv.substr(d.kind, d.kind_size), kv.substr(d.value, d.value_size));
  for (size_t i = 0; i < key_at.size(); ++i) n->keys.push_back(kv.substr(key_at[i], key_size[i]));
  // The names and hashes the reader's parsing threads give the linker.
  for (const std::string_view key : n->keys) {
    RawContact c;
    c.has_customer = !key.empty();
    c.customer = key;
    n->key_hashes.push_back(Linker::key_hash(c, &buf));
  }
  for (const auto& [kind, value] : n->ids) {
    IdName x = Linker::name_id(kind, value, &buf);
    x.name = n->id_name_text.emplace_back(x.name);
    n->id_names.push_back(x);
  }
  return true;
}

// With `copy`, each name is first copied into a string of its own and its
// id appended to a list, as Linker::add does between its lookups.
void interner_round(const Names& n, bool warm, bool copy) {
  const auto t = Clock::now();
  Interner names(Interner::Index::when_asked);
  std::string name;
  std::vector<uint32_t> ids;
  for (size_t i = 0; i < n.size(); ++i) {
    if (warm && i + 32 < n.size()) names.warm(n.hashes[i + 32], 0);
    if (warm && i + 16 < n.size()) names.warm(n.hashes[i + 16], 1);
    if (copy) {
      name.assign(n.name(i));
      ids.push_back(names.intern(name, n.hashes[i], nullptr));
    } else {
      names.intern(n.name(i), n.hashes[i], nullptr);
    }
  }
  fmt::print("Interner, record order{}: {:.3f} s, {} names, {} distinct\n", copy ? ", names copied" : "", since(t),
             n.size(), names.size());
}

void linker_round(const Names& n, bool stream) {
  const size_t records = n.keys.size();
  std::vector<RawContact> cold;
  if (stream) cold.resize(records);  // written once, so that its pages exist
  for (size_t i = 0; i < cold.size(); ++i) cold[i].start = static_cast<Micros>(i);
  const auto t = Clock::now();
  Linker linker;
  linker.reserve(records);
  RawContact cur;
  const auto fill = [&](size_t i, RawContact* c) {
    const size_t b = i == 0 ? 0 : n.id_ends[i - 1];
    c->has_customer = !n.keys[i].empty();
    c->customer = n.keys[i];
    c->customer_hash = n.key_hashes[i];
    c->id_names = std::span(n.id_names).subspan(b, n.id_ends[i] - b);
    return std::pair{b, n.id_ends[i]};
  };
  for (size_t i = 0; i < records; ++i) {
    if (stream) cur = cold[i];
    const auto [b, e] = fill(i, &cur);
    cur.ids.assign(n.ids.begin() + static_cast<ptrdiff_t>(b), n.ids.begin() + static_cast<ptrdiff_t>(e));
    linker.add(cur);
  }
  const double took = since(t);
  linker.seal();  // the last records' names in too
  fmt::print("Linker::add{}: {:.3f} s, {} records, {} distinct names\n", stream ? " with a record copied each" : "",
             took, linker.records(), linker.node_count());
}

void parts_round(const Names& n, int bits, int threads) {
  const auto t = Clock::now();
  const size_t parts = size_t{1} << bits;
  const auto part_of = [&](size_t i) { return static_cast<size_t>(n.hashes[i] >> (64 - bits)); };
  // Counted first, so that every part's buffers are allocated once.
  std::vector<size_t> count(parts, 0), bytes(parts, 0);
  for (size_t i = 0; i < n.size(); ++i) {
    ++count[part_of(i)];
    bytes[part_of(i)] += n.name(i).size();
  }
  struct Part {
    std::string text;
    std::vector<uint32_t> sizes;
    std::vector<uint64_t> hashes;
  };
  std::vector<Part> part(parts);
  for (size_t p = 0; p < parts; ++p) {
    part[p].text.reserve(bytes[p]);
    part[p].sizes.reserve(count[p]);
    part[p].hashes.reserve(count[p]);
  }
  for (size_t i = 0; i < n.size(); ++i) {
    Part& q = part[part_of(i)];
    const std::string_view s = n.name(i);
    q.text.append(s);
    q.sizes.push_back(static_cast<uint32_t>(s.size()));
    q.hashes.push_back(n.hashes[i]);
  }
  const double copied = since(t);
  std::vector<uint32_t> distinct(parts);
  std::vector<std::thread> pool;
  for (int k = 0; k < threads; ++k)
    pool.emplace_back([&, k] {
      for (size_t p = static_cast<size_t>(k); p < parts; p += static_cast<size_t>(threads)) {
        Interner names(Interner::Index::when_asked);
        size_t at = 0;
        for (size_t j = 0; j < part[p].sizes.size(); ++j) {
          names.intern(std::string_view(part[p].text).substr(at, part[p].sizes[j]), part[p].hashes[j], nullptr);
          at += part[p].sizes[j];
        }
        distinct[p] = names.size();
      }
    });
  for (auto& th : pool) th.join();
  uint64_t total = 0;
  for (const uint32_t d : distinct) total += d;
  fmt::print("{} parts, {} thread(s): {:.3f} s ({:.3f} s copying), {} distinct\n", parts, threads, since(t), copied,
             total);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Times interning the names (customer keys, identifiers) of a canonical NDJSON file alone."};
  app.name("parcours-names");
  std::string file;
  bool linker = false, no_warm = false, stream = false, copy = false;
  int parts_bits = 0, threads = 1, rounds = 3;
  app.add_option("FILE", file, "NDJSON file")->required()->check(CLI::ExistingFile);
  app.add_flag("--linker", linker, "time Linker::add over the records instead of Interner alone");
  app.add_flag("--stream", stream, "with --linker: copy a 200-byte record from a cold array at each call");
  app.add_flag("--copy", copy, "without --linker: copy each name and keep its id, as the linker does");
  app.add_flag("--no-warm", no_warm, "without --linker: do not warm the caches ahead of the lookups");
  app.add_option("--parts", parts_bits, "intern in 2^N parts by the top N bits of the hash (0: one table)")
      ->check(CLI::Range(0, 16));
  app.add_option("-j,--threads", threads, "threads interning the parts")->check(CLI::Range(1, 256));
  app.add_option("--rounds", rounds, "times each loop is run")->capture_default_str()->check(CLI::Range(1, 100));
  CLI11_PARSE(app, argc, argv);

  Names names;
  const auto t = Clock::now();
  if (!load(file, &names)) {
    fmt::print(stderr, "parcours-names: {}: cannot read it\n", file);
    return 3;
  }
  fmt::print("{} records ({} lines rejected, left out), {} names ({} bytes), read in {:.1f} s\n",
             names.keys.size(), names.rejected, names.size(), names.text.size(), since(t));
  for (int r = 0; r < rounds; ++r) {
    if (linker) linker_round(names, stream);
    else if (parts_bits > 0) parts_round(names, parts_bits, threads);
    else interner_round(names, !no_warm, copy);
  }
  return 0;
}
