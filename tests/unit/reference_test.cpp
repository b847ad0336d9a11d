// A slow, obviously correct reading of SPEC §3–§5, written from the text and
// not from core/, checked against the fast path (Dataset, the episode scan,
// compute_stats) on thousands of small random logs. The reference works on
// plain std:: containers and strings; the fast path reads the same log as
// canonical NDJSON, the way the tools do, so a mismatch prints a log that
// reproduces it with `parcours stats`.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/metrics.h"
#include "core/table.h"
#include "tests/unit/helpers.h"

using namespace parcours;

namespace {

// splitmix64: the same logs on every standard library.
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<uint64_t>(n)); }
  bool chance(int percent) { return below(100) < percent; }
};

// Channel names in the order of the enum of SPEC §2 (and of record.h), which
// is also the last tie-break of the (start, id) order: see Seq below.
const char* const kChannels[] = {"phone", "ivr", "chat", "email", "mail", "fax", "counter", "web", "social", "cobrowse"};
const char* const kOutcomes[] = {"", "resolved", "unresolved", "abandoned", "transferred", "unknown"};
enum { kNoOutcome = 0, kUnresolved = 2, kAbandoned = 3 };

constexpr int64_t kSec = 1'000'000, kHour = 3600 * kSec, kDay = 24 * kHour;
constexpr int64_t kBase = 1772409600 * kSec;  // 2026-03-02T00:00:00Z

struct Rec {
  std::string id;
  int channel = 0;
  int64_t start = 0;
  std::optional<int64_t> answered, end;
  std::optional<std::string> service, customer, conversation;
  std::vector<std::pair<std::string, std::string>> ids;  // kind, value, as written
  bool out = false;
  bool write_in = false;  // spell "direction":"in" out, the default
  int outcome = kNoOutcome;
  int offset_min = 0;     // the UTC offset the times are written in
};

struct Params2 {
  int64_t window;
  std::optional<int64_t> as_of;
  bool strict, any_service;
};

// ---- Writing the log -------------------------------------------------------

void append_escaped(std::string& out, const std::string& s) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\'), out.push_back(c);
    else if (c == '\t') out += "\\t";
    else out.push_back(c);
  }
  out.push_back('"');
}

std::string two(int64_t n) { return (n < 10 ? "0" : "") + std::to_string(n); }

// RFC 3339 in the record's own offset. Hinnant's civil_from_days.
std::string rfc3339(int64_t micros, int offset_min) {
  int64_t secs = micros / kSec + offset_min * 60;
  int64_t days = secs / 86400, rem = secs % 86400;
  if (rem < 0) rem += 86400, --days;
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2);
  std::string s = std::to_string(y) + "-" + two(m) + "-" + two(d) + "T" + two(rem / 3600) + ":" +
                  two(rem / 60 % 60) + ":" + two(rem % 60);
  if (offset_min == 0) return s + "Z";
  const int a = offset_min < 0 ? -offset_min : offset_min;
  return s + (offset_min < 0 ? "-" : "+") + two(a / 60) + ":" + two(a % 60);
}

std::string ndjson_line(const Rec& r) {
  std::string s = "{\"id\":";
  append_escaped(s, r.id);
  s += ",\"channel\":\"" + std::string(kChannels[r.channel]) + "\",\"start\":\"" + rfc3339(r.start, r.offset_min) + "\"";
  if (r.answered) s += ",\"answered\":\"" + rfc3339(*r.answered, r.offset_min) + "\"";
  if (r.end) s += ",\"end\":\"" + rfc3339(*r.end, r.offset_min) + "\"";
  if (r.service) s += ",\"service\":", append_escaped(s, *r.service);
  if (r.customer) s += ",\"customer\":", append_escaped(s, *r.customer);
  if (!r.ids.empty()) {
    s += ",\"ids\":{";
    for (size_t i = 0; i < r.ids.size(); ++i) {
      if (i > 0) s += ",";
      append_escaped(s, r.ids[i].first);
      s += ":";
      append_escaped(s, r.ids[i].second);
    }
    s += "}";
  }
  if (r.out) s += ",\"direction\":\"out\"";
  else if (r.write_in) s += ",\"direction\":\"in\"";
  if (r.outcome != kNoOutcome) s += ",\"outcome\":\"" + std::string(kOutcomes[r.outcome]) + "\"";
  if (r.conversation) s += ",\"conversation\":", append_escaped(s, *r.conversation);
  return s + "}\n";
}

