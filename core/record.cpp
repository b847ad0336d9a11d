#include "core/record.h"

#include <array>
#include <bit>
#include <cstring>

#include <fmt/format.h>

namespace parcours {

namespace {

constexpr std::array<std::string_view, kChannelCount> kChannelNames = {
    "phone", "ivr", "chat", "email", "mail", "fax", "counter", "web", "social", "cobrowse"};

struct Alias {
  std::string_view name;
  Channel channel;
};
// French names accepted on input (SPEC §2); output always uses the English enum.
constexpr Alias kAliases[] = {
    {"telephone", Channel::phone},   {"t\xc3\xa9l\xc3\xa9phone", Channel::phone},
    {"rvi", Channel::ivr},           {"clavardage", Channel::chat},
    {"courriel", Channel::email},    {"courrier", Channel::mail},
    {"poste", Channel::mail},        {"telecopie", Channel::fax},
    {"t\xc3\xa9l\xc3\xa9\x63opie", Channel::fax}, {"comptoir", Channel::counter},
    {"internet", Channel::web},      {"medias-sociaux", Channel::social},
    {"navigation-assistee", Channel::cobrowse},
};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Upper-case É (C3 89) folds to é (C3 A9) so `TÉLÉPHONE` is accepted too.
bool iequals_fr(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (static_cast<unsigned char>(x) == 0x89 && i > 0 && static_cast<unsigned char>(a[i - 1]) == 0xC3)
      x = static_cast<char>(0xA9);
    if (x != lower[i]) return false;
  }
  return true;
}

constexpr std::array<std::string_view, 6> kOutcomeNames = {
    "", "resolved", "unresolved", "abandoned", "transferred", "unknown"};

// Known fields, as bits, to catch duplicate keys.
enum Field : uint32_t {
  kUnknown = 0,
  kId = 1 << 0, kChannel = 1 << 1, kStart = 1 << 2, kAnswered = 1 << 3, kEnd = 1 << 4,
  kService = 1 << 5, kCustomer = 1 << 6, kIds = 1 << 7, kDirection = 1 << 8, kOutcome = 1 << 9,
  kConversation = 1 << 10, kAgent = 1 << 11, kQueue = 1 << 12, kReason = 1 << 13, kSrc = 1 << 14,
};

// Their names, bit by bit.
constexpr std::string_view kFieldNames[] = {"id",      "channel",      "start", "answered", "end",
                                            "service", "customer",     "ids",   "direction", "outcome",
                                            "conversation", "agent",   "queue", "reason",   "src"};

// The field a key names, or kUnknown.
Field field_of(std::string_view key) {
  for (size_t i = 0; i < std::size(kFieldNames); ++i)
    if (key == kFieldNames[i]) return static_cast<Field>(1u << i);
  return kUnknown;
}

// Whether the key whose text begins at `raw` (past its opening quote, in a
// padded buffer) is `name`, as written.
template <size_t N>
bool raw_is(const char* raw, const char (&name)[N]) {
  return std::memcmp(raw, name, N - 1) == 0 && raw[N - 1] == '"';
}

// The field a key names, from its text as written, or kUnknown (a key
// with an escape is unknown here, whatever it names once unescaped): by its
// first byte, then against the few names that begin so, compared in place
// as integers, where unescaping every key (copying it out) and comparing
// it with up to 15 names took a tenth of the time of parsing a record.
Field field_at(const char* raw) {
  switch (raw[0]) {
    case 'i': return raw_is(raw, "id") ? kId : raw_is(raw, "ids") ? kIds : kUnknown;
    case 'c':
      return raw_is(raw, "channel")        ? kChannel
             : raw_is(raw, "customer")     ? kCustomer
             : raw_is(raw, "conversation") ? kConversation
                                           : kUnknown;
    case 's':
      return raw_is(raw, "start") ? kStart : raw_is(raw, "service") ? kService : raw_is(raw, "src") ? kSrc : kUnknown;
    case 'a': return raw_is(raw, "answered") ? kAnswered : raw_is(raw, "agent") ? kAgent : kUnknown;
    case 'e': return raw_is(raw, "end") ? kEnd : kUnknown;
    case 'd': return raw_is(raw, "direction") ? kDirection : kUnknown;
    case 'o': return raw_is(raw, "outcome") ? kOutcome : kUnknown;
    case 'q': return raw_is(raw, "queue") ? kQueue : kUnknown;
    case 'r': return raw_is(raw, "reason") ? kReason : kUnknown;
    default: return kUnknown;
  }
}

std::string_view name_of(Field bit) {
  return bit == kUnknown ? std::string_view() : kFieldNames[std::countr_zero(static_cast<uint32_t>(bit))];
}

std::string_view type_name(simdjson::ondemand::json_type t) {
  using simdjson::ondemand::json_type;
  switch (t) {
    case json_type::array: return "an array";
    case json_type::object: return "an object";
    case json_type::number: return "a number";
    case json_type::string: return "a string";
    case json_type::boolean: return "a boolean";
    case json_type::null: return "null";
  }
  return "a value";
}

}  // namespace

