// parcours journeys: one line per identified customer, with their episodes
// (service, start, end, size, path) and their outbound contacts.
//
// Customer keys are often identifiers themselves (phone:+14185550101), so a
// line names its customer by number (c1, c2, ... in key order: the same
// data gives the same numbers, however it is split into files) unless
// --show-ids asks for the keys, or --hash-key made them keyed pseudonyms.
#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "cmd/common.h"

namespace parcours {

namespace {

class JourneyWriter {
 public:
  JourneyWriter(const Dataset& ds, const Ranks& ranks, bool text, bool keys, Output& out)
      : ds_(ds), ranks_(ranks), text_(text), keys_(keys), out_(out) {}

  void add_episode(const Episode& e) { episodes_.push_back(e); }
  void add_outbound(uint32_t contact) { outbound_.push_back(contact); }

  // Prints the current customer's line and starts afresh.
  void flush(uint32_t customer) {
    // Across services, episodes come in the order of their first contacts.
    std::sort(episodes_.begin(), episodes_.end(), [&](const Episode& a, const Episode& b) {
      const Contact &x = ds_.contacts[a.contacts[0]], &y = ds_.contacts[b.contacts[0]];
      if (x.start != y.start || ds_.id(x) != ds_.id(y) || x.channel != y.channel) return ds_.before(x, y);
      return ranks_.service[a.service] < ranks_.service[b.service];
    });
    line_.clear();
    ++lines_;
    if (text_) write_text(customer);
    else write_json(customer);
    out_.write(line_);
    episodes_.clear();
    outbound_.clear();
  }

 private:
  void append_path(const Episode& e) {
    for (size_t k = 0; k < e.contacts.size(); ++k) {
      if (k > 0) line_.push_back('>');
      line_ += channel_name(ds_.contacts[e.contacts[k]].channel);
    }
  }

  // The customer's key, or their number.
  std::string name(uint32_t customer) const {
    return keys_ ? std::string(ds_.customers.view(customer)) : fmt::format("c{}", lines_);
  }

  void write_text(uint32_t customer) {
    line_ += name(customer);
    line_.push_back('\t');
    for (size_t i = 0; i < episodes_.size(); ++i) {
      const Episode& e = episodes_[i];
      if (i > 0) line_ += " | ";
      line_ += ds_.services.view(e.service);
      line_.push_back(' ');
      append_time(line_, ds_.contacts[e.contacts[0]].start);
      line_.push_back(' ');
      append_path(e);
      if (!e.cohort) line_.push_back('*');
    }
    line_.push_back('\n');
  }

  void write_json(uint32_t customer) {
    line_ += "{\"customer\":";
    append_json_string(line_, name(customer));
    line_ += ",\"episodes\":[";
    for (size_t i = 0; i < episodes_.size(); ++i) {
      const Episode& e = episodes_[i];
      if (i > 0) line_.push_back(',');
      line_ += "{\"service\":";
      append_json_string(line_, ds_.services.view(e.service));
      line_ += ",\"start\":\"";
      append_time(line_, ds_.contacts[e.contacts[0]].start);
      line_ += "\",\"end\":\"";
      append_time(line_, e.end);
      line_ += "\",\"size\":";
      append_int(e.contacts.size());
      line_ += ",\"breadth\":";
      append_int(e.breadth());
      line_ += ",\"path\":\"";
      append_path(e);
      line_ += "\",\"contacts\":[";
      for (size_t k = 0; k < e.contacts.size(); ++k) {
        if (k > 0) line_.push_back(',');
        append_json_string(line_, ds_.id(ds_.contacts[e.contacts[k]]));
      }
      line_ += e.cohort ? "],\"cohort\":true" : "],\"cohort\":false";
      line_ += e.resolved ? ",\"resolved\":true}" : ",\"resolved\":false}";
    }
    line_ += "],\"outbound\":[";
    for (size_t i = 0; i < outbound_.size(); ++i) {
      const Contact& c = ds_.contacts[outbound_[i]];
      if (i > 0) line_.push_back(',');
      line_ += "{\"id\":";
      append_json_string(line_, ds_.id(c));
      line_ += ",\"service\":";
      append_json_string(line_, ds_.service(c));
      line_ += ",\"channel\":\"";
      line_ += channel_name(c.channel);
      line_ += "\",\"start\":\"";
      append_time(line_, c.start);
      line_ += "\"}";
    }
    line_ += "]}\n";
  }

  void append_int(uint64_t v) {
    char buf[24];
    line_.append(buf, static_cast<size_t>(std::to_chars(buf, buf + sizeof buf, v).ptr - buf));
  }

  const Dataset& ds_;
  const Ranks& ranks_;
  bool text_, keys_;
  int64_t lines_ = 0;
  Output& out_;
  std::vector<Episode> episodes_;
  std::vector<uint32_t> outbound_;
  std::string line_;
};

void write_journeys(const Dataset& ds, const Params& p, bool text, bool keys, Output& out) {
  const Ranks ranks(ds);
  const std::vector<uint32_t> inbound = scan_order(ds, p, &ranks, Direction::in);
  const std::vector<uint32_t> outbound = scan_order(ds, p, &ranks, Direction::out);
  JourneyWriter w(ds, ranks, text, keys, out);
  size_t next_out = 0;
  uint32_t current = kNone;
  auto rank = [&](uint32_t customer) { return ranks.customer[customer]; };
  // Outbound contacts of customers up to `limit` (by rank), flushing those
  // who have no inbound episode as lines of their own.
  auto take_outbound_until = [&](uint64_t limit) {
    while (next_out < outbound.size() && !out.reader_gone()) {
      const uint32_t c = ds.contacts[outbound[next_out]].customer;
      if (rank(c) >= limit) break;
      if (current != kNone && c != current && rank(c) > rank(current)) {
        w.flush(current);
        current = kNone;
      }
      if (current == kNone) current = c;
      w.add_outbound(outbound[next_out++]);
    }
  };
  for_each_episode(ds, p, inbound, [&](const Episode& e) {
    if (e.customer == current) {
      w.add_episode(e);
      return;
    }
    if (current != kNone) {
      // Finish the current customer with their own outbound contacts.
      take_outbound_until(rank(current) + 1);
      w.flush(current);
      current = kNone;
    }
    take_outbound_until(rank(e.customer));
    if (current != kNone) w.flush(current);
    current = e.customer;
    w.add_episode(e);
  });
  if (current != kNone) {
    take_outbound_until(rank(current) + 1);
    w.flush(current);
    current = kNone;
  }
  take_outbound_until(UINT64_MAX);
  if (current != kNone) w.flush(current);
}

}  // namespace

std::function<int()> setup_journeys(CLI::App& app) {
  auto o = std::make_shared<ComputeOptions>();
  auto show_ids = std::make_shared<bool>(false);
  add_compute_options(app, *o, {"ndjson", "text"});
  app.add_flag("--show-ids", *show_ids, "name customers by their keys (identifiers) instead of c1, c2, ...");
  return [o, show_ids] {
    Loaded in;
    const int status = load("journeys", *o, &in);
    if (!in.complete) return status;
    print_summary("journeys", *o, in);
    const bool keys = *show_ids || !o->link.hash_key.empty();
    return emit("journeys", *o,
                [&](Output& out) { write_journeys(in.ds, in.params, o->format == "text", keys, out); }, status);
  };
}

}  // namespace parcours