std::string ndjson(const std::vector<Rec>& log) {
  std::string s;
  for (const Rec& r : log) s += ndjson_line(r);
  return s;
}

// ---- Generating logs -------------------------------------------------------

// One person's identifiers, in several spellings that normalise the same way.
void identify(Rng& g, int k, Rec* r) {
  const std::string n = std::to_string(k);
  if (g.chance(30)) {
    const char* const pad[] = {"", "", " ", "\t"};
    r->customer = pad[g.below(4)] + ("C" + n) + pad[g.below(4)];
    if (g.chance(50)) {
      if (g.chance(20)) r->ids.push_back({"phone", g.chance(50) ? "+18005550100" : "800-555-0100"});
      return;
    }
  }
  std::vector<std::pair<std::string, std::string>> ids;
  if (g.chance(40)) ids.push_back({"client", "F-00" + n});
  if (g.chance(50)) {
    const std::string forms[] = {"user" + n + "@example.org", "User" + n + "@Example.ORG", " user" + n + "@EXAMPLE.org "};
    ids.push_back({"email", forms[g.below(3)]});
  }
  if (g.chance(50)) {
    const std::string forms[] = {"+1514555010" + n, "514-555-010" + n, "(514) 555-010" + n, "+1 514 555 010" + n,
                                 "1-514-555-010" + n};
    ids.push_back({"phone", forms[g.below(5)]});
  }
  if (g.chance(30)) ids.push_back({"chat", "s-" + n});
  if (g.chance(20)) ids.push_back({"nas", "N" + n});
  if (g.chance(20)) ids.push_back({"badge", "B" + n});
  // Empty and junk values are not identifiers.
  if (g.chance(15)) {
    const char* const kinds[] = {"client", "email", "phone", "chat", "aaa"};
    const std::string kind = kinds[g.below(5)];
    const char* const junk[] = {"", "  ", "Anonymous", "0000000000", "+1 000 000 0000"};
    if (std::none_of(ids.begin(), ids.end(), [&](const auto& kv) { return kv.first == kind; }))
      ids.push_back({kind, junk[g.below(5)]});
  }
  // Glue: a switchboard shared by many, or another person's identifier
  // (a family email, a mistyped file number).
  if (g.chance(12) && std::none_of(ids.begin(), ids.end(), [](const auto& kv) { return kv.first == "phone"; }))
    ids.push_back({"phone", g.chance(50) ? "+18005550100" : "800-555-0100"});
  if (g.chance(8) && std::none_of(ids.begin(), ids.end(), [](const auto& kv) { return kv.first == "email"; }))
    ids.push_back({"email", "user" + std::to_string(1 + g.below(6)) + "@example.org"});
  for (size_t i = ids.size(); i > 1; --i) std::swap(ids[i - 1], ids[static_cast<size_t>(g.below(static_cast<int>(i)))]);
  r->ids = std::move(ids);
}

