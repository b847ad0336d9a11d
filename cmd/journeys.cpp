// parcours journeys: one line per identified customer, with their episodes
// (service, start, end, size, path) and their outbound contacts.
//
// Customer keys are often identifiers themselves (phone:+14185550101), so a
// line names its customer by number (c1, c2, ... in key order: the same
// data gives the same numbers, however it is split into files) unless
// --show-ids asks for the keys, or --hash-key made them keyed pseudonyms.
#include <algorithm>
#include <charconv>
#include <cstring>
#include <deque>
#include <future>
#include <memory>
#include <span>

#include <fmt/format.h>

#include "cmd/common.h"
#include "core/spill.h"

namespace parcours {

namespace {

// The text of a block of lines. Its appends are inline (those of
// std::string are calls into the library, about 50 instructions each, and
// a line of JSON makes dozens); only growing is not.
class TextBuf {
 public:
  void clear() { size_ = 0; }
  std::string_view view() const { return {data_.get(), size_}; }
  void put(std::string_view v) {
    if (v.empty()) return;
    std::memcpy(room(v.size()), v.data(), v.size());
    size_ += v.size();
  }
  void put(char c) {
    *room(1) = c;
    ++size_;
  }
  template <size_t N>
  void lit(const char (&s)[N]) {
    std::memcpy(room(N - 1), s, N - 1);
    size_ += N - 1;
  }
  void number(uint64_t v) {
    char* at = room(20);
    size_ += static_cast<size_t>(std::to_chars(at, at + 20, v).ptr - at);
  }
  void time(Micros t) { size_ += write_time(room(kTimeTextMax), t); }
  // As append_json_string: quoted, escaped where JSON asks.
  void json(std::string_view v) {
    if (!json_plain(v)) {
      std::string escaped;
      append_json_string(escaped, v);
      put(escaped);
      return;
    }
    char* at = room(v.size() + 2);
    at[0] = '"';
    if (!v.empty()) std::memcpy(at + 1, v.data(), v.size());
    at[v.size() + 1] = '"';
    size_ += v.size() + 2;
  }

 private:
  // Room for n more bytes at the end.
  char* room(size_t n) {
    if (capacity_ - size_ < n) grow(n);
    return data_.get() + size_;
  }
  void grow(size_t n) {
    const size_t capacity = std::max({capacity_ * 2, size_ + n, size_t{1} << 16});
    auto data = std::make_unique<char[]>(capacity);
    if (size_ > 0) std::memcpy(data.get(), data_.get(), size_);
    data_ = std::move(data);
    capacity_ = capacity;
  }
  std::unique_ptr<char[]> data_;
  size_t size_ = 0, capacity_ = 0;
};

// The customers are cut into pieces of kPieceCustomers in rank order; each
// piece's lines are made (its episodes found, its contacts gathered, then
// written out as text) on a thread of its own (--threads), and handed to
// the output in order: the same bytes whatever the number of threads.
class JourneyWriter {
 public:
  // `inbound` and `outbound` in scan order with `ranks` (scan_order), and
  // where each customer's contacts end in them, by rank.
  JourneyWriter(const Dataset& ds, const Params& p, const Ranks& ranks, bool text, bool keys,
                std::span<const uint32_t> inbound, std::span<const uint32_t> in_ends,
                std::span<const uint32_t> outbound, std::span<const uint32_t> out_ends)
      : ds_(ds), p_(p), ranks_(ranks), text_(text), keys_(keys), inbound_(inbound), in_ends_(in_ends),
        outbound_(outbound), out_ends_(out_ends) {}

