// freeswitch-cdr: Master.csv of FreeSWITCH's mod_cdr_csv with the `example`
// template of the vanilla configuration: 15 quoted fields, no header. The
// template is plain variable expansion, not CSV escaping, so a quote in a
// caller name is written bare (core/csv.h reads it as a literal quote). With
// legs=ab both legs of a bridged call are written, often the B leg first;
// the A leg's bleg_uuid is the B leg's uuid, and they are one contact.
#include <algorithm>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "core/csv.h"
#include "core/formats/format.h"
#include "core/formats/repair.h"
#include "core/tz.h"

namespace parcours {

namespace {

enum Col { kName, kNumber, kDestination, kContext, kStart, kAnswer, kEnd, kDuration, kBillsec, kCause, kUuid, kBleg,
           kAccountcode, kReadCodec, kWriteCodec, kColumns };

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

struct Leg {
  int64_t line = 0, order = 0;
  Micros start = kNoTime, answer = kNoTime, end = kNoTime;
  std::string name, number, destination, context, cause, uuid, bleg, accountcode;
};

struct Group {
  std::vector<Leg> legs;
  int64_t last_seen = 0;
};

// Calls whose last leg is this many rows behind are complete: legs are
// written when they hang up, close together.
constexpr int64_t kWindow = 100000;

class FreeswitchReader : public FormatReader {
 public:
  explicit FreeswitchReader(Zone zone) : zone_(std::move(zone)) {}

  bool read(const std::string& path, const std::string& name, IngestSink& sink, std::string* err) override {
    CsvReader csv;
    if (!csv.open(path, err)) return false;
    name_ = name;
    sink_ = &sink;
    order_ = 0;
    CsvRecord rec;
    while (csv.next(&rec)) row(rec.fields, rec.raw, rec.line);
    flush(INT64_MAX);
    if (!csv.error().empty()) {
      *err = csv.error();
      return false;
    }
    return true;
  }

 private:
  bool local_time(std::string_view text, std::string_view what, Micros start, LocalTime* out, std::string* why) {
    return read_local_time(zone_, text, what, start, out, why, *sink_);
  }

  std::string text(std::string_view s) { return utf8_field(s, *sink_); }

  void row(const std::vector<std::string_view>& f, std::string_view raw, int64_t line) {
    const int64_t order = order_++;
    if (f.size() != kColumns) {
      sink_->reject(line, raw,
                    fmt::format("record has {} columns, expected {} (mod_cdr_csv's 'example' template); fix or remove "
                                "the record, or export with that template",
                                f.size(), static_cast<int>(kColumns)));
      return;
    }
    Leg leg;
    leg.line = line;
    leg.order = order;
    std::string why;
    if (f[kStart].empty()) {
      sink_->reject(line, raw, "start_stamp: the call has no start time; fix or remove the record");
      return;
    }
    LocalTime start, answer, end;
    if (!local_time(f[kStart], "start_stamp", kNoTime, &start, &why) ||
        (!f[kAnswer].empty() && !local_time(f[kAnswer], "answer_stamp", start.utc, &answer, &why)) ||
        (!f[kEnd].empty() && !local_time(f[kEnd], "end_stamp", start.utc, &end, &why))) {
      sink_->reject(line, raw, why);
      return;
    }
    settle_gaps(&start, &answer, &end, *sink_);
    leg.start = start.utc;
    leg.answer = answer.utc;
    leg.end = end.utc;
    if (leg.end != kNoTime && leg.end < leg.start) {
      sink_->reject(line, raw,
                    fmt::format("end_stamp {} is before start_stamp {}; fix the times or remove the record", f[kEnd],
                                f[kStart]));
      return;
    }
    if (leg.answer != kNoTime && leg.answer < leg.start) {
      sink_->reject(line, raw,
                    fmt::format("answer_stamp {} is before start_stamp {}; fix the times or remove the record",
                                f[kAnswer], f[kStart]));
      return;
    }
    leg.name = text(f[kName]);
    leg.number = text(f[kNumber]);
    leg.destination = text(f[kDestination]);
    leg.context = text(f[kContext]);
    leg.cause = text(f[kCause]);
    leg.uuid = text(f[kUuid]);
    leg.bleg = text(f[kBleg]);
    leg.accountcode = text(f[kAccountcode]);
    // A row joins the call of any row sharing its uuid or bleg_uuid; a row
    // that links two open calls merges them into the older one.
    int64_t target = order;
    for (const std::string* key : {&leg.uuid, &leg.bleg}) {
      if (key->empty()) continue;
      auto it = open_.find(*key);
      if (it == open_.end() || it->second == target) continue;
      const int64_t other = it->second;
      if (target == order) {
        target = other;
        continue;
      }
      const int64_t keep = std::min(target, other), gone = std::max(target, other);
      Group& from = groups_[gone];
      Group& into = groups_[keep];
      for (Leg& l : from.legs) {
        for (const std::string* k : {&l.uuid, &l.bleg})
          if (!k->empty()) open_[*k] = keep;
        into.legs.push_back(std::move(l));
      }
      into.last_seen = std::max(into.last_seen, from.last_seen);
      groups_.erase(gone);
      target = keep;
    }
    for (const std::string* key : {&leg.uuid, &leg.bleg})
      if (!key->empty()) open_[*key] = target;
    Group& g = groups_[target];
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
      for (const Leg& l : it->second.legs) {
        for (const std::string* k : {&l.uuid, &l.bleg}) {
          auto o = open_.find(*k);
          if (o != open_.end() && o->second == it->first) open_.erase(o);
        }
      }
      emit(it->second);
      it = groups_.erase(it);
    }
  }