std::vector<Rec> generate(Rng& g, Params2* p) {
  const int nrec = 1 + g.below(40);
  const int ncust = 1 + g.below(6);
  const char* const pool[] = {"credit-impot", "alloc", "permis", "unknown"};
  std::vector<std::string> services;
  for (int i = 0, n = 1 + g.below(3); i < n; ++i) services.push_back(pool[g.below(4)]);
  const int64_t step = std::vector<int64_t>{kHour, 6 * kHour, 12 * kHour, kDay}[g.below(4)];
  const int64_t max_slots = 20 * kDay / step;
  const int64_t slots = std::vector<int64_t>{2, 5, 12, max_slots}[g.below(4)];
  const int nconv = g.below(4);
  const int id_pool = 3 + g.below(14);
  const int offsets[] = {0, 0, 0, 60, -300, 120};

  std::vector<Rec> log;
  for (int i = 0; i < nrec; ++i) {
    Rec r;
    // Short numeric ids, some with leading zeros, so byte order is not number order.
    r.id = (g.chance(10) ? "0" : "") + std::to_string(1 + g.below(id_pool));
    r.channel = g.below(10);
    r.start = kBase + step * static_cast<int64_t>(g.below(static_cast<int>(slots)));
    if (g.chance(20)) r.answered = r.start + g.below(3) * 10 * 60 * kSec;
    if (g.chance(50)) r.end = r.start + g.below(7) * 30 * 60 * kSec;
    if (g.chance(85)) r.service = services[static_cast<size_t>(g.below(static_cast<int>(services.size())))];
    if (!g.chance(12)) identify(g, 1 + g.below(ncust), &r);
    else if (g.chance(30)) r.customer = " ";
    r.out = g.chance(20);
    r.write_in = !r.out && g.chance(30);
    r.outcome = g.below(6);
    r.offset_min = offsets[g.below(6)];
    if (nconv > 0 && g.chance(35)) {
      r.conversation = "cv" + std::to_string(1 + g.below(nconv));
      // A transfer mostly stays on its channel and with its caller.
      for (const Rec& o : log) {
        if (o.conversation != r.conversation) continue;
        if (g.chance(70)) r.channel = o.channel;
        if (g.chance(50)) r.customer = o.customer, r.ids = o.ids;
        break;
      }
    }
    if (!log.empty() && g.chance(12)) {
      const Rec& o = log[static_cast<size_t>(g.below(static_cast<int>(log.size())))];
      if (g.chance(50)) r = o;  // delivered twice, unchanged
      else r.channel = o.channel, r.id = o.id;  // same contact, fields changed
    }
    log.push_back(std::move(r));
  }
  const int64_t windows[] = {7 * kDay, kDay, 36 * kHour, kHour, 12 * kHour, 6 * kHour};
  p->window = windows[g.below(6)];
  p->as_of.reset();
  if (g.chance(50)) p->as_of = kBase + (g.below(28 * 24) - 48) * kHour;
  p->strict = g.chance(50);
  p->any_service = g.chance(50);
  return log;
}

// ---- The reference ---------------------------------------------------------

std::string trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) --b;
  return s.substr(a, b - a);
}

// ---- Identity (SPEC §3), written from the text ------------------------------
//
// Nodes are strings whose byte order is the canonical order: "0KEY" for a
// known key, then identifiers as RANK KIND \0 VALUE, RANK '1' to '4' for
// client, email, phone, chat and '5' for the other kinds (then by name).

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// North American numbers only, which is all the generator writes: ten
// digits, or eleven with the leading 1, whatever the punctuation.
std::optional<std::string> nanp_e164(const std::string& v) {
  std::string d;
  for (char c : v)
    if (c >= '0' && c <= '9') d.push_back(c);
  if (d.size() == 10) return "+1" + d;
  if (d.size() == 11 && d[0] == '1') return "+" + d;
  return std::nullopt;
}

bool junk(const std::string& v) {
  if (v.empty() || lower(v) == "anonymous") return true;
  std::string d;
  for (char c : v)
    if (c >= '0' && c <= '9') d.push_back(c);
  if (d.size() == 11 && d[0] == '1') d = d.substr(1);
  return !d.empty() && d.find_first_not_of('0') == std::string::npos &&
         v.find_first_not_of("0123456789 -+()") == std::string::npos;
}

std::optional<std::string> key_of(const Rec& r) {
  if (r.customer && !trim(*r.customer).empty()) return "0" + trim(*r.customer);
  return std::nullopt;
}

// A record's identifier nodes, junk left out.
std::vector<std::string> identifiers_of(const Rec& r) {
  std::vector<std::string> out;
  for (const auto& [kind, raw] : r.ids) {
    std::string v = trim(raw);
    if (junk(v)) continue;
    if (kind == "email") v = lower(v);
    if (kind == "phone") {
      auto e = nanp_e164(v);
      if (!e) continue;
      v = *e;
    }
    const char rank = kind == "client" ? '1' : kind == "email" ? '2' : kind == "phone" ? '3' : kind == "chat" ? '4' : '5';
    out.push_back(std::string(1, rank) + kind + '\0' + v);
  }
  return out;
}