std::string_view channel_name(Channel c) { return kChannelNames[static_cast<size_t>(c)]; }

bool parse_channel(std::string_view s, Channel* out) {
  for (size_t i = 0; i < kChannelNames.size(); ++i) {
    if (iequals(s, kChannelNames[i])) {
      *out = static_cast<Channel>(i);
      return true;
    }
  }
  for (const Alias& a : kAliases) {
    if (iequals_fr(s, a.name)) {
      *out = a.channel;
      return true;
    }
  }
  return false;
}

std::string_view direction_name(Direction d) { return d == Direction::in ? "in" : "out"; }

std::string_view outcome_name(Outcome o) { return kOutcomeNames[static_cast<size_t>(o)]; }

bool parse_outcome(std::string_view s, Outcome* out) {
  for (size_t i = 1; i < kOutcomeNames.size(); ++i) {
    if (s == kOutcomeNames[i]) {
      *out = static_cast<Outcome>(i);
      return true;
    }
  }
  return false;
}

bool RecordParser::parse(std::string_view line, RawContact* out, std::vector<FieldError>* errors) {
  out->clear();
  simdjson::ondemand::document doc;
  simdjson::ondemand::object obj;
  auto e = parser_
               .iterate(simdjson::padded_string_view(line.data(), line.size(),
                                                     line.size() + simdjson::SIMDJSON_PADDING))
               .get(doc);
  if (!e) e = doc.get_object().get(obj);
  if (e) {
    errors->push_back({"-", e == simdjson::INCORRECT_TYPE
                                ? "not a JSON object; each line must hold one contact as {...}"
                                : fmt::format("not valid JSON ({})", simdjson::error_message(e))});
    return false;
  }
  const size_t before = errors->size();
  const bool ok = parse_object(obj, out, errors);
  if (ok || errors->size() == before) {
    // The fields were read; now the line must end where the object does.
    const char* trailing = nullptr;
    if (doc.current_location().get(trailing) == simdjson::SUCCESS) {
      errors->push_back({"-", "text after the end of the JSON object; put one contact per line"});
      return false;
    }
  }
  return ok && errors->size() == before;
}

