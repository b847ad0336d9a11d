#include "core/dataset.h"

#include <algorithm>
#include <array>

namespace parcours {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int kind_rank(std::string_view kind) {
  static constexpr std::array<std::string_view, 4> kOrder = {"client", "email", "phone", "chat"};
  for (size_t i = 0; i < kOrder.size(); ++i)
    if (kind == kOrder[i]) return static_cast<int>(i);
  return static_cast<int>(kOrder.size());
}

}  // namespace

bool customer_key(const RawContact& r, std::string* key) {
  if (r.has_customer) {
    const std::string_view c = trim(r.customer);
    if (!c.empty()) {
      key->assign(c);
      return true;
    }
  }
  const std::pair<std::string_view, std::string_view>* best = nullptr;
  for (const auto& kv : r.ids) {
    if (trim(kv.second).empty()) continue;
    if (best == nullptr) {
      best = &kv;
      continue;
    }
    const int a = kind_rank(kv.first), b = kind_rank(best->first);
    if (a < b || (a == b && a == 4 && kv.first < best->first)) best = &kv;
  }
  if (best == nullptr) return false;
  const std::string_view v = trim(best->second);
  key->assign(best->first);
  key->push_back(':');
  const size_t at = key->size();
  key->append(v);
  if (best->first == "email")
    for (size_t i = at; i < key->size(); ++i)
      if ((*key)[i] >= 'A' && (*key)[i] <= 'Z') (*key)[i] = static_cast<char>((*key)[i] - 'A' + 'a');
  return true;
}

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
  c.customer = customer_key(r, &scratch_) ? customers.intern(scratch_) : kNone;
  c.conversation = r.has_conversation && !r.conversation.empty() ? conversations.intern(r.conversation) : kNone;
  c.channel = r.channel;
  c.direction = r.direction;
  c.outcome = r.outcome;
  c.merged_away = false;
  if (added) {
    slot_of_id_.push_back(static_cast<uint32_t>(contacts.size()));
    contacts.push_back(c);
  } else {
    ++duplicates;
    contacts[slot_of_id_[id]] = c;
  }
}

bool Dataset::before(const Contact& a, const Contact& b) const {
  if (a.start != b.start) return a.start < b.start;
  const std::string_view x = id(a), y = id(b);
  if (x != y) return x < y;
  return a.channel < b.channel;
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
  for (size_t i = 0; i < legs.size();) {
    Contact& first = contacts[legs[i]];
    size_t j = i + 1;
    while (j < legs.size() && contacts[legs[j]].conversation == first.conversation &&
           contacts[legs[j]].channel == first.channel) {
      Contact& leg = contacts[legs[j]];
      // Earliest start is the first leg's; latest end; last leg's outcome;
      // the first known customer; everything else from the first leg.
      if (leg.end != kNoTime && (first.end == kNoTime || leg.end > first.end)) first.end = leg.end;
      first.outcome = leg.outcome;
      if (first.customer == kNone) first.customer = leg.customer;
      leg.merged_away = true;
      ++legs_merged;
      ++j;
    }
    i = j;
  }
  if (legs_merged > 0)
    std::erase_if(contacts, [](const Contact& c) { return c.merged_away; });
}

}  // namespace parcours