// Customer of each record (by position in `records`); `contacts` groups the
// positions of the records that count into contacts (legs together).
std::vector<std::optional<std::string>> link(const std::vector<Rec>& records,
                                             const std::vector<std::vector<size_t>>& contacts) {
  // Fanout: an identifier seen on records with two known keys is shared.
  std::map<std::string, std::set<std::string>> keys_of;
  for (const auto& c : contacts)
    for (size_t i : c)
      if (auto k = key_of(records[i]))
        for (const std::string& id : identifiers_of(records[i])) keys_of[id].insert(*k);
  auto usable = [&](const std::string& id) { return keys_of[id].size() <= 1; };

  // Edges: each contact a star from its smallest node; all edges in order.
  std::set<std::pair<std::string, std::string>> edges;
  std::map<std::string, std::string> parent;
  for (const auto& c : contacts) {
    std::set<std::string> nodes;
    for (size_t i : c) {
      if (auto k = key_of(records[i])) nodes.insert(*k);
      for (const std::string& id : identifiers_of(records[i]))
        if (usable(id)) nodes.insert(id);
    }
    for (const std::string& n : nodes) {
      parent[n] = n;
      if (n != *nodes.begin()) edges.insert({*nodes.begin(), n});
    }
  }
  std::function<std::string(const std::string&)> find = [&](const std::string& n) -> std::string {
    return parent[n] == n ? n : find(parent[n]);
  };
  auto key_in = [&](const std::string& root) {  // the known key of a component, or ""
    for (const auto& [n, p] : parent)
      if (n[0] == '0' && find(n) == root) return n;
    return std::string();
  };
  for (const auto& [a, b] : edges) {
    const std::string ra = find(a), rb = find(b);
    if (ra == rb) continue;
    if (!key_in(ra).empty() && !key_in(rb).empty()) continue;  // never two known customers
    parent[rb] = ra;
  }
  auto label = [&](const std::string& node) {
    const std::string root = find(node);
    std::string best = key_in(root);
    if (best.empty())
      for (const auto& [n, p] : parent)
        if (find(n) == root && (best.empty() || n < best)) best = n;
    if (best[0] == '0') return best.substr(1);
    const size_t nul = best.find('\0');
    return best.substr(1, nul - 1) + ":" + best.substr(nul + 1);
  };

  std::vector<std::optional<std::string>> out(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    if (auto k = key_of(records[i])) {
      out[i] = k->substr(1);
      continue;
    }
    std::vector<std::string> ids;
    for (const std::string& id : identifiers_of(records[i]))
      if (usable(id) && parent.count(id)) ids.push_back(id);
    if (!ids.empty()) out[i] = label(*std::min_element(ids.begin(), ids.end()));
  }
  return out;
}

bool identifiable(const Rec& r) { return key_of(r) || !identifiers_of(r).empty(); }

struct RefContact {
  std::string id, service;
  int channel;
  int64_t start;
  std::optional<std::string> customer;
  bool out;
  int outcome;
};

// (start, id) of SPEC §4; the channel breaks the last tie, as Dataset::before
// documents (two systems may both number their contacts "1").
bool seq_before(const RefContact& a, const RefContact& b) {
  if (a.start != b.start) return a.start < b.start;
  if (a.id != b.id) return a.id < b.id;
  return a.channel < b.channel;
}

struct RefRow {
  int64_t contacts = 0, inbound = 0, unidentified = 0, episodes = 0, identified = 0, switches = 0,
          cohort = 0, resolved = 0, breadth = 0;
  std::set<std::string> customers;
  std::map<std::pair<std::string, std::string>, int64_t> transitions;  // channel names
};

struct RefSummary {
  std::map<std::string, RefRow> rows;
  RefRow all;
  int64_t as_of;
};