bool RecordParser::parse_object(simdjson::ondemand::object obj, RawContact* out,
                                std::vector<FieldError>* errors) {
  using simdjson::ondemand::json_type;
  const bool all = mode_ == Mode::kAllErrors;
  const size_t before = errors->size();
  auto fail = [&](std::string_view field, std::string message) {
    errors->push_back({std::string(field), std::move(message)});
    return all;  // keep going only when every problem is wanted
  };
  uint32_t seen = 0;
  for (auto result : obj) {
    simdjson::ondemand::field member;
    auto e = std::move(result).get(member);
    // Known keys are read where they lie; others (unknown, or written with
    // an escape) unescaped.
    Field bit = e ? kUnknown : field_at(member.key().raw());
    std::string_view key = name_of(bit);
    if (!e && bit == kUnknown && !(e = member.unescaped_key().get(key))) bit = field_of(key);
    if (e) {
      fail("-", fmt::format("not valid JSON ({})", simdjson::error_message(e)));
      return false;
    }
    auto value = member.value();
    json_type type;
    if (auto e = value.type().get(type); e) {
      fail(key, fmt::format("not valid JSON ({})", simdjson::error_message(e)));
      return false;
    }
    if (bit == kUnknown) {
      if (all && !fail(key, "unknown field; see parcours-contact(5) for the field names")) return false;
      continue;  // computing tools ignore fields they do not know
    }
    if (seen & bit) {
      if (!fail(key, "appears twice in the record; keep one")) return false;
      continue;
    }
    seen |= bit;
    if (type == json_type::null) {  // null is absent, which a required field cannot be
      if ((bit & (kId | kChannel | kStart)) && !fail(key, "is required and must not be null")) return false;
      continue;
    }
    if (bit == kIds) {
      simdjson::ondemand::object ids;
      if (type != json_type::object || value.get_object().get(ids)) {
        if (!fail(key, fmt::format("must be an object of kind to string, not {}", type_name(type)))) return false;
        continue;
      }
      for (auto id : ids) {
        std::string_view kind, v;
        json_type vt;
        if (id.unescaped_key().get(kind) || id.value().type().get(vt)) {
          fail("ids", "not valid JSON");
          return false;
        }
        if (vt == json_type::null) continue;
        if (vt != json_type::string || id.value().get_string().get(v)) {
          if (!fail(fmt::format("ids.{}", kind), fmt::format("must be a string, not {}", type_name(vt)))) return false;
          continue;
        }
        if (kind.empty()) {
          if (!fail("ids", "an identifier kind must not be empty")) return false;
          continue;
        }
        out->ids.emplace_back(kind, v);
      }
      continue;
    }
    if (bit == kSrc) {
      simdjson::ondemand::object src;
      if (type != json_type::object || value.get_object().get(src)) {
        if (!fail(key, fmt::format("must be an object {{file, line}}, not {}", type_name(type)))) return false;
        continue;
      }
      for (auto m : src) {
        std::string_view k;
        if (m.unescaped_key().get(k)) {
          fail("src", "not valid JSON");
          return false;
        }
        if (k == "file") {
          std::string_view s;
          if (m.value().get_string().get(s) && !fail("src.file", "must be a string")) return false;
        } else if (k == "line") {
          int64_t n;
          if ((m.value().get_int64().get(n) || n < 1) &&
              !fail("src.line", "must be a whole number from 1")) return false;
        } else if (all && !fail(fmt::format("src.{}", k), "unknown field; src holds file and line")) {
          return false;
        }
      }
      continue;
    }
    std::string_view s;
    if (type != json_type::string || value.get_string().get(s)) {
      if (!fail(key, fmt::format("must be a string, not {}", type_name(type)))) return false;
      continue;
    }
    switch (bit) {
      case kId:
        if (s.empty() && !fail(key, "must not be empty")) return false;
        out->id = s;
        break;
      case kChannel:
        if (!parse_channel(s, &out->channel) &&
            !fail(key, fmt::format("unknown channel '{}'; use one of phone ivr chat email mail fax counter "
                                   "web social cobrowse (or a French name)", s))) return false;
        break;
      case kStart:
      case kAnswered:
      case kEnd: {
        std::string err;
        Micros* dst = bit == kStart ? &out->start : bit == kAnswered ? &out->answered : &out->end;
        if (!parse_time(s, dst, &err)) {
          *dst = kNoTime;
          if (!fail(key, fmt::format("'{}': {}", s, err))) return false;
        }
        break;
      }
      case kDirection:
        if (s == "in") out->direction = Direction::in;
        else if (s == "out") out->direction = Direction::out;
        else if (!fail(key, fmt::format("'{}' is not a direction; use in or out", s))) return false;
        break;
      case kOutcome:
        if (!parse_outcome(s, &out->outcome) &&
            !fail(key, fmt::format("'{}' is not an outcome; use resolved, unresolved, abandoned, "
                                   "transferred or unknown", s))) return false;
        break;
      case kService: out->service = s; out->has_service = true; break;
      case kCustomer: out->customer = s; out->has_customer = true; break;
      case kConversation: out->conversation = s; out->has_conversation = true; break;
      case kAgent: out->agent = s; break;
      case kQueue: out->queue = s; break;
      case kReason: out->reason = s; break;
      default: break;
    }
  }
  if (!(seen & kId)) fail("id", "is missing; every contact needs its source system's id");
  if (!(seen & kChannel)) fail("channel", "is missing");
  if (!(seen & kStart)) fail("start", "is missing");
  if (errors->size() == before) {
    if (out->answered != kNoTime && out->answered < out->start)
      fail("answered", "is before start; check the source's clock or time zone");
    if (out->end != kNoTime && out->end < out->start)
      fail("end", "is before start; check the source's clock or time zone");
  }
  return errors->size() == before;
}

}  // namespace parcours