  // Writes every line to `out`, or until its reader goes away.
  void write(Output& out) {
    const size_t customers = in_ends_.size();
    const size_t pieces = (customers + kPieceCustomers - 1) / kPieceCustomers;
    // A customer gets a line when they have a contact, either way: the
    // lines before each piece, for its names (c1, c2, ...).
    std::vector<int64_t> lines_before(pieces + 1, 0);
    for (size_t k = 0; k < customers; ++k) {
      const bool line = count(in_ends_, k) > 0 || count(out_ends_, k) > 0;
      lines_before[k / kPieceCustomers + 1] += line;
    }
    for (size_t piece = 1; piece <= pieces; ++piece) lines_before[piece] += lines_before[piece - 1];
    // On one thread each piece is made when its turn to be written comes.
    const int threads = std::max(1, ds_.threads);
    const std::launch launch = threads == 1 ? std::launch::deferred : std::launch::async;
    std::deque<Pending> pending;
    const auto take = [&] {
      Pending next = std::move(pending.front());
      pending.pop_front();
      next.done.get();
      out.write(next.block->text.view());
      recycle(std::move(next.block));
    };
    for (size_t piece = 0; piece < pieces && !out.reader_gone(); ++piece) {
      std::unique_ptr<Block> b = take_spare();
      const size_t first = piece * kPieceCustomers, last = std::min(customers, first + kPieceCustomers);
      const int64_t number = lines_before[piece];
      while (pending.size() >= static_cast<size_t>(threads)) take();
      Block* raw = b.get();
      pending.push_back({std::move(b), std::async(launch, [this, raw, first, last, number] {
                           make_lines(*raw, first, last, number);
                         })});
    }
    while (!pending.empty()) take();
  }

 private:
  static constexpr size_t kPieceCustomers = 4096;
  static constexpr size_t kWarmLines = 8;  // how far ahead render() fetches ids
  struct LineEnd {
    uint32_t customer;
    int64_t number;  // 1, 2, ... (the c1, c2 of the line)
    size_t episodes_end, contacts_end, outbound_end;  // in the block's arrays
  };
  struct BlockEpisode {
    Episode e;
    size_t first;  // its first contact in the block's contacts, the others after it
  };
  // The lines of a piece. The contacts are copied in as the walk meets them
  // (they are in the caches then): rendering reads them in order, where
  // reading them from Dataset::contacts would wait on memory for each.
  struct Block {
    std::vector<LineEnd> lines;
    std::vector<BlockEpisode> episodes;
    std::vector<Contact> contacts;  // of the episodes
    std::vector<Contact> outbound;
    std::string key;  // of the line being written, with keys_
    TextBuf text;
  };
  struct Pending {
    std::unique_ptr<Block> block;
    std::future<void> done;  // destroyed first: waits for the task before its block goes
  };

  // Contacts of the k-th customer (by rank) in a scan order's ends.
  static uint32_t begin_of(std::span<const uint32_t> ends, size_t k) { return k == 0 ? 0 : ends[k - 1]; }
  static uint32_t count(std::span<const uint32_t> ends, size_t k) { return ends[k] - begin_of(ends, k); }

  // The lines of the customers ranked [first, last), numbered from
  // number + 1, into b.text.
  void make_lines(Block& b, size_t first, size_t last, int64_t number) const {
    if (first == last) return;
    const std::span<const uint32_t> inbound =
        inbound_.subspan(begin_of(in_ends_, first), in_ends_[last - 1] - begin_of(in_ends_, first));
    const std::span<const uint32_t> outbound =
        outbound_.subspan(begin_of(out_ends_, first), out_ends_[last - 1] - begin_of(out_ends_, first));
    const auto rank = [&](uint32_t customer) { return ranks_.customer[customer]; };
    const auto add_episode = [&](const Episode& e) {
      b.episodes.push_back({e, b.contacts.size()});
      for (const uint32_t c : e.contacts) b.contacts.push_back(ds_.contacts[c]);
    };
    const auto flush = [&](uint32_t customer) {
      b.lines.push_back({customer, ++number, b.episodes.size(), b.contacts.size(), b.outbound.size()});
    };
    size_t next_out = 0;
    uint32_t current = kNone;
    // Outbound contacts of customers up to `limit` (by rank), flushing those
    // who have no inbound episode as lines of their own.
    const auto take_outbound_until = [&](uint64_t limit) {
      while (next_out < outbound.size()) {
        const Contact& c = ds_.contacts[outbound[next_out]];
        if (rank(c.customer) >= limit) break;
        if (current != kNone && c.customer != current && rank(c.customer) > rank(current)) {
          flush(current);
          current = kNone;
        }
        if (current == kNone) current = c.customer;
        b.outbound.push_back(c);
        ++next_out;
      }
    };
    for_each_episode(ds_, p_, inbound, [&](const Episode& e) {
      if (e.customer == current) {
        add_episode(e);
        return;
      }
      if (current != kNone) {
        // Finish the current customer with their own outbound contacts.
        take_outbound_until(rank(current) + 1);
        flush(current);
        current = kNone;
      }
      take_outbound_until(rank(e.customer));
      if (current != kNone) flush(current);
      current = e.customer;
      add_episode(e);
    });
    if (current != kNone) {
      take_outbound_until(rank(current) + 1);
      flush(current);
      current = kNone;
    }
    take_outbound_until(UINT64_MAX);
    if (current != kNone) flush(current);
    render(b);
  }