RefSummary reference_stats(const std::vector<Rec>& log, const Params2& p) {
  // Duplicates: one contact per (channel, id), the last read.
  std::map<std::pair<int, std::string>, Rec> unique;
  for (const Rec& r : log) unique[{r.channel, r.id}] = r;

  RefSummary out;
  out.as_of = INT64_MIN;
  for (const auto& [key, r] : unique) out.as_of = std::max(out.as_of, r.start);
  if (p.as_of) out.as_of = *p.as_of;

  // Legs: one conversation on one channel is one contact, its legs in
  // (start, id) order.
  std::vector<Rec> records;
  std::vector<std::vector<size_t>> groups;
  std::map<std::pair<std::string, int>, std::vector<Rec>> legs;
  for (const auto& [key, r] : unique) {
    if (r.conversation) {
      legs[{*r.conversation, r.channel}].push_back(r);
      continue;
    }
    groups.push_back({records.size()});
    records.push_back(r);
  }
  for (auto& [key, v] : legs) {
    std::sort(v.begin(), v.end(), [](const Rec& a, const Rec& b) {
      return a.start != b.start ? a.start < b.start : a.id < b.id;
    });
    groups.emplace_back();
    for (const Rec& leg : v) {
      groups.back().push_back(records.size());
      records.push_back(leg);
    }
  }
  const std::vector<std::optional<std::string>> customer = link(records, groups);

  std::vector<RefContact> contacts;
  for (const auto& g : groups) {
    const Rec& first = records[g.front()];
    // Earliest start and the first leg's fields; the last leg's outcome; the
    // customer of the first leg that has one.
    RefContact c{first.id, first.service.value_or("unknown"), first.channel, first.start, std::nullopt, first.out,
                 records[g.back()].outcome};
    for (size_t i : g)
      if (customer[i]) {
        c.customer = customer[i];
        break;
      }
    contacts.push_back(c);
  }

  // Outbound and unidentified contacts count under their own service.
  std::map<std::pair<std::string, std::string>, std::vector<RefContact>> seqs;
  for (const RefContact& c : contacts) {
    RefRow& row = out.rows[c.service];
    if (!c.out && c.customer) {
      seqs[{*c.customer, p.any_service ? std::string() : c.service}].push_back(c);
      continue;
    }
    ++row.contacts;
    if (!c.out) ++row.inbound, ++row.unidentified;
  }

  for (auto& [key, seq] : seqs) {
    std::sort(seq.begin(), seq.end(), seq_before);
    size_t i = 0;
    while (i < seq.size()) {
      size_t j = i + 1;
      while (j < seq.size() && seq[j].start - seq[j - 1].start <= p.window) ++j;
      // seq[i, j) is one episode; it counts under its first contact's service.
      const RefContact& first = seq[i];
      RefRow& row = out.rows[first.service];
      const int64_t n = static_cast<int64_t>(j - i);
      row.contacts += n;
      row.inbound += n;
      row.identified += n;
      ++row.episodes;
      std::set<int> channels;
      for (size_t k = i; k < j; ++k) {
        channels.insert(seq[k].channel);
        if (k == i) continue;
        row.switches += seq[k].channel != seq[k - 1].channel;
        ++row.transitions[{kChannels[seq[k - 1].channel], kChannels[seq[k].channel]}];
      }
      row.breadth += static_cast<int64_t>(channels.size());
      const bool cohort = first.start <= out.as_of - p.window;
      row.cohort += cohort;
      row.resolved += cohort && n == 1 &&
                      !(p.strict && (first.outcome == kUnresolved || first.outcome == kAbandoned));
      row.customers.insert(key.first);
      i = j;
    }
  }

  for (const auto& [name, r] : out.rows) {
    RefRow& a = out.all;
    a.contacts += r.contacts, a.inbound += r.inbound, a.unidentified += r.unidentified;
    a.episodes += r.episodes, a.identified += r.identified, a.switches += r.switches;
    a.cohort += r.cohort, a.resolved += r.resolved, a.breadth += r.breadth;
    a.customers.insert(r.customers.begin(), r.customers.end());
    for (const auto& [t, n] : r.transitions) a.transitions[t] += n;
  }
  return out;
}

