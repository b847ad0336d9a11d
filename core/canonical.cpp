#include "core/canonical.h"

#include "core/table.h"

namespace parcours {

std::string_view OutRecord::field(std::string_view name) const {
  if (name == "id") return id;
  if (name == "channel") return channel_name(channel);
  if (name == "service") return service;
  if (name == "customer") return customer;
  if (name == "direction") return direction_name(direction);
  if (name == "outcome") return outcome_name(outcome);
  if (name == "conversation") return conversation;
  if (name == "agent") return agent;
  if (name == "queue") return queue;
  if (name == "reason") return reason;
  for (const auto& [k, v] : ids)
    if (name.size() == k.size() + 4 && name.substr(0, 4) == "ids." && name.substr(4) == k) return v;
  for (const auto& [k, v] : attrs)
    if (k == name) return v;
  return {};
}

namespace {

void field_string(std::string& out, std::string_view key, std::string_view value) {
  out += ",\"";
  out += key;
  out += "\":";
  append_json_string(out, value);
}

void field_time(std::string& out, std::string_view key, Micros t) {
  out += ",\"";
  out += key;
  out += "\":\"";
  append_time(out, t);
  out += '"';
}

}  // namespace

void append_ndjson(std::string& out, const OutRecord& r) {
  out += "{\"id\":";
  append_json_string(out, r.id);
  out += ",\"channel\":\"";
  out += channel_name(r.channel);
  out += '"';
  field_time(out, "start", r.start);
  if (r.answered != kNoTime) field_time(out, "answered", r.answered);
  if (r.end != kNoTime) field_time(out, "end", r.end);
  if (!r.service.empty()) field_string(out, "service", r.service);
  if (!r.customer.empty()) field_string(out, "customer", r.customer);
  bool any = false;
  for (const auto& [kind, value] : r.ids) {
    if (value.empty()) continue;
    out += any ? "," : ",\"ids\":{";
    any = true;
    append_json_string(out, kind);
    out += ':';
    append_json_string(out, value);
  }
  if (any) out += '}';
  if (r.direction == Direction::out) out += ",\"direction\":\"out\"";
  if (r.outcome != Outcome::none) {
    out += ",\"outcome\":\"";
    out += outcome_name(r.outcome);
    out += '"';
  }
  if (!r.conversation.empty()) field_string(out, "conversation", r.conversation);
  if (!r.agent.empty()) field_string(out, "agent", r.agent);
  if (!r.queue.empty()) field_string(out, "queue", r.queue);
  if (!r.reason.empty()) field_string(out, "reason", r.reason);
  if (r.src_line > 0) {
    out += ",\"src\":{\"file\":";
    append_json_string(out, r.src_file);
    out += ",\"line\":";
    out += std::to_string(r.src_line);
    out += '}';
  }
  out += "}\n";
}

namespace {

// Windows-1252 code points for 0x80..0x9F; the rest of 0xA0..0xFF is Latin-1.
constexpr char16_t kCp1252[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

void append_code_point(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Length of the valid UTF-8 sequence at s[i], or 0.
size_t utf8_len(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  size_t n;
  char32_t cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07;
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return n;
}

}  // namespace

std::string to_utf8(std::string_view s, bool* repaired) {
  std::string out;
  out.reserve(s.size());
  bool changed = false;
  for (size_t i = 0; i < s.size();) {
    const size_t n = utf8_len(s, i);
    if (n > 0) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    append_code_point(out, c >= 0xA0 ? char32_t{c} : char32_t{kCp1252[c - 0x80]});
    changed = true;
    ++i;
  }
  if (repaired != nullptr) *repaired = changed;
  return out;
}

}  // namespace parcours