  // Blocks, and the text rendered in them, are used again: a fresh one
  // would cost its pages again (zeroed by the kernel) at every block.
  std::unique_ptr<Block> take_spare() {
    if (spare_.empty()) return std::make_unique<Block>();
    std::unique_ptr<Block> b = std::move(spare_.back());
    spare_.pop_back();
    return b;
  }
  void recycle(std::unique_ptr<Block> b) {
    b->lines.clear();
    b->episodes.clear();
    b->contacts.clear();
    b->outbound.clear();
    b->text.clear();
    spare_.push_back(std::move(b));
  }

  // Renders the block's lines into b.text.
  void render(Block& b) const {
    TextBuf& out = b.text;
    size_t ep = 0, ob = 0;
    // The ids of a line are anywhere in memory: those of the lines a little
    // further on are fetched meanwhile, in two steps.
    const auto warm = [&](size_t line, int step) {
      if (line >= b.lines.size()) return;
      const size_t c0 = line == 0 ? 0 : b.lines[line - 1].contacts_end;
      const size_t o0 = line == 0 ? 0 : b.lines[line - 1].outbound_end;
      if (keys_) ds_.customers.warm(b.lines[line].customer, step);
      for (size_t c = c0; c < b.lines[line].contacts_end; ++c) ds_.warm_id(b.contacts[c], step);
      for (size_t o = o0; o < b.lines[line].outbound_end; ++o) ds_.warm_id(b.outbound[o], step);
    };
    for (size_t line = 0; line < b.lines.size(); ++line) {
      warm(line + kWarmLines, 0);
      warm(line + kWarmLines / 2, 1);
      const LineEnd& l = b.lines[line];
      const std::span<BlockEpisode> episodes(b.episodes.data() + ep, l.episodes_end - ep);
      const std::span<const Contact> outbound(b.outbound.data() + ob, l.outbound_end - ob);
      // Across services, episodes come in the order of their first contacts.
      std::sort(episodes.begin(), episodes.end(), [&](const BlockEpisode& a, const BlockEpisode& e) {
        const Contact &x = b.contacts[a.first], &y = b.contacts[e.first];
        if (ds_.before(x, y)) return true;
        if (ds_.before(y, x)) return false;
        return ranks_.service[a.e.service] < ranks_.service[e.e.service];
      });
      // The key read where it lies among the linker's names: journeys
      // names each customer once, so keys are not all written out ahead
      // as CustomerKeys::view does (83 MiB at 10M records, at the peak).
      if (keys_) {
        b.key.clear();
        ds_.customers.append(l.customer, &b.key);
      }
      if (text_) write_text(out, b, l, episodes);
      else write_json(out, b, l, episodes, outbound);
      ep = l.episodes_end;
      ob = l.outbound_end;
    }
  }

  static std::span<const Contact> contacts_of(const Block& b, const BlockEpisode& e) {
    return {b.contacts.data() + e.first, e.e.contacts.size()};
  }

  static void append_path(TextBuf& out, std::span<const Contact> contacts) {
    for (size_t k = 0; k < contacts.size(); ++k) {
      if (k > 0) out.put('>');
      out.put(channel_name(contacts[k].channel));
    }
  }

  // The customer's key (in b.key), or their number.
  void append_name(TextBuf& out, const Block& b, const LineEnd& l) const {
    if (keys_) {
      out.put(b.key);
      return;
    }
    out.put('c');
    out.number(static_cast<uint64_t>(l.number));
  }

  void write_text(TextBuf& out, const Block& b, const LineEnd& l, std::span<const BlockEpisode> episodes) const {
    append_name(out, b, l);
    out.put('\t');
    for (size_t i = 0; i < episodes.size(); ++i) {
      const Episode& e = episodes[i].e;
      const std::span<const Contact> contacts = contacts_of(b, episodes[i]);
      if (i > 0) out.lit(" | ");
      out.put(ds_.services.view(e.service));
      out.put(' ');
      out.time(contacts[0].start);
      out.put(' ');
      append_path(out, contacts);
      if (!e.cohort) out.put('*');
    }
    out.put('\n');
  }