// ---- Comparing -------------------------------------------------------------

std::string ratio4(int64_t num, int64_t den) {
  if (den == 0) return "";
  const int64_t q = (num * 20000 + den) / (2 * den);  // half up
  const std::string frac = std::to_string(q % 10000);
  return std::to_string(q / 10000) + "." + std::string(4 - frac.size(), '0') + frac;
}

// Appends "column: expected X, got Y" lines for every difference.
void compare_row(const std::string& name, const RefRow& e, const ServiceStats& got, std::vector<std::string>* diffs) {
  const Counts& n = got.n;
  auto num = [&](const char* col, int64_t want, int64_t have) {
    if (want != have)
      diffs->push_back(name + " " + col + ": expected " + std::to_string(want) + ", got " + std::to_string(have));
  };
  auto rate = [&](const char* col, int64_t wn, int64_t wd, Ratio have) {
    if (wn != have.num || wd != have.den || ratio4(wn, wd) != format_ratio4(have))
      diffs->push_back(name + " " + col + ": expected " + std::to_string(wn) + "/" + std::to_string(wd) + " \"" +
                       ratio4(wn, wd) + "\", got " + std::to_string(have.num) + "/" + std::to_string(have.den) +
                       " \"" + format_ratio4(have) + "\"");
  };
  const int64_t repeats = e.identified - e.episodes;
  num("contacts", e.contacts, n.contacts);
  num("inbound", e.inbound, n.inbound);
  num("unidentified", e.unidentified, n.unidentified);
  num("customers", static_cast<int64_t>(e.customers.size()), n.customers);
  num("episodes", e.episodes, n.episodes);
  num("repeats", repeats, n.repeats());
  rate("repeat_rate", repeats, e.identified, got.repeat_rate());
  num("switches", e.switches, n.switches);
  num("cohort", e.cohort, n.cohort);
  num("resolved", e.resolved, n.resolved);
  rate("fcr_rate", e.resolved, e.cohort, got.fcr_rate());
  num("pending", e.episodes - e.cohort, n.pending());
  rate("contacts_per_episode", e.identified, e.episodes, got.contacts_per_episode());
  rate("channels_per_episode", e.breadth, e.episodes, got.channels_per_episode());
  for (int from = 0; from < kChannelCount; ++from) {
    for (int to = 0; to < kChannelCount; ++to) {
      const std::string f(channel_name(static_cast<Channel>(from))), t(channel_name(static_cast<Channel>(to)));
      const auto it = e.transitions.find({f, t});
      const int64_t want = it == e.transitions.end() ? 0 : it->second;
      const int64_t have = got.transitions[static_cast<size_t>(from * kChannelCount + to)];
      if (want != have)
        diffs->push_back(name + " transitions " + f + ">" + t + ": expected " + std::to_string(want) + ", got " +
                         std::to_string(have));
    }
  }
}

std::vector<std::string> compare(const RefSummary& e, const Summary& got) {
  std::vector<std::string> diffs;
  if (e.as_of != got.as_of)
    diffs.push_back("as-of: expected " + std::to_string(e.as_of) + ", got " + std::to_string(got.as_of));
  std::string want_rows, have_rows;
  for (const auto& [name, r] : e.rows) want_rows += name + " ";
  for (const ServiceStats& r : got.rows) have_rows += r.service + " ";
  want_rows += "(all)";
  if (!have_rows.empty()) have_rows.pop_back();
  if (want_rows != have_rows) {
    diffs.push_back("rows: expected [" + want_rows + "], got [" + have_rows + "]");
    return diffs;
  }
  size_t i = 0;
  for (const auto& [name, r] : e.rows) compare_row(name, r, got.rows[i++], &diffs);
  compare_row("(all)", e.all, got.rows.back(), &diffs);
  return diffs;
}