  void emit(Group& g) {
    std::vector<Leg>& legs = g.legs;
    std::sort(legs.begin(), legs.end(), [](const Leg& a, const Leg& b) {
      return a.start != b.start ? a.start < b.start : a.order < b.order;
    });
    // The A leg: the one no other leg names as its B leg (the earliest such).
    const Leg* a = nullptr;
    for (const Leg& l : legs) {
      bool is_b = false;
      for (const Leg& o : legs)
        if (&o != &l && !l.uuid.empty() && o.bleg == l.uuid) is_b = true;
      if (!is_b) {
        a = &l;
        break;
      }
    }
    if (a == nullptr) a = &legs.front();
    OutRecord r;
    r.id = !a->uuid.empty() ? a->uuid : fmt::format("{}@{}", a->number, format_time(a->start));
    r.channel = Channel::phone;
    r.start = legs.front().start;
    bool answered = false;
    const Leg* agent = nullptr;
    for (const Leg& l : legs) {
      if (l.end != kNoTime && (r.end == kNoTime || l.end > r.end)) r.end = l.end;
      if (l.answer != kNoTime) {
        answered = true;
        if (r.answered == kNoTime || l.answer < r.answered) r.answered = l.answer;
        if (agent == nullptr && &l != a) agent = &l;
      }
    }
    if (!answered) r.outcome = Outcome::abandoned;
    const std::string ctx = lower(a->context);
    if (ctx == "default") r.direction = Direction::out;
    for (std::string_view word : {"internal", "outbound", "outgoing"})
      if (ctx.find(word) != std::string::npos) r.direction = Direction::out;
    r.set_id("phone", r.direction == Direction::out ? a->destination : a->number);
    // The agent: on an outbound call the extension that placed it, else the
    // first B leg that answered (the extension dialled).
    if (r.direction == Direction::out) r.agent = a->number;
    else if (agent != nullptr) r.agent = agent->destination;
    r.src_file = name_;
    r.src_line = a->line;
    r.set_attr("dst", a->destination);
    r.set_attr("dnis", a->destination);
    r.set_attr("context", a->context);
    r.set_attr("caller_id_name", a->name);
    r.set_attr("hangup_cause", a->cause);
    r.set_attr("accountcode", a->accountcode);
    const auto n = static_cast<int64_t>(legs.size());
    sink_->accept(std::move(r));
    if (n > 1) sink_->merge(n - 1);
  }

  Zone zone_;
  std::string name_;
  IngestSink* sink_ = nullptr;
  int64_t order_ = 0;
  std::map<int64_t, Group> groups_;                // by the row of the first leg
  std::unordered_map<std::string, int64_t> open_;  // uuid or bleg_uuid → group
};

}  // namespace

std::unique_ptr<FormatReader> make_freeswitch_cdr(const IngestOptions& options, std::string* err) {
  Zone zone;
  if (!zone.load(options.tz, err)) return nullptr;
  return std::make_unique<FreeswitchReader>(std::move(zone));
}

}  // namespace parcours