  void write_json(TextBuf& out, const Block& b, const LineEnd& l, std::span<const BlockEpisode> episodes,
                  std::span<const Contact> outbound) const {
    Dataset::IdRoom room;
    out.lit("{\"customer\":");
    if (keys_) {
      out.json(b.key);
    } else {
      out.put('"');
      append_name(out, b, l);
      out.put('"');
    }
    out.lit(",\"episodes\":[");
    for (size_t i = 0; i < episodes.size(); ++i) {
      const Episode& e = episodes[i].e;
      const std::span<const Contact> contacts = contacts_of(b, episodes[i]);
      if (i > 0) out.put(',');
      out.lit("{\"service\":");
      out.json(ds_.services.view(e.service));
      out.lit(",\"start\":\"");
      out.time(contacts[0].start);
      out.lit("\",\"end\":\"");
      out.time(e.end);
      out.lit("\",\"size\":");
      out.number(e.contacts.size());
      out.lit(",\"breadth\":");
      out.number(e.breadth());
      out.lit(",\"path\":\"");
      append_path(out, contacts);
      out.lit("\",\"contacts\":[");
      for (size_t k = 0; k < contacts.size(); ++k) {
        if (k > 0) out.put(',');
        out.json(ds_.id(contacts[k], room));
      }
      if (e.cohort) out.lit("],\"cohort\":true");
      else out.lit("],\"cohort\":false");
      if (e.resolved) out.lit(",\"resolved\":true}");
      else out.lit(",\"resolved\":false}");
    }
    out.lit("],\"outbound\":[");
    for (size_t i = 0; i < outbound.size(); ++i) {
      const Contact& c = outbound[i];
      if (i > 0) out.put(',');
      out.lit("{\"id\":");
      out.json(ds_.id(c, room));
      out.lit(",\"service\":");
      out.json(ds_.service(c));
      out.lit(",\"channel\":\"");
      out.put(channel_name(c.channel));
      out.lit("\",\"start\":\"");
      out.time(c.start);
      out.lit("\"}");
    }
    out.lit("]}\n");
  }

  const Dataset& ds_;
  const Params& p_;
  const Ranks& ranks_;
  bool text_, keys_;
  std::span<const uint32_t> inbound_, in_ends_, outbound_, out_ends_;
  std::vector<std::unique_ptr<Block>> spare_;
};

void write_journeys(Dataset& dataset, const Params& p, bool text, bool keys, Output& out) {
  const Ranks ranks(dataset);
  // Contacts in a spill file are read in the order of the lines.
  if (spill::in_file(dataset.contacts.data())) dataset.group_by_customer(ranks.customer);
  const Dataset& ds = dataset;
  // The two directions are put in order at once: most of the time of each
  // is a pass over the contacts on one thread.
  BigVector<uint32_t> in_ends, out_ends;
  const auto order = [&](Direction d, BigVector<uint32_t>* ends) { return scan_order(ds, p, &ranks, d, ends); };
  std::future<BigVector<uint32_t>> outbound_later =
      std::async(ds.threads > 1 ? std::launch::async : std::launch::deferred, order, Direction::out, &out_ends);
  const BigVector<uint32_t> inbound = order(Direction::in, &in_ends);
  const BigVector<uint32_t> outbound = outbound_later.get();
  JourneyWriter(ds, p, ranks, text, keys, inbound, in_ends, outbound, out_ends).write(out);
}

}  // namespace

std::function<int()> setup_journeys(CLI::App& app) {
  auto o = std::make_shared<ComputeOptions>();
  auto show_ids = std::make_shared<bool>(false);
  add_compute_options(app, *o, {"ndjson", "text"});
  app.add_flag("--show-ids", *show_ids, "name customers by their keys (identifiers) instead of c1, c2, ...");
  return [o, show_ids] {
    Loaded in;
    in.ds.keep_ends = true;  // the episodes' ends
    const int status = load("journeys", *o, &in);
    if (!in.complete) return status;
    print_summary("journeys", *o, in);
    const bool keys = *show_ids || !o->link.hash_key.empty();
    return emit("journeys", *o,
                [&](Output& out) { write_journeys(in.ds, in.params, o->format == "text", keys, out); }, status);
  };
}

}  // namespace parcours