std::string describe(uint64_t seed, const std::vector<Rec>& log, const Params2& p) {
  std::ostringstream s;
  s << "seed " << seed << ": window " << p.window / kHour << "h, as-of "
    << (p.as_of ? rfc3339(*p.as_of, 0) : std::string("(latest start)")) << ", mode "
    << (p.strict ? "strict" : "repeat") << (p.any_service ? ", --any-service" : "") << ", " << log.size()
    << " records:\n"
    << ndjson(log);
  return s.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reference)

BOOST_AUTO_TEST_CASE(the_generator_writes_valid_records_and_hits_the_edge_cases) {
  // Without duplicates, legs, ties and unidentified records the comparison
  // below would prove little.
  int64_t dups = 0, legs = 0, unidentified = 0, ties = 0, exact_w = 0, refused = 0, shared = 0, not_phone = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    Rng g{seed};
    Params2 p;
    const std::vector<Rec> log = generate(g, &p);
    Dataset ds;
    const std::vector<FieldError> errs = test::load(ndjson(log), &ds);
    BOOST_TEST_REQUIRE(errs.empty(), describe(seed, log, p)
                                         << (errs.empty() ? "" : errs.front().field + ": " + errs.front().message));
    dups += ds.duplicates;
    legs += ds.legs_merged;
    refused += ds.linker.refused();
    for (const DroppedId& d : ds.linker.dropped()) {
      shared += d.reason == DropReason::kFanout;
      not_phone += d.reason == DropReason::kNotPhone;
    }
    for (const Rec& r : log) unidentified += !identifiable(r);
    for (size_t i = 0; i < log.size(); ++i)
      for (size_t j = i + 1; j < log.size(); ++j) {
        ties += log[i].start == log[j].start;
        exact_w += log[j].start - log[i].start == p.window || log[i].start - log[j].start == p.window;
      }
  }
  BOOST_TEST(dups > 100);
  BOOST_TEST(legs > 100);
  BOOST_TEST(unidentified > 100);
  BOOST_TEST(ties > 1000);
  BOOST_TEST(exact_w > 100);
  // Linking: identifiers shared by known customers, unions refused.
  BOOST_TEST(shared > 10);
  BOOST_TEST(refused > 20);
  BOOST_TEST(not_phone == 0);  // every phone form written is a number
  BOOST_TEST_MESSAGE("shared " << shared << ", refused " << refused);
}

BOOST_AUTO_TEST_CASE(stats_and_transitions_match_the_reference) {
  constexpr uint64_t kLogs = 4000;
  int64_t failures = 0;
  // The smallest failing log for each kind of difference, to reproduce by hand.
  std::map<std::string, std::pair<size_t, std::string>> smallest;
  for (uint64_t seed = 1; seed <= kLogs; ++seed) {
    Rng g{seed};
    Params2 p;
    const std::vector<Rec> log = generate(g, &p);
    Dataset ds;
    const std::vector<FieldError> errs = test::load(ndjson(log), &ds);
    BOOST_TEST_REQUIRE(errs.empty(), describe(seed, log, p));
    Params fp;
    fp.window = p.window;
    fp.as_of = p.as_of ? *p.as_of : kNoTime;
    fp.strict = p.strict;
    fp.any_service = p.any_service;
    const std::vector<std::string> diffs = compare(reference_stats(log, p), compute_stats(ds, fp));
    if (diffs.empty()) continue;
    ++failures;
    // "SERVICE COLUMN ...: expected" or "rows: expected": the column is the kind.
    std::string kind = diffs.front().substr(0, diffs.front().find(':'));
    if (kind.find(' ') != std::string::npos) kind = kind.substr(kind.find(' ') + 1);
    kind = kind.substr(0, kind.find(' '));
    auto it = smallest.find(kind);
    if (it == smallest.end() || log.size() < it->second.first) {
      std::string text = describe(seed, log, p);
      for (const std::string& d : diffs) text += "  " + d + "\n";
      smallest[kind] = {log.size(), text};
    }
  }
  for (const auto& [kind, v] : smallest) BOOST_ERROR("smallest log differing in " << kind << ":\n" << v.second);
  BOOST_TEST(failures == 0, failures << " of " << kLogs << " logs differ from the reference");
}

BOOST_AUTO_TEST_SUITE_END()
