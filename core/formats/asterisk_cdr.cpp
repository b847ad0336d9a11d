// asterisk-cdr: the Master.csv that Asterisk's cdr_csv writes. No header,
// 16 columns always, then optional ones by configuration (cdr_csv.c):
// uniqueid (loguniqueid), userfield (loguserfield), and peeraccount,
// linkedid, sequence (newcdrcolumns). Every CDR of one call shares linkedid;
// they are folded into one contact here. Times are the server's wall clock.
#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "core/csv.h"
#include "core/formats/format.h"
#include "core/formats/repair.h"
#include "core/tz.h"

namespace parcours {

namespace {

enum Col { kAccountcode, kSrc, kDst, kDcontext, kClid, kChannel, kDstchannel, kLastapp, kLastdata, kStart, kAnswer, kEnd,
           kDuration, kBillsec, kDisposition, kAmaflags };

// Where the optional columns are, for one column count.
struct Layout {
  int columns = 0;  // 0: unknown (no record of 16 to 21 columns to detect from)
  int uniqueid = -1, userfield = -1, linkedid = -1, sequence = -1;
};

Layout layout_for(int columns, bool seventeenth_is_uniqueid) {
  Layout l;
  l.columns = columns;
  switch (columns) {
    case 17: (seventeenth_is_uniqueid ? l.uniqueid : l.userfield) = 16; break;
    case 18: l.uniqueid = 16, l.userfield = 17; break;
    case 19: l.linkedid = 17, l.sequence = 18; break;
    case 20:
      (seventeenth_is_uniqueid ? l.uniqueid : l.userfield) = 16;
      l.linkedid = 18, l.sequence = 19;
      break;
    case 21: l.uniqueid = 16, l.userfield = 17, l.linkedid = 19, l.sequence = 20; break;
    default: break;
  }
  return l;
}

// `<epoch>.<n>`, optionally after `<systemname>-`: what a uniqueid looks like,
// and a userfield (free text set by the dialplan) usually does not.
bool looks_like_uniqueid(std::string_view s) {
  const size_t dot = s.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == s.size()) return false;
  for (size_t i = dot + 1; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  size_t i = dot, n = 0;
  while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9') --i, ++n;
  if (n < 9) return false;
  if (i == 0) return true;
  if (s[i - 1] != '-') return false;
  for (size_t k = 0; k + 1 < i; ++k) {
    const char c = s[k];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
      return false;
  }
  return i > 1;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The number in `"Name" <number>`.
std::string_view clid_number(std::string_view clid) {
  const size_t lt = clid.rfind('<');
  if (lt == std::string_view::npos) return {};
  const size_t gt = clid.find('>', lt);
  if (gt == std::string_view::npos) return {};
  return clid.substr(lt + 1, gt - lt - 1);
}

// The endpoint of a channel name: `SIP/1001-0000000a` → `1001`.
std::string_view channel_peer(std::string_view ch) {
  const size_t slash = ch.find('/');
  if (slash != std::string_view::npos) ch.remove_prefix(slash + 1);
  const size_t dash = ch.rfind('-');
  if (dash != std::string_view::npos && dash > 0 && dash + 1 < ch.size() &&
      ch.find_first_not_of("0123456789abcdefABCDEF", dash + 1) == std::string_view::npos)
    ch = ch.substr(0, dash);
  return ch;
}

// One CDR row, its text fields already valid UTF-8.
struct Leg {
  int64_t line = 0, order = 0, sequence = 0;
  Micros start = kNoTime, answer = kNoTime, end = kNoTime;
  std::string accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata, disposition, uniqueid,
      userfield, linkedid;
};

struct Group {
  std::vector<Leg> legs;
  std::string key;
  int64_t last_seen = 0;
};

// A row kept while the layout is detected from the first rows.
struct Held {
  std::vector<std::string> fields;
  std::string raw;
  int64_t line;
};

// Calls whose last leg is this many rows behind are complete: cdr_csv writes
// each CDR when it ends, so the legs of one call sit close together.
constexpr int64_t kWindow = 100000;
constexpr size_t kDetectRows = 100;

class AsteriskReader : public FormatReader {
 public:
  AsteriskReader(const IngestOptions& options, Zone zone) : forced_(options.columns), zone_(std::move(zone)) {}

  bool read(const std::string& path, const std::string& name, IngestSink& sink, std::string* err) override {
    CsvReader csv;
    if (!csv.open(path, err)) return false;
    name_ = name;
    sink_ = &sink;
    order_ = 0;
    std::vector<Held> held;
    CsvRecord rec;
    bool more = true;
    while (held.size() < kDetectRows && (more = csv.next(&rec)))
      held.push_back({std::vector<std::string>(rec.fields.begin(), rec.fields.end()), std::string(rec.raw), rec.line});
    detect(held);
    std::vector<std::string_view> views;
    for (const Held& h : held) {
      views.assign(h.fields.begin(), h.fields.end());
      row(views, h.raw, h.line);
    }
    held.clear();
    while (more && csv.next(&rec)) row(rec.fields, rec.raw, rec.line);
    flush(INT64_MAX);
    if (!csv.error().empty()) {
      *err = csv.error();
      return false;
    }
    return true;
  }

 private:
  // The column count: --columns, else the most frequent count of 16 to 21
  // among the first rows (the first such count on a tie).
  void detect(const std::vector<Held>& held) {
    std::array<int, 22> seen{};
    int columns = forced_;
    if (columns == 0) {
      for (const Held& h : held)
        if (h.fields.size() >= 16 && h.fields.size() <= 21) ++seen[h.fields.size()];
      for (const Held& h : held)
        if (h.fields.size() >= 16 && h.fields.size() <= 21 && seen[h.fields.size()] > seen[columns]) columns = static_cast<int>(h.fields.size());
    }
    // Column 17 of a 17- or 20-column file is uniqueid or userfield: it is
    // uniqueid when every non-empty value there looks like one.
    bool uniqueid = false;
    for (const Held& h : held) {
      if (static_cast<int>(h.fields.size()) != columns || columns < 17 || h.fields[16].empty()) continue;
      uniqueid = looks_like_uniqueid(h.fields[16]);
      if (!uniqueid) break;
    }
    layout_ = layout_for(columns, uniqueid);
  }

  // Reads a local time; false with *why set when it is not one.
  bool local_time(std::string_view text, std::string_view what, Micros start, LocalTime* out, std::string* why) {
    return read_local_time(zone_, text, what, start, out, why, *sink_);
  }

  std::string text(std::string_view s) { return utf8_field(s, *sink_); }

  void row(const std::vector<std::string_view>& f, std::string_view raw, int64_t line) {
    const int64_t order = order_++;
    if (layout_.columns == 0 || static_cast<int>(f.size()) != layout_.columns) {
      std::string why;
      if (layout_.columns == 0)
        why = fmt::format("record has {} columns, and no record among the first {} has 16 to 21; this is not an Asterisk "
                          "cdr_csv Master.csv (cdr_custom files are read with --format csv)",
                          f.size(), kDetectRows);
      else
        why = fmt::format("record has {} columns, expected {} ({}); fix or remove the record, or set the count with "
                          "--columns",
                          f.size(), layout_.columns, forced_ > 0 ? "set by --columns" : "found in the first records");
      sink_->reject(line, raw, why);
      return;
    }
    Leg leg;
    leg.line = line;
    leg.order = order;
    std::string why;
    if (f[kStart].empty()) {
      sink_->reject(line, raw, "start: the call has no start time; fix or remove the record");
      return;
    }
    LocalTime start, answer, end;
    if (!local_time(f[kStart], "start", kNoTime, &start, &why) ||
        (!f[kAnswer].empty() && !local_time(f[kAnswer], "answer", start.utc, &answer, &why)) ||
        (!f[kEnd].empty() && !local_time(f[kEnd], "end", start.utc, &end, &why))) {
      sink_->reject(line, raw, why);
      return;
    }
    settle_gaps(&start, &answer, &end, *sink_);
    leg.start = start.utc;
    leg.answer = answer.utc;
    leg.end = end.utc;
    if (leg.end != kNoTime && leg.end < leg.start) {
      sink_->reject(line, raw, fmt::format("end {} is before start {}; fix the times or remove the record", f[kEnd], f[kStart]));
      return;
    }
    if (leg.answer != kNoTime && leg.answer < leg.start) {
      sink_->reject(line, raw,
                    fmt::format("answer {} is before start {}; fix the times or remove the record", f[kAnswer], f[kStart]));
      return;
    }
    leg.accountcode = text(f[kAccountcode]);
    leg.src = text(f[kSrc]);
    leg.dst = text(f[kDst]);
    leg.dcontext = text(f[kDcontext]);
    leg.clid = text(f[kClid]);
    leg.channel = text(f[kChannel]);
    leg.dstchannel = text(f[kDstchannel]);
    leg.lastapp = text(f[kLastapp]);
    leg.lastdata = text(f[kLastdata]);
    leg.disposition = text(f[kDisposition]);
    if (layout_.uniqueid >= 0) leg.uniqueid = text(f[layout_.uniqueid]);
    if (layout_.userfield >= 0) leg.userfield = text(f[layout_.userfield]);
    if (layout_.linkedid >= 0) leg.linkedid = text(f[layout_.linkedid]);
    if (layout_.sequence >= 0) {
      const std::string_view s = f[layout_.sequence];
      std::from_chars(s.data(), s.data() + s.size(), leg.sequence);
    }
    // The call a leg belongs to: linkedid, else uniqueid; a row with neither
    // is a call of its own.
    std::string key = !leg.linkedid.empty() ? "l" + leg.linkedid
                      : !leg.uniqueid.empty() ? "u" + leg.uniqueid
                                              : fmt::format("#{}", order);
    auto [it, fresh] = open_.try_emplace(key, order);
    Group& g = groups_[it->second];
    if (fresh) g.key = std::move(key);
    g.last_seen = order;
    g.legs.push_back(std::move(leg));
    if (order % (kWindow / 4) == 0) flush(order - kWindow);
  }

  // Writes the calls whose last leg is before row `before`, in the order of
  // their first leg.
  void flush(int64_t before) {
    // A call first seen at or after `before` was seen since: stop there.
    for (auto it = groups_.begin(); it != groups_.end() && it->first < before;) {
      if (it->second.last_seen >= before) {
        ++it;
        continue;
      }
      emit(it->second);
      open_.erase(it->second.key);
      it = groups_.erase(it);
    }
  }

  void emit(Group& g) {
    std::vector<Leg>& legs = g.legs;
    std::stable_sort(legs.begin(), legs.end(), [](const Leg& a, const Leg& b) {
      if (a.start != b.start) return a.start < b.start;
      if (a.sequence != b.sequence) return a.sequence < b.sequence;
      return a.order < b.order;
    });
    const Leg& first = legs.front();
    OutRecord r;
    r.id = !first.linkedid.empty() ? first.linkedid
           : !first.uniqueid.empty() ? first.uniqueid
                                     : first.channel + "@" + format_time(first.start);
    r.conversation = first.linkedid;
    r.channel = Channel::phone;
    r.start = first.start;
    bool answered = false, unanswered = false;
    const Leg* agent_leg = nullptr;
    const Leg* queue_leg = nullptr;
    for (const Leg& l : legs) {
      if (l.end != kNoTime && (r.end == kNoTime || l.end > r.end)) r.end = l.end;
      if (l.answer != kNoTime && (r.answered == kNoTime || l.answer < r.answered)) r.answered = l.answer;
      const std::string d = lower(l.disposition);
      if (d == "answered") {
        answered = true;
        if (agent_leg == nullptr && !l.dstchannel.empty() && l.dstchannel.rfind("Local/", 0) != 0) agent_leg = &l;
      } else if (d == "no answer" || d == "busy" || d == "failed" || d == "congestion" || d == "cancel") {
        unanswered = true;
      }
      if (queue_leg == nullptr && lower(l.lastapp) == "queue") queue_leg = &l;
    }
    if (!answered && unanswered) r.outcome = Outcome::abandoned;
    const std::string ctx = lower(first.dcontext);
    for (std::string_view word : {"internal", "outbound", "outgoing", "dialout", "outrt"})
      if (ctx.find(word) != std::string::npos) r.direction = Direction::out;
    if (r.direction == Direction::out) {
      r.set_id("phone", first.dst);
    } else {
      std::string_view phone;
      for (const Leg& l : legs)
        if (phone.empty()) phone = !l.src.empty() ? std::string_view(l.src) : clid_number(l.clid);
      r.set_id("phone", phone);
    }
    // The agent: on an outbound call the extension that placed it, else the
    // first extension that answered.
    if (r.direction == Direction::out) r.agent = channel_peer(first.channel);
    else if (agent_leg != nullptr) r.agent = channel_peer(agent_leg->dstchannel);
    if (queue_leg != nullptr) {
      const std::string_view data = queue_leg->lastdata;
      r.queue = data.substr(0, data.find_first_of(",|"));
    }
    r.src_file = name_;
    r.src_line = first.line;
    r.set_attr("dst", first.dst);
    r.set_attr("dnis", first.dst);
    r.set_attr("dcontext", first.dcontext);
    r.set_attr("clid", first.clid);
    r.set_attr("lastapp", first.lastapp);
    r.set_attr("lastdata", first.lastdata);
    r.set_attr("accountcode", first.accountcode);
    r.set_attr("userfield", first.userfield);
    r.set_attr("disposition", answered ? std::string("ANSWERED") : first.disposition);
    const auto n = static_cast<int64_t>(legs.size());
    sink_->accept(std::move(r));
    if (n > 1) sink_->merge(n - 1);
  }

  const int forced_;
  Zone zone_;
  Layout layout_;
  std::string name_;
  IngestSink* sink_ = nullptr;
  int64_t order_ = 0;
  std::map<int64_t, Group> groups_;                   // by the row of the first leg
  std::unordered_map<std::string, int64_t> open_;     // key → first row
};

}  // namespace

std::unique_ptr<FormatReader> make_asterisk_cdr(const IngestOptions& options, std::string* err) {
  if (options.columns != 0 && (options.columns < 16 || options.columns > 21)) {
    *err = fmt::format("--columns {}: a Master.csv has 16 to 21 columns", options.columns);
    return nullptr;
  }
  Zone zone;
  if (!zone.load(options.tz, err)) return nullptr;
  return std::make_unique<AsteriskReader>(options, std::move(zone));
}

}  // namespace parcours
