#include "core/reports.h"

#include <algorithm>
#include <array>
#include <bit>
#include <map>
#include <numeric>
#include <unordered_map>

#include <fmt/format.h>

namespace parcours {

namespace {

__extension__ using int128 = __int128;

// Display width in code points, as the table format counts it.
size_t width(std::string_view s) {
  size_t n = 0;
  for (const char ch : s) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  return n;
}

// Channels in byte order of their names, so rows sort as `sort` would.
std::vector<Channel> channels_by_name() {
  std::vector<Channel> out;
  for (int i = 0; i < kChannelCount; ++i) out.push_back(static_cast<Channel>(i));
  std::sort(out.begin(), out.end(), [](Channel a, Channel b) { return channel_name(a) < channel_name(b); });
  return out;
}

// Service ids in byte order of their names.
std::vector<uint32_t> services_by_name(const Dataset& ds) {
  std::vector<uint32_t> ids(ds.services.size());
  std::iota(ids.begin(), ids.end(), 0u);
  std::sort(ids.begin(), ids.end(),
            [&](uint32_t a, uint32_t b) { return ds.services.view(a) < ds.services.view(b); });
  return ids;
}

constexpr const char* kAll = "(all)";

}  // namespace

std::string format_decimal(Ratio r, int digits) {
  if (!r.defined()) return {};
  int64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  const int128 q = (static_cast<int128>(r.num) * 2 * scale + r.den) / (2 * static_cast<int128>(r.den));
  const auto whole = static_cast<int64_t>(q / scale), frac = static_cast<int64_t>(q % scale);
  if (digits == 0) return fmt::format("{}", whole);
  return fmt::format("{}.{:0{}}", whole, frac, digits);
}

Cell decimal_cell(Ratio r, int digits, Format f) {
  if (!r.defined()) return Cell::none();
  if (f == Format::json) return Cell::of(r);
  return Cell::of(format_decimal(r, digits));
}

Cell money_cell(std::optional<int64_t> amount, Format f) {
  if (!amount) return Cell::none();
  return decimal_cell(Ratio{*amount, kCostScale}, 2, f);
}

void align_decimals(Table* t, std::span<const size_t> columns) {
  for (const size_t col : columns) {
    size_t w = width(t->columns[col]);
    for (const auto& row : t->rows)
      if (row[col].kind == Cell::Kind::text) w = std::max(w, width(row[col].text));
    t->columns[col].insert(0, w - width(t->columns[col]), ' ');
    for (auto& row : t->rows)
      if (row[col].kind == Cell::Kind::text) row[col].text.insert(0, w - width(row[col].text), ' ');
  }
}

// --- Channel mix -----------------------------------------------------------

std::vector<MixRow> compute_mix(const Dataset& ds, Period period, Zone* zone) {
  using Counts = std::array<std::array<int64_t, 2>, kChannelCount>;  // [channel][direction]
  const std::vector<uint32_t> by_name = services_by_name(ds);
  std::vector<uint32_t> rank(by_name.size());
  for (uint32_t r = 0; r < by_name.size(); ++r) rank[by_name[r]] = r;

  // (first day of the period, service rank): few keys, so a map is cheap.
  std::map<std::pair<int64_t, uint32_t>, Counts> counts;
  for (const Contact& c : ds.contacts) {
    const int64_t start = period_start(zone->local_day(c.start), period);
    ++counts[{start, rank[c.service]}][static_cast<size_t>(c.channel)][static_cast<size_t>(c.direction)];
  }

  const std::vector<Channel> channels = channels_by_name();
  std::vector<MixRow> out;
  auto emit = [&](const std::string& label, std::string_view service, const Counts& n) {
    int64_t contacts = 0, inbound = 0;
    for (const auto& d : n) {
      contacts += d[0] + d[1];
      inbound += d[0];
    }
    for (const Channel ch : channels) {
      const auto& d = n[static_cast<size_t>(ch)];
      if (d[0] + d[1] == 0) continue;
      MixRow r;
      r.period = label;
      r.service = std::string(service);
      r.channel = ch;
      r.inbound = d[0];
      r.outbound = d[1];
      r.share = {d[0] + d[1], contacts};
      r.inbound_share = {d[0], inbound};
      out.push_back(std::move(r));
    }
  };
  for (auto it = counts.begin(); it != counts.end();) {
    const int64_t start = it->first.first;
    const std::string label = period_label(start, period);
    Counts all{};
    for (; it != counts.end() && it->first.first == start; ++it) {
      emit(label, ds.services.view(by_name[it->first.second]), it->second);
      for (size_t k = 0; k < all.size(); ++k) {
        all[k][0] += it->second[k][0];
        all[k][1] += it->second[k][1];
      }
    }
    emit(label, kAll, all);
  }
  return out;
}

Table mix_table(const std::vector<MixRow>& rows, Format) {
  Table t;
  t.columns = {"period", "service", "channel", "contacts", "inbound", "outbound", "share", "inbound_share"};
  for (const MixRow& r : rows)
    t.rows.push_back({Cell::of(r.period), Cell::of(r.service), Cell::of(channel_name(r.channel)),
                      Cell::of(r.contacts()), Cell::of(r.inbound), Cell::of(r.outbound), Cell::of(r.share),
                      Cell::of(r.inbound_share)});
  return t;
}

// --- Handle and wait times -------------------------------------------------

Ratio median_seconds(std::span<const Micros> v) {
  const size_t n = v.size();
  if (n == 0) return {};
  if (n % 2 == 1) return {v[n / 2], kMicrosPerSecond};
  return {v[n / 2 - 1] + v[n / 2], 2 * kMicrosPerSecond};
}

Ratio percentile_seconds(std::span<const Micros> v, int p) {
  const size_t n = v.size();
  if (n == 0) return {};
  size_t rank = (static_cast<size_t>(p) * n + 99) / 100;  // ceil(p × n ÷ 100)
  rank = std::clamp<size_t>(rank, 1, n);
  return {v[rank - 1], kMicrosPerSecond};
}

namespace {

struct Times {
  int64_t contacts = 0, answered = 0;
  Micros wait = 0;
  std::vector<Micros> handle;
  void add(const Times& o) {
    contacts += o.contacts;
    answered += o.answered;
    wait += o.wait;
    handle.insert(handle.end(), o.handle.begin(), o.handle.end());
  }
};

HandleRow handle_row(std::string_view service, std::string_view channel, Times& t) {
  std::sort(t.handle.begin(), t.handle.end());
  HandleRow r;
  r.service = std::string(service);
  r.channel = std::string(channel);
  r.contacts = t.contacts;
  r.timed = static_cast<int64_t>(t.handle.size());
  const Micros sum = std::accumulate(t.handle.begin(), t.handle.end(), Micros{0});
  r.mean = {sum, r.timed * kMicrosPerSecond};
  r.median = median_seconds(t.handle);
  r.p90 = percentile_seconds(t.handle, 90);
  r.answered = t.answered;
  r.mean_wait = {t.wait, t.answered * kMicrosPerSecond};
  return r;
}

}  // namespace

HandleReport compute_handle(const Dataset& ds) {
  HandleReport out;
  std::vector<Times> times(static_cast<size_t>(ds.services.size()) * kChannelCount);
  for (const Contact& c : ds.contacts) {
    Times& t = times[static_cast<size_t>(c.service) * kChannelCount + static_cast<size_t>(c.channel)];
    ++t.contacts;
    const Micros answered = ds.answered(c), end = ds.end(c);
    if (answered != kNoTime) {
      ++t.answered;
      t.wait += answered - c.start;
    }
    if (end == kNoTime) continue;
    const Micros from = answered != kNoTime ? answered : Micros{c.start};
    // The record's checks put end and answered after start, not in order
    // between themselves: such a contact has no handle time to give.
    if (end < from) {
      ++out.end_before_answered;
      continue;
    }
    t.handle.push_back(end - from);
  }

  const std::vector<Channel> channels = channels_by_name();
  std::array<Times, kChannelCount> by_channel;
  for (const uint32_t s : services_by_name(ds)) {
    Times service;
    for (const Channel ch : channels) {
      Times& t = times[static_cast<size_t>(s) * kChannelCount + static_cast<size_t>(ch)];
      if (t.contacts == 0) continue;
      service.add(t);
      by_channel[static_cast<size_t>(ch)].add(t);
      out.rows.push_back(handle_row(ds.services.view(s), channel_name(ch), t));
    }
    if (service.contacts > 0) out.rows.push_back(handle_row(ds.services.view(s), kAll, service));
  }
  Times all;
  for (const Channel ch : channels) {
    Times& t = by_channel[static_cast<size_t>(ch)];
    if (t.contacts == 0) continue;
    all.add(t);
    out.rows.push_back(handle_row(kAll, channel_name(ch), t));
  }
  out.rows.push_back(handle_row(kAll, kAll, all));
  return out;
}

Table handle_table(const HandleReport& r, Format f) {
  Table t;
  t.columns = {"service", "channel", "contacts", "timed", "mean_handle_s", "median_handle_s", "p90_handle_s",
               "answered", "mean_wait_s"};
  for (const HandleRow& h : r.rows)
    t.rows.push_back({Cell::of(h.service), Cell::of(h.channel), Cell::of(h.contacts), Cell::of(h.timed),
                      decimal_cell(h.mean, 1, f), decimal_cell(h.median, 1, f), decimal_cell(h.p90, 1, f),
                      Cell::of(h.answered), decimal_cell(h.mean_wait, 1, f)});
  if (f == Format::table) {
    static constexpr size_t kDecimals[] = {4, 5, 6, 8};
    align_decimals(&t, kDecimals);
  }
  return t;
}

// --- Paths -----------------------------------------------------------------

std::vector<PathRow> compute_paths(const Dataset& ds, const Params& p, int64_t top) {
  std::vector<std::unordered_map<std::string, int64_t>> counts(ds.services.size());
  std::unordered_map<std::string, int64_t> all;
  std::string path;
  for_each_episode(ds, p, scan_order(ds, p), [&](const Episode& e) {
    if (!e.cohort) return;
    path.clear();
    for (size_t k = 0; k < e.contacts.size(); ++k) {
      if (k > 0) path.push_back('>');
      path += channel_name(ds.contacts[e.contacts[k]].channel);
    }
    ++counts[e.service][path];
    ++all[path];
  });

  std::vector<PathRow> out;
  auto emit = [&](std::string_view service, const std::unordered_map<std::string, int64_t>& m) {
    std::vector<std::pair<std::string, int64_t>> v(m.begin(), m.end());
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    int64_t cohort = 0;
    for (const auto& [_, n] : v) cohort += n;
    const size_t shown = top > 0 ? std::min(v.size(), static_cast<size_t>(top)) : v.size();
    for (size_t i = 0; i < shown; ++i) out.push_back({std::string(service), v[i].first, v[i].second, {v[i].second, cohort}});
  };
  for (const uint32_t s : services_by_name(ds)) emit(ds.services.view(s), counts[s]);
  emit(kAll, all);
  return out;
}

Table paths_table(const std::vector<PathRow>& rows, Format) {
  Table t;
  t.columns = {"service", "path", "episodes", "share"};
  for (const PathRow& r : rows)
    t.rows.push_back({Cell::of(r.service), Cell::of(r.path), Cell::of(r.episodes), Cell::of(r.share)});
  return t;
}

// --- Segments --------------------------------------------------------------

std::string_view segment_name(Segment s) {
  switch (s) {
    case Segment::phone_only: return "phone-only";
    case Segment::web_only: return "web-only";
    case Segment::mail_only: return "mail-only";
    case Segment::counter_only: return "counter-only";
    case Segment::email_only: return "email-only";
    case Segment::chat_only: return "chat-only";
    case Segment::other_single: return "other-single";
    case Segment::self_service_only: return "self-service-only";
    case Segment::assisted_only: return "assisted-only";
    case Segment::mixed: return "mixed";
  }
  return "mixed";
}

Segment segment_of(uint32_t channels) {
  const auto bit = [](Channel c) { return 1u << static_cast<unsigned>(c); };
  const uint32_t self = bit(Channel::web) | bit(Channel::ivr);
  const uint32_t mail = bit(Channel::mail) | bit(Channel::fax);
  if (channels == bit(Channel::phone)) return Segment::phone_only;
  if (channels == bit(Channel::web)) return Segment::web_only;
  if ((channels & ~mail) == 0) return Segment::mail_only;
  if (channels == bit(Channel::counter)) return Segment::counter_only;
  if (channels == bit(Channel::email)) return Segment::email_only;
  if (channels == bit(Channel::chat)) return Segment::chat_only;
  if (std::has_single_bit(channels)) return Segment::other_single;
  if ((channels & ~self) == 0) return Segment::self_service_only;
  if ((channels & self) == 0) return Segment::assisted_only;
  return Segment::mixed;
}

std::vector<SegmentRow> compute_segments(const Dataset& ds, const Params& p) {
  struct Customer {
    uint32_t channels = 0;
    int64_t contacts = 0, episodes = 0, cohort = 0, resolved = 0;
  };
  std::vector<Customer> customers(ds.customers.size());
  for_each_episode(ds, p, scan_order(ds, p), [&](const Episode& e) {
    Customer& c = customers[e.customer];
    c.channels |= e.channels;
    c.contacts += static_cast<int64_t>(e.contacts.size());
    ++c.episodes;
    c.cohort += e.cohort;
    c.resolved += e.resolved;
  });
  std::vector<SegmentRow> out(kSegmentCount + 1);
  for (int s = 0; s < kSegmentCount; ++s) out[s].segment = std::string(segment_name(static_cast<Segment>(s)));
  SegmentRow& all = out.back();
  all.segment = kAll;
  for (const Customer& c : customers) {
    if (c.channels == 0) continue;  // outbound contacts only: no inbound profile
    for (SegmentRow* r : {&out[static_cast<size_t>(segment_of(c.channels))], &all}) {
      ++r->customers;
      r->contacts += c.contacts;
      r->episodes += c.episodes;
      r->cohort += c.cohort;
      r->resolved += c.resolved;
    }
  }
  return out;
}

Table segments_table(const std::vector<SegmentRow>& rows, Format) {
  Table t;
  t.columns = {"segment", "customers", "contacts", "contacts_per_customer", "episodes", "cohort", "resolved",
               "fcr_rate"};
  for (const SegmentRow& r : rows)
    t.rows.push_back({Cell::of(r.segment), Cell::of(r.customers), Cell::of(r.contacts),
                      Cell::of(r.contacts_per_customer()), Cell::of(r.episodes), Cell::of(r.cohort),
                      Cell::of(r.resolved), Cell::of(r.fcr_rate())});
  return t;
}

}  // namespace parcours
