#include "core/dataset.h"

#include <algorithm>
#include <array>

namespace parcours {

Dataset::Dataset() { services.intern("unknown"); }

void Dataset::add(const RawContact& r) {
  ++accepted;
  scratch_.clear();
  scratch_.push_back(static_cast<char>(r.channel));
  scratch_.append(r.id);
  bool added = false;
  const uint32_t id = ids.intern(scratch_, &added);
  Contact c;
  c.start = r.start;
  c.answered = r.answered;
  c.end = r.end;
  c.id = id;
  c.service = r.has_service ? services.intern(r.service) : 0;
  c.customer = kNone;  // known once every record is in: finish() links
  const uint32_t rec = linker.add(r);
  c.conversation = r.has_conversation && !r.conversation.empty() ? conversations.intern(r.conversation) : kNone;
  c.channel = r.channel;
  c.direction = r.direction;
  c.outcome = r.outcome;
  c.merged_away = false;
  if (added) {
    slot_of_id_.push_back(static_cast<uint32_t>(contacts.size()));
    record_of_.push_back(rec);
    contacts.push_back(c);
  } else {
    ++duplicates;
    contacts[slot_of_id_[id]] = c;
    record_of_[slot_of_id_[id]] = rec;  // the replaced record's identifiers no longer count
  }
}

bool Dataset::before(const Contact& a, const Contact& b) const {
  if (a.start != b.start) return a.start < b.start;
  const std::string_view x = id(a), y = id(b);
  if (x != y) return x < y;
  return a.channel < b.channel;
}

uint32_t Dataset::customer_of_node(uint32_t node) {
  if (node == kNone) return kNone;
  uint32_t& c = customer_of_label_[node];
  if (c == kNone) c = customers.intern(linker.key_text(node));
  return c;
}

void Dataset::finish() {
  slot_of_id_ = {};
  for (const Contact& c : contacts) latest_start = std::max(latest_start, c.start);

  // Legs: the records of one conversation and channel, in (start, id) order.
  std::vector<uint32_t> legs;
  for (uint32_t i = 0; i < contacts.size(); ++i)
    if (contacts[i].conversation != kNone) legs.push_back(i);
  std::sort(legs.begin(), legs.end(), [&](uint32_t a, uint32_t b) {
    const Contact &x = contacts[a], &y = contacts[b];
    if (x.conversation != y.conversation) return x.conversation < y.conversation;
    if (x.channel != y.channel) return x.channel < y.channel;
    return before(x, y);
  });
  auto group_end = [&](size_t i) {
    size_t j = i + 1;
    while (j < legs.size() && contacts[legs[j]].conversation == contacts[legs[i]].conversation &&
           contacts[legs[j]].channel == contacts[legs[i]].channel)
      ++j;
    return j;
  };

  // Linking sees each contact as one: the records that count, legs together.
  {
    std::vector<uint32_t> list;
    list.reserve(contacts.size());
    for (uint32_t i = 0; i < contacts.size(); ++i)
      if (contacts[i].conversation == kNone) list.push_back(record_of_[i]);
    for (size_t i = 0; i < legs.size();) {
      const size_t j = group_end(i);
      for (size_t k = i; k < j; ++k) list.push_back(record_of_[legs[k]] | (k > i ? Linker::kSameContact : 0));
      i = j;
    }
    linker.resolve(list);
  }
  customer_of_label_.assign(linker.node_count(), kNone);
  for (uint32_t i = 0; i < contacts.size(); ++i)
    contacts[i].customer = customer_of_node(linker.customer_node(record_of_[i]));
  if (keep_record_customers) {
    record_customers.resize(linker.records());
    for (uint32_t r = 0; r < linker.records(); ++r) record_customers[r] = customer_of_node(linker.customer_node(r));
  }

  for (size_t i = 0; i < legs.size();) {
    Contact& first = contacts[legs[i]];
    const size_t j = group_end(i);
    for (size_t k = i + 1; k < j; ++k) {
      Contact& leg = contacts[legs[k]];
      // Earliest start is the first leg's; latest end; last leg's outcome;
      // the first known customer; everything else from the first leg.
      if (leg.end != kNoTime && (first.end == kNoTime || leg.end > first.end)) first.end = leg.end;
      first.outcome = leg.outcome;
      if (first.customer == kNone) first.customer = leg.customer;
      leg.merged_away = true;
      ++legs_merged;
    }
    if (keep_record_customers)
      for (size_t k = i; k < j; ++k)
        if (record_customers[record_of_[legs[k]]] == kNone) record_customers[record_of_[legs[k]]] = first.customer;
    i = j;
  }
  if (legs_merged > 0)
    std::erase_if(contacts, [](const Contact& c) { return c.merged_away; });
  record_of_ = {};
  customer_of_label_ = {};
  linker.release_records();
}

}  // namespace parcours
